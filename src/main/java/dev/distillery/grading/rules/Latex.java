package dev.distillery.grading.rules;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Brace matching and top-level splitting of LaTeX text. */
final class Latex {

    private Latex() {}

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
            return close < 0 ? null : new Found(at, i + 1, close);
        }
        // "\boxed 5": the answer runs to the next space or math delimiter
        int end = i;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '$') {
            end++;
        }
        return end > i ? new Found(at, i, end) : null;
    }

    /**
     * An answer found in a text.
     *
     * @param start where the construct holding it starts (e.g. the {@code \boxed})
     * @param from where the answer itself starts
     * @param to where it ends (exclusive)
     */
    record Found(int start, int from, int to) {

        String content(String text) {
            return text.substring(from, to);
        }
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
            int change = depthChange(s, i);
            if (change != 0) {
                depth += change;
                i += escapedBrace(s, i) ? 1 : 0;
            } else if (depth == 0 && s.startsWith(separator, i) && !continuesCommand(s, separator, i)) {
                parts.add(s.substring(from, i));
                from = i + separator.length();
                i = from - 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /**
     * The lines of an aligned display: split at top-level {@code \\} row breaks, but not where a doubled backslash
     * is only a slip before a command ({@code \\le}).
     */
    static List<String> splitLines(String s) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (String part : splitTopLevel(s, "\\\\")) {
            int end = from + part.length();
            if (!lines.isEmpty() && !part.isEmpty() && Character.isLetter(part.charAt(0))) {
                lines.set(lines.size() - 1, lines.getLast() + "\\\\" + part);
            } else {
                lines.add(part);
            }
            from = end + 2;
        }
        return lines;
    }

    static final int EQUALS = 0;
    static final int APPROX = 1;

    /**
     * The top-level equality signs of {@code s[from, to)} as {start, end, kind}, in order: {@code =} and
     * {@code \equiv} ({@link #EQUALS}; a congruence chain states its value like an equation), {@code \approx}
     * ({@link #APPROX}). {@code <=}, {@code >=}, {@code ==} and {@code \not\equiv} are not; {@code !=} is "not
     * equal" after a name ({@code x != 3}) but a factorial before an equals sign after a digit ({@code 6!=720}).
     */
    static List<int[]> relations(String s, int from, int to) {
        List<int[]> found = new ArrayList<>();
        int depth = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\\' && depth == 0 && command(s, i, to, "approx")) {
                found.add(new int[] {i, i + 7, APPROX});
                i += 6;
            } else if (c == '\\'
                    && depth == 0
                    && command(s, i, to, "equiv")
                    && !s.startsWith("\\not", Math.max(from, i - 4))) {
                found.add(new int[] {i, i + 6, EQUALS});
                i += 5;
            } else if (depthChange(s, i) != 0) {
                depth += depthChange(s, i);
                i += escapedBrace(s, i) ? 1 : 0;
            } else if (c == '='
                    && depth == 0
                    && !(i > from && "<>:=".indexOf(s.charAt(i - 1)) >= 0)
                    && !(i + 1 < to && s.charAt(i + 1) == '=')
                    && !notEqual(s, from, i)) {
                found.add(new int[] {i, i + 1, EQUALS});
            }
        }
        return found;
    }

    private static boolean command(String s, int at, int to, String name) {
        int end = at + 1 + name.length();
        return s.startsWith(name, at + 1) && !(end < to && Character.isLetter(s.charAt(end)));
    }

    /** Whether the {@code =} at {@code at} ends a "!=" that means "not equal" rather than a factorial. */
    private static boolean notEqual(String s, int from, int at) {
        if (at <= from || s.charAt(at - 1) != '!') {
            return false;
        }
        int before = at - 2;
        return before < from
                || !(Character.isDigit(s.charAt(before))
                        || s.charAt(before) == ')'
                        || s.charAt(before) == '}'
                        || s.charAt(before) == '!');
    }

    /**
     * Splits at top-level commas that separate values, not at thousands separators inside a number
     * ({@code 15,600}, {@code 8,880}).
     */
    static List<String> splitCommas(String s) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (String part : splitTopLevel(s, ",")) {
            int end = from + part.length();
            boolean thousands = !parts.isEmpty()
                    && part.length() >= 3
                    && part.substring(0, 3).chars().allMatch(Character::isDigit)
                    && (part.length() == 3 || !Character.isDigit(part.charAt(3)))
                    && !parts.getLast().isEmpty()
                    && Character.isDigit(parts.getLast().charAt(parts.getLast().length() - 1));
            if (thousands) {
                parts.set(parts.size() - 1, parts.getLast() + "," + part);
            } else {
                parts.add(part);
            }
            from = end + 1;
        }
        return parts;
    }

    /** The change of bracket depth at {@code s[i]}: +1 for {, ( and [ (also the escaped \\{), -1 for their closers. */
    private static int depthChange(String s, int i) {
        char c = s.charAt(i);
        if (escapedBrace(s, i)) {
            return s.charAt(i + 1) == '{' ? 1 : -1;
        }
        return c == '{' || c == '(' || c == '[' ? 1 : c == '}' || c == ')' || c == ']' ? -1 : 0;
    }

    private static boolean escapedBrace(String s, int i) {
        return s.charAt(i) == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}');
    }

    /** True when a command separator such as {@code \pm} is only the start of a longer command ({@code \pmb}). */
    private static boolean continuesCommand(String s, String separator, int at) {
        int end = at + separator.length();
        return separator.length() > 1
                && separator.charAt(0) == '\\'
                && Character.isLetter(separator.charAt(1))
                && end < s.length()
                && Character.isLetter(s.charAt(end));
    }

    /**
     * True when the bracket opened at index 0 closes at the last character, i.e. the whole text is one group such
     * as {@code (1,2]} rather than {@code (a+5)(b+2)}.
     */
    static boolean isOneGroup(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            int change = depthChange(s, i);
            if (change == 0) {
                continue;
            }
            depth += change;
            i += escapedBrace(s, i) ? 1 : 0;
            if (depth == 0 && i < s.length() - 1) {
                return false;
            }
        }
        return depth == 0;
    }
}
