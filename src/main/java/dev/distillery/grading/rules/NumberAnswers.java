package dev.distillery.grading.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Number answers (GSM8K, SVAMP, MultiArith, AddSub, SingleEq): candidates are signed integers, decimals and simple
 * fractions (also {@code \frac{a}{b}}), written with or without thousands separators ({@code 1,234}, LaTeX's
 * {@code 1{,}234} and {@code 1,\!234}, thin spaces); currency and percent signs and units are whatever text
 * surrounds them and need no special treatment.
 *
 * <p>Values compare exactly when both are integers, so 2879999 never equals 2880000; otherwise within 1e-9
 * relative, or to the gold's own stated precision (gold 0.33 accepts 0.333, which rounds to it).
 */
public final class NumberAnswers {

    public static final String AFTER_MARKER = "after-marker";
    public static final String LAST_NUMBER = "last-number";
    public static final String FIRST_NUMBER = "first-number";

    private static final String MINUS = "[-\u2212]";
    private static final String SIGN = "(?:" + MINUS + "(?:\\\\?\\$)?)?";
    private static final String GROUPED = "\\d{1,3}(?:(?:,|\\{,\\}|,\\\\!\\s?|\\\\,|\u2009|\u202F)\\d{3})+(?!\\d)";
    /** "1,22" and "0,111": a comma before one or two digits, or after a leading zero, is a decimal comma. */
    private static final String DECIMAL_COMMA = "(?<![(\\[{,;]\\s?)(?:\\d+,\\d{1,2}|0,\\d+)(?![\\d,)\\]}])";

    private static final String DECIMAL =
            "(?:" + GROUPED + "(?:\\.\\d+)?|" + DECIMAL_COMMA + "|\\d+(?:\\.\\d+)?|\\.\\d+)";
    /**
     * A number not glued to a preceding word or decimal point, so "10-4" reads as 10 and 4 rather than 10 and -4
     * and "v1.2.3" yields nothing odd ("-$5" is -5): a mixed number "4 4/9" (its parts on one line), a decimal with
     * an optional fraction tail, or {@code \frac{a}{b}} of plain numbers.
     */
    static final Pattern NUMBER = Pattern.compile("(?<![\\w.])" + SIGN + "(?:\\d+[ \t]+\\d+/\\d+(?![\\d/]|\\.\\d)"
            + "|" + DECIMAL + "(?:/\\d+(?:\\.\\d+)?)?)"
            + "|" + MINUS + "?\\\\[dt]?frac\\s*\\{\\s*" + MINUS + "?[\\d.]+\\s*}\\s*\\{\\s*" + MINUS + "?[\\d.]+\\s*}");
    /** A percentage sign or word after a number: the number may then also stand for its hundredth. */
    private static final Pattern PERCENT =
            Pattern.compile("^\\s*(?:\\\\?%|percentage\\b|percent\\b|pct\\b)", Pattern.CASE_INSENSITIVE);
    /** "1 000": a bare answer may group thousands with plain spaces (in running text "3 100" is two numbers). */
    private static final Pattern SPACE_GROUPED = Pattern.compile("^" + MINUS + "?\\d{1,3}(?: \\d{3})+(?:\\.\\d+)?$");

    private static final Pattern GROUPING = Pattern.compile("\\{,\\}|,\\\\!\\s?|\\\\,|[,\u2009\u202F]");
    private static final Pattern DECIMAL_COMMA_ONLY = Pattern.compile("^-?(?:\\d+,\\d{1,2}|0,\\d+)$");
    private static final Pattern MIXED = Pattern.compile("^(-?)(\\d+)[ \t]+(\\d+)/(\\d+)$");
    private static final Pattern FRAC =
            Pattern.compile("^(-?)\\\\[dt]?frac\\s*\\{\\s*(-?[\\d.]+)\\s*}\\s*\\{\\s*(-?[\\d.]+)\\s*}$");
    private static final Pattern PLAIN = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:/\\d+(?:\\.\\d+)?)?");
    private static final BigDecimal RELATIVE_TOLERANCE = new BigDecimal("1e-9");

    private NumberAnswers() {}

    /** Reads the answer with {@code rule}: after-marker, last-number, first-number, or null for the default. */
    public static Extraction extract(@Nullable String rule, String output) {
        String whole = output.strip();
        if ((rule == null || rule.equals(LAST_NUMBER))
                && SPACE_GROUPED.matcher(whole).matches()) {
            int start = output.indexOf(whole);
            return new Extraction(
                    rule == null ? LAST_NUMBER : rule,
                    whole.replace(" ", "").replace('\u2212', '-'),
                    start,
                    start + whole.length());
        }
        if (rule == null) {
            Extraction marked = afterMarker(output);
            return marked.found() ? marked : lastNumber(output);
        }
        return switch (rule) {
            case AFTER_MARKER -> afterMarker(output);
            case LAST_NUMBER -> lastNumber(output);
            case FIRST_NUMBER -> firstNumber(output);
            default -> throw new IllegalArgumentException("Unknown number rule '" + rule + "'");
        };
    }

    /**
     * Whether the extracted number equals the gold answer (numerically; textually when gold has no number).
     * {@code extracted} is the answer as read, and {@code output} the text it was read from, at {@code end}: a
     * percentage ("50%", "4 4/9 percent") equals its number (GSM8K's gold for "what percent" is 50) or its hundredth.
     */
    public static boolean matches(String extracted, String gold, String output, int end) {
        @Nullable BigDecimal value = value(extracted);
        List<String> goldNumbers = numbers(gold);
        if (value == null || goldNumbers.isEmpty()) {
            return extracted.strip().equalsIgnoreCase(gold.strip());
        }
        String expected = goldNumbers.getFirst();
        @Nullable BigDecimal goldValue = value(expected);
        if (goldValue == null) {
            return false;
        }
        int decimals = statedDecimals(expected);
        if (equal(value, goldValue, decimals)) {
            return true;
        }
        boolean percent = end >= 0
                && end <= output.length()
                && PERCENT.matcher(output).region(end, output.length()).lookingAt();
        return percent && equal(value.divide(BigDecimal.valueOf(100)), goldValue, decimals);
    }

    /** {@link #matches(String, String, String, int)} for an answer without its output. */
    public static boolean matches(String extracted, String gold) {
        return matches(extracted, gold, "", -1);
    }

    private static Extraction afterMarker(String output) {
        Latex.Found marked = Markers.afterLastMarker(output, Markers.PLAIN, true);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        List<int[]> first = scan(output, marked.from(), marked.to(), 1);
        return first.isEmpty()
                ? Extraction.none(AFTER_MARKER)
                : found(AFTER_MARKER, output, first.getFirst()[0], first.getFirst()[1]);
    }

    private static Extraction lastNumber(String output) {
        int[] last = last(output, 0, output.length());
        return last == null ? Extraction.none(LAST_NUMBER) : found(LAST_NUMBER, output, last[0], last[1]);
    }

    private static Extraction firstNumber(String output) {
        List<int[]> first = scan(output, 0, output.length(), 1);
        return first.isEmpty()
                ? Extraction.none(FIRST_NUMBER)
                : found(FIRST_NUMBER, output, first.getFirst()[0], first.getFirst()[1]);
    }

    private static Extraction found(String rule, String output, int start, int end) {
        return new Extraction(rule, canonical(output.substring(start, end)), start, end);
    }

    /**
     * A candidate as plain ASCII: "1,234" as 1234, "1,22" as 1.22, "−5" as -5, "\\frac{3}{4}" as 3/4, "-$5" as
     * -5; a mixed number "4 4/9" stays as it is.
     */
    static String canonical(String candidate) {
        String s = candidate.strip().replace('\u2212', '-').replace("\\$", "").replace("$", "");
        if (DECIMAL_COMMA_ONLY.matcher(s).matches()) {
            return s.replace(',', '.');
        }
        s = GROUPING.matcher(s).replaceAll("");
        Matcher frac = FRAC.matcher(s);
        if (frac.matches()) {
            s = (frac.group(1).isEmpty() ? "" : "-") + frac.group(2).strip() + "/"
                    + frac.group(3).strip();
            if (s.startsWith("--")) {
                s = s.substring(2);
            }
        }
        return s;
    }

    /** Every number candidate in {@code text}, as written. */
    static List<String> numbers(String text) {
        return scan(text, 0, text.length(), Integer.MAX_VALUE).stream()
                .map(at -> text.substring(at[0], at[1]))
                .toList();
    }

    /**
     * The number candidates of {@code text[from, to)} as {start, end}, in order, at most {@code limit}: what
     * {@link #NUMBER}'s {@code find()} gives, but the pattern is only tried where a number can start (a digit, a point,
     * a minus sign, a backslash), which is several times faster on long outputs.
     */
    static List<int[]> scan(String text, int from, int to, int limit) {
        List<int[]> found = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        m.useTransparentBounds(true);
        for (int i = from; i < to && found.size() < limit; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '\u2212' || c == '\\')) {
                continue;
            }
            m.region(i, to);
            if (m.lookingAt()) {
                found.add(new int[] {m.start(), m.end()});
                i = m.end() - 1;
            }
        }
        return found;
    }

    /** The last number candidate of {@code text[from, to)} as {start, end}, or null. */
    static int @Nullable [] last(String text, int from, int to) {
        // numbers are short: look in a window before the last digit, and further back only when it cuts one
        int lastDigit = to - 1;
        while (lastDigit >= from && !Character.isDigit(text.charAt(lastDigit))) {
            lastDigit--;
        }
        if (lastDigit < from) {
            return null;
        }
        for (int window = 64; ; window *= 4) {
            int start = Math.max(from, lastDigit - window);
            List<int[]> found = scan(text, start, to, Integer.MAX_VALUE);
            if (start == from || !found.isEmpty() && found.getFirst()[0] > start) {
                return found.isEmpty() ? null : found.getLast();
            }
        }
    }

    /**
     * The exact value of a candidate such as "-3", ".5", "18.00", "1,234", "3/4" or "\frac{3}{4}" (fractions to 34
     * significant digits); null when it is not one or divides by zero.
     */
    static @Nullable BigDecimal value(String candidate) {
        String s = canonical(candidate);
        Matcher mixed = MIXED.matcher(s);
        if (mixed.matches()) {
            // "11 6/6" and "4 0/0" are not mixed numbers and have no value (nor does either part stand alone)
            BigDecimal denominator = new BigDecimal(mixed.group(4));
            if (denominator.signum() == 0 || new BigDecimal(mixed.group(3)).compareTo(denominator) >= 0) {
                return null;
            }
            BigDecimal magnitude = new BigDecimal(mixed.group(2))
                    .add(new BigDecimal(mixed.group(3)).divide(denominator, MathContext.DECIMAL128));
            return mixed.group(1).isEmpty() ? magnitude : magnitude.negate();
        }
        if (!PLAIN.matcher(s).matches()) {
            return null;
        }
        int slash = s.indexOf('/');
        try {
            if (slash < 0) {
                return new BigDecimal(s.endsWith(".") ? s.substring(0, s.length() - 1) : s);
            }
            BigDecimal denominator = new BigDecimal(s.substring(slash + 1));
            return denominator.signum() == 0
                    ? null
                    : new BigDecimal(s.substring(0, slash)).divide(denominator, MathContext.DECIMAL128);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** How many decimals the gold states ("0.33" → 2), or -1 for an integer or a fraction, which state none. */
    private static int statedDecimals(String gold) {
        String s = gold.strip();
        int point = s.indexOf('.');
        if (point < 0 || s.contains("/") || s.contains("frac")) {
            return -1;
        }
        int decimals = s.length() - point - 1;
        return decimals > 0 ? decimals : -1;
    }

    /**
     * Exactly equal when both are integers; otherwise within 1e-9 relative, or equal once {@code value} is rounded
     * to {@code goldDecimals} places (when the gold states them).
     */
    static boolean equal(BigDecimal value, BigDecimal gold, int goldDecimals) {
        if (value.compareTo(gold) == 0) {
            return true;
        }
        if (isInteger(value) && isInteger(gold)) {
            return false;
        }
        BigDecimal scale = value.abs().max(gold.abs());
        if (value.subtract(gold).abs().compareTo(RELATIVE_TOLERANCE.multiply(scale)) <= 0) {
            return true;
        }
        return goldDecimals > 0
                && value.scale() > goldDecimals
                && value.setScale(goldDecimals, RoundingMode.HALF_UP).compareTo(gold) == 0;
    }

    static boolean isInteger(BigDecimal value) {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }
}
