package dev.distillery.methods.grading;

import org.jspecify.annotations.Nullable;

/**
 * Exact text answers (Last Letter Concatenation): the text after the marker (or the whole output), compared after
 * stripping surrounding whitespace, quotes and periods.
 */
public final class StringAnswers {

    public static final String AFTER_MARKER = "after-marker";
    public static final String WHOLE_OUTPUT = "whole-output";

    private static final String STRIPPABLE = " \t\r\n.\"'`“”‘’";

    private StringAnswers() {
    }

    /** Reads the answer with {@code rule}: after-marker, whole-output, or null for the marker if any, else the whole. */
    public static Extraction extract(@Nullable String rule, String output) {
        if (rule == null) {
            Extraction marked = afterMarker(output);
            return marked.answer() != null ? marked : wholeOutput(output);
        }
        return switch (rule) {
            case AFTER_MARKER -> afterMarker(output);
            case WHOLE_OUTPUT -> wholeOutput(output);
            default -> throw new IllegalArgumentException("Unknown string rule '" + rule + "'");
        };
    }

    /** Exact, case-sensitive equality after stripping both sides. */
    public static boolean matches(String extracted, String gold) {
        return strip(extracted).equals(strip(gold));
    }

    private static Extraction afterMarker(String output) {
        String marked = Markers.afterLastMarker(output, true);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        String answer = strip(Markers.firstLine(marked));
        return new Extraction(AFTER_MARKER, answer.isEmpty() ? null : answer);
    }

    private static Extraction wholeOutput(String output) {
        String answer = strip(output);
        return new Extraction(WHOLE_OUTPUT, answer.isEmpty() ? null : answer);
    }

    static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && STRIPPABLE.indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && STRIPPABLE.indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }
}
