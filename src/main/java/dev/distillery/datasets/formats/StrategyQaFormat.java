package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;

/**
 * StrategyQA ({@code train.json}, {@code dev.json}): one JSON array; the boolean {@code answer} becomes yes/no, the
 * id is {@code qid}, each {@code decomposition} sub-question becomes a step with an empty answer; term,
 * description and facts are kept (the bulky evidence is not).
 */
final class StrategyQaFormat extends RecordFormat {

    StrategyQaFormat() {
        super("strategyqa", "StrategyQA");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return hasAll(first, "qid", "question", "answer") && first.get("answer").isBoolean();
    }

    @Override
    void readFile(String path, InputStream in, ImportRun run) throws IOException {
        JsonRecords.array(path, in, run, this::read);
    }

    @Override
    void read(JsonRecord record, ItemDraft item) {
        item.id(record.text("qid"), "qid")
                .question(record.text("question"))
                .gold("answer", record.text("answer"), AnswerType.YESNO)
                .decomposition(record.strings("decomposition").stream()
                        .map(step -> ItemDraft.step(step, ""))
                        .toList())
                .meta("term", record.optionalText("term"))
                .meta("description", record.optionalText("description"))
                .meta("facts", record.plain("facts"));
    }
}
