package dev.distillery.grading.rules;

import org.jspecify.annotations.Nullable;

/**
 * What an extraction rule read from a model output.
 *
 * @param rule the rule that produced {@code answer}, or the last rule tried when nothing was found
 * @param answer the answer as read (before the comparison's normalisation), or null when none was found
 * @param start where {@code answer} begins in the output (a char index), or -1 when none was found
 * @param end where it ends (exclusive), or -1
 */
public record Extraction(String rule, @Nullable String answer, int start, int end) {

    static Extraction none(String rule) {
        return new Extraction(rule, null, -1, -1);
    }

    /** The answer read from {@code output[start, end)}, stripped; none when that is blank. */
    static Extraction of(String rule, String output, int start, int end) {
        while (start < end && Character.isWhitespace(output.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(output.charAt(end - 1))) {
            end--;
        }
        return start >= end ? none(rule) : new Extraction(rule, output.substring(start, end), start, end);
    }

    /**
     * {@code text[from, to)} without the characters of {@code strippable} at either end, as {from, to}; from equals
     * to when nothing is left.
     */
    static int[] strip(String text, int from, int to, String strippable) {
        while (from < to && strippable.indexOf(text.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && strippable.indexOf(text.charAt(to - 1)) >= 0) {
            to--;
        }
        return new int[] {from, to};
    }

    boolean found() {
        return answer != null;
    }
}
