package dev.distillery.grading.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Extraction of LaTeX answers (MATH, MATH-500), METHODS.md §4. The default tries, in order:
 * <ol>
 * <li>{@code boxed}: the last {@code \boxed{}} ({@code \fbox{}}, brace-less {@code \boxed 5}); boxes written side
 * by side ({@code \boxed{3}, \boxed{5}}) together;</li>
 * <li>{@code after-marker}: the last marker ("The final answer is", "The answer is", "Final Answer:", "Answer:",
 * also in Markdown bold or as a heading), when it comes after the last box: the first value in the sentence after
 * it, a math span or a number, skipping spans that only name something ("The volume of $ABCD$ is 120");</li>
 * <li>{@code whole-output}: a short output that is only an answer ("-5", "\frac{1}{2}", "x = 3", "28 percent",
 * "Evelyn") is itself the answer;</li>
 * <li>{@code last-math} or {@code last-number}: free-form solutions, such as a Trace-of-Thought student's, which
 * are never asked to box: the last value of the last sentence that has one, where a value is a display or inline
 * math span ({@code $…$}, {@code $$…$$}, {@code \(…\)}, {@code \[…\]}) holding more than a name, or a number
 * outside math ("… so the value of $j$ when $k = 14$ is 24." reads 24);</li>
 * </ol>
 * Of a math span holding a chain {@code a = \frac{1}{1} = 1} the last side is the answer; an {@code \approx}
 * gives way to the exact value before it. A single equation is kept whole: the comparison decides whether the gold
 * is an equation or a value.
 */
public final class MathAnswers {

    public static final String BOXED = "boxed";
    public static final String AFTER_MARKER = "after-marker";
    public static final String WHOLE_OUTPUT = "whole-output";
    public static final String LAST_MATH = "last-math";
    public static final String LAST_NUMBER = "last-number";

    /** Longer outputs are never taken whole: a sentence, not an answer. */
    private static final int SHORT_ANSWER_CHARS = 80;

    private static final Pattern WORD = Pattern.compile("(?<![\\\\a-zA-Z])[a-zA-Z]{2,}");
    private static final Pattern ENVIRONMENT_NAME =
            Pattern.compile("\\\\(?:begin|end)\\s*\\{[a-zA-Z*]*}(?:\\{[^}]*})?");
    private static final Pattern TEXT_WRAPPER =
            Pattern.compile("\\\\(?:text|textbf|mathrm|mbox|textit|mathbf)\\s*\\{([^{}]*)}");
    /** Words that may stand in a bare answer without making it a sentence. */
    private static final Set<String> ANSWER_WORDS = Set.of(
            "and",
            "or",
            "percent",
            "percentage",
            "pct",
            "degrees",
            "degree",
            "units",
            "unit",
            "cm",
            "mm",
            "km",
            "meters",
            "inches",
            "feet",
            "dollars",
            "cents",
            "hours",
            "minutes",
            "seconds",
            "days",
            "sq",
            "square",
            "cubic",
            "pi",
            "sqrt",
            "frac",
            "infty",
            "inf",
            "infinity");
    /** A period, question or exclamation mark before a space or the end, or a blank line, ends a sentence. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s|$)|\\n\\s*\\n");

    private static final Pattern SINGLE_VARIABLE = Pattern.compile("^\\s*[a-zA-Z](?:_\\{?\\w+\\}?)?\\s*$");
    /** What makes a span a value rather than a name: a digit or a constant. */
    private static final Pattern VALUE_LIKE =
            Pattern.compile("\\d|\\\\(?:pi|infty|sqrt|frac|dfrac|tfrac|emptyset|varnothing)"
                    + "(?![a-zA-Z])|\\\\text\\s*\\{|\\\\begin\\s*\\{[a-zA-Z]*matrix");
    /** Alignment environments inside a display, whose lines are steps towards the answer (matrices are answers). */
    private static final Pattern ALIGNMENT =
            Pattern.compile("\\\\(?:begin|end)\\s*\\{(?:aligned|align\\*?|alignat\\*?|gathered|gather\\*?"
                    + "|split|eqnarray\\*?|cases|equation\\*?)}(?:\\{[^}]*})?");

    private static final Pattern REASON = Pattern.compile(",?\\s+(?:because|since)\\s", Pattern.CASE_INSENSITIVE);
    /** Between an exact value and its rounding: "$\\frac{\\sqrt{3}}{3}$, or approximately $0.577$". */
    private static final Pattern APPROXIMATELY = Pattern.compile(
            "^[\\s,;(]*(?:or\\s+|which\\s+is\\s+)?(?:approximately|approx\\.?|about|roughly|around|≈|~)[\\s:$]*$",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern CONDITION =
            Pattern.compile("^\\s*[a-zA-Z](?:_\\{?\\w+\\}?)?\\s*(?:<|>|\\\\[lg]eq?|\\\\neq?|\\\\[lg]t)(?![a-zA-Z]).*$");
    /** Between values listed together: commas, "and", spaces, quads, math delimiters. */
    private static final Pattern LISTED =
            Pattern.compile("^(?:\\s|,|;|\\$|and|\\\\text\\{\\s*and\\s*}|\\\\q?quad|\\\\[,;: ])*$");

    private static final Pattern SUBSCRIPT = Pattern.compile("_(?:\\{[^{}]*}|\\w)");
    private static final Pattern BETWEEN_BOXES =
            Pattern.compile("^(?:\\s|,|;|\\$|and|\\\\text\\{\\s*and\\s*}|\\\\q?quad" + "|\\\\[,;:! ()\\[\\]])*$");

    private MathAnswers() {}

    /** Reads the answer with {@code rule}, or with the default cascade when {@code rule} is null. */
    public static Extraction extract(@Nullable String rule, String output) {
        if (rule == null) {
            Extraction boxed = boxed(output);
            Extraction marked = afterMarker(output);
            // a statement after the last box wins only with a value: "The final answer is positive, because …" does not
            if (boxed.found()
                    && !(marked.answer() instanceof String answer && markerAfterLastBox(output) && valueLike(answer))) {
                return boxed;
            }
            if (marked.found()) {
                return marked;
            }
            Extraction whole = wholeOutput(output);
            return whole.found() ? whole : lastValue(output);
        }
        return switch (rule) {
            case BOXED -> boxed(output);
            case AFTER_MARKER -> afterMarker(output);
            case WHOLE_OUTPUT -> wholeOutput(output);
            case LAST_MATH -> lastMath(output);
            case LAST_NUMBER -> lastNumber(output);
            default -> throw new IllegalArgumentException("Unknown math rule '" + rule + "'");
        };
    }

    /**
     * A gold answer as stored: unwrapped from {@code \boxed{}} when a dataset kept the box; a whole worked solution
     * (some datasets store one) is read like an output.
     */
    public static String gold(String gold) {
        Extraction boxed = boxed(gold);
        if (boxed.answer() != null) {
            return boxed.answer();
        }
        if (proseWords(gold) >= 4) {
            Extraction read = extract(null, gold);
            if (read.answer() != null) {
                return read.answer();
            }
        }
        return gold;
    }

    /** The last box, together with the boxes just before it when only commas or "and" stand between them. */
    private static Extraction boxed(String output) {
        Latex.Found last = Latex.lastBoxed(output);
        if (last == null) {
            return Extraction.none(BOXED);
        }
        Extraction found = Extraction.of(BOXED, output, last.from(), last.to());
        if (!found.found()) {
            return found;
        }
        List<String> parts = new ArrayList<>(List.of(found.answer()));
        int start = last.start();
        Latex.Found earlier = Latex.lastBoxed(output.substring(0, start));
        while (earlier != null
                && BETWEEN_BOXES
                        .matcher(output.substring(afterBox(output, earlier), start))
                        .matches()
                && !earlier.content(output).isBlank()) {
            parts.addFirst(earlier.content(output).strip());
            start = earlier.start();
            earlier = Latex.lastBoxed(output.substring(0, start));
        }
        return parts.size() == 1 ? found : new Extraction(BOXED, String.join(", ", parts), start, last.to());
    }

    private static int afterBox(String output, Latex.Found box) {
        return box.to() < output.length() && output.charAt(box.to()) == '}' ? box.to() + 1 : box.to();
    }

    /** Whether the last text marker comes after the last box ("… $\boxed{255}$ … The final answer is $10,455$."). */
    private static boolean markerAfterLastBox(String output) {
        Latex.Found box = Latex.lastBoxed(output);
        Latex.Found marker = Markers.afterLastMarker(output, Markers.MATH, false);
        return box != null && marker != null && marker.start() > box.to();
    }

    /**
     * The first value in the sentence after the last marker ("The answer is $\frac{1}{2}$ cups." reads
     * \frac{1}{2}, "The largest $n$ is 34." reads 34); without one, that sentence itself.
     */
    private static Extraction afterMarker(String output) {
        Latex.Found marked = Markers.afterLastMarker(output, Markers.MATH, false);
        if (marked == null) {
            return Extraction.none(AFTER_MARKER);
        }
        Latex.Found line = Markers.firstLine(output, marked.from(), marked.to());
        if (line.from() == line.to()) {
            return Extraction.none(AFTER_MARKER);
        }
        // a display that starts on the marker's line may go on below it
        List<Candidate> candidates = candidates(output, line.from(), marked.to());
        int end = sentenceEnd(output, line.from(), line.to(), candidates);
        boolean spans = candidates.stream().anyMatch(c -> c.span() != null && c.start() < end);
        if (!spans && proseWords(output.substring(line.from(), end)) < 4) {
            // "The answer is 16\sqrt{3}." is LaTeX without delimiters: the sentence is the answer
            return Extraction.of(AFTER_MARKER, output, line.from(), end);
        }
        int reason = reasonClause(output, line.from(), end);
        List<Candidate> sentence =
                candidates.stream().filter(c -> c.start() < reason).toList();
        Extraction value = lastValue(AFTER_MARKER, output, sentence);
        if (value.found()) {
            return value;
        }
        for (Candidate c : candidates) {
            if (c.start() < end && c.span() != null) {
                return c.extract(AFTER_MARKER, output);
            }
        }
        return Extraction.of(AFTER_MARKER, output, line.from(), end);
    }

    /** Where a reason clause starts ("The answer is 0, because 2^0 = 1."), or {@code end}. */
    private static int reasonClause(String output, int from, int end) {
        Matcher m = REASON.matcher(output).region(from, end);
        return m.find() ? m.start() : end;
    }

    /** The whole output when it is short and has no more words than a bare answer ("12 and 13", "Evelyn"). */
    private static Extraction wholeOutput(String output) {
        String s = output.strip();
        if (s.isEmpty() || s.length() > SHORT_ANSWER_CHARS || s.contains("\n")) {
            return Extraction.none(WHOLE_OUTPUT);
        }
        String plain = TEXT_WRAPPER
                .matcher(ENVIRONMENT_NAME.matcher(s).replaceAll(" "))
                .replaceAll("$1");
        long words = proseWords(s);
        boolean onlyWords = !plain.matches("(?s).*[\\d\\\\^_=+*/()\\[\\]{}<>].*");
        if (!(words == 0 || onlyWords && words <= 3)) {
            return Extraction.none(WHOLE_OUTPUT);
        }
        int from = output.indexOf(s);
        int to = from + s.length();
        List<MathSpans.Span> spans = MathSpans.find(output, from, to);
        if (spans.size() == 1
                && spans.getFirst().start() == from
                && output.substring(spans.getFirst().end(), to).matches("[\\s.,;!]*")) {
            return answerOf(
                    WHOLE_OUTPUT,
                    output,
                    spans.getFirst().from(),
                    spans.getFirst().to());
        }
        return answerOf(WHOLE_OUTPUT, output, from, to);
    }

    /** The last value of the output: a math span ({@code last-math}) or a number ({@code last-number}). */
    private static Extraction lastValue(String output) {
        List<Candidate> candidates = candidates(output, 0, output.length());
        Extraction value = lastValue(null, output, candidates);
        if (value.found() || candidates.isEmpty()) {
            return value.found() ? value : Extraction.none(LAST_NUMBER);
        }
        Candidate last = candidates.getLast();
        return last.extract(last.span() != null ? LAST_MATH : LAST_NUMBER, output);
    }

    /**
     * The last value among {@code candidates}, a statement's result rather than its condition ("$3$ values when
     * $x \ge 0$" reads 3), together with the values listed just before it ("$12$ and $13$"); none when no
     * candidate holds a value.
     *
     * @param rule the rule to report, or null for last-math or last-number by what was found
     */
    private static Extraction lastValue(@Nullable String rule, String output, List<Candidate> candidates) {
        int chosen = -1;
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Candidate c = candidates.get(i);
            if (c.valueLike() && !c.condition(output)) {
                chosen = i;
                break;
            }
            if (c.valueLike() && chosen < 0) {
                chosen = -2 - i;
            }
        }
        if (chosen < -1) {
            chosen = -2 - chosen;
        }
        if (chosen < 0) {
            return Extraction.none(rule == null ? LAST_NUMBER : rule);
        }
        Candidate last = candidates.get(chosen);
        String reported = rule != null ? rule : last.span() != null ? LAST_MATH : LAST_NUMBER;
        if (chosen > 0
                && candidates.get(chosen - 1).valueLike()
                && APPROXIMATELY
                        .matcher(output.substring(candidates.get(chosen - 1).end(), last.start()))
                        .matches()) {
            // both the exact value and its rounding, as "exact \approx rounded", for the comparison to choose
            Extraction exact = candidates.get(chosen - 1).extract(reported, output);
            Extraction rounded = last.extract(reported, output);
            if (exact.found() && rounded.found()) {
                return new Extraction(
                        reported, exact.answer() + " \\approx " + rounded.answer(), exact.start(), rounded.end());
            }
        }
        int first = chosen;
        while (first > 0
                && candidates.get(first).plainValue(output)
                && candidates.get(first - 1).plainValue(output)
                && LISTED.matcher(output.substring(
                                candidates.get(first - 1).end(),
                                candidates.get(first).start()))
                        .matches()) {
            first--;
        }
        return first == chosen
                ? last.extract(reported, output)
                : Extraction.of(reported, output, candidates.get(first).start(), last.end());
    }

    /** The last math span holding a value (else the last span): the {@code last-math} rule on its own. */
    private static Extraction lastMath(String output) {
        List<MathSpans.Span> spans = MathSpans.find(output, 0, output.length());
        if (spans.isEmpty()) {
            return Extraction.none(LAST_MATH);
        }
        for (int i = spans.size() - 1; i >= 0; i--) {
            MathSpans.Span span = spans.get(i);
            if (valueLike(output.substring(span.from(), span.to()))) {
                return answerOf(LAST_MATH, output, span.from(), span.to());
            }
        }
        return answerOf(
                LAST_MATH, output, spans.getLast().from(), spans.getLast().to());
    }

    private static Extraction lastNumber(String output) {
        int[] last = NumberAnswers.last(output, 0, output.length());
        return last == null
                ? Extraction.none(LAST_NUMBER)
                : new Extraction(LAST_NUMBER, output.substring(last[0], last[1]), last[0], last[1]);
    }

    /** A possible answer: a math span, or a number outside math. */
    private record Candidate(int start, int end, MathSpans.@Nullable Span span, boolean valueLike) {

        /** A span such as "x \ge 0" or "n > 5": a condition on a variable rather than a result ("x \ge a = 5" is one). */
        boolean condition(String output) {
            if (span == null) {
                return false;
            }
            String content = output.substring(span.from(), span.to());
            return CONDITION.matcher(content).matches() && content.indexOf('=') < 0;
        }

        /** A math span holding a value and no equation or relation, which may be listed with others ("$12$ and $13$"). */
        boolean plainValue(String output) {
            return span != null
                    && valueLike
                    && Latex.relations(output, span.from(), span.to()).isEmpty()
                    && !CONDITION
                            .matcher(output.substring(span.from(), span.to()))
                            .find();
        }

        Extraction extract(String rule, String output) {
            return span == null
                    ? new Extraction(rule, output.substring(start, end), start, end)
                    : answerOf(rule, output, span.from(), span.to());
        }
    }

    /** The math spans and the numbers outside them in {@code output[from, to)}, in order. */
    private static List<Candidate> candidates(String output, int from, int to) {
        List<Candidate> candidates = new ArrayList<>();
        int at = from;
        for (MathSpans.Span span : MathSpans.find(output, from, to)) {
            numbers(output, at, span.start(), candidates);
            candidates.add(
                    new Candidate(span.start(), span.end(), span, valueLike(output.substring(span.from(), span.to()))));
            at = span.end();
        }
        numbers(output, at, to, candidates);
        return candidates;
    }

    private static void numbers(String output, int from, int to, List<Candidate> into) {
        if (from >= to) {
            return;
        }
        for (int[] at : NumberAnswers.scan(output, from, to, Integer.MAX_VALUE)) {
            into.add(new Candidate(at[0], at[1], null, true));
        }
    }

    /**
     * Where the sentence that starts at {@code from} ends: the first sentence end on the line that is not a decimal
     * point and not inside a candidate (a display may hold periods), else the line's end.
     */
    private static int sentenceEnd(String output, int from, int lineEnd, List<Candidate> candidates) {
        Matcher sentence = SENTENCE_END.matcher(output).region(from, lineEnd);
        sentence.useTransparentBounds(true);
        outer:
        while (sentence.find()) {
            int at = sentence.start();
            if (output.charAt(at) == '.' && at + 1 < output.length() && Character.isDigit(output.charAt(at + 1))) {
                continue;
            }
            for (Candidate c : candidates) {
                if (at >= c.start() && at < c.end()) {
                    continue outer;
                }
            }
            return at;
        }
        int end = lineEnd;
        for (Candidate c : candidates) {
            if (c.start() < lineEnd && c.end() > end) {
                end = c.end();
            }
        }
        return end;
    }

    /** Words of two or more letters that are neither LaTeX commands, environment names nor unit or connective words. */
    private static long proseWords(String s) {
        String plain = TEXT_WRAPPER
                .matcher(ENVIRONMENT_NAME.matcher(s).replaceAll(" "))
                .replaceAll("$1");
        return WORD.matcher(plain)
                .results()
                .map(r -> r.group().toLowerCase(Locale.ROOT))
                .filter(w -> !ANSWER_WORDS.contains(w))
                .count();
    }

    static boolean valueLike(String span) {
        return !SINGLE_VARIABLE.matcher(span).matches()
                && VALUE_LIKE.matcher(SUBSCRIPT.matcher(span).replaceAll("")).find();
    }

    /**
     * The answer in {@code output[from, to)}: of a display with aligned lines ({@code align}, {@code aligned},
     * {@code array}, row breaks) its last line; after a {@code \Rightarrow} what it arrives at; of a chain
     * {@code a = \frac{1}{1} = 1} or {@code a \equiv -5 \equiv 32} the last side (the one before it when the last
     * only names the value, as in {@code 36 - 7 - 2 - 10 = 17 = x}). A single equation {@code f(3) = 5} and an
     * approximation {@code \frac{3}{7} \approx 0.43} are kept whole: the comparison reads them.
     */
    static Extraction answerOf(String rule, String output, int from, int to) {
        String masked = ALIGNMENT
                .matcher(output.substring(0, to))
                .replaceAll(m -> " ".repeat(m.group().length()));
        if (!masked.substring(from, to).contains("\\begin")) {
            List<String> lines = Latex.splitLines(masked.substring(from, to));
            while (lines.size() > 1 && lines.getLast().isBlank()) {
                to -= lines.getLast().length() + 2;
                lines = lines.subList(0, lines.size() - 1);
            }
            if (lines.size() > 1) {
                from = to - lines.getLast().length();
            }
        }
        from = skipLeading(masked, from, to);
        List<String> steps = Latex.splitTopLevel(masked.substring(from, to), "\\Rightarrow");
        if (steps.size() == 1) {
            steps = Latex.splitTopLevel(masked.substring(from, to), "\\implies");
        }
        if (steps.size() > 1 && !steps.getLast().isBlank()) {
            from = skipLeading(masked, to - steps.getLast().length(), to);
        }
        List<int[]> equals = Latex.relations(masked, from, to).stream()
                .filter(r -> r[2] == Latex.EQUALS)
                .toList();
        if (equals.size() >= 2) {
            int lastFrom = equals.getLast()[1];
            String last = masked.substring(lastFrom, to).strip();
            if (SINGLE_VARIABLE.matcher(trimPunctuation(last)).matches()) {
                return trimmed(rule, output, masked, equals.get(equals.size() - 2)[1], equals.getLast()[0]);
            }
            return trimmed(rule, output, masked, lastFrom, to);
        }
        return trimmed(rule, output, masked, from, to);
    }

    /** Past spaces, alignment marks and a leading equals sign (the "&= 5" of an aligned line). */
    private static int skipLeading(String masked, int from, int to) {
        while (from < to) {
            char c = masked.charAt(from);
            if (Character.isWhitespace(c) || c == '&' || c == '=') {
                from++;
            } else if (masked.startsWith("\\equiv", from)) {
                from += 6;
            } else if (masked.startsWith("\\qquad", from) || masked.startsWith("\\quad", from)) {
                from += masked.startsWith("\\qquad", from) ? 6 : 5;
            } else if (masked.startsWith("\\text{ }", from)) {
                from += 8;
            } else {
                break;
            }
        }
        return from;
    }

    /** The answer in {@code output[from, to)} without what {@code masked} blanked out around it. */
    private static Extraction trimmed(String rule, String output, String masked, int from, int to) {
        while (from < to && Character.isWhitespace(masked.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(masked.charAt(to - 1))) {
            to--;
        }
        return Extraction.of(rule, output, from, to);
    }

    private static String trimPunctuation(String s) {
        return s.replaceAll("[\\s.,;!]+$", "");
    }
}
