package dev.distillery.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.distillery.shared.AnswerType;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Extraction and comparison for number, choice, yes/no and string answers (METHODS.md §4); math is in {@link MathGraderUnitTest}. */
class GraderUnitTest {

    private final Grader grader = new Grader();

    private static final List<Choice> AQUA = List.of(
            new Choice("A", "12"),
            new Choice("B", "18"),
            new Choice("C", "24"),
            new Choice("D", "30"),
            new Choice("E", "36"));
    private static final List<Choice> CSQA = List.of(
            new Choice("A", "bank"),
            new Choice("B", "Vitamin C"),
            new Choice("C", "library"),
            new Choice("D", "department store"),
            new Choice("E", "mall"));
    private static final List<Choice> DATE = List.of(
            new Choice("A", "01/02/2019"),
            new Choice("B", "01/03/2019"),
            new Choice("C", "12/31/2018"),
            new Choice("D", "01/01/2019"),
            new Choice("E", "02/01/2019"),
            new Choice("F", "01/04/2019"));

    // ---------------------------------------------------------------- number

    static Stream<Arguments> numberAnswers() {
        return Stream.of(
                // output, gold, expected extraction, expected rule, correct
                arguments(
                        "Natalia sold 48/2 = 24 clips in May.\n48+24 = 72\n#### 72", "72", "72", "after-marker", true),
                arguments("#### 1,234", "1234", "1234", "after-marker", true),
                arguments("She pays 3 * 6 = 18 dollars. The answer is 18.0", "18", "18.0", "after-marker", true),
                arguments("She pays 18 dollars. The answer is 18.", "18.00", "18", "after-marker", true),
                arguments(
                        "So she has $1,234.50 left. The answer is $1,234.50.",
                        "1234.5",
                        "1234.50",
                        "after-marker",
                        true),
                arguments("The price rose by 50%. The answer is 50%.", "50", "50", "after-marker", true),
                arguments("Q: 4 cars ... A: 2 + 2 = 4 --> 4 END", "4", "4", "after-marker", true),
                arguments(
                        "He buys 6 packs of 7 --> 42 END 17 more tokens after the end",
                        "42",
                        "42",
                        "after-marker",
                        true),
                arguments(
                        "Let's think step by step. 7 - 10 = -3\nTherefore, the answer is -3 degrees.",
                        "-3",
                        "-3",
                        "after-marker",
                        true),
                arguments("Therefore, the answer is 1/2.", "0.5", "1/2", "after-marker", true),
                arguments("The answer is 0.5", "1/2", "0.5", "after-marker", true),
                arguments("the answer is 42 and not 41.", "42", "42", "after-marker", true),
                arguments("THE ANSWER IS 7", "7", "7", "after-marker", true),
                arguments("The answer is 5. Q: Tom has 8 apples ... The answer is 9.", "9", "9", "after-marker", true),
                arguments("So the total is \\boxed{12}.", "12", "12", "after-marker", true),
                arguments("The answer is 3, so the final result is \\boxed{4}", "4", "4", "after-marker", true),
                arguments("\\boxed{\\frac{3}{4}}", "0.75", "3/4", "after-marker", true),
                arguments("\\boxed{10,\\!080}", "10080", "10080", "after-marker", true),
                arguments("He has 5 apples and eats 2, leaving 3 apples.", "3", "3", "last-number", true),
                arguments("The total is 1,000,000 dollars", "1000000", "1000000", "last-number", true),
                arguments("x = 10-4 = 6", "6", "6", "last-number", true),
                arguments("It is \u22125 degrees outside", "-5", "-5", "last-number", true),
                arguments("The result is .5", "0.5", ".5", "last-number", true),
                arguments("The total is 12. The answer is below.", "12", "12", "last-number", true),
                arguments("It costs $7 for 2 kg", "7", "2", "last-number", false),
                arguments("The answer is 0.333", "1/3", "0.333", "after-marker", false),
                // 1e-9 relative, or the gold's stated precision: a fraction states none
                arguments("The answer is 0.3333333", "1/3", "0.3333333", "after-marker", false),
                arguments("The answer is 0.3333333333333", "1/3", "0.3333333333333", "after-marker", true),
                arguments("The answer is 0.333", "0.33", "0.333", "after-marker", true),
                arguments("The answer is 0.34", "0.33", "0.34", "after-marker", false),
                // two different integers are never equal, however large
                arguments("The answer is 2879999", "2880000", "2879999", "after-marker", false),
                arguments("The answer is 2,880,000", "2880000", "2880000", "after-marker", true),
                arguments("The answer is 18.5", "18", "18.5", "after-marker", false),
                arguments("The answer is 10001", "10000", "10001", "after-marker", false),
                arguments("The answer is 1000", "$1,000", "1000", "after-marker", true),
                arguments("The answer is -12", "12", "-12", "after-marker", false),
                arguments("I am not sure how to solve this.", "5", null, "last-number", false));
    }

    @ParameterizedTest(name = "{0} → {2} ({3}), correct={4}")
    @MethodSource("numberAnswers")
    void numberAnswersAreReadAfterTheMarkerElseTheLastNumberAndComparedByValue(
            String output, String gold, @Nullable String extracted, String rule, boolean correct) {
        Grade grade = grader.grade(AnswerType.NUMBER, null, output, gold, List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen(rule, extracted, correct, false));
    }

    @Test
    void firstNumberRuleTakesTheFirstCandidate() {
        Grade grade =
                grader.grade(AnswerType.NUMBER, "first-number", "3 apples and 4 pears make 7 fruit", "3", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("first-number", "3", true, false));
    }

    @Test
    void lastNumberRuleIgnoresTheMarker() {
        Grade grade =
                grader.grade(AnswerType.NUMBER, "last-number", "The answer is 8. Check: 8 - 1 = 7", "8", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("last-number", "7", false, false));
    }

    @Test
    void afterMarkerRuleFindsNothingWithoutAMarker() {
        Grade grade = grader.grade(AnswerType.NUMBER, "after-marker", "It is 8.", "8", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("after-marker", null, false, false));
    }

    @Test
    void theDefaultRuleMayBeNamedExplicitly() {
        assertThat(grader.grade(AnswerType.NUMBER, "default", "#### 5", "5", List.of()))
                .isEqualTo(grader.grade(AnswerType.NUMBER, null, "#### 5", "5", List.of()));
    }

    // ---------------------------------------------------------------- choice

    static Stream<Arguments> choiceAnswers() {
        return Stream.of(
                // output, gold, choices, expected extraction, expected rule, correct
                arguments("12 + 6 = 18. The answer is (B).", "B", AQUA, "B", "after-marker", true),
                arguments("So the answer is C", "C", AQUA, "C", "after-marker", true),
                arguments("Therefore, the answer is (A) 12.", "A", AQUA, "A", "after-marker", true),
                arguments("The answer is: Answer choice D", "D", AQUA, "D", "after-marker", true),
                arguments("The answer is \\boxed{E}", "E", AQUA, "E", "after-marker", true),
                arguments("The answer is (A).", "B", AQUA, "A", "after-marker", false),
                arguments("The answer is 18", "B", AQUA, "B", "after-marker", true),
                arguments("The answer is bank.", "A", CSQA, "A", "after-marker", true),
                arguments("The answer is Vitamin C", "B", CSQA, "B", "after-marker", true),
                arguments("Department Store", "D", CSQA, "D", "option-text", true),
                arguments("Comparing A and D, I would pick E", "E", CSQA, "E", "last-letter", true),
                arguments("Answer: B", "(B)", CSQA, "B", "last-letter", true),
                arguments("The date yesterday was 01/04/2019, so (F)", "F", DATE, "F", "last-letter", true),
                arguments("I think the answer is F", "F", AQUA, null, "last-letter", false),
                arguments("None of these look right.", "A", AQUA, null, "last-letter", false),
                arguments("The answer is (C)", "24", AQUA, "C", "after-marker", true));
    }

    @ParameterizedTest(name = "{0} → {3} ({4}), correct={5}")
    @MethodSource("choiceAnswers")
    void choiceAnswersAreTheLetterAfterTheMarkerOrTheOptionTextOrTheLastStandaloneLetter(
            String output,
            String gold,
            List<Choice> choices,
            @Nullable String extracted,
            String rule,
            boolean correct) {
        Grade grade = grader.grade(AnswerType.CHOICE, null, output, gold, choices);

        assertThat(Seen.of(grade)).isEqualTo(new Seen(rule, extracted, correct, false));
    }

    @Test
    void choiceLettersDefaultToAThroughEWhenTheItemListsNoChoices() {
        assertThat(Seen.of(grader.grade(AnswerType.CHOICE, null, "The answer is (D)", "D", List.of())))
                .isEqualTo(new Seen("after-marker", "D", true, false));
    }

    @Test
    void lastLetterRuleSkipsTheMarker() {
        assertThat(Seen.of(grader.grade(AnswerType.CHOICE, "last-letter", "The answer is A, not B", "B", AQUA)))
                .isEqualTo(new Seen("last-letter", "B", true, false));
    }

    // ---------------------------------------------------------------- yes/no

    static Stream<Arguments> yesNoAnswers() {
        return Stream.of(
                // output, gold, expected extraction, correct
                arguments("Yes, sharks are fish, but they cannot breathe air. So the answer is no.", "no", "no", true),
                arguments("So the answer is yes.", "true", "yes", true),
                arguments("No.", "false", "no", true),
                arguments("There is no way it flies... the answer is Yes!", "yes", "yes", true),
                arguments("Not sure, maybe: YES", "yes", "yes", true),
                arguments("yes", "no", "yes", false),
                arguments("The coin is still heads up? no", "No", "no", true),
                arguments("noon yesterday", "yes", null, false),
                arguments("I cannot say.", "no", null, false));
    }

    @ParameterizedTest(name = "{0} → {2}, correct={3}")
    @MethodSource("yesNoAnswers")
    void yesNoAnswersAreTheLastYesOrNoWord(String output, String gold, @Nullable String extracted, boolean correct) {
        Grade grade = grader.grade(AnswerType.YESNO, null, output, gold, List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("last-yes-no", extracted, correct, false));
    }

    // ---------------------------------------------------------------- string

    static Stream<Arguments> stringAnswers() {
        return Stream.of(
                // output, gold, expected extraction, expected rule, correct
                arguments("The last letters are n, k, g. The answer is nkg.", "nkg", "nkg", "after-marker", true),
                arguments("The answer is \"elon\".", "elon", "elon", "after-marker", true),
                arguments("The answer is Elon.", "elon", "Elon", "after-marker", false),
                arguments("Concatenating gives --> lnr END", "lnr", "lnr", "after-marker", true),
                arguments("  'ab'. ", "ab", "ab", "whole-output", true),
                arguments("ab", "\"ab\"", "ab", "whole-output", true),
                arguments("a b", "ab", "a b", "whole-output", false),
                arguments("   ", "ab", null, "whole-output", false));
    }

    @ParameterizedTest(name = "{0} → {2} ({3}), correct={4}")
    @MethodSource("stringAnswers")
    void stringAnswersMatchExactlyAfterStrippingQuotesAndPeriods(
            String output, String gold, @Nullable String extracted, String rule, boolean correct) {
        Grade grade = grader.grade(AnswerType.STRING, null, output, gold, List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen(rule, extracted, correct, false));
    }

    // ---------------------------------------------------------------- rules

    @Test
    void everyTypeOffersTheDefaultRuleFirst() {
        for (AnswerType type : AnswerType.values()) {
            assertThat(Grader.rules(type)).first().isEqualTo("default");
        }
        assertThat(Grader.rules(AnswerType.NUMBER))
                .containsExactly("default", "after-marker", "last-number", "first-number");
        assertThat(Grader.rules(AnswerType.MATH))
                .containsExactly("default", "boxed", "after-marker", "whole-output", "last-math", "last-number");
    }

    @Test
    void aRuleOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> grader.grade(AnswerType.YESNO, "last-number", "yes", "yes", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("last-number");
    }

    @Test
    void aNonPositiveMathTimeLimitIsRefused() {
        assertThatThrownBy(() -> new Grader(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
