package dev.distillery.grading;

import org.jspecify.annotations.Nullable;

/** Box reading for test fixtures, independent of the grader under test. */
final class MathAnswersForTest {

    private MathAnswersForTest() {
    }

    /** The content of the last {@code \boxed{…}} with balanced braces, or null. */
    static @Nullable String lastBoxed(String text) {
        int at = text.lastIndexOf("\\boxed{");
        if (at < 0) {
            return null;
        }
        int close = closingBrace(text, at + "\\boxed".length());
        return close < 0 ? null : text.substring(at + "\\boxed{".length(), close);
    }

    static int closingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
