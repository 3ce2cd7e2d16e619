package dev.distillery.grading.rules;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.matheclipse.core.convert.VariablesSet;
import org.matheclipse.core.eval.EvalEngine;
import org.matheclipse.core.expression.F;
import org.matheclipse.core.expression.S;
import org.matheclipse.core.form.tex.TeXParser;
import org.matheclipse.core.interfaces.IAST;
import org.matheclipse.core.interfaces.IExpr;
import org.matheclipse.core.interfaces.INumber;
import org.matheclipse.core.interfaces.ISymbol;

/**
 * One symbolic comparison of two scalar LaTeX answers (or two equations) on the current thread's engine.
 *
 * <p>Both sides are parsed with Symja's TeX parser. Since model output is untrusted and Symja also has functions
 * that touch files or the JVM, only expressions built from the arithmetic and elementary functions listed in
 * {@link #ALLOWED_FUNCTIONS} (or from undefined, inert function names such as f) are evaluated at all.
 *
 * <p>Answers without variables are compared by value (1e-6 relative). Answers with variables are first evaluated
 * at five fixed points with exact rational coordinates, which refutes most unequal pairs at once and, when all
 * points agree, is taken as equality (the Schwartz–Zippel argument; exact coordinates avoid the cancellation a
 * floating-point evaluation of, say, an expanded 20th power would suffer). Only when the points say nothing
 * (undefined functions) does it ask {@code Simplify(a - b) == 0}. Equations are equal when their sides'
 * differences are proportional, so 2x + 2 = 0 equals x = -1.
 */
final class SymjaComparison {

    private static final Set<String> ALLOWED_FUNCTIONS = lowerCase(
            "Plus",
            "Times",
            "Power",
            "Sqrt",
            "Surd",
            "Rational",
            "Complex",
            "Sin",
            "Cos",
            "Tan",
            "Cot",
            "Sec",
            "Csc",
            "ArcSin",
            "ArcCos",
            "ArcTan",
            "ArcCot",
            "ArcSec",
            "ArcCsc",
            "Sinh",
            "Cosh",
            "Tanh",
            "Coth",
            "Sech",
            "Csch",
            "ArcSinh",
            "ArcCosh",
            "ArcTanh",
            "Log",
            "Log10",
            "Log2",
            "Exp",
            "Abs",
            "Factorial",
            "Factorial2",
            "Binomial",
            "Equal",
            "Unequal",
            "Less",
            "LessEqual",
            "Greater",
            "GreaterEqual",
            "DirectedInfinity",
            "PlusMinus",
            "Floor",
            "Ceiling",
            "Max",
            "Min",
            "Mod",
            "GCD",
            "LCM",
            "Subtract",
            "Divide",
            "Minus",
            "Sign",
            "Re",
            "Im",
            "Conjugate",
            "Arg");
    private static final Set<String> RELATIONS = lowerCase("Unequal", "Less", "LessEqual", "Greater", "GreaterEqual");
    /** Exact coordinates for the sample points: small, distinct, not integers, of both signs. */
    private static final long[][] COORDINATES = {
        {7, 11}, {-13, 17}, {19, 7}, {5, 23}, {-29, 13}, {31, 37}, {3, 2}, {-2, 9}, {41, 19}, {11, 43}, {-17, 5}
    };

    private static final int SAMPLES = 5;
    private static final int AGREEMENT_NEEDED = 3;
    private static final int MAX_INPUT_LENGTH = 1_000;

    private final EvalEngine engine;

    private static Set<String> lowerCase(String... names) {
        return Arrays.stream(names).map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    SymjaComparison(EvalEngine engine) {
        this.engine = engine;
    }

    Verdict compare(String texA, String texB) {
        @Nullable IExpr a = parse(texA);
        @Nullable IExpr b = parse(texB);
        if (a == null || b == null) {
            // one side is not mathematics Symja can read, and the strings already differ
            return Verdict.NOT_EQUAL;
        }
        boolean equationA = a.isAST(S.Equal, 3);
        boolean equationB = b.isAST(S.Equal, 3);
        if (equationA != equationB) {
            return Verdict.NOT_EQUAL;
        }
        if (equationA) {
            return proportional(F.Subtract(a.first(), a.second()), F.Subtract(b.first(), b.second()), false);
        }
        if (isRelation(a) && isRelation(b) && a.isAST2() && b.isAST2()) {
            return relation(a, b);
        }
        if (isRelation(a) || isRelation(b)) {
            return Verdict.of(engine.evaluate(a).equals(engine.evaluate(b)));
        }
        return same(a, b, statedHalfUnit(texB));
    }

    /**
     * Half a unit in the last place of a gold written as a decimal ("3.14": 0.005), within which a value rounds to
     * it; 0 when the gold is not a decimal.
     */
    private static double statedHalfUnit(String gold) {
        String s = gold.strip();
        if (!s.matches("-?\\d+\\.\\d+")) {
            return 0;
        }
        int decimals = s.length() - s.indexOf('.') - 1;
        return 0.5 * Math.pow(10, -decimals);
    }

    private Verdict same(IExpr a, IExpr b, double halfUnit) {
        IExpr ea = engine.evaluate(a);
        IExpr eb = engine.evaluate(b);
        if (ea.equals(eb)) {
            return Verdict.EQUAL;
        }
        List<IExpr> variables = variables(ea, eb);
        if (variables.isEmpty()) {
            double @Nullable [] x = numeric(ea);
            double @Nullable [] y = numeric(eb);
            if (x != null && y != null) {
                return Verdict.of(close(x, y)
                        || halfUnit > 0
                                && Math.abs(x[1] - y[1]) < 1e-12
                                && Math.abs(x[0] - y[0]) <= halfUnit * (1 + 1e-12));
            }
            return Verdict.of(engine.evaluate(F.Simplify(F.Subtract(ea, eb))).isZero());
        }
        int agreeing = 0;
        for (int sample = 0; sample < SAMPLES; sample++) {
            Map<IExpr, IExpr> point = point(variables, sample);
            double @Nullable [] x = numeric(engine.evaluate(ea.replaceAll(point).orElse(ea)));
            double @Nullable [] y = numeric(engine.evaluate(eb.replaceAll(point).orElse(eb)));
            if (x != null && y != null) {
                if (!close(x, y)) {
                    return Verdict.NOT_EQUAL;
                }
                agreeing++;
            }
        }
        if (agreeing >= AGREEMENT_NEEDED) {
            return Verdict.EQUAL;
        }
        return Verdict.of(engine.evaluate(F.Simplify(F.Subtract(ea, eb))).isZero());
    }

    /**
     * Whether two inequalities say the same: written as f > 0, f >= 0 or f != 0 (a < b turned round to b > a), the
     * same kind with f and g differing by a constant factor, positive unless the kind is !=; so 5 >= x equals
     * x <= 5 and -x >= -1 equals x <= 1.
     */
    private Verdict relation(IExpr a, IExpr b) {
        IExpr[] x = canonical(a);
        IExpr[] y = canonical(b);
        if (!x[0].equals(y[0])) {
            return Verdict.NOT_EQUAL;
        }
        return proportional(x[1], y[1], !x[0].equals(S.Unequal));
    }

    /** {kind, f} with the relation read as f kind 0, kind one of Greater, GreaterEqual, Unequal. */
    private static IExpr[] canonical(IExpr relation) {
        IAST r = (IAST) relation;
        IExpr left = r.arg1();
        IExpr right = r.arg2();
        IExpr head = r.head();
        if (head.equals(S.Less)) {
            return new IExpr[] {S.Greater, F.Subtract(right, left)};
        }
        if (head.equals(S.LessEqual)) {
            return new IExpr[] {S.GreaterEqual, F.Subtract(right, left)};
        }
        return new IExpr[] {head, F.Subtract(left, right)};
    }

    /**
     * Whether f = 0 and g = 0 are the same equation: f and g differ by a constant non-zero factor (a positive one
     * when {@code positive}, as inequalities need).
     */
    private Verdict proportional(IExpr f, IExpr g, boolean positive) {
        IExpr ef = engine.evaluate(f);
        IExpr eg = engine.evaluate(g);
        if (engine.evaluate(F.Subtract(ef, eg)).isZero()) {
            return Verdict.EQUAL;
        }
        List<IExpr> variables = variables(ef, eg);
        if (variables.isEmpty()) {
            // constant relations such as 3 > 2: true or false alike
            return Verdict.of(engine.evaluate(F.Subtract(ef, eg)).isZero());
        }
        double @Nullable [] ratio = null;
        int agreeing = 0;
        for (int sample = 0; sample < SAMPLES; sample++) {
            Map<IExpr, IExpr> point = point(variables, sample);
            double @Nullable [] x = numeric(engine.evaluate(ef.replaceAll(point).orElse(ef)));
            double @Nullable [] y = numeric(engine.evaluate(eg.replaceAll(point).orElse(eg)));
            if (x == null || y == null) {
                continue;
            }
            boolean xZero = Math.hypot(x[0], x[1]) < 1e-12;
            boolean yZero = Math.hypot(y[0], y[1]) < 1e-12;
            if (xZero != yZero) {
                return Verdict.NOT_EQUAL;
            }
            if (xZero) {
                continue;
            }
            double[] r = divide(y, x);
            if (positive && !(r[0] > 0 && Math.abs(r[1]) < 1e-12)) {
                return Verdict.NOT_EQUAL;
            }
            if (ratio == null) {
                ratio = r;
            } else if (!close(ratio, r)) {
                return Verdict.NOT_EQUAL;
            }
            agreeing++;
        }
        if (agreeing >= AGREEMENT_NEEDED) {
            return Verdict.EQUAL;
        }
        IExpr quotient = engine.evaluate(F.Simplify(F.Divide(ef, eg)));
        return Verdict.of(quotient.isNumber() && !quotient.isZero() && (!positive || quotient.isPositive()));
    }

    private @Nullable IExpr parse(String tex) {
        // bases (204_5) and long outputs are beyond what the TeX parser reads reliably; strings decided those
        if (tex.length() > MAX_INPUT_LENGTH || tex.contains("_")) {
            return null;
        }
        try {
            IExpr parsed = new TeXParser().parse(binomials(tex));
            return parsed == null || parsed == S.$Aborted || !allowed(parsed) ? null : parsed;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The TeX parser does not know {@code \binom}; Symja's own function name goes through as an operator. */
    private static String binomials(String tex) {
        int at = tex.indexOf("\\binom");
        while (at >= 0) {
            int open = at + "\\binom".length();
            if (open >= tex.length() || tex.charAt(open) != '{') {
                break;
            }
            int close = Latex.closingBrace(tex, open);
            int open2 = close + 1;
            if (close < 0 || open2 >= tex.length() || tex.charAt(open2) != '{') {
                break;
            }
            int close2 = Latex.closingBrace(tex, open2);
            if (close2 < 0) {
                break;
            }
            tex = tex.substring(0, at) + "\\operatorname{Binomial}(" + tex.substring(open + 1, close) + ","
                    + tex.substring(open2 + 1, close2) + ")" + tex.substring(close2 + 1);
            at = tex.indexOf("\\binom", at + 1);
        }
        return tex;
    }

    /** Built-in functions outside the allow-list are refused; undefined names stay inert and are harmless. */
    private static boolean allowed(IExpr expr) {
        if (!expr.isAST()) {
            return true;
        }
        IExpr head = expr.head();
        if (!head.isSymbol()) {
            return false;
        }
        if (head.isBuiltInSymbol() && !ALLOWED_FUNCTIONS.contains(name(head))) {
            return false;
        }
        return ((IAST) expr).forAll(SymjaComparison::allowed);
    }

    private static boolean isRelation(IExpr expr) {
        return expr.isAST() && expr.head().isSymbol() && RELATIONS.contains(name(expr.head()));
    }

    /** Symja spells built-in names in lower case internally ("times"); the sets hold them lower-cased too. */
    private static String name(IExpr symbol) {
        return ((ISymbol) symbol).getSymbolName().toLowerCase(Locale.ROOT);
    }

    private static List<IExpr> variables(IExpr a, IExpr b) {
        Set<IExpr> all = new LinkedHashSet<>();
        VariablesSet.getVariables(a).forEach(all::add);
        VariablesSet.getVariables(b).forEach(all::add);
        return List.copyOf(all);
    }

    private static Map<IExpr, IExpr> point(List<IExpr> variables, int sample) {
        Map<IExpr, IExpr> point = new HashMap<>();
        for (int i = 0; i < variables.size(); i++) {
            long[] c = COORDINATES[(sample * 3 + i * 5) % COORDINATES.length];
            point.put(variables.get(i), F.QQ(c[0], c[1]));
        }
        return point;
    }

    /** The value as {re, im}, or null when it is not a finite number (a symbol, infinity, an error). */
    private double @Nullable [] numeric(IExpr expr) {
        IExpr value = engine.evalN(expr);
        if (!value.isNumber()) {
            return null;
        }
        INumber number = (INumber) value;
        double re = number.reDoubleValue();
        double im = number.imDoubleValue();
        return Double.isFinite(re) && Double.isFinite(im) ? new double[] {re, im} : null;
    }

    private static boolean close(double[] x, double[] y) {
        double difference = Math.hypot(x[0] - y[0], x[1] - y[1]);
        double scale = Math.max(Math.hypot(x[0], x[1]), Math.hypot(y[0], y[1]));
        return difference <= 1e-6 * scale || difference <= 1e-12;
    }

    private static double[] divide(double[] y, double[] x) {
        double d = x[0] * x[0] + x[1] * x[1];
        return new double[] {(y[0] * x[0] + y[1] * x[1]) / d, (y[1] * x[0] - y[0] * x[1]) / d};
    }
}
