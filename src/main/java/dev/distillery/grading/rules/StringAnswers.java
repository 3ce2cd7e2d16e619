package dev.distillery.grading.rules;

import org.jspecify.annotations.Nullable;

/**
 * Exact text answers (Last Letter Concatenation): the text after the marker (or the whole output), compared after
 * stripping surrounding whitespace, quotes and periods.
 */
public final class StringAnswers {

    public static final String AFTER_MARKER = "after-marker";
    public static final String WHOLE_OUTPUT = "whole-output";

    private static final String STRIPPABLE = " \t\r\n.\"'`“”‘’";

    private StringAnswers() {}

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
        Latex.Found marked = Markers.afterLastMarker(output, Markers.PLAIN, true);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        Latex.Found line = Markers.firstLine(output, marked.from(), marked.to());
        return stripped(AFTER_MARKER, output, line.from(), line.to());
    }

    private static Extraction wholeOutput(String output) {
        return stripped(WHOLE_OUTPUT, output, 0, output.length());
    }

    /** {@code output[from, to)} without the strippable characters at either end. */
    private static Extraction stripped(String rule, String output, int from, int to) {
        int[] kept = Extraction.strip(output, from, to, STRIPPABLE);
        return kept[0] >= kept[1]
                ? Extraction.none(rule)
                : new Extraction(rule, output.substring(kept[0], kept[1]), kept[0], kept[1]);
    }

    static String strip(String s) {
        int[] kept = Extraction.strip(s, 0, s.length(), STRIPPABLE);
        return s.substring(kept[0], kept[1]);
    }
}
