package dev.distillery.methods.grading;

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
    /** Nested structures deeper than this are compared as strings only. */
    private static final int MAX_DEPTH = 6;
    /** Collections larger than this are compared as strings only (the pairing is quadratic). */
    private static final int MAX_ELEMENTS = 64;

    private final Duration timeLimit;

    /** @param timeLimit the computer-algebra time one {@link #compare} may spend before it gives up as undecided */
    public MathEquivalence(Duration timeLimit) {
        this.timeLimit = timeLimit;
    }

    /** Compares an extracted answer with the gold answer; UNDECIDED when the time limit or a size limit stopped it. */
    public Verdict compare(String answer, String gold) {
        return equivalent(answer, gold, new Budget(timeLimit.toNanos()), 0);
    }

    private Verdict equivalent(String rawA, String rawB, Budget budget, int depth) {
        String a = LatexNormalizer.normalize(rawA);
        String b = LatexNormalizer.normalize(rawB);
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
        Shape x = Shape.of(a);
        Shape y = Shape.of(b);
        if (x.kind().unordered() && y.kind().unordered()) {
            return unordered(x.elements(), y.elements(), budget, depth);
        }
        if (x.kind() != y.kind()) {
            return Verdict.NOT_EQUAL;
        }
        return switch (x.kind()) {
            case MATRIX -> x.columns() == y.columns() ? ordered(x.elements(), y.elements(), budget, depth) : Verdict.NOT_EQUAL;
            case BRACKETED -> x.open() == y.open() && x.close() == y.close()
                    ? ordered(x.elements(), y.elements(), budget, depth) : Verdict.NOT_EQUAL;
            case UNION -> unordered(x.elements(), y.elements(), budget, depth);
            case SCALAR -> scalar(a, b, budget);
            case COLLECTION -> throw new IllegalStateException("handled above");
        };
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
        @Nullable Double x = plainNumber(a);
        @Nullable Double y = plainNumber(b);
        if (x != null && y != null) {
            return Verdict.of(NumberAnswers.close(x, y));
        }
        if (budget.exhausted()) {
            return Verdict.UNDECIDED;
        }
        return SymjaChecker.get().compare(a, b, budget);
    }

    /** The value of a plain decimal or {@code \frac{p}{q}} of integers, the common case that needs no algebra. */
    private static @Nullable Double plainNumber(String s) {
        String compact = LatexNormalizer.compact(s);
        if (PLAIN_DECIMAL.matcher(compact).matches()) {
            return Double.parseDouble(compact);
        }
        Matcher frac = PLAIN_FRAC.matcher(compact);
        if (frac.matches() && !frac.group(3).matches("0+")) {
            double value = Double.parseDouble(frac.group(2)) / Double.parseDouble(frac.group(3));
            return frac.group(1).isEmpty() ? value : -value;
        }
        return null;
    }

    /** How an answer is built, which decides how its parts compare. */
    enum Kind {
        SCALAR, MATRIX, BRACKETED, UNION, COLLECTION;

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

        static Shape of(String answer) {
            String s = answer;
            // "(5)" is 5: peel redundant parentheses in a loop, since model output may nest them arbitrarily deep
            while (s.length() > 2 && s.charAt(0) == '(' && s.charAt(s.length() - 1) == ')' && Latex.isOneGroup(s)
                    && Latex.splitTopLevel(s.substring(1, s.length() - 1), ",").size() == 1) {
                s = s.substring(1, s.length() - 1).strip();
            }
            if (s.isEmpty()) {
                return new Shape(Kind.SCALAR, List.of(answer), ' ', ' ', 0);
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
                return collection(s.substring(2, s.length() - 2));
            }
            char first = s.charAt(0);
            char last = s.charAt(s.length() - 1);
            if ((first == '(' || first == '[') && (last == ')' || last == ']') && Latex.isOneGroup(s)) {
                List<String> parts = Latex.splitTopLevel(s.substring(1, s.length() - 1), ",");
                if (parts.size() > 1) {
                    return new Shape(Kind.BRACKETED, parts, first, last, 0);
                }
            }
            if (Latex.splitTopLevel(s, ",").size() > 1 || plusMinus(s) != null) {
                return collection(s);
            }
            return new Shape(Kind.SCALAR, List.of(s), ' ', ' ', 0);
        }

        /** A set or comma list; members written a ± b count as the two values they stand for. */
        private static Shape collection(String inner) {
            List<String> members = new ArrayList<>();
            for (String part : Latex.splitTopLevel(inner, ",")) {
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
