package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.shared.AnswerType;
import org.junit.jupiter.api.Test;

class SvampFormatUnitTest {

    @Test
    void readsAllThousandProblemsWithoutProblems() {
        Collected parsed = parse("svamp", shared("svamp/SVAMP.json"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).hasSize(1_000);
    }

    @Test
    void theQuestionIsBodyAndQuestionAndTheFloatGoldBecomesAWholeNumber() {
        ParsedItem first = parse("svamp", shared("svamp/SVAMP.json")).item("chal-1");

        assertThat(first.question())
                .isEqualTo("Each pack of dvds costs 76 dollars. If there is a discount of 25 "
                        + "dollars on each pack How much do you have to pay to buy each pack?");
        assertThat(first.goldRaw()).isEqualTo("51.0");
        assertThat(first.goldNormalized()).isEqualTo("51");
        assertThat(first.answerType()).isEqualTo(AnswerType.NUMBER);
        assertThat(first.metadata())
                .containsEntry("Equation", "( 76.0 - 25.0 )")
                .containsEntry("Type", "Subtraction");
        assertThat(first.sourceLine()).isEqualTo(1);
        assertThat(first.sourceRef()).isEqualTo("SVAMP.json:2");
    }

    @Test
    void aDecimalAnswerKeepsItsFraction() {
        Collected parsed = parse("svamp", "SVAMP.json", """
                [{"ID": "x-1", "Body": " Half of 5 ", "Question": " is? ", "Answer": 2.50}]
                """);

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items.getFirst().goldNormalized()).isEqualTo("2.5");
        assertThat(parsed.items.getFirst().question()).isEqualTo("Half of 5 is?");
    }

    @Test
    void aBrokenElementIsReportedAtItsLineAndTheRestOfTheArrayIsStillRead() {
        Collected parsed = parse("svamp", "SVAMP.json", """
                [
                  {"ID": "a", "Body": "b", "Question": "q", "Answer": 1.0},
                  {"ID": "b", "Body": "b", "Answer": 2.0},
                  {"ID": "c", "Body": "b", "Question": "q", "Answer": 3.0}
                ]
                """);

        assertThat(parsed.items).extracting(ParsedItem::itemId).containsExactly("a", "c");
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.field()).isEqualTo("Question");
        });
    }

    @Test
    void aSyntaxErrorInTheArrayIsReportedWithItsLine() {
        Collected parsed = parse("svamp", "SVAMP.json", """
                [
                  {"ID": "a", "Body": "b", "Question": "q", "Answer": 1.0},
                  {"ID": "b", "Body": "b" "Question": "q", "Answer": 2.0}
                ]
                """);

        assertThat(parsed.items).extracting(ParsedItem::itemId).containsExactly("a");
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.field()).isEqualTo("(json)");
        });
    }
}
