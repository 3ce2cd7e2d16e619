package dev.distillery.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.MathSolutions;
import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The grader on outputs nobody here wrote: the Trace-of-Thought authors' released GPT-4 → GPT-4 MATH traces (the
 * last paragraphs of the 200 student outputs, {@code grading/tot-math/}; the students were never asked to box an
 * answer), and the 5,000 MATH test solutions with their {@code \boxed{}} removed, i.e. free-form solutions whose
 * answer is only written in the text. Each is graded three ways: the default rules, a plain last-number re-grade,
 * and the box-or-marker reading of grader version 1.
 */
class ReleasedOutputsUnitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Grader grader = new Grader();

    record Tally(int items, int byDefault, int byLastNumber, int byBoxOrMarker, int noAnswer) {}

    @Test
    void releasedTraceOfThoughtMathOutputsAreGradedAtLeastAsWellAsALastNumberRegrade() throws IOException {
        List<String[]> cases = new ArrayList<>();
        for (String line : Files.readAllLines(
                Path.of("src/test/resources/grading/tot-math/gpt4-gpt4.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode node = JSON.readTree(line);
            cases.add(new String[] {
                node.get("outputTail").asString(), node.get("gold").asString()
            });
        }

        Tally tally = tally(cases);

        System.out.println("ToT GPT-4 → GPT-4 MATH (released traces): " + tally);
        assertThat(tally.items()).isEqualTo(200);
        // 2026-12: 118 by default, 104 by the last number, 20 by box or marker (version 1 read 12); see docs/GRADING.md
        assertThat(tally.byDefault())
                .isGreaterThanOrEqualTo(tally.byLastNumber())
                .isGreaterThanOrEqualTo(110);
        assertThat(tally.byBoxOrMarker()).as("what version 1 could read").isLessThan(30);
    }

    @Test
    void mathSolutionsWithoutTheirBoxesAreReadFromTheText() throws IOException {
        List<String[]> cases = MathSolutions.all().stream()
                .map(s -> new String[] {MathSolutions.unboxed(s.text()), s.gold()})
                .toList();

        Tally tally = tally(cases);

        System.out.println("MATH test solutions, boxes removed: " + tally);
        assertThat(tally.items()).isGreaterThan(4_900);
        assertThat(tally.byDefault()).isGreaterThanOrEqualTo(tally.byLastNumber());
        // 2026-12: 4,534 of 5,000 by default, 3,618 by the last number; see docs/GRADING.md
        assertThat(tally.byDefault() * 100 / tally.items())
                .as("percent read correctly")
                .isGreaterThanOrEqualTo(88);
    }

    private Tally tally(List<String[]> cases) {
        int byDefault = 0;
        int byLastNumber = 0;
        int byBoxOrMarker = 0;
        int noAnswer = 0;
        for (String[] c : cases) {
            Grade grade = grader.grade(AnswerType.MATH, null, c[0], c[1], List.of());
            byDefault += grade.correct() ? 1 : 0;
            noAnswer += grade.answerFound() ? 0 : 1;
            byLastNumber += grader.grade(AnswerType.MATH, "last-number", c[0], c[1], List.of())
                            .correct()
                    ? 1
                    : 0;
            boolean boxed = grader.grade(AnswerType.MATH, "boxed", c[0], c[1], List.of())
                    .correct();
            byBoxOrMarker += boxed
                            || grader.grade(AnswerType.MATH, "after-marker", c[0], c[1], List.of())
                                    .correct()
                    ? 1
                    : 0;
        }
        return new Tally(cases.size(), byDefault, byLastNumber, byBoxOrMarker, noAnswer);
    }
}
