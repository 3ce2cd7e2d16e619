package dev.distillery.methods.grading;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Extraction of LaTeX answers (MATH, MATH-500): the last {@code \boxed{}}, or the text after the last marker. */
public final class MathAnswers {

    public static final String BOXED = "boxed";
    public static final String AFTER_MARKER = "after-marker";

    private static final Pattern INLINE_MATH = Pattern.compile("\\$\\$?(.+?)\\$\\$?|\\\\\\((.+?)\\\\\\)");

    private MathAnswers() {
    }

    /** Reads the answer with {@code rule}: boxed, after-marker, or null for boxed if any, else after the marker. */
    public static Extraction extract(@Nullable String rule, String output) {
        if (rule == null) {
            Extraction boxed = boxed(output);
            return boxed.answer() != null ? boxed : afterMarker(output);
        }
        return switch (rule) {
            case BOXED -> boxed(output);
            case AFTER_MARKER -> afterMarker(output);
            default -> throw new IllegalArgumentException("Unknown math rule '" + rule + "'");
        };
    }

    /** A gold answer as stored, unwrapped from {@code \boxed{}} when a dataset kept the box. */
    public static String gold(String gold) {
        Latex.Found boxed = Latex.lastBoxed(gold);
        return boxed != null ? boxed.content() : gold;
    }

    private static Extraction boxed(String output) {
        Latex.Found found = Latex.lastBoxed(output);
        return new Extraction(BOXED, found == null || found.content().isBlank() ? null : found.content().strip());
    }

    /**
     * The first line after the marker; when it holds inline math ($...$ or \(...\)) the first such span, so
     * "The answer is $\frac{1}{2}$ cups." reads as \frac{1}{2}.
     */
    private static Extraction afterMarker(String output) {
        String marked = Markers.afterLastMarker(output, false);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        String line = Markers.firstLine(marked);
        Matcher math = INLINE_MATH.matcher(line);
        if (math.find()) {
            line = math.group(1) != null ? math.group(1) : math.group(2);
        }
        line = line.strip();
        while (line.endsWith(".") && !line.endsWith("\\.")) {
            line = line.substring(0, line.length() - 1).strip();
        }
        return new Extraction(AFTER_MARKER, line.isEmpty() ? null : line);
    }
}
