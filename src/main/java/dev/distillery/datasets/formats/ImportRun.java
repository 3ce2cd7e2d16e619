package dev.distillery.datasets.formats;

import java.util.HashMap;
import java.util.Map;

/**
 * The state of one parse of one upload, shared by every format: numbers records, turns records into items, reports
 * problems, refuses a second item with the same id, and says when to stop.
 */
final class ImportRun {

    /** Fills an item from a record; throws {@link FieldProblem} when the record is unusable. */
    @FunctionalInterface
    interface ItemReader {
        void read(JsonRecord record, ItemDraft item);
    }

    private record FirstUse(String path, int line, String ref) {}

    private final ImportSink sink;
    private final FormatOptions options;
    private final String defaultSplit;
    private final Map<String, FirstUse> ids = new HashMap<>();
    private int positions;
    private int files;
    private int items;
    private boolean stopRequested;

    ImportRun(ImportSink sink, FormatOptions options, String defaultSplit) {
        this.sink = sink;
        this.options = options;
        this.defaultSplit = defaultSplit;
    }

    FormatOptions options() {
        return options;
    }

    /** The 0-based position of the next record in the upload; bad records take a position too, so ids stay stable. */
    int nextPosition() {
        return positions++;
    }

    /** The 1-based index of the next file of a per-record-file upload (MATH), the line its problems are reported at. */
    int nextFileIndex() {
        return ++files;
    }

    int itemCount() {
        return items;
    }

    boolean stopped() {
        return stopRequested || sink.enoughProblems();
    }

    /** Ends the parse after the current record (the rest of the upload is known to be unusable). */
    void stop() {
        stopRequested = true;
    }

    void problem(int line, String field, String message) {
        sink.problem(new ImportProblem(line, field, message));
    }

    void problem(ImportProblem problem) {
        sink.problem(problem);
    }

    /** Turns a record into an item with {@code reader} and emits it, or reports why it cannot. */
    void read(JsonRecord record, ItemReader reader) {
        ItemDraft draft = new ItemDraft(record, defaultSplit);
        ParsedItem item;
        try {
            reader.read(record, draft);
            item = draft.build();
        } catch (FieldProblem e) {
            problem(record.line(), e.field(), e.getMessage());
            return;
        }
        // Positional ids cannot repeat, so only ids taken from the data are remembered.
        FirstUse first = draft.hasOwnId()
                ? ids.putIfAbsent(item.itemId(), new FirstUse(record.path(), record.line(), record.sourceRef()))
                : null;
        if (first != null) {
            String where = first.path().equals(record.path()) ? "on line " + first.line() : "by " + first.ref();
            problem(record.line(), draft.idField(), "duplicate id '" + item.itemId() + "', first used " + where);
            return;
        }
        items++;
        sink.item(item);
    }
}
