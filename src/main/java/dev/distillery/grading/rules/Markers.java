package dev.distillery.grading.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The answer markers of METHODS.md §4. The last marker in the output wins, because a reasoning chain may state
 * intermediate "answers" before the final one.
 */
final class Markers {

    /**
     * Number, choice and string answers: {@code ####} (GSM8K), {@code -->} (Fine-tune-CoT students, followed by
     * {@code END}), "The answer is" (few-shot CoT, which also covers Kojima's "Therefore, the answer is") and "The
     * final answer is".
     */
    static final Pattern PLAIN = Pattern.compile("####|-->|\\bthe\\s+(?:final\\s+)?answer\\s+is\\b",
            Pattern.CASE_INSENSITIVE);
    /**
     * Math answers also take the labels models write in Markdown: "Final Answer:", "**Final Answer:**",
     * "**Answer**:", "Answer:" at the start of a line (not "we may check our answer: …"), and a "## Final Answer"
     * heading.
     */
    static final Pattern MATH = Pattern.compile("####|-->|\\bthe\\s+(?:final\\s+)?answer\\s+is\\b|\\bfinal\\s+answer\\s+is\\b"
            + "|\\bfinal\\s+answer\\s*(?:\\*\\*|__)?\\s*:|(?:\\*\\*|__)\\s*answer\\s*(?:\\*\\*|__)?\\s*:"
            + "|(?m:^[ \\t>*-]*answer\\s*(?:\\*\\*|__)?\\s*:)"
            + "|(?m:^[ \\t]*#{1,6}[ \\t]*(?:\\*\\*)?[ \\t]*(?:final[ \\t]+)?answer\\b(?:\\*\\*)?)",
            Pattern.CASE_INSENSITIVE);
    /** Fine-tune-CoT completions end with END; whatever a student writes after it is not its answer. */
    private static final Pattern END = Pattern.compile("\\bEND\\b");
    private static final String LEADING = " \t\r\n:*_";

    private Markers() {
    }

    /**
     * The region after the last marker of {@code output} (for {@code \boxed{}}: its content, when the box comes
     * after every text marker), cut at a following {@code END}, without a leading colon or Markdown emphasis; null
     * when the output has no marker.
     *
     * @param includeBoxed whether {@code \boxed{}} counts as a marker
     */
    static Latex.@Nullable Found afterLastMarker(String output, Pattern markers, boolean includeBoxed) {
        int textStart = -1;
        int textEnd = -1;
        Matcher m = markers.matcher(output);
        while (m.find()) {
            textStart = m.start();
            textEnd = m.end();
        }
        Latex.Found boxed = includeBoxed ? Latex.lastBoxed(output) : null;
        if (boxed != null && boxed.start() > textStart) {
            return boxed;
        }
        if (textStart < 0) {
            return null;
        }
        int from = textEnd;
        int to = output.length();
        Matcher end = END.matcher(output).region(from, to);
        if (end.find()) {
            to = end.start();
        }
        while (from < to && LEADING.indexOf(output.charAt(from)) >= 0) {
            from++;
        }
        return new Latex.Found(textStart, from, to);
    }

    /** The first non-blank line of {@code text[from, to)}, stripped, as a region; empty at {@code to} when none. */
    static Latex.Found firstLine(String text, int from, int to) {
        int i = from;
        while (i < to) {
            int lineEnd = text.indexOf('\n', i);
            if (lineEnd < 0 || lineEnd > to) {
                lineEnd = to;
            }
            int a = i;
            int b = lineEnd;
            while (a < b && Character.isWhitespace(text.charAt(a))) {
                a++;
            }
            while (b > a && Character.isWhitespace(text.charAt(b - 1))) {
                b--;
            }
            if (a < b) {
                return new Latex.Found(i, a, b);
            }
            i = lineEnd + 1;
        }
        return new Latex.Found(to, to, to);
    }
}
