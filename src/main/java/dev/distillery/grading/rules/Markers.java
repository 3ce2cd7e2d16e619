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
    static final Pattern PLAIN =
            Pattern.compile("####|-->|\\bthe\\s+(?:final\\s+)?answer\\s+is\\b", Pattern.CASE_INSENSITIVE);
    /**
     * Math answers also take the labels models write in Markdown: "Final Answer:", "**Final Answer:**",
     * "**Answer**:", "Answer:" at the start of a line (not "we may check our answer: …"), and a "## Final Answer"
     * heading.
     */
    static final Pattern MATH = Pattern.compile(
            "####|-->|\\bthe\\s+(?:final\\s+)?answer\\s+is\\b|\\bfinal\\s+answer\\s+is\\b"
                    + "|\\bfinal\\s+answer\\s*(?:\\*\\*|__)?\\s*:|(?:\\*\\*|__)\\s*answer\\s*(?:\\*\\*|__)?\\s*:"
                    + "|(?m:^[ \\t>*-]*answer\\s*(?:\\*\\*|__)?\\s*:)"
                    + "|(?m:^[ \\t]*#{1,6}[ \\t]*(?:\\*\\*)?[ \\t]*(?:final[ \\t]+)?answer\\b(?:\\*\\*)?)",
            Pattern.CASE_INSENSITIVE);
    /** Fine-tune-CoT completions end with END; whatever a student writes after it is not its answer. */
    private static final Pattern END = Pattern.compile("\\bEND\\b");

    private static final String LEADING = " \t\r\n:*_";

    private Markers() {}

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
        if (markers == PLAIN) {
            int[] last = lastPlain(output);
            if (last != null) {
                textStart = last[0];
                textEnd = last[1];
            }
        } else {
            Matcher m = markers.matcher(output);
            while (m.find()) {
                textStart = m.start();
                textEnd = m.end();
            }
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

    /**
     * The last of {@link #PLAIN}'s markers as {start, end}, or null: the same as the last {@code find()} of the
     * pattern, but searched from the end for its literal parts, since grading numbers is on the hot path of every
     * run and a regular expression tried at every character of a long output was most of its cost.
     */
    static int @Nullable [] lastPlain(String s) {
        int hashes = s.lastIndexOf("####");
        int arrow = s.lastIndexOf("-->");
        int[] best = hashes > arrow ? new int[] {hashes, hashes + 4} : arrow >= 0 ? new int[] {arrow, arrow + 3} : null;
        int floor = best == null ? 0 : best[0] + 1;
        for (int at = lastIndexOfIgnoreCase(s, "answer", s.length() - 6);
                at >= floor;
                at = lastIndexOfIgnoreCase(s, "answer", at - 1)) {
            int[] marker = theAnswerIs(s, at);
            if (marker != null) {
                return best == null || marker[0] > best[0] ? marker : best;
            }
        }
        return best;
    }

    /** "the (final) answer is" around the "answer" at {@code at}, with word boundaries, as {start, end}; or null. */
    private static int @Nullable [] theAnswerIs(String s, int at) {
        int end = at + "answer".length();
        int is = skipSpaces(s, end);
        if (is == end
                || !s.regionMatches(true, is, "is", 0, 2)
                || is + 2 < s.length() && isWordChar(s.charAt(is + 2))) {
            return null;
        }
        int before = skipSpacesBack(s, at);
        if (before == at) {
            return null;
        }
        if (before >= 5
                && s.regionMatches(true, before - 5, "final", 0, 5)
                && (before == 5 || !isWordChar(s.charAt(before - 6)))) {
            int beforeFinal = skipSpacesBack(s, before - 5);
            if (beforeFinal < before - 5 && startsThe(s, beforeFinal)) {
                return new int[] {beforeFinal - 3, is + 2};
            }
        }
        return startsThe(s, before) ? new int[] {before - 3, is + 2} : null;
    }

    /** Whether the word ending at {@code end} is "the". */
    private static boolean startsThe(String s, int end) {
        return end >= 3 && s.regionMatches(true, end - 3, "the", 0, 3) && (end == 3 || !isWordChar(s.charAt(end - 4)));
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index just after the last non-space before {@code i}. */
    private static int skipSpacesBack(String s, int i) {
        while (i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int lastIndexOfIgnoreCase(String s, String word, int from) {
        for (int i = Math.min(from, s.length() - word.length()); i >= 0; i--) {
            char c = s.charAt(i);
            if ((c == 'a' || c == 'A') && s.regionMatches(true, i, word, 0, word.length())) {
                return i;
            }
        }
        return -1;
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
