package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.datasets.formats.ParsedItem.Choice;
import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CommonsenseQaFormatUnitTest {

    @Test
    void readsTheDevSplitWithoutProblems() {
        Collected parsed = parse("csqa", shared("commonsenseqa/dev_rand_split.jsonl"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).hasSize(1_221);
    }

    @Test
    void readsTheTrainSplitWithoutProblems() {
        Collected parsed = parse("csqa", shared("commonsenseqa/train_rand_split.jsonl"));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).hasSize(9_741);
    }

    @Test
    void anItemHasItsOwnIdItsStemAndItsFiveLabelledChoices() {
        ParsedItem first = parse("csqa", shared("commonsenseqa/dev_rand_split.jsonl"))
                .items
                .getFirst();

        assertThat(first.itemId()).isEqualTo("1afa02df02c908a558b4036e80242fac");
        assertThat(first.question())
                .isEqualTo("A revolving door is convenient for two direction travel, but it also "
                        + "serves as a security measure at a what?");
        assertThat(first.choices())
                .containsExactly(
                        new Choice("A", "bank"),
                        new Choice("B", "library"),
                        new Choice("C", "department store"),
                        new Choice("D", "mall"),
                        new Choice("E", "new york"));
        assertThat(first.goldNormalized()).isEqualTo("A");
        assertThat(first.answerType()).isEqualTo(AnswerType.CHOICE);
        assertThat(first.metadata()).containsEntry("question_concept", "revolving door");
    }

    @Test
    void theUnansweredTestFileIsReportedLineByLineAndGivenUpOnAfterAFew() {
        Collected parsed = parse("csqa", shared("commonsenseqa/test_rand_split_no_answers.jsonl"));

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems)
                .hasSize(CommonsenseQaFormat.UNANSWERED_BEFORE_GIVING_UP)
                .allSatisfy(p -> {
                    assertThat(p.field()).isEqualTo("answerKey");
                    assertThat(p.message())
                            .isEqualTo("no answerKey: CommonsenseQA's test answers were never "
                                    + "published; upload dev_rand_split.jsonl");
                });
        assertThat(parsed.problems).extracting(ImportProblem::line).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void theUnansweredTestFileStopsAsSoonAsTheCallerHasEnoughProblems() throws IOException {
        Path file = shared("commonsenseqa/test_rand_split_no_answers.jsonl");
        Collected sink = new Collected(2);

        FormatFixtures.format("csqa")
                .parse(
                        UploadSource.of(file, "test.jsonl", UploadSource.Limits.defaults()),
                        "test",
                        FormatOptions.defaults(),
                        sink);

        assertThat(sink.problems).hasSize(2);
    }
}
