package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;

/**
 * SVAMP ({@code SVAMP.json}): one JSON array; the question is {@code Body} + " " + {@code Question}, the gold is the
 * float {@code Answer} (51.0 becomes "51"), the id is {@code ID}; {@code Equation} and {@code Type} are kept.
 */
final class SvampFormat extends RecordFormat {

    SvampFormat() {
        super("svamp", "SVAMP");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return hasAll(first, "ID", "Body", "Question", "Answer");
    }

    @Override
    void readFile(String path, InputStream in, ImportRun run) throws IOException {
        JsonRecords.array(path, in, run, this::read);
    }

    @Override
    void read(JsonRecord record, ItemDraft item) {
        item.id(record.text("ID"), "ID")
                .question(record.text("Body").strip() + " "
                        + record.text("Question").strip())
                .gold("Answer", record.text("Answer"), AnswerType.NUMBER)
                .meta("Equation", record.optionalText("Equation"))
                .meta("Type", record.optionalText("Type"));
    }
}
