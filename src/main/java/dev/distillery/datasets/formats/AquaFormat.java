package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import tools.jackson.databind.JsonNode;

/**
 * AQuA-RAT ({@code test.json}, {@code dev.json}, JSON Lines despite the name): {@code options} such as "A)21" are
 * split at the first ')' into label and text, {@code correct} is the gold letter, {@code rationale} is kept.
 */
final class AquaFormat extends RecordFormat {

    AquaFormat() {
        super("aqua", "AQuA-RAT");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return hasAll(first, "question", "options", "correct")
                && first.get("options").isArray();
    }

    @Override
    void read(JsonRecord record, ItemDraft item) {
        item.question(record.text("question"))
                .choices(Choices.labelledInText("options", record.strings("options")))
                .gold("correct", record.text("correct"), AnswerType.CHOICE)
                .rationale(record.optionalText("rationale"));
    }
}
