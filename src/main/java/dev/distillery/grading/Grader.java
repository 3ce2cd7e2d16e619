package dev.distillery.grading;

import dev.distillery.grading.rules.ChoiceAnswers;
import dev.distillery.grading.rules.Extraction;
import dev.distillery.grading.rules.MathAnswers;
import dev.distillery.grading.rules.MathEquivalence;
import dev.distillery.grading.rules.NumberAnswers;
import dev.distillery.grading.rules.StringAnswers;
import dev.distillery.grading.rules.Verdict;
import dev.distillery.grading.rules.YesNoAnswers;
import dev.distillery.shared.AnswerType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads the answer from a model output and decides whether it equals the gold answer (METHODS.md §4).
 *
 * <p>Each answer type has extraction rules; {@code "default"} (or null) picks the type's usual one and the
 * {@link Grade} names the rule that actually produced the answer:
 * <ul>
 * <li>number: {@code after-marker} (the first number after the last {@code ####}, {@code -->}, "The answer is",
 * "Therefore, the answer is", or inside the last {@code \boxed{}}), {@code last-number}, {@code first-number};
 * default: after the marker when there is one, else the last number. Compared numerically with a relative
 * tolerance of 1e-6, after removing thousands separators, {@code $} and {@code %}.</li>
 * <li>math: {@code boxed} (the last {@code \boxed{}}/{@code \fbox{}}), {@code after-marker}; default: boxed, else
 * after the marker. Compared after LaTeX normalisation, then structurally and symbolically (Symja) under the
 * time limit; an answer that cannot be decided in time is {@code correct=false, flagged=true}.</li>
 * <li>choice: {@code after-marker}, {@code option-text}, {@code last-letter}; default in that order. Gold is a
 * label; an option's text stands for its label.</li>
 * <li>yesno: {@code last-yes-no}, the last yes or no word; gold yes/no or true/false.</li>
 * <li>string: {@code after-marker}, {@code whole-output}; default: marker if any, else the whole output. Exact
 * match after stripping whitespace, quotes and periods.</li>
 * </ul>
 * No answer found gives {@code extracted=null, correct=false}.
 *
 * <p>Pure and thread-safe; the computer-algebra system starts on the first math answer that needs it.
 */
public final class Grader {

    /**
     * The version of the extraction rules and equivalence checks, recorded with every verdict. It changes whenever a
     * verdict could change, so a run's figures say which grader produced them and a re-grade knows what is stale.
     * Version 1 is every verdict recorded before versions were (read only the box or a marker for math, compared
     * numbers within 1e-6); docs/GRADING.md lists the versions.
     */
    public static final String VERSION = "2";

    /** What {@link #grade} accepts as "the type's usual rule", besides null. */
    public static final String DEFAULT_RULE = "default";

    public static final Duration DEFAULT_MATH_TIME_LIMIT = Duration.ofSeconds(2);

    private static final Map<AnswerType, List<String>> RULES = Map.of(
            AnswerType.NUMBER,
                    List.of(
                            DEFAULT_RULE,
                            NumberAnswers.AFTER_MARKER,
                            NumberAnswers.LAST_NUMBER,
                            NumberAnswers.FIRST_NUMBER),
            AnswerType.MATH,
                    List.of(
                            DEFAULT_RULE,
                            MathAnswers.BOXED,
                            MathAnswers.AFTER_MARKER,
                            MathAnswers.WHOLE_OUTPUT,
                            MathAnswers.LAST_MATH,
                            MathAnswers.LAST_NUMBER),
            AnswerType.CHOICE,
                    List.of(
                            DEFAULT_RULE,
                            ChoiceAnswers.AFTER_MARKER,
                            ChoiceAnswers.OPTION_TEXT,
                            ChoiceAnswers.LAST_LETTER),
            AnswerType.YESNO, List.of(DEFAULT_RULE, YesNoAnswers.LAST_YES_NO),
            AnswerType.STRING, List.of(DEFAULT_RULE, StringAnswers.AFTER_MARKER, StringAnswers.WHOLE_OUTPUT));

    private final MathEquivalence math;

    public Grader() {
        this(DEFAULT_MATH_TIME_LIMIT);
    }

    /** @param mathTimeLimit the computer-algebra time one math answer may take before it is flagged */
    public Grader(Duration mathTimeLimit) {
        if (mathTimeLimit.isNegative() || mathTimeLimit.isZero()) {
            throw new IllegalArgumentException("The math time limit must be positive, not " + mathTimeLimit);
        }
        this.math = new MathEquivalence(mathTimeLimit);
    }

    /** The rule ids a user may choose for {@code type}, {@code "default"} first. */
    public static List<String> rules(AnswerType type) {
        return Objects.requireNonNull(RULES.get(type), "every answer type has rules");
    }

    /**
     * Grades one output.
     *
     * @param rule one of {@link #rules(AnswerType)}, or null for the default
     * @param choices the item's options (label, text) for choice answers; may be empty
     * @throws IllegalArgumentException when {@code rule} is not one of the type's rules
     */
    public Grade grade(AnswerType type, @Nullable String rule, String output, String gold, List<Choice> choices) {
        @Nullable String chosen = rule == null || rule.equals(DEFAULT_RULE) ? null : rule;
        if (chosen != null && !rules(type).contains(chosen)) {
            throw new IllegalArgumentException("Unknown rule '" + rule + "' for " + type.id() + " answers: use one of "
                    + String.join(", ", rules(type)));
        }
        return switch (type) {
            case NUMBER -> {
                Extraction read = NumberAnswers.extract(chosen, output);
                yield judge(read, answer -> Verdict.of(NumberAnswers.matches(answer, gold, output, read.end())));
            }
            case MATH ->
                judge(MathAnswers.extract(chosen, output), answer -> math.compare(answer, MathAnswers.gold(gold)));
            case CHOICE -> {
                Map<String, String> options = options(choices);
                yield judge(
                        ChoiceAnswers.extract(chosen, output, options),
                        answer -> Verdict.of(ChoiceAnswers.matches(answer, gold, options)));
            }
            case YESNO -> judge(YesNoAnswers.extract(output), answer -> Verdict.of(YesNoAnswers.matches(answer, gold)));
            case STRING ->
                judge(StringAnswers.extract(chosen, output), answer -> Verdict.of(StringAnswers.matches(answer, gold)));
        };
    }

    private static Grade judge(Extraction extraction, Function<String, Verdict> compare) {
        String answer = extraction.answer();
        if (answer == null) {
            return new Grade(extraction.rule(), null, -1, -1, false, false, VERSION);
        }
        Verdict verdict = compare.apply(answer);
        return new Grade(
                extraction.rule(),
                answer,
                extraction.start(),
                extraction.end(),
                verdict == Verdict.EQUAL,
                verdict == Verdict.UNDECIDED,
                VERSION);
    }

    private static Map<String, String> options(List<Choice> choices) {
        Map<String, String> options = new LinkedHashMap<>();
        for (Choice choice : choices) {
            options.putIfAbsent(choice.label().strip().toUpperCase(java.util.Locale.ROOT), choice.text());
        }
        return options;
    }
}
