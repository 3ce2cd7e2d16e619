package dev.distillery.grading.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Whether two LaTeX answers are the same mathematical object. Both are normalised ({@link LatexNormalizer}) and
 * compared as strings first; then by structure: matrices and tuples/intervals elementwise in order (an interval's
 * brackets must match, so {@code (1,2]} only equals {@code (1,2]}), sets, comma lists, unions and ±-answers as
 * unordered collections; scalars numerically when both are plain numbers, otherwise with Symja ({@link
 * SymjaChecker}), which is started only when an answer first needs it. Thread-safe.
 */
public final class MathEquivalence {

    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Pattern PLAIN_FRAC = Pattern.compile("(-?)\\\\frac\\{(\\d+)}\\{(\\d+)}");
    private static final Pattern MATRIX =
            Pattern.compile("^\\\\begin\\{([a-zA-Z]*matrix|array)}(?:\\{[^}]*})?(.*)\\\\end\\{\\1}$", Pattern.DOTALL);
    /** What may stand on the left of an answer "name = value": x, k, a_n, x_{1}, f(3), P(x), \theta. */
    private static final Pattern NAME =
            Pattern.compile("^(?:\\\\?[a-zA-Z]+(?:_\\{?\\w+\\}?)?(?:\\([^()=]*\\))?|\\\\[a-zA-Z]+)$");

    private static final BigDecimal NUMERIC_TOLERANCE = new BigDecimal("1e-6");
    private static final Pattern BRACKETED_MATRIX = Pattern.compile(
            "^[(\\[]\\s*(\\\\begin\\{([a-zA-Z]*matrix|array)}.*\\\\end\\{\\2})\\s*[)\\]]$", Pattern.DOTALL);
    /** Nested structures deeper than this are compared as strings only. */
    private static final int MAX_DEPTH = 6;
    /** Collections larger than this are compared as strings only (the pairing is quadratic). */
    private static final int MAX_ELEMENTS = 64;

    private final Duration timeLimit;

    /** @param timeLimit the computer-algebra time one {@link #compare} may spend before it gives up as undecided */
    public MathEquivalence(Duration timeLimit) {
        this.timeLimit = timeLimit;
    }

    /**
     * Compares an extracted answer with the gold answer; UNDECIDED when the time limit or a size limit stopped it.
     * The order matters where the two differ in kind: a predicted equation states a value, a gold equation is one.
     * A side written as a percentage ({@code 10\%}, "10 percent") may also stand for its hundredth (0.1).
     */
    public Verdict compare(String answer, String gold) {
        Budget budget = new Budget(timeLimit.toNanos());
        Verdict verdict = equivalent(answer, gold, budget, 0);
        boolean percentAnswer = LatexNormalizer.isPercentage(answer);
        if (verdict == Verdict.NOT_EQUAL && percentAnswer != LatexNormalizer.isPercentage(gold)) {
            String percentage = LatexNormalizer.normalize(percentAnswer ? answer : gold);
            String hundredth = "\\frac{" + percentage + "}{100}";
            Verdict scaled =
                    percentAnswer ? equivalent(hundredth, gold, budget, 0) : equivalent(answer, hundredth, budget, 0);
            return scaled == Verdict.NOT_EQUAL ? verdict : scaled;
        }
        return verdict;
    }

    private Verdict equivalent(String rawA, String rawB, Budget budget, int depth) {
        String a = lastSide(LatexNormalizer.normalize(rawA));
        String b = lastSide(LatexNormalizer.normalize(rawB));
        String compactA = LatexNormalizer.compact(a);
        String compactB = LatexNormalizer.compact(b);
        if (compactA.equals(compactB)) {
            return Verdict.EQUAL;
        }
        if (a.isEmpty() || b.isEmpty() || depth > MAX_DEPTH) {
            return Verdict.NOT_EQUAL;
        }
        if (LatexNormalizer.isWords(a) || LatexNormalizer.isWords(b)) {
            return Verdict.of(compactA.toLowerCase(Locale.ROOT).equals(compactB.toLowerCase(Locale.ROOT)));
        }
        List<String> approximation = approximation(a);
        if (approximation.size() > 1) {
            // "\\frac{3}{7} \\approx 0.43" states both the exact value and a rounded one: either may be the gold
            Verdict verdict = Verdict.NOT_EQUAL;
            for (String side : approximation) {
                if (side.isBlank() || NAME.matcher(side.strip()).matches()) {
                    continue;
                }
                Verdict v = equivalent(side, rawB, budget, depth + 1);
                if (v == Verdict.EQUAL) {
                    return v;
                }
                if (v == Verdict.UNDECIDED) {
                    verdict = v;
                }
            }
            return verdict;
        }
        @Nullable String valueA = valueOfNamed(a);
        @Nullable String valueB = valueOfNamed(b);
        boolean equationA = isEquation(a);
        boolean equationB = isEquation(b);
        if (equationA) {
            if (!equationB) {
                return statedValue(a, b, budget, depth);
            }
        } else if (equationB) {
            // a gold equation equals a value only when it names it (y = 2x + 3); x^2 + y^2 = 1 is no value
            return valueB == null ? Verdict.NOT_EQUAL : equivalent(a, valueB, budget, depth + 1);
        }
        List<String> ratioA = Latex.splitTopLevel(a, ":");
        List<String> ratioB = Latex.splitTopLevel(b, ":");
        if (ratioA.size() > 1 || ratioB.size() > 1) {
            // ratios and clock times (12:00) compare part by part
            return ordered(ratioA, ratioB, budget, depth);
        }
        Shape x = Shape.of(a);
        Shape y = Shape.of(b);
        if (x.kind().unordered() && y.kind().unordered()) {
            return unordered(x.elements(), y.elements(), budget, depth);
        }
        if (x.isBareList() && y.isTuple() || y.isBareList() && x.isTuple()) {
            // a bare list "1, 2, 3" against the tuple (1, 2, 3): the same values in the same order
            return ordered(x.elements(), y.elements(), budget, depth);
        }
        if (x.kind() != y.kind()) {
            return Verdict.NOT_EQUAL;
        }
        Verdict verdict = switch (x.kind()) {
            case MATRIX ->
                x.columns() == y.columns() ? ordered(x.elements(), y.elements(), budget, depth) : Verdict.NOT_EQUAL;
            case BRACKETED ->
                x.open() == y.open() && x.close() == y.close()
                        ? ordered(x.elements(), y.elements(), budget, depth)
                        : Verdict.NOT_EQUAL;
            case UNION -> unordered(x.elements(), y.elements(), budget, depth);
            case SCALAR -> scalar(a, b, budget);
            case COLLECTION -> throw new IllegalStateException("handled above");
        };
        if (verdict == Verdict.NOT_EQUAL
                && equationA
                && valueA != null
                && valueB != null
                && LatexNormalizer.compact(nameOf(a)).equals(LatexNormalizer.compact(nameOf(b)))) {
            // "x = 11" and "x = 5+5+1": the same name, so the values decide
            return equivalent(valueA, valueB, budget, depth + 1);
        }
        return verdict;
    }

    /**
     * A predicted equation against a gold value: a statement "f(6) - f(4) = 0", "|m-n| = 6" or "x = 5" states its
     * right side; "18 = x" its left, where only the left is a value.
     */
    private Verdict statedValue(String equation, String gold, Budget budget, int depth) {
        List<int[]> sign = equalsSigns(equation);
        String left = equation.substring(0, sign.getFirst()[0]).strip();
        String right = equation.substring(sign.getFirst()[1]).strip();
        if (!right.isEmpty()
                && !(NAME.matcher(right).matches() && !NAME.matcher(left).matches())) {
            return equivalent(right, gold, budget, depth + 1);
        }
        return left.isEmpty() ? Verdict.NOT_EQUAL : equivalent(left, gold, budget, depth + 1);
    }

    /** The sides of a top-level {@code \\approx}, or the answer alone. */
    private static List<String> approximation(String s) {
        List<int[]> signs = Latex.relations(s, 0, s.length());
        List<String> sides = new java.util.ArrayList<>();
        int from = 0;
        for (int[] sign : signs) {
            if (sign[2] == Latex.APPROX) {
                sides.add(s.substring(from, sign[0]));
                from = sign[1];
            }
        }
        sides.add(s.substring(from));
        return sides.size() > 1 && signs.stream().allMatch(sign -> sign[2] == Latex.APPROX) ? sides : List.of(s);
    }

    private static List<int[]> equalsSigns(String s) {
        return Latex.relations(s, 0, s.length()).stream()
                .filter(sign -> sign[2] == Latex.EQUALS)
                .toList();
    }

    /** Of a chain {@code z = 1 + 1 = 2}, the last side; anything else as it is. */
    private static String lastSide(String s) {
        List<int[]> signs = equalsSigns(s);
        if (signs.size() < 2 || Latex.splitCommas(s).size() > 1) {
            return s;
        }
        return s.substring(signs.getLast()[1]).strip();
    }

    /** One top-level equals sign and no top-level comma: an equation such as "y = 2x + 3" or "x^2 + y^2 = 1". */
    private static boolean isEquation(String s) {
        return equalsSigns(s).size() == 1 && Latex.splitCommas(s).size() == 1;
    }

    private static String nameOf(String equation) {
        return equation.substring(0, equalsSigns(equation).getFirst()[0]).strip();
    }

    /** The right side of "name = value" when the left names something (x, a_n, f(3), P(x)); else null. */
    private static @Nullable String valueOfNamed(String s) {
        if (!isEquation(s)) {
            return null;
        }
        String name = nameOf(s);
        String value = s.substring(equalsSigns(s).getFirst()[1]).strip();
        return !value.isEmpty() && NAME.matcher(name).matches() ? value : null;
    }

    private Verdict ordered(List<String> a, List<String> b, Budget budget, int depth) {
        if (a.size() != b.size() || a.size() > MAX_ELEMENTS) {
            return Verdict.NOT_EQUAL;
        }
        Verdict result = Verdict.EQUAL;
        for (int i = 0; i < a.size(); i++) {
            Verdict v = equivalent(a.get(i), b.get(i), budget, depth + 1);
            if (v == Verdict.NOT_EQUAL) {
                return v;
            }
            if (v == Verdict.UNDECIDED) {
                result = v;
            }
        }
        return result;
    }

    /**
     * Pairs each element of {@code a} with an equal, unused element of {@code b}; an undecided pairing makes the
     * whole undecided unless some element has no possible partner at all.
     */
    private Verdict unordered(List<String> a, List<String> b, Budget budget, int depth) {
        if (a.size() != b.size() || a.size() > MAX_ELEMENTS) {
            return Verdict.NOT_EQUAL;
        }
        boolean[] used = new boolean[b.size()];
        Verdict result = Verdict.EQUAL;
        for (String element : a) {
            int undecided = -1;
            int partner = -1;
            for (int j = 0; j < b.size() && partner < 0; j++) {
                if (used[j]) {
                    continue;
                }
                Verdict v = equivalent(element, b.get(j), budget, depth + 1);
                if (v == Verdict.EQUAL) {
                    partner = j;
                } else if (v == Verdict.UNDECIDED && undecided < 0) {
                    undecided = j;
                }
            }
            if (partner < 0 && undecided < 0) {
                return Verdict.NOT_EQUAL;
            }
            if (partner < 0) {
                partner = undecided;
                result = Verdict.UNDECIDED;
            }
            used[partner] = true;
        }
        return result;
    }

    private static Verdict scalar(String a, String b, Budget budget) {
        @Nullable BigDecimal x = plainNumber(a);
        @Nullable BigDecimal y = plainNumber(b);
        if (x != null && y != null) {
            return Verdict.of(NumberAnswers.equal(x, y, -1)
                    || closeEnough(x, y)
                    || roundsTo(a, y)
                    || roundsTo(b, x)
                    || statesPrecision(b, x));
        }
        if (budget.exhausted()) {
            return Verdict.UNDECIDED;
        }
        return SymjaChecker.get().compare(a, b, budget);
    }

    /**
     * The numeric fallback's tolerance for two values that are not both integers: 1e-6 relative, the precision of a
     * decimal a model writes for an irrational or repeating answer.
     */
    private static boolean closeEnough(BigDecimal x, BigDecimal y) {
        if (NumberAnswers.isInteger(x) && NumberAnswers.isInteger(y)) {
            return false;
        }
        BigDecimal scale = x.abs().max(y.abs());
        return x.subtract(y).abs().compareTo(NUMERIC_TOLERANCE.multiply(scale)) <= 0;
    }

    /**
     * Whether {@code decimal} is a decimal of at least four significant digits that {@code exact} rounds to
     * (0.3333 for 1/3, 2.6667 for 8/3): a model's decimal of an exact value, stated to its own precision. Fewer
     * digits (3.14 for pi, 0.33 for 1/3) are too coarse to count.
     */
    private static boolean roundsTo(String decimal, BigDecimal exact) {
        String compact = LatexNormalizer.compact(decimal);
        int point = compact.indexOf('.');
        if (point < 0 || !PLAIN_DECIMAL.matcher(compact).matches()) {
            return false;
        }
        BigDecimal stated = new BigDecimal(compact);
        if (stated.precision() < 4 || stated.scale() < 1) {
            return false;
        }
        return exact.setScale(stated.scale(), java.math.RoundingMode.HALF_UP).compareTo(stated) == 0;
    }

    /** Whether the gold is a decimal ("0.43") that {@code value} rounds to at the gold's own number of decimals. */
    private static boolean statesPrecision(String gold, BigDecimal value) {
        String compact = LatexNormalizer.compact(gold);
        if (compact.indexOf('.') < 0 || !PLAIN_DECIMAL.matcher(compact).matches()) {
            return false;
        }
        BigDecimal stated = new BigDecimal(compact);
        return stated.scale() >= 1
                && value.setScale(stated.scale(), java.math.RoundingMode.HALF_UP)
                                .compareTo(stated)
                        == 0;
    }

    /** The exact value of a plain decimal or {@code \frac{p}{q}} of integers, the common case that needs no algebra. */
    private static @Nullable BigDecimal plainNumber(String s) {
        String compact = LatexNormalizer.compact(s);
        if (PLAIN_DECIMAL.matcher(compact).matches()) {
            return new BigDecimal(compact);
        }
        Matcher frac = PLAIN_FRAC.matcher(compact);
        if (frac.matches() && !frac.group(3).matches("0+")) {
            BigDecimal value =
                    new BigDecimal(frac.group(2)).divide(new BigDecimal(frac.group(3)), MathContext.DECIMAL128);
            return frac.group(1).isEmpty() ? value : value.negate();
        }
        return null;
    }

    /** How an answer is built, which decides how its parts compare. */
    enum Kind {
        SCALAR,
        MATRIX,
        BRACKETED,
        UNION,
        COLLECTION;

        boolean unordered() {
            return this == COLLECTION;
        }
    }

    /**
     * An answer's structure and parts.
     *
     * @param elements matrix cells row by row, tuple or interval ends, set or list members, union parts
     * @param columns a matrix's column count
     */
    record Shape(Kind kind, List<String> elements, char open, char close, int columns) {

        boolean isTuple() {
            return kind == Kind.BRACKETED && open == '(' && close == ')';
        }

        /** A comma list without set braces, such as "1, 2, 3". */
        boolean isBareList() {
            return kind == Kind.COLLECTION && open != '{';
        }

        static Shape of(String answer) {
            String s = answer;
            // "(5)" is 5: peel redundant parentheses in a loop, since model output may nest them arbitrarily deep
            while (s.length() > 2
                    && s.charAt(0) == '('
                    && s.charAt(s.length() - 1) == ')'
                    && Latex.isOneGroup(s)
                    && Latex.splitTopLevel(s.substring(1, s.length() - 1), ",").size() == 1) {
                s = s.substring(1, s.length() - 1).strip();
            }
            if (s.isEmpty()) {
                return new Shape(Kind.SCALAR, List.of(answer), ' ', ' ', 0);
            }
            Matcher bracketed = BRACKETED_MATRIX.matcher(s);
            if (bracketed.matches()) {
                // (\begin{pmatrix}…\end{pmatrix}) and \left[\begin{array}…\end{array}\right] are the matrix
                s = bracketed.group(1).strip();
            }
            Matcher matrix = MATRIX.matcher(s);
            if (matrix.matches()) {
                return matrix(matrix.group(2));
            }
            List<String> union = Latex.splitTopLevel(s, "\\cup");
            if (union.size() > 1) {
                return new Shape(Kind.UNION, union, ' ', ' ', 0);
            }
            if (s.startsWith("\\{") && s.endsWith("\\}") && Latex.isOneGroup(s)) {
                Shape set = collection(s.substring(2, s.length() - 2));
                return new Shape(Kind.COLLECTION, set.elements(), '{', '}', 0);
            }
            char first = s.charAt(0);
            char last = s.charAt(s.length() - 1);
            if ((first == '(' || first == '[') && (last == ')' || last == ']') && Latex.isOneGroup(s)) {
                List<String> parts = Latex.splitTopLevel(s.substring(1, s.length() - 1), ",");
                if (parts.size() > 1) {
                    return new Shape(Kind.BRACKETED, parts, first, last, 0);
                }
            }
            if (Latex.splitCommas(s).size() > 1 || plusMinus(s) != null) {
                return collection(s);
            }
            return new Shape(Kind.SCALAR, List.of(s), ' ', ' ', 0);
        }

        /** A set or comma list; members written a ± b count as the two values they stand for. */
        private static Shape collection(String inner) {
            List<String> members = new ArrayList<>();
            for (String part : Latex.splitCommas(inner)) {
                @Nullable List<String> expanded = plusMinus(part.strip());
                if (expanded != null) {
                    members.addAll(expanded);
                } else if (!part.isBlank()) {
                    members.add(part.strip());
                }
            }
            return new Shape(Kind.COLLECTION, members, ' ', ' ', 0);
        }

        /** "a \pm b" as [a+b, a-(b)], or null when the text has no single top-level ± (or ∓). */
        private static @Nullable List<String> plusMinus(String s) {
            for (String sign : List.of("\\pm", "\\mp")) {
                List<String> sides = Latex.splitTopLevel(s, sign);
                if (sides.size() == 2) {
                    String left = sides.getFirst().strip();
                    String right = sides.get(1).strip();
                    return List.of(left + "+" + right, left + "-(" + right + ")");
                }
            }
            return null;
        }

        private static Shape matrix(String body) {
            List<String> cells = new ArrayList<>();
            int columns = -1;
            for (String row : Latex.splitTopLevel(body, "\\\\")) {
                if (row.isBlank()) {
                    continue;
                }
                List<String> rowCells = Latex.splitTopLevel(row, "&");
                if (columns >= 0 && rowCells.size() != columns) {
                    columns = -2;
                }
                if (columns != -2) {
                    columns = rowCells.size();
                }
                cells.addAll(rowCells);
            }
            return new Shape(Kind.MATRIX, cells, ' ', ' ', columns);
        }
    }
}
