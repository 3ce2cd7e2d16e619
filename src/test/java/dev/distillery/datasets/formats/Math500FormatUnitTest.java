package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.shared.AnswerType;
import org.junit.jupiter.api.Test;

class Math500FormatUnitTest {

    @Test
    void readsAllFiveHundredProblemsWithoutProblems() {
        Collected parsed = parse("math500", shared("math500/test.jsonl"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).hasSize(500);
    }

    @Test
    void theIdIsTheUniqueIdAndTheGoldIsThePublishedAnswer() {
        ParsedItem first = parse("math500", shared("math500/test.jsonl")).items.getFirst();

        assertThat(first.itemId()).isEqualTo("test/precalculus/807.json");
        assertThat(first.goldRaw()).isEqualTo("\\left( 3, \\frac{\\pi}{2} \\right)");
        assertThat(first.goldNormalized()).isEqualTo(first.goldRaw());
        assertThat(first.answerType()).isEqualTo(AnswerType.MATH);
        assertThat(first.rationale()).endsWith("$\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.$");
        assertThat(first.metadata()).containsEntry("subject", "Precalculus").containsEntry("level", 2);
    }

    @Test
    void everyPublishedAnswerIsTheLastBoxedContentOfItsSolution() {
        Collected parsed = parse("math500", shared("math500/test.jsonl"));

        assertThat(parsed.items)
                .allSatisfy(item -> assertThat(MathFormat.lastBoxed(item.rationale()))
                        .as(item.itemId())
                        .isEqualTo(item.goldRaw()));
    }
}
