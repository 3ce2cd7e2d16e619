package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.shared.AnswerType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategyQaFormatUnitTest {

    @Test
    void readsTheTrainSplitWithoutProblems() {
        Collected parsed = parse("strategyqa", shared("strategyqa/train.json"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).hasSize(2_061);
    }

    @Test
    void readsTheDevSplitWithItsYesAndNoCounts() {
        Collected parsed = parse("strategyqa", shared("strategyqa/dev.json"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).hasSize(229);
        assertThat(parsed.items)
                .filteredOn(item -> item.goldNormalized().equals("yes"))
                .hasSize(107);
        assertThat(parsed.items)
                .filteredOn(item -> item.goldNormalized().equals("no"))
                .hasSize(122);
    }

    @Test
    void aBooleanAnswerBecomesNoWithItsDecompositionAndFacts() {
        ParsedItem albany = parse("strategyqa", shared("strategyqa/dev.json")).item("e0044a7b4d146d611e73");

        assertThat(albany.answerType()).isEqualTo(AnswerType.YESNO);
        assertThat(albany.goldRaw()).isEqualTo("false");
        assertThat(albany.goldNormalized()).isEqualTo("no");
        assertThat(albany.question()).startsWith("Will the Albany in Georgia reach a hundred thousand");
        assertThat(albany.decomposition())
                .hasSize(5)
                .first()
                .isEqualTo(Map.of("question", "What is the population of Albany, Georgia?", "answer", ""));
        assertThat(albany.metadata())
                .containsEntry("term", "Albany, Georgia")
                .containsEntry("description", "City in Georgia, United States")
                .containsEntry(
                        "facts", List.of("Albany, GA has around 75,000 people", "Albany, NY has almost 100,000 people"))
                .doesNotContainKey("evidence");
    }

    @Test
    void anAnswerThatIsNotYesOrNoIsAProblemNamingTheValue() {
        Collected parsed = parse("strategyqa", "dev.json", """
                [{"qid": "q1", "question": "Is it?", "answer": "maybe"}]
                """);

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("answer");
            assertThat(p.message()).contains("'maybe'");
        });
    }
}
