package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;

/**
 * CommonsenseQA ({@code *_rand_split.jsonl}): the question is {@code question.stem}, the choices
 * {@code question.choices[*].label/text}, the gold {@code answerKey}. The leaderboard test file has no answers: its
 * lines are reported, and after the first few such lines with no answered item the rest of the upload is skipped.
 */
final class CommonsenseQaFormat extends RecordFormat {

    static final String NO_ANSWER =
            "no answerKey: CommonsenseQA's test answers were never published; " + "upload dev_rand_split.jsonl";

    /** Unanswered lines reported before concluding the whole upload is the unanswered test file. */
    static final int UNANSWERED_BEFORE_GIVING_UP = 5;

    CommonsenseQaFormat() {
        super("csqa", "CommonsenseQA");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return first.hasNonNull("id")
                && first.path("question").hasNonNull("stem")
                && first.path("question").path("choices").isArray();
    }

    @Override
    void readFile(String path, InputStream in, ImportRun run) throws IOException {
        int[] unanswered = {0};
        JsonRecords.lines(path, in, run, (record, item) -> {
            if (record.find("answerKey") == null
                    && ++unanswered[0] >= UNANSWERED_BEFORE_GIVING_UP
                    && run.itemCount() == 0) {
                run.stop();
            }
            read(record, item);
        });
    }

    @Override
    void read(JsonRecord record, ItemDraft item) {
        item.id(record.text("id"), "id")
                .question(record.text("question.stem"))
                .choices(Choices.read(record, "question.choices"));
        if (record.find("answerKey") == null) {
            throw new FieldProblem("answerKey", NO_ANSWER);
        }
        item.gold("answerKey", record.text("answerKey"), AnswerType.CHOICE)
                .meta("question_concept", record.optionalText("question.question_concept"));
    }
}
