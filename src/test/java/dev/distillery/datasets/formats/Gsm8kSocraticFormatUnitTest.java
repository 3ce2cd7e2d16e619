package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Gsm8kSocraticFormatUnitTest {

    @Test
    void readsTheSocraticTestSplitWithADecompositionForEveryItem() {
        Collected parsed = parse("gsm8k-socratic", shared("gsm8k/test_socratic.jsonl"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items)
                .hasSize(1_319)
                .allSatisfy(item -> assertThat(item.decomposition()).isNotEmpty());
    }

    @Test
    void eachSolutionLineBecomesASubQuestionAndItsStep() {
        ParsedItem first = parse("gsm8k-socratic", shared("gsm8k/test_socratic.jsonl"))
                .items
                .getFirst();

        assertThat(first.goldNormalized()).isEqualTo("18");
        assertThat(first.decomposition())
                .containsExactly(
                        Map.of(
                                "question",
                                "How many eggs does Janet sell?",
                                "answer",
                                "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day."),
                        Map.of(
                                "question",
                                "How much does Janet make at the farmers' market?",
                                "answer",
                                "She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market."));
    }

    @Test
    void aSolutionLineWithoutASubQuestionIsAProblem() {
        Collected parsed = parse("gsm8k-socratic", "test_socratic.jsonl", """
                {"question": "q", "answer": "How many? ** 2 + 2 = 4\\nthen done\\n#### 4"}
                """);

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("answer");
            assertThat(p.message()).contains("line 2");
        });
    }
}
