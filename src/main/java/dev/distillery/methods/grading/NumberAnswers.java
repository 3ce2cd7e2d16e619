package dev.distillery.methods.grading;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Number answers (GSM8K, SVAMP, MultiArith, AddSub, SingleEq): candidates are signed integers, decimals and simple
 * fractions, read after thousands separators, currency and percent signs are removed; units are whatever text
 * surrounds them and so need no special treatment. Values are compared with a relative tolerance of 1e-6.
 */
public final class NumberAnswers {

    public static final String AFTER_MARKER = "after-marker";
    public static final String LAST_NUMBER = "last-number";
    public static final String FIRST_NUMBER = "first-number";

    /**
     * A number not glued to a preceding word or decimal point, so "10-4" reads as 10 and 4 rather than 10 and -4
     * and "v1.2.3" yields nothing odd.
     */
    private static final Pattern NUMBER =
            Pattern.compile("(?<![\\w.])-?(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:/\\d+(?:\\.\\d+)?)?");
    private static final Pattern THOUSANDS = Pattern.compile("(?<=\\d),(?=\\d{3}(?!\\d))");
    private static final Pattern FRAC = Pattern.compile("\\\\[dt]?frac\\s*\\{\\s*(-?[\\d.]+)\\s*}\\s*\\{\\s*(-?[\\d.]+)\\s*}");
    private static final double RELATIVE_TOLERANCE = 1e-6;

    private NumberAnswers() {
    }

    /** Reads the answer with {@code rule}: after-marker, last-number, first-number, or null for the default. */
    public static Extraction extract(@Nullable String rule, String output) {
        String text = clean(output);
        if (rule == null) {
            Extraction marked = afterMarker(text);
            return marked.answer() != null ? marked : lastNumber(text);
        }
        return switch (rule) {
            case AFTER_MARKER -> afterMarker(text);
            case LAST_NUMBER -> lastNumber(text);
            case FIRST_NUMBER -> firstNumber(text);
            default -> throw new IllegalArgumentException("Unknown number rule '" + rule + "'");
        };
    }

    /** Whether the extracted number equals the gold answer (numerically; textually when gold has no number). */
    public static boolean matches(String extracted, String gold) {
        @Nullable Double value = value(extracted);
        String goldText = clean(gold).strip();
        List<String> goldNumbers = numbers(goldText);
        if (value == null || goldNumbers.isEmpty()) {
            return extracted.strip().equalsIgnoreCase(goldText);
        }
        String whole = goldNumbers.size() == 1 ? goldNumbers.getFirst() : goldText;
        @Nullable Double expected = value(NUMBER.matcher(whole).matches() ? whole : goldNumbers.getFirst());
        return expected != null && close(value, expected);
    }

    /**
     * Removes what is not part of a number's value: thousands separators (also LaTeX's {@code 10,\!080} and
     * {@code 10{,}080}), dollar and percent signs ("50%" answers gold 50), and turns {@code \frac{a}{b}} into a/b.
     */
    static String clean(String text) {
        String s = text.replace('\u2212', '-')
                .replace("\\!", "")
                .replace("{,}", ",")
                .replace("\\$", "").replace("$", "")
                .replace("\\%", "").replace("%", "");
        s = THOUSANDS.matcher(s).replaceAll("");
        return FRAC.matcher(s).replaceAll("$1/$2");
    }

    private static Extraction afterMarker(String text) {
        String marked = Markers.afterLastMarker(text, true);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        Matcher m = NUMBER.matcher(marked);
        return new Extraction(AFTER_MARKER, m.find() ? m.group() : null);
    }

    private static Extraction lastNumber(String text) {
        List<String> all = numbers(text);
        return new Extraction(LAST_NUMBER, all.isEmpty() ? null : all.getLast());
    }

    private static Extraction firstNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        return new Extraction(FIRST_NUMBER, m.find() ? m.group() : null);
    }

    private static List<String> numbers(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** The value of a candidate such as "-3", ".5", "18.00" or "3/4"; null when it is not one. */
    static @Nullable Double value(String candidate) {
        String s = candidate.strip();
        if (!NUMBER.matcher(s).matches()) {
            return null;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return new BigDecimal(s).doubleValue();
        }
        double denominator = new BigDecimal(s.substring(slash + 1)).doubleValue();
        return denominator == 0 ? null : new BigDecimal(s.substring(0, slash)).doubleValue() / denominator;
    }

    /** Equal within a relative tolerance of 1e-6 of the larger magnitude (exactly equal when one is zero). */
    static boolean close(double a, double b) {
        return a == b || Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }
}
