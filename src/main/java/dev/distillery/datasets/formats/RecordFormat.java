package dev.distillery.datasets.formats;

import java.io.IOException;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;

/**
 * Base of the formats whose files are streams of JSON records: detection looks at the first record's fields, and
 * parsing reads every file of the upload as JSON Lines unless a format reads it otherwise, turning each record into
 * an item with {@link #read}.
 */
abstract class RecordFormat implements DatasetFormat {

    private final String id;
    private final String label;

    RecordFormat(String id, String label) {
        this.id = id;
        this.label = label;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String label() {
        return label;
    }

    @Override
    public boolean detect(FileSample sample) {
        return JsonRecords.firstObject(sample.head()).filter(this::looksLike).isPresent();
    }

    /** Whether a file starting with this record is in this format. */
    abstract boolean looksLike(JsonNode first);

    @Override
    public void parse(ImportSource source, String defaultSplit, FormatOptions options, ImportSink sink)
            throws IOException {
        ImportRun run = new ImportRun(sink, options, defaultSplit);
        source.forEachFile((path, in) -> {
            if (!run.stopped()) {
                readFile(path, in, run);
            }
        });
    }

    /** Reads one file of the upload. */
    void readFile(String path, InputStream in, ImportRun run) throws IOException {
        JsonRecords.lines(path, in, run, this::read);
    }

    /** Fills {@code item} from {@code record}; throws {@link FieldProblem} when a field is missing or unusable. */
    abstract void read(JsonRecord record, ItemDraft item);

    /** Whether {@code node} has every one of {@code fields}, not null. */
    static boolean hasAll(JsonNode node, String... fields) {
        for (String field : fields) {
            if (!node.hasNonNull(field)) {
                return false;
            }
        }
        return true;
    }
}
