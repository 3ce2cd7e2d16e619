package dev.distillery.grading.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds the math spans of a text: {@code $$…$$} and {@code \[…\]} (display, may span lines), {@code $…$} and
 * {@code \(…\)} (inline, one line), and the display environments {@code equation}, {@code align}, {@code gather}
 * and their starred forms. An escaped dollar ({@code \$}) is a currency sign, not a delimiter.
 */
final class MathSpans {

    private static final Pattern ENVIRONMENT = Pattern.compile(
            "\\\\begin\\{(equation|align|aligned|gather|gathered|eqnarray|multline|displaymath)(\\*?)}");

    /**
     * A math span.
     *
     * @param start where its opening delimiter starts
     * @param from where its content starts
     * @param to where its content ends
     * @param end where its closing delimiter ends
     */
    record Span(int start, int from, int to, int end) {}

    private MathSpans() {}

    /** The spans that start in {@code text[from, to)}, in order; an unclosed delimiter opens no span. */
    static List<Span> find(String text, int from, int to) {
        List<Span> spans = new ArrayList<>();
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            Span span = null;
            if (c == '$' && (i == 0 || text.charAt(i - 1) != '\\')) {
                span = text.startsWith("$$", i) ? closed(text, i, 2, "$$", false) : closed(text, i, 1, "$", true);
            } else if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == '(') {
                    span = closed(text, i, 2, "\\)", true);
                } else if (next == '[' && (i == 0 || text.charAt(i - 1) != '\\')) {
                    span = closed(text, i, 2, "\\]", false);
                } else if (next == 'b' && text.startsWith("\\begin{", i)) {
                    Matcher env = ENVIRONMENT.matcher(text).region(i, text.length());
                    if (env.lookingAt()) {
                        String close = "\\end{" + env.group(1) + env.group(2) + "}";
                        span = closed(text, i, env.end() - i, close, false);
                    }
                } else if (next == '$') {
                    i += 2;
                    continue;
                }
            }
            if (span == null) {
                i++;
                continue;
            }
            spans.add(span);
            i = span.end();
        }
        return spans;
    }

    /** The span opened at {@code at} by a delimiter of {@code openLength} and closed by {@code close}, or null. */
    private static @Nullable Span closed(String text, int at, int openLength, String close, boolean inline) {
        int from = at + openLength;
        int search = from;
        while (true) {
            int closeAt = text.indexOf(close, search);
            if (closeAt < 0) {
                return null;
            }
            if (close.equals("$") && text.charAt(closeAt - 1) == '\\') {
                search = closeAt + 1;
                continue;
            }
            if (inline && text.substring(from, closeAt).contains("\n")) {
                return null;
            }
            if (closeAt == from) {
                return null;
            }
            return new Span(at, from, closeAt, closeAt + close.length());
        }
    }
}
