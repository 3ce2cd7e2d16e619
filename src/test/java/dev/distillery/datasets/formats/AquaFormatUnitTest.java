package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.datasets.formats.ParsedItem.Choice;
import dev.distillery.shared.AnswerType;
import org.junit.jupiter.api.Test;

class AquaFormatUnitTest {

    @Test
    void readsTheTestAndDevFilesWithoutProblems() {
        Collected test = parse("aqua", shared("aqua_rat/test.json"));
        Collected dev = parse("aqua", shared("aqua_rat/dev.json"));

        assertThat(test.problems).isEmpty();
        assertThat(test.items).hasSize(254);
        assertThat(dev.problems).isEmpty();
        assertThat(dev.items).hasSize(254);
    }

    @Test
    void optionsAreSplitIntoLabelAndTextAtTheFirstParenthesis() {
        ParsedItem first = parse("aqua", shared("aqua_rat/test.json")).items.getFirst();

        assertThat(first.itemId()).isEqualTo("test-0");
        assertThat(first.answerType()).isEqualTo(AnswerType.CHOICE);
        assertThat(first.choices())
                .containsExactly(
                        new Choice("A", "5(√3 + 1)"),
                        new Choice("B", "6(√3 + √2)"),
                        new Choice("C", "7(√3 – 1)"),
                        new Choice("D", "8(√3 – 2)"),
                        new Choice("E", "None of these"));
        assertThat(first.goldNormalized()).isEqualTo("A");
        assertThat(first.rationale()).startsWith("Explanation :");
    }

    @Test
    void aGoldLetterThatIsNotAmongTheChoicesIsAProblem() {
        Collected parsed = parse("aqua", "test.json", """
                {"question": "2+2?", "options": ["A)3", "B)4"], "rationale": "", "correct": "C"}
                """);

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("correct");
            assertThat(p.message()).contains("'C'").contains("A, B");
        });
    }
}
