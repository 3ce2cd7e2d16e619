package dev.distillery.shared.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the LaTeX math in a text is, delimiters included: {@code $$…$$}, {@code \[…\]} and math environments such as
 * {@code \begin{align*}…\end{align*}} (display), {@code \(…\)} and {@code $…$} (inline). A single {@code $} opens
 * only before a non-space and closes only after a non-space and not before a digit (Pandoc's rule), so "costs $5 and
 * $10" holds no math. Math never spans a blank line; an escaped
 * {@code \$} is a dollar; code (fenced blocks and backtick spans) is skipped.
 */
final class MathSpans {

    /** One stretch of math: {@code [start, end)} in the text, delimiters included. */
    record Math(int start, int end, boolean display) {}

    /** LaTeX environments that are math by themselves, outside any delimiters (MATH's solutions use them so). */
    private static final Set<String> ENVIRONMENTS =
            Set.of("equation", "align", "alignat", "gather", "multline", "flalign", "eqnarray");

    private MathSpans() {}

    static List<Math> find(String text) {
        List<Math> found = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (atLineStart(text, i) && fence(text, i) != null) {
                i = afterFence(text, i);
                continue;
            }
            if (c == '`') {
                int run = run(text, i, '`');
                int close = closingBackticks(text, i + run, run);
                i = close < 0 ? i + run : close + run;
                continue;
            }
            String environment = c == '\\' ? environment(text, i) : null;
            if (environment != null) {
                int end = closing(text, i, "\\end{" + environment + "}");
                if (end >= 0) {
                    found.add(new Math(i, end + environment.length() + 6, true));
                    i = end + environment.length() + 6;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < n) {
                char next = text.charAt(i + 1);
                if (next == '(' || next == '[') {
                    String closer = next == '(' ? "\\)" : "\\]";
                    int end = closing(text, i + 2, closer);
                    if (end >= 0) {
                        found.add(new Math(i, end + 2, next == '['));
                        i = end + 2;
                        continue;
                    }
                }
                i += 2; // an escaped character, \$ among them, is text
                continue;
            }
            if (c == '$') {
                if (i + 1 < n && text.charAt(i + 1) == '$') {
                    int end = closing(text, i + 2, "$$");
                    if (end > i + 2) {
                        found.add(new Math(i, end + 2, true));
                        i = end + 2;
                    } else {
                        i += 2;
                    }
                    continue;
                }
                int end = i + 1 < n && !Character.isWhitespace(text.charAt(i + 1)) ? inlineClose(text, i + 1) : -1;
                if (end >= 0) {
                    found.add(new Math(i, end + 1, false));
                    i = end + 1;
                    continue;
                }
            }
            i++;
        }
        return found;
    }

    /** The name of the math environment ({@code align*}, {@code equation}, …) begun at {@code i}, or null. */
    private static @Nullable String environment(String text, int i) {
        if (!text.startsWith("\\begin{", i)) {
            return null;
        }
        int close = text.indexOf('}', i + 7);
        if (close < 0) {
            return null;
        }
        String name = text.substring(i + 7, close);
        return ENVIRONMENTS.contains(name.endsWith("*") ? name.substring(0, name.length() - 1) : name) ? name : null;
    }

    /** The next unescaped {@code closer} before a blank line, or -1. */
    private static int closing(String text, int from, String closer) {
        for (int j = from; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '\\' && !closer.startsWith("\\")) {
                j++;
                continue;
            }
            if (blankLineAt(text, j)) {
                return -1;
            }
            if (text.startsWith(closer, j)) {
                return j;
            }
            if (c == '\\') {
                j++; // \\ or \$ inside \( … \) is TeX's, not the closer
            }
        }
        return -1;
    }

    /** The {@code $} closing inline math opened just before {@code from}, or -1. */
    private static int inlineClose(String text, int from) {
        for (int j = from; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '\\') {
                j++;
                continue;
            }
            if (blankLineAt(text, j)) {
                return -1;
            }
            if (c == '$'
                    && !Character.isWhitespace(text.charAt(j - 1))
                    && (j + 1 >= text.length() || !Character.isDigit(text.charAt(j + 1)))) {
                return j;
            }
        }
        return -1;
    }

    private static boolean blankLineAt(String text, int j) {
        if (text.charAt(j) != '\n') {
            return false;
        }
        for (int k = j + 1; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return false;
    }

    private static boolean atLineStart(String text, int i) {
        return i == 0 || text.charAt(i - 1) == '\n';
    }

    /** The fence (``` or ~~~, at least three, after up to three spaces) opening a code block at {@code i}, or null. */
    private static @Nullable String fence(String text, int i) {
        int j = i;
        while (j < text.length() && j - i < 3 && text.charAt(j) == ' ') {
            j++;
        }
        if (j >= text.length() || (text.charAt(j) != '`' && text.charAt(j) != '~')) {
            return null;
        }
        int run = run(text, j, text.charAt(j));
        return run >= 3 ? String.valueOf(text.charAt(j)).repeat(run) : null;
    }

    /** Past the fenced code block starting at {@code i}: after its closing fence line, or at the end of the text. */
    private static int afterFence(String text, int i) {
        String fence = Objects.requireNonNull(fence(text, i));
        int line = text.indexOf('\n', i);
        while (line >= 0) {
            int start = line + 1;
            String closing = start < text.length() ? fence(text, start) : null;
            int next = text.indexOf('\n', start);
            if (closing != null && closing.charAt(0) == fence.charAt(0) && closing.length() >= fence.length()) {
                return next < 0 ? text.length() : next;
            }
            line = next;
        }
        return text.length();
    }

    private static int run(String text, int i, char c) {
        int j = i;
        while (j < text.length() && text.charAt(j) == c) {
            j++;
        }
        return j - i;
    }

    private static int closingBackticks(String text, int from, int length) {
        int j = from;
        while (j < text.length()) {
            if (text.charAt(j) == '`') {
                int run = run(text, j, '`');
                if (run == length) {
                    return j;
                }
                j += run;
            } else {
                j++;
            }
        }
        return -1;
    }
}
