package dev.distillery.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.distillery.SharedDatasets;
import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Math answers: extraction of {@code \boxed{}} or the text after a marker, normalisation, and symbolic, numeric and
 * structural equivalence (METHODS.md §4), in the spirit of the MATH/PRM800K and Qwen math checkers.
 */
class MathGraderUnitTest {

    private final Grader grader = new Grader();

    static Stream<Arguments> equivalentAnswers() {
        return Stream.of(
                // fractions, decimals and \dfrac
                arguments("\\boxed{\\frac{1}{2}}", "0.5"),
                arguments("\\boxed{0.5}", "\\frac12"),
                arguments("\\boxed{1/2}", "\\dfrac{1}{2}"),
                arguments("\\boxed{\\dfrac{3}{4}}", "\\frac34"),
                arguments("\\boxed{\\tfrac{17}{50}}", "\\dfrac{17}{50}"),
                arguments("\\boxed{0.34}", "\\dfrac{17}{50}"),
                arguments("\\boxed{\\frac{9}{19}}", "\\frac9{19}"),
                arguments("\\boxed{.0000672}", "0.0000672"),
                arguments("\\boxed{\\frac{270}{7}}", "\\frac{270}7\\text{ degrees}"),
                // roots and pi
                arguments("\\boxed{\\frac{\\sqrt{2}}{2}}", "\\frac{\\sqrt2}{2}"),
                arguments("\\boxed{\\sqrt{2}/2}", "\\frac{\\sqrt{2}}{2}"),
                arguments("\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{\\sqrt2}{2}"),
                arguments("\\boxed{2\\sqrt{2}}", "\\sqrt{8}"),
                arguments("\\boxed{\\sqrt[3]{8}}", "2"),
                arguments("\\boxed{\\pi}", "\\pi"),
                arguments("\\boxed{12\\pi}", "12 \\pi"),
                arguments("\\boxed{3.14159265}", "\\pi"),
                arguments("\\boxed{\\frac{-\\pi}{6}}", "-\\frac{\\pi}{6}"),
                arguments("\\boxed{\\left[ \\frac{\\pi^2}{8}, \\frac{5 \\pi^2}{4} \\right]}", "[\\pi^2/8, 5\\pi^2/4]"),
                // negatives, complex numbers, binomials
                arguments("\\boxed{-\\frac{24}{25}}", "\\frac{-24}{25}"),
                arguments("\\boxed{7i-2}", "-2 + 7i"),
                arguments("\\boxed{\\binom{5}{2}}", "10"),
                // units, degrees, money, percentages, thousands separators, trailing periods
                arguments("\\boxed{15\\mbox{ cm}^2}", "15"),
                arguments("\\boxed{5.4 \\text{ cents}}", "5.4"),
                arguments("\\boxed{864}", "864 \\mbox{ inches}^2"),
                arguments("\\boxed{6 \\text{ square units}}", "6"),
                arguments("\\boxed{120^\\circ}", "120"),
                arguments("\\boxed{30^{\\circ}}", "30^\\circ"),
                arguments("\\boxed{\\$18.90}", "18.90"),
                arguments("\\boxed{32348}", "\\$32,\\!348"),
                arguments("\\boxed{11111111100}", "11,\\! 111,\\! 111,\\! 100"),
                arguments("\\boxed{58500}", "58,500"),
                arguments("\\boxed{50\\%}", "50"),
                arguments("\\boxed{7.}", "7"),
                // assignments and equations
                arguments("\\boxed{x = 5}", "5"),
                arguments("\\boxed{-2x}", "y = -2x"),
                arguments("\\boxed{x \\in [-2,7]}", "[-2,7]"),
                arguments("\\boxed{-5x + 7y - 11z - 4 = 0}", "5x - 7y + 11z + 4 = 0"),
                arguments("\\boxed{10x - 14y + 22z + 8 = 0}", "5x - 7y + 11z + 4 = 0"),
                // algebra
                arguments("\\boxed{(a+5)(b+2)}", "ab+2a+5b+10"),
                arguments("\\boxed{x^2+2x+1}", "(x+1)^2"),
                arguments("\\boxed{6r^2-4r-24}", "2(3r^2-2r-12)"),
                arguments("\\boxed{\\frac{11+9a}{20}}", "\\frac{11}{20}+\\frac{9a}{20}"),
                arguments("\\boxed{\\cot x}", "\\frac{\\cos x}{\\sin x}"),
                arguments("\\boxed{p-q}", "-(q-p)"),
                // intervals, tuples, sets, lists, plus-minus, matrices
                arguments("\\boxed{(1,2]}", "(1,2]"),
                arguments("\\boxed{(-\\infty, 0]}", "(-\\infty,0]"),
                arguments("\\boxed{(-\\infty,2)\\cup(3,\\infty)}", "(3, \\infty) \\cup (-\\infty, 2)"),
                arguments("\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}", "(3,\\frac{\\pi}{2})"),
                arguments("\\boxed{(0.5, \\sqrt{4})}", "(\\frac12, 2)"),
                arguments("\\boxed{\\{1,2\\}}", "\\{2,1\\}"),
                arguments("\\boxed{-2, 1}", "1,-2"),
                arguments("\\boxed{x = 1, x = -2}", "1,-2"),
                arguments("\\boxed{1 \\pm \\sqrt{19}}", "1+\\sqrt{19}, 1-\\sqrt{19}"),
                arguments("\\boxed{\\{1\\pm\\sqrt{5},-2\\}}", "\\{-2, 1+\\sqrt5, 1-\\sqrt5\\}"),
                arguments(
                        "\\boxed{\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}}",
                        "\\begin{bmatrix}-1&0\\\\0&-1\\end{bmatrix}"),
                arguments(
                        "\\boxed{\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix}}",
                        "\\begin{pmatrix} 0.2 \\\\ -3.6 \\end{pmatrix}"),
                // words, letters and bases
                arguments("\\boxed{\\text{Evelyn}}", "\\text{Evelyn}"),
                arguments("\\boxed{evelyn}", "\\text{Evelyn}"),
                arguments("\\boxed{B}", "\\text{(B)}"),
                arguments("\\boxed{204_5}", "204_{5}"),
                // where the answer is
                arguments("First \\boxed{1}, but correcting the sign gives \\boxed{2}.", "2"),
                arguments("\\boxed{\\frac{\\sqrt{3}}{2}} is the height.", "\\frac{\\sqrt3}{2}"),
                arguments("\\fbox{7}", "7"),
                arguments("The answer is $\\frac{3}{5}$.", "\\frac35"),
                arguments("Final Answer: The final answer is $-\\frac{3}{8}$. I hope it is correct.", "-\\frac{3}{8}"),
                arguments("The area is found. The answer is 16\\sqrt{3}.", "16 \\sqrt{3}"),
                arguments("\\boxed{\\sqrt{2}}", "\\boxed{\\sqrt 2}"),
                arguments("\\boxed{((5))}", "5"));
    }

    @ParameterizedTest(name = "{0} equals {1}")
    @MethodSource("equivalentAnswers")
    void equivalentAnswersAreCorrect(String output, String gold) {
        Grade grade = grader.grade(AnswerType.MATH, null, output, gold, List.of());

        assertThat(grade.correct()).as("%s", grade).isTrue();
        assertThat(grade.flagged()).isFalse();
    }

    static Stream<Arguments> differentAnswers() {
        return Stream.of(
                arguments("\\boxed{3.14}", "\\pi"),
                arguments("\\boxed{-3}", "3"),
                arguments("\\boxed{0.333}", "\\frac{1}{3}"),
                arguments("\\boxed{2+7i}", "-2+7i"),
                arguments("\\boxed{x^2+2x}", "(x+1)^2"),
                arguments("\\boxed{5x - 7y + 11z - 4 = 0}", "5x - 7y + 11z + 4 = 0"),
                arguments("\\boxed{x = 5}", "y = 5x"),
                arguments("\\boxed{(1,2)}", "(1,2]"),
                arguments("\\boxed{[1,2]}", "(1,2]"),
                arguments("\\boxed{(\\frac{\\pi}{2}, 3)}", "(3,\\frac{\\pi}{2})"),
                arguments("\\boxed{(1,2)}", "\\{1,2\\}"),
                arguments("\\boxed{\\{1,2,3\\}}", "\\{1,2\\}"),
                arguments("\\boxed{(-\\infty,2)}", "(-\\infty, 2) \\cup (3, \\infty)"),
                arguments("\\boxed{\\begin{pmatrix} 1 & 2 \\end{pmatrix}}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"),
                arguments("\\boxed{1 + \\sqrt{19}}", "1 \\pm \\sqrt{19}"),
                arguments("\\boxed{\\text{east}}", "\\text{seat}"),
                arguments("\\boxed{\\text{Navin}}", "\\text{Evelyn}"),
                arguments("\\boxed{\\text{(C)}}", "\\text{(B)}"),
                arguments("\\boxed{\\operatorname{Import}(x)}", "x"),
                arguments("\\boxed{}", "0"));
    }

    @ParameterizedTest(name = "{0} differs from {1}")
    @MethodSource("differentAnswers")
    void differentAnswersAreIncorrect(String output, String gold) {
        Grade grade = grader.grade(AnswerType.MATH, null, output, gold, List.of());

        assertThat(grade.correct()).as("%s", grade).isFalse();
        assertThat(grade.flagged()).isFalse();
    }

    @Test
    void theLastBoxedAnswerIsExtractedWithBalancedBraces() {
        Grade grade = grader.grade(
                AnswerType.MATH, null, "So $x = \\boxed{\\frac{\\sqrt{3}}{2}}$.", "\\frac{\\sqrt{3}}{2}", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("boxed", "\\frac{\\sqrt{3}}{2}", true, false));
    }

    @Test
    void theMarkerIsUsedWhenThereIsNoBox() {
        Grade grade = grader.grade(
                AnswerType.MATH, null, "Adding them up.\nTherefore, the answer is $(1,2]$.", "(1,2]", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("after-marker", "(1,2]", true, false));
    }

    @Test
    void theBoxedRuleIgnoresMarkers() {
        Grade grade = grader.grade(AnswerType.MATH, "boxed", "The answer is 4.", "4", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("boxed", null, false, false));
    }

    @Test
    void anOutputWithoutBoxMarkerOrMathIsReadByItsLastNumber() {
        Grade grade = grader.grade(AnswerType.MATH, null, "I think it is one half, roughly 0.5", "\\frac12", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("last-number", "0.5", true, false));
    }

    @Test
    void anOutputWithNoAnswerAtAllSaysSo() {
        Grade grade = grader.grade(AnswerType.MATH, null, "I cannot solve this problem.", "\\frac12", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("last-number", null, false, false));
        assertThat(grade.answerFound()).isFalse();
    }

    @Test
    void anUnclosedBoxHasNoAnswer() {
        Grade grade = grader.grade(AnswerType.MATH, "boxed", "\\boxed{\\frac{1}{2}", "\\frac12", List.of());

        assertThat(grade.extracted()).isNull();
        assertThat(grade.correct()).isFalse();
    }

    @Test
    void deeplyNestedOutputIsGradedWithoutExhaustingTheStack() {
        String nested = "(".repeat(20_000) + "x+1" + ")".repeat(20_000);

        Grade grade = grader.grade(AnswerType.MATH, null, "\\boxed{" + nested + "}", "x+2", List.of());

        assertThat(grade.correct()).isFalse();
    }

    @Test
    void anAnswerTooLargeToComputeIsFlagged() {
        Grade grade = grader.grade(AnswerType.MATH, null, "\\boxed{10^{10^{10}}}", "10^{10^{10}}+1", List.of());

        assertThat(Seen.of(grade)).isEqualTo(new Seen("boxed", "10^{10^{10}}", false, true));
    }

    @Test
    void aPathologicalExpressionHitsTheTimeLimitAndIsFlagged() {
        Grader impatient = new Grader(Duration.ofMillis(300));
        impatient.grade(AnswerType.MATH, null, "\\boxed{\\sqrt{2}/2}", "\\frac{\\sqrt2}{2}", List.of()); // start-up

        long started = System.nanoTime();
        // f is undefined, so only Simplify can compare the arguments, and expanding a 20th power of four terms is slow
        Grade grade = impatient.grade(
                AnswerType.MATH,
                null,
                "\\boxed{f((a+b+c+d)^{20}-(a+b+c+d)^{19}(a+b+c))}",
                "f((a+b+c+d)^{19}d)",
                List.of());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(grade.correct()).isFalse();
        assertThat(grade.flagged()).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(impatient
                        .grade(AnswerType.MATH, null, "\\boxed{\\sqrt{8}}", "2\\sqrt2", List.of())
                        .correct())
                .as("the grader still works after a timeout")
                .isTrue();
    }

    @Test
    void concurrentMathChecksDoNotInterfere() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"\\sqrt{2}/2", "\\frac{1}{\\sqrt2}", "true"},
                new String[] {"(x+1)^2", "x^2+2x+1", "true"},
                new String[] {"(x+1)^2", "x^2+1", "false"},
                new String[] {"\\frac{\\pi}{3}", "\\pi/3", "true"},
                new String[] {"\\cot x", "\\tan x", "false"},
                new String[] {"(a+5)(b+2)", "ab+2a+5b+10", "true"},
                new String[] {"7i-2", "-2+7i", "true"});
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 280; i++) {
                String[] c = cases.get(i % cases.size());
                results.add(pool.submit(
                        () -> grader.grade(AnswerType.MATH, null, "\\boxed{" + c[0] + "}", c[1], List.of())
                                        .correct()
                                == Boolean.parseBoolean(c[2])));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void everyMath500ReferenceAnswerEqualsItselfWhenBoxed() throws IOException {
        List<String> answers =
                math500().stream().map(item -> item.get("answer").asString()).toList();

        long started = System.nanoTime();
        List<String> failures = answers.stream()
                .filter(answer -> !grader.grade(
                                AnswerType.MATH, null, "The answer is \\boxed{" + answer + "}.", answer, List.of())
                        .correct())
                .toList();
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf("MATH-500 self-check: %d answers graded in %d ms%n", answers.size(), millis);
        assertThat(answers).hasSize(500);
        assertThat(failures).isEmpty();
    }

    @Test
    void everyMath500WorkedSolutionIsGradedCorrectAgainstItsReferenceAnswer() throws IOException {
        List<JsonNode> items = math500();

        long started = System.nanoTime();
        List<String> failures = items.stream()
                .filter(item -> !grader.grade(
                                AnswerType.MATH,
                                null,
                                item.get("solution").asString(),
                                item.get("answer").asString(),
                                List.of())
                        .correct())
                .map(item -> item.get("unique_id").asString())
                .toList();
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf("MATH-500 solutions: %d graded in %d ms%n", items.size(), millis);
        assertThat(failures).isEmpty();
    }

    private static List<JsonNode> math500() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        return Files.readAllLines(SharedDatasets.file("math500/test.jsonl")).stream()
                .filter(line -> !line.isBlank())
                .map(json::readTree)
                .toList();
    }
}
