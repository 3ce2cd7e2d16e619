package dev.distillery.grading.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Multiple-choice answers (AQuA A–E, CommonsenseQA A–E, Date A–F, Shuffled Objects A–C): the letter after the
 * marker, else the last standalone capital letter among the item's labels; an option's text (case-insensitive,
 * whole) counts as its label.
 */
public final class ChoiceAnswers {

    public static final String AFTER_MARKER = "after-marker";
    public static final String OPTION_TEXT = "option-text";
    public static final String LAST_LETTER = "last-letter";

    /** Used when an item carries no choices, so that "(B)" still reads as B. */
    private static final List<String> DEFAULT_LABELS = List.of("A", "B", "C", "D", "E");

    private static final String STRIPPABLE = " \t\r\n.,;:!?\"'`“”‘’()[]*";
    private static final Pattern STANDALONE_CAPITAL = Pattern.compile("(?<![\\p{L}\\p{N}])([A-Z])(?![\\p{L}\\p{N}])");

    private ChoiceAnswers() {}

    /**
     * Reads the chosen label with {@code rule}: after-marker, option-text, last-letter, or null for the default
     * (marker, then the whole output as an option text, then the last letter).
     *
     * @param options the item's options as label → text, in order; empty when the item has none
     */
    public static Extraction extract(@Nullable String rule, String output, Map<String, String> options) {
        List<String> labels = options.isEmpty() ? DEFAULT_LABELS : List.copyOf(options.keySet());
        if (rule == null) {
            Extraction marked = afterMarker(output, labels, options);
            if (marked.answer() != null) {
                return marked;
            }
            Extraction text = optionText(output, options);
            return text.answer() != null ? text : lastLetter(output, labels);
        }
        return switch (rule) {
            case AFTER_MARKER -> afterMarker(output, labels, options);
            case OPTION_TEXT -> optionText(output, options);
            case LAST_LETTER -> lastLetter(output, labels);
            default -> throw new IllegalArgumentException("Unknown choice rule '" + rule + "'");
        };
    }

    /**
     * Whether the extracted label is the gold one. Gold is a letter, possibly written "(B)" or "B."; a gold that
     * is an option's text stands for that option's label.
     */
    public static boolean matches(String extracted, String gold, Map<String, String> options) {
        String goldLabel = strip(gold);
        @Nullable String byText = labelOfText(gold, options);
        if (byText != null && !options.containsKey(goldLabel.toUpperCase(Locale.ROOT))) {
            goldLabel = byText;
        }
        return strip(extracted).equalsIgnoreCase(goldLabel);
    }

    private static Extraction afterMarker(String output, List<String> labels, Map<String, String> options) {
        Latex.Found marked = Markers.afterLastMarker(output, Markers.PLAIN, true);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        Latex.Found line = Markers.firstLine(output, marked.from(), marked.to());
        // the option text first: an option such as "Vitamin C" must not be read as the letter C
        @Nullable String byText = labelOfText(line.content(output), options);
        if (byText != null) {
            return new Extraction(AFTER_MARKER, byText, line.from(), line.to());
        }
        List<Latex.Found> letters = letters(output, line.from(), line.to(), labels);
        return letters.isEmpty() ? Extraction.none(AFTER_MARKER) : letter(AFTER_MARKER, output, letters.getFirst());
    }

    private static Extraction optionText(String output, Map<String, String> options) {
        @Nullable String label = labelOfText(output, options);
        return label == null ? Extraction.none(OPTION_TEXT) : new Extraction(OPTION_TEXT, label, 0, output.length());
    }

    private static Extraction lastLetter(String output, List<String> labels) {
        List<Latex.Found> letters = letters(output, 0, output.length(), labels);
        return letters.isEmpty() ? Extraction.none(LAST_LETTER) : letter(LAST_LETTER, output, letters.getLast());
    }

    private static Extraction letter(String rule, String output, Latex.Found at) {
        return new Extraction(rule, at.content(output), at.from(), at.to());
    }

    /** Capital letters among {@code labels} that stand alone, such as the B in "(B)", "B." or "answer B". */
    private static List<Latex.Found> letters(String text, int from, int to, List<String> labels) {
        List<Latex.Found> found = new ArrayList<>();
        Matcher m = STANDALONE_CAPITAL.matcher(text).region(from, to);
        m.useTransparentBounds(true);
        while (m.find()) {
            if (labels.contains(m.group(1))) {
                found.add(new Latex.Found(m.start(1), m.start(1), m.end(1)));
            }
        }
        return found;
    }

    private static @Nullable String labelOfText(String text, Map<String, String> options) {
        String wanted = strip(text);
        if (wanted.isEmpty()) {
            return null;
        }
        for (var option : options.entrySet()) {
            if (strip(option.getValue()).equalsIgnoreCase(wanted)) {
                return option.getKey();
            }
        }
        return null;
    }

    private static String strip(String s) {
        int[] kept = Extraction.strip(s, 0, s.length(), STRIPPABLE);
        return s.substring(kept[0], kept[1]);
    }
}
