package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import tools.jackson.databind.JsonNode;

/**
 * MATH-500 (PRM800K {@code math_splits/test.jsonl}): JSON Lines whose {@code answer} is already taken out of the
 * solution's \boxed{}; the id is {@code unique_id} (e.g. test/precalculus/807.json), subject and level are kept.
 */
final class Math500Format extends RecordFormat {

    Math500Format() {
        super("math500", "MATH-500");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return hasAll(first, "problem", "solution", "answer", "unique_id");
    }

    @Override
    void read(JsonRecord record, ItemDraft item) {
        item.id(record.text("unique_id"), "unique_id")
                .question(record.text("problem"))
                .gold("answer", record.text("answer"), AnswerType.MATH)
                .rationale(record.optionalText("solution"))
                .meta("subject", record.plain("subject"))
                .meta("level", record.plain("level"));
    }
}
