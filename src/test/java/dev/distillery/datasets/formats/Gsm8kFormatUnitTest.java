package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.shared.AnswerType;
import org.junit.jupiter.api.Test;

class Gsm8kFormatUnitTest {

    @Test
    void readsAllOfTheTestSplitWithoutProblems() {
        Collected test = parse("gsm8k", shared("gsm8k/test.jsonl"));

        assertThat(test.problems).isEmpty();
        assertThat(test.items).hasSize(1_319);
    }

    @Test
    void readsAllOfTheTrainSplitWithoutProblems() {
        Collected train = parse("gsm8k", shared("gsm8k/train.jsonl"));

        assertThat(train.problems).isEmpty();
        assertThat(train.items).hasSize(7_473);
    }

    @Test
    void theFirstTestItemHasGoldEighteenAndKeepsItsCalculatorAnnotations() {
        ParsedItem first = parse("gsm8k", shared("gsm8k/test.jsonl")).items.getFirst();

        assertThat(first.itemId()).isEqualTo("test-0");
        assertThat(first.question()).startsWith("Janet’s ducks lay 16 eggs per day.");
        assertThat(first.goldRaw()).isEqualTo("18");
        assertThat(first.goldNormalized()).isEqualTo("18");
        assertThat(first.answerType()).isEqualTo(AnswerType.NUMBER);
        assertThat(first.rationale())
                .isEqualTo("Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n"
                        + "She makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market.");
        assertThat(first.decomposition()).isEmpty();
        assertThat(first.split()).isEqualTo("test");
        assertThat(first.sourceLine()).isEqualTo(1);
        assertThat(first.sourceRef()).isEqualTo("test.jsonl:1");
    }

    @Test
    void thousandsSeparatorsAreRemovedFromTheGoldButKeptInTheRawAnswer() {
        Collected test = parse("gsm8k", shared("gsm8k/test.jsonl"));

        assertThat(test.items)
                .filteredOn(item -> item.goldRaw().contains(","))
                .hasSize(14)
                .allSatisfy(item ->
                        assertThat(item.goldNormalized()).doesNotContain(",").matches("-?\\d+"));
        assertThat(test.items)
                .filteredOn(item -> item.goldNormalized().startsWith("-"))
                .hasSize(2);
    }

    @Test
    void itemIdsArePositionsWithinTheSplit() {
        Collected parsed = parse("gsm8k", "mine.jsonl", """
                {"question": "q1", "answer": "a\\n#### 1"}

                {"question": "q2", "answer": "b\\n#### 2"}
                """);

        assertThat(parsed.items).extracting(ParsedItem::itemId).containsExactly("test-0", "test-1");
        assertThat(parsed.items).extracting(ParsedItem::sourceLine).containsExactly(1, 3);
    }

    @Test
    void anAnswerWithoutTheFinalHashMarksIsAProblem() {
        Collected parsed = parse("gsm8k", "mine.jsonl", """
                {"question": "q1", "answer": "the answer is 4"}
                """);

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.field()).isEqualTo("answer");
            assertThat(p.message()).contains("####");
        });
    }
}
