package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Gold answer normalisation, the same for every format (see {@link ParsedItem#goldNormalized()}). */
final class Answers {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern FRACTION = Pattern.compile("([+-]?\\d+)\\s*/\\s*([+-]?\\d+)");

    private Answers() {}

    /**
     * The canonical form of {@code raw} for {@code type}.
     *
     * @param field the field the answer came from, named in the problem when it does not parse
     * @param choices the item's choices; a CHOICE answer must be one of their labels
     * @throws FieldProblem when the answer does not parse for its type
     */
    static String normalize(String field, AnswerType type, String raw, List<ParsedItem.Choice> choices) {
        String value = raw.strip();
        if (value.isEmpty()) {
            throw FieldProblem.missing(field);
        }
        return switch (type) {
            case NUMBER -> number(field, value);
            case CHOICE -> choice(field, value, choices);
            case YESNO -> yesNo(field, value);
            case MATH, STRING -> value;
        };
    }

    /** Integers, decimals and simple fractions; thousands separators, currency and percent signs are dropped. */
    private static String number(String field, String raw) {
        String value = raw.replace(",", "").replace("$", "").replace("%", "").strip();
        if (DECIMAL.matcher(value).matches()) {
            return plain(new BigDecimal(value.startsWith("+") ? value.substring(1) : value));
        }
        Matcher fraction = FRACTION.matcher(value);
        if (fraction.matches()) {
            BigInteger numerator = new BigInteger(fraction.group(1));
            BigInteger denominator = new BigInteger(fraction.group(2));
            if (denominator.signum() != 0) {
                return fraction(numerator, denominator);
            }
        }
        throw new FieldProblem(field, "'" + raw + "' is not a number");
    }

    private static String plain(BigDecimal number) {
        return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }

    private static String fraction(BigInteger numerator, BigInteger denominator) {
        BigInteger gcd = numerator.gcd(denominator);
        BigInteger n = numerator.divide(gcd);
        BigInteger d = denominator.divide(gcd);
        if (d.signum() < 0) {
            n = n.negate();
            d = d.negate();
        }
        return d.equals(BigInteger.ONE) ? n.toString() : n + "/" + d;
    }

    private static String choice(String field, String raw, List<ParsedItem.Choice> choices) {
        String letter = raw.toUpperCase(Locale.ROOT);
        for (ParsedItem.Choice choice : choices) {
            if (choice.label().equalsIgnoreCase(letter)) {
                return letter;
            }
        }
        String labels = choices.stream().map(ParsedItem.Choice::label).collect(Collectors.joining(", "));
        throw new FieldProblem(
                field,
                "'" + raw + "' is not one of the choice labels"
                        + (labels.isEmpty() ? " (the item has no choices)" : " " + labels));
    }

    private static String yesNo(String field, String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> "yes";
            case "no", "false" -> "no";
            default -> throw new FieldProblem(field, "'" + raw + "' is not yes/no (or true/false)");
        };
    }
}
