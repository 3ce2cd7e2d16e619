package dev.distillery.methods.grading;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Brace matching and top-level splitting of LaTeX text. */
final class Latex {

    private Latex() {
    }

    /**
     * The index of the brace closing the group opened at {@code open} (which must hold '{'), or -1 when the text
     * ends first. Escaped braces ({@code \{}, {@code \}}) are literal characters in LaTeX and do not count.
     */
    static int closingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * The content of the last {@code \boxed{...}} or {@code \fbox{...}} in {@code text} (balanced braces), also
     * the brace-less {@code \boxed 5}; null when there is none or the last one is never closed.
     */
    static @Nullable Found lastBoxed(String text) {
        int at = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
        if (at < 0) {
            return null;
        }
        int i = at + (text.startsWith("\\boxed", at) ? "\\boxed".length() : "\\fbox".length());
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '{') {
            int close = closingBrace(text, i);
            return close < 0 ? null : new Found(at, text.substring(i + 1, close));
        }
        // "\boxed 5": the answer runs to the next space or math delimiter
        int end = i;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '$') {
            end++;
        }
        return end > i ? new Found(at, text.substring(i, end)) : null;
    }

    /** An answer found at {@code start} in the text. */
    record Found(int start, String content) {
    }

    /**
     * Splits at {@code separator} where it is outside every bracket. Brackets are counted without matching their
     * kinds, so half-open intervals such as {@code (1,2]} nest like any other group.
     */
    static List<String> splitTopLevel(String s, String separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            } else if (depth == 0 && s.startsWith(separator, i) && !continuesCommand(s, separator, i)) {
                parts.add(s.substring(from, i));
                from = i + separator.length();
                i = from - 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** True when a command separator such as {@code \pm} is only the start of a longer command ({@code \pmb}). */
    private static boolean continuesCommand(String s, String separator, int at) {
        int end = at + separator.length();
        return separator.length() > 1 && separator.charAt(0) == '\\' && Character.isLetter(separator.charAt(1))
                && end < s.length() && Character.isLetter(s.charAt(end));
    }

    /**
     * True when the bracket opened at index 0 closes at the last character, i.e. the whole text is one group such
     * as {@code (1,2]} rather than {@code (a+5)(b+2)}.
     */
    static boolean isOneGroup(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            } else {
                continue;
            }
            if (depth == 0 && i < s.length() - 1) {
                return false;
            }
        }
        return depth == 0;
    }
}
