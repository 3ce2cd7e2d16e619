package dev.distillery.grading.rules;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites a LaTeX answer into a canonical spelling so that equal answers written differently become equal strings
 * (in the spirit of the MATH and PRM800K normalisers): no math delimiters, {@code \left}/{@code \right}, spacing
 * commands, degree signs, percent and dollar signs, unit words or trailing periods; {@code \dfrac}/{@code \tfrac}
 * as {@code \frac}, {@code \frac12} as {@code \frac{1}{2}}, {@code \sqrt2} as {@code \sqrt{2}}, "x = 3" as "3",
 * thousands separators removed and {@code .5} as {@code 0.5}. The result keeps single spaces, which carry meaning
 * for the TeX parser ({@code \cot x}); {@link #compact} removes them for string comparison.
 */
final class LatexNormalizer {

    /** Text commands whose argument is either a unit (dropped after a number) or the answer itself (unwrapped). */
    private static final List<String> TEXT_COMMANDS = List.of(
            "\\text",
            "\\textbf",
            "\\textit",
            "\\textrm",
            "\\textnormal",
            "\\mbox",
            "\\mathrm",
            "\\mathbf",
            "\\mathit",
            "\\boldsymbol",
            "\\mathsf");
    /** Unit words that may follow a number without {@code \text}; single letters are left alone (3m may be 3·m). */
    private static final Set<String> UNIT_WORDS = Set.of(
            "unit",
            "units",
            "square units",
            "sq units",
            "cm",
            "mm",
            "km",
            "meter",
            "meters",
            "metre",
            "metres",
            "inch",
            "inches",
            "feet",
            "foot",
            "ft",
            "yard",
            "yards",
            "mile",
            "miles",
            "degree",
            "degrees",
            "radian",
            "radians",
            "cent",
            "cents",
            "dollar",
            "dollars",
            "hour",
            "hours",
            "minute",
            "minutes",
            "second",
            "seconds",
            "day",
            "days",
            "week",
            "weeks",
            "year",
            "years",
            "mph",
            "pound",
            "pounds",
            "lbs",
            "ounce",
            "ounces",
            "oz",
            "kg",
            "gram",
            "grams",
            "liter",
            "liters",
            "litre",
            "litres",
            "ml",
            "people",
            "students",
            "ways",
            "sq ft",
            "square feet",
            "square inches",
            "square meters",
            "square centimeters",
            "cubic units",
            "cubic feet",
            "cubic inches",
            "cubic centimeters");

    private static final Pattern TRAILING_UNIT =
            Pattern.compile("^(.*?[\\w})])\\s+([a-zA-Z]+(?: [a-zA-Z]+)?)(\\^\\{?[23]\\}?)?$");
    private static final Pattern SIZING = Pattern.compile(
            "\\\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|bigg|Bigg|big|Big)(?![a-zA-Z])\\s*");
    private static final Pattern THOUSANDS_THIN = Pattern.compile("(\\d),\\\\!\\s*(?=\\d{3}(?!\\d))");
    private static final Pattern GROUPED_NUMBER = Pattern.compile("^-?\\d{1,3}(,\\d{3})+(\\.\\d+)?$");
    private static final Pattern SIMPLE_FRACTION = Pattern.compile("^(-?)(\\d+)\\s*/\\s*(\\d+)$");
    private static final Pattern SHORT_LHS = Pattern.compile("^[a-zA-Z](?:_\\{?\\w\\}?)?$|^[a-zA-Z]{1,2}$");
    private static final Pattern LEADING_POINT = Pattern.compile("(?<![\\d}.])\\.(\\d)");
    private static final Pattern SINGLE_TOKEN_SCRIPT = Pattern.compile("([_^])\\{(\\w)\\}");
    private static final Pattern DOUBLED_BACKSLASH =
            Pattern.compile("(?<!\\\\)\\\\\\\\(?=(?:frac|dfrac|tfrac|sqrt|left|right|"
                    + "boxed|pi|text|textbf|mathrm|cdot|times|leq?|geq?|neq|infty|cup|cap|pm|mp|begin|end|operatorname|sin|cos|"
                    + "tan|log|ln|circ|dots|ldots|approx|in|mathbb|binom)(?![a-zA-Z]))");
    /** "4 \\pmod{7}", "4 \\pmod 7", "(\\mod 7)" after a congruence's value: the modulus is not part of it. */
    private static final Pattern MODULUS =
            Pattern.compile("\\s*(?:\\\\pmod\\s*(?:\\{[^}]*}|\\w+)|\\(\\s*\\\\(?:bmod|mod)\\s*\\w+\\s*\\))\\s*$");

    private static final Pattern UNICODE_ROOT = Pattern.compile("√\\s*(?:\\(([^()]*)\\)|\\{?([\\w.]+)\\}?)");
    private static final Pattern CURRENCY = Pattern.compile("[€£¥₹]|\\\\(?:euro|pounds|yen)\\b|\\b(?:USD|EUR|GBP)\\b");
    /** 1.2e5, 3E-4: a digit, e, an exponent; "2e" alone stays Euler's number. */
    private static final Pattern E_NOTATION = Pattern.compile("(\\d)[eE]([+-]?\\d+)(?![\\d.])");

    private static final Pattern BRACED_COMMA = Pattern.compile("\\s*\\{\\s*,\\s*}\\s*");
    private static final Pattern PERCENT_WORD =
            Pattern.compile("([\\d}])\\s*(?:percentage|percent|pct)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern AND = Pattern.compile("\\s*,?\\s*\\band\\b\\s*");
    private static final Pattern MIXED_NUMBER = Pattern.compile("^(-?)(\\d+) (\\d+)/(\\d+)$");
    private static final Pattern DOUBLE_INEQUALITY = Pattern.compile(
            "^([^<>=\\\\]+?|-?\\\\[a-z]+\\{[^}]*}(?:\\{[^}]*})?)\\s*(<|\\\\leq)\\s*([a-zA-Z])\\s*(<|\\\\leq)\\s*(.+)$");
    private static final Pattern LETTER_IN_PARENS = Pattern.compile("^\\(([A-Za-z])\\)$");

    private LatexNormalizer() {}

    static String normalize(String answer) {
        String s = answer.strip()
                .replace('\n', ' ')
                .replace('\r', ' ')
                .replace('\u2212', '-')
                .replace('\u2009', ' ')
                .replace('\u202F', ' ')
                .replace('\u00A0', ' ');
        s = unicode(s);
        // a doubled backslash before a command name is an escaping slip (\\frac), never a row break then text
        s = DOUBLED_BACKSLASH.matcher(s).replaceAll("\\\\");
        s = s.replace("\\$", "").replace("$", "");
        s = CURRENCY.matcher(s).replaceAll("");
        s = E_NOTATION.matcher(s).replaceAll("$1\\\\times 10^{$2}");
        // \( \) \[ \] delimit math; a preceding backslash makes it a matrix row break (\\[2pt]) instead
        s = s.replaceAll("(?<!\\\\)\\\\[()\\[\\]]", "");
        s = THOUSANDS_THIN.matcher(s).replaceAll("$1");
        s = BRACED_COMMA.matcher(s).replaceAll(",");
        s = s.replace("\\left.", "").replace("\\right.", "");
        s = SIZING.matcher(s).replaceAll("");
        s = s.replaceAll("(?<!\\\\)\\\\!", "")
                .replaceAll("(?<!\\\\)\\\\[,;:> ]", " ")
                .replace("\\qquad", " ")
                .replace("\\quad", " ")
                .replace("~", " ")
                .replace("\\displaystyle", "")
                .replace("\\textstyle", "");
        s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac");
        s = s.replaceAll("\\^\\s*\\{\\s*\\\\circ\\s*}", "")
                .replaceAll("\\^\\s*\\\\circ", "")
                .replace("\\circ", "")
                .replace("°", "")
                .replace("\\degree", "");
        s = s.replace("\\%", "").replace("%", "");
        s = PERCENT_WORD.matcher(s).replaceAll("$1");
        s = s.replace("\\lbrace", "\\{").replace("\\rbrace", "\\}");
        s = relations(s);
        s = textCommands(s);
        s = fixFracs(s);
        s = fixSqrt(s);
        s = s.replaceAll("\\s+", " ").strip();
        s = MODULUS.matcher(s).replaceAll("").strip();
        if (!s.contains("\\begin")) {
            // alignment marks of a line taken from an aligned display
            s = s.replace("&", " ").replaceAll("\\s+", " ").strip();
        }
        s = stripTrailing(s);
        if (s.matches(".*\\d.*")) {
            // "12 and 13", "19, 46, and 82": a list written in words
            s = AND.matcher(s).replaceAll(", ").replaceAll(",\\s*,", ",");
        }
        s = s.replaceFirst("^[a-zA-Z]\\s*\\\\in\\s*", "");
        s = doubleInequality(s);
        s = LEADING_POINT.matcher(s).replaceAll("0.$1");
        if (GROUPED_NUMBER.matcher(s).matches()) {
            s = s.replace(",", "");
        }
        Matcher fraction = SIMPLE_FRACTION.matcher(s);
        if (fraction.matches()) {
            s = fraction.group(1) + "\\frac{" + fraction.group(2) + "}{" + fraction.group(3) + "}";
        }
        Matcher mixed = MIXED_NUMBER.matcher(s);
        if (mixed.matches()) {
            s = mixed.group(1) + "(" + mixed.group(2) + "+\\frac{" + mixed.group(3) + "}{" + mixed.group(4) + "})";
        }
        s = SINGLE_TOKEN_SCRIPT.matcher(s).replaceAll("$1$2");
        Matcher letter = LETTER_IN_PARENS.matcher(s);
        if (letter.matches()) {
            s = letter.group(1);
        }
        while (s.startsWith("{") && Latex.closingBrace(s, 0) == s.length() - 1) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    /** Mathematical Unicode as LaTeX: √3 as \\sqrt{3}, ∞, π, ∪, ±, ×, ·, ≈, superscripts ² and ³. */
    private static String unicode(String s) {
        if (s.chars().allMatch(c -> c < 128)) {
            return s;
        }
        s = s.replace("∞", "\\infty ")
                .replace("π", "\\pi ")
                .replace("∪", "\\cup ")
                .replace("∩", "\\cap ")
                .replace("±", "\\pm ")
                .replace("∓", "\\mp ")
                .replace("×", "\\times ")
                .replace("·", "\\cdot ")
                .replace("⋅", "\\cdot ")
                .replace("÷", "\\div ")
                .replace("≈", "\\approx ")
                .replace("²", "^2")
                .replace("³", "^3")
                .replace("∈", "\\in ")
                .replace("θ", "\\theta ");
        return UNICODE_ROOT
                .matcher(s)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                        "\\sqrt{" + (m.group(1) != null ? m.group(1) : m.group(2)) + "}"));
    }

    /** Whether the answer is written as a percentage: {@code 28\%}, "28 percent", "28 pct". */
    static boolean isPercentage(String answer) {
        return answer.contains("%") || PERCENT_WORD.matcher(answer).find();
    }

    /** Relations in one spelling: {@code >=} and {@code \ge} as {@code \geq}, {@code \lt} as {@code <}, and so on. */
    private static String relations(String s) {
        s = s.replace("\u2264", "\\leq ")
                .replace("\u2265", "\\geq ")
                .replace("\u2260", "\\neq ")
                .replace("<=", "\\leq ")
                .replace(">=", "\\geq ")
                .replace("\\leqslant", "\\leq")
                .replace("\\geqslant", "\\geq");
        // "x != 3" is not-equal; "6!=720" is a factorial and an equals sign
        s = s.replaceAll("(?<![\\d)}!])!=", "\\\\neq ");
        return s.replaceAll("\\\\le(?![a-zA-Z])", "\\\\leq")
                .replaceAll("\\\\ge(?![a-zA-Z])", "\\\\geq")
                .replaceAll("\\\\ne(?![a-zA-Z])", "\\\\neq")
                .replaceAll("\\\\lt(?![a-zA-Z])", "<")
                .replaceAll("\\\\gt(?![a-zA-Z])", ">");
    }

    /** {@code -2 \leq x < 7} is the interval {@code [-2, 7)}. */
    private static String doubleInequality(String s) {
        Matcher m = DOUBLE_INEQUALITY.matcher(s);
        if (!m.matches()) {
            return s;
        }
        return (m.group(2).equals("<") ? "(" : "[") + m.group(1).strip() + ","
                + m.group(5).strip() + (m.group(4).equals("<") ? ")" : "]");
    }

    /** The normalised answer without any whitespace, for string equality. */
    static String compact(String normalized) {
        return normalized.replaceAll("\\s+", "");
    }

    /**
     * True when the answer is words (a name, "east", "ellipse"): such answers compare as text, case-insensitively,
     * because a computer-algebra system would read "east" as the product e·a·s·t and find it equal to "seat".
     */
    static boolean isWords(String normalized) {
        return normalized.matches("[A-Za-z]+(?: [A-Za-z]+)*") && normalized.matches(".*[A-Za-z]{3,}.*");
    }

    /**
     * Unwraps {@code \text{...}} and its kin, or drops them when they hold a unit after a number ("5.4 \text{
     * cents}", "15\mbox{ cm}^2"). "and"/"or" between values become commas.
     */
    private static String textCommands(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            String command = commandAt(s, i);
            int open = command == null ? -1 : skipSpaces(s, i + command.length());
            if (command == null || open >= s.length() || s.charAt(open) != '{') {
                out.append(s.charAt(i));
                i++;
                continue;
            }
            int close = Latex.closingBrace(s, open);
            if (close < 0) {
                out.append(s.charAt(i));
                i++;
                continue;
            }
            String content = s.substring(open + 1, close).strip();
            String before = out.toString().strip();
            int after = close + 1;
            if (content.equals("and") || content.equals("or") || content.equals(",")) {
                out.append(",");
            } else if (!before.isEmpty() && isUnitAfterValue(before, content)) {
                Matcher power =
                        Pattern.compile("^\\s*\\^\\s*\\{?\\s*[23]\\s*\\}?").matcher(s.substring(after));
                if (power.find()) {
                    after += power.end();
                }
            } else {
                out.append(content);
            }
            i = after;
        }
        return out.toString();
    }

    private static boolean isUnitAfterValue(String before, String content) {
        char last = before.charAt(before.length() - 1);
        return (Character.isDigit(last) || last == '}' || last == ')')
                && content.matches("[a-zA-Z .]*(\\^\\{?[23]\\}?)?");
    }

    private static @Nullable String commandAt(String s, int i) {
        if (s.charAt(i) != '\\') {
            return null;
        }
        for (String command : TEXT_COMMANDS) {
            if (s.startsWith(command, i)
                    && !(i + command.length() < s.length() && Character.isLetter(s.charAt(i + command.length())))) {
                return command;
            }
        }
        return null;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** {@code \frac12}, {@code \frac 34}, {@code \frac9{19}}, {@code \frac{a}b} → braces around both arguments. */
    private static String fixFracs(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            // also the run-together \fracab of the MATH normaliser: no other command starts with \frac
            if (s.startsWith("\\frac", i)) {
                int[] next = {i + 5};
                String numerator = argument(s, next);
                String denominator = numerator == null ? null : argument(s, next);
                if (denominator != null) {
                    out.append("\\frac{")
                            .append(numerator)
                            .append("}{")
                            .append(denominator)
                            .append('}');
                    i = next[0];
                    continue;
                }
            }
            out.append(s.charAt(i));
            i++;
        }
        return out.toString();
    }

    /**
     * {@code \sqrt2}, {@code \sqrt 3}, {@code \sqrta} and {@code \sqrt[3]8} → braces around the radicand;
     * {@code \sqrt[3]{8}} and {@code \sqrt{x}} stay.
     */
    private static String fixSqrt(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("\\sqrt", i)) {
                int j = skipSpaces(s, i + 5);
                String index = "";
                if (j < s.length() && s.charAt(j) == '[') {
                    int close = s.indexOf(']', j);
                    if (close > j) {
                        index = s.substring(j, close + 1);
                        j = close + 1;
                    }
                }
                int k = skipSpaces(s, j);
                if (k < s.length() && s.charAt(k) != '{') {
                    int[] next = {j};
                    String radicand = argument(s, next);
                    if (radicand != null) {
                        out.append("\\sqrt")
                                .append(index)
                                .append('{')
                                .append(radicand)
                                .append('}');
                        i = next[0];
                        continue;
                    }
                }
            }
            out.append(s.charAt(i));
            i++;
        }
        return out.toString();
    }

    /** A macro argument at {@code at[0]}: a braced group's content or a single character; advances {@code at[0]}. */
    private static @Nullable String argument(String s, int[] at) {
        int i = skipSpaces(s, at[0]);
        if (i >= s.length()) {
            return null;
        }
        char c = s.charAt(i);
        if (c == '{') {
            int close = Latex.closingBrace(s, i);
            if (close < 0) {
                return null;
            }
            at[0] = close + 1;
            return s.substring(i + 1, close);
        }
        if (c == '\\') {
            int end = i + 1;
            while (end < s.length() && Character.isLetter(s.charAt(end))) {
                end++;
            }
            if (end == i + 1) {
                return null;
            }
            at[0] = end;
            return s.substring(i, end);
        }
        if (Character.isLetterOrDigit(c)) {
            at[0] = i + 1;
            return String.valueOf(c);
        }
        return null;
    }

    /** Trailing periods and unit words ("12 cm", "6 square units") after a value. */
    private static String stripTrailing(String s) {
        String previous;
        do {
            previous = s;
            while ((s.endsWith(".") && !s.endsWith("\\.") && !s.endsWith("..")) || s.endsWith(",") || s.endsWith(";")) {
                s = s.substring(0, s.length() - 1).strip();
            }
            Matcher unit = TRAILING_UNIT.matcher(s);
            if (unit.matches() && UNIT_WORDS.contains(unit.group(2).toLowerCase(Locale.ROOT))) {
                s = unit.group(1).strip();
            }
        } while (!s.equals(previous));
        return s;
    }
}
