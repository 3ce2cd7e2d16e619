package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Any JSON Lines, JSON array or CSV (with a header row) file, read through the user's {@link FormatOptions} mapping
 * of question, answer and optional choices, id and split fields (dotted paths reach into nested JSON objects). The
 * layout follows the extension (.jsonl, .json, .csv), otherwise the first non-blank character. Fields the mapping
 * does not use are kept as metadata. Never auto-detected: the mapping has to come from the user.
 */
final class GenericFormat implements DatasetFormat {

    /** How far to look for the first non-blank character when the file name does not tell the layout. */
    private static final int SNIFF_BYTES = 8192;

    private enum Layout {
        LINES,
        ARRAY,
        CSV
    }

    @Override
    public String id() {
        return "generic";
    }

    @Override
    public String label() {
        return "Other (JSON Lines, JSON or CSV with a field mapping)";
    }

    @Override
    public boolean detect(FileSample sample) {
        return false;
    }

    @Override
    public void parse(ImportSource source, String defaultSplit, FormatOptions options, ImportSink sink)
            throws IOException {
        List<ImportProblem> unmapped = unmapped(options);
        if (!unmapped.isEmpty()) {
            unmapped.forEach(sink::problem);
            return;
        }
        ImportRun run = new ImportRun(sink, options, defaultSplit);
        Mapping mapping = new Mapping(options);
        source.forEachFile((path, raw) -> {
            if (run.stopped()) {
                return;
            }
            BufferedInputStream in = new BufferedInputStream(raw, SNIFF_BYTES);
            switch (layout(path, in)) {
                case LINES -> JsonRecords.lines(path, in, run, mapping::read);
                case ARRAY -> JsonRecords.array(path, in, run, mapping::read);
                case CSV -> CsvRecords.rows(path, in, run, mapping.fields(), mapping::read);
            }
        });
    }

    private static List<ImportProblem> unmapped(FormatOptions options) {
        List<ImportProblem> problems = new ArrayList<>();
        if (blank(options.question())) {
            problems.add(new ImportProblem(0, "question", "choose the field that holds the question"));
        }
        if (blank(options.answer())) {
            problems.add(new ImportProblem(0, "answer", "choose the field that holds the gold answer"));
        }
        if (options.answerType() == null) {
            problems.add(new ImportProblem(
                    0, "answerType", "choose the answer type: number, math, choice, yesno or string"));
        } else if (options.answerType() == AnswerType.CHOICE && blank(options.choices())) {
            problems.add(new ImportProblem(0, "choices", "choice answers need the field that holds the choices"));
        }
        return problems;
    }

    private static Layout layout(String path, BufferedInputStream in) throws IOException {
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Layout.LINES;
        }
        if (name.endsWith(".csv")) {
            return Layout.CSV;
        }
        int first = firstNonBlank(in);
        if (first == '[') {
            return Layout.ARRAY;
        }
        // A .json file that is not an array is taken as JSON Lines (AQuA's .json files are).
        return first == '{' || name.endsWith(".json") ? Layout.LINES : Layout.CSV;
    }

    /** Peeks at the first byte that is not whitespace or part of a UTF-8 byte order mark; the stream is not consumed. */
    private static int firstNonBlank(BufferedInputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        try {
            for (int i = 0; i < SNIFF_BYTES; i++) {
                int b = in.read();
                if (b < 0 || !(Character.isWhitespace(b) || b == 0xEF || b == 0xBB || b == 0xBF)) {
                    return b;
                }
            }
            return -1;
        } finally {
            in.reset();
        }
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    private static @Nullable String strippedOrNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The user's mapping, checked non-empty by {@link #unmapped}. */
    private static final class Mapping {

        private final String question;
        private final String answer;
        private final AnswerType answerType;
        private final @Nullable String choices;
        private final @Nullable String id;
        private final @Nullable String split;
        /** Top-level keys the mapping reads; the others go to metadata. */
        private final Set<String> used = new HashSet<>();

        Mapping(FormatOptions options) {
            this.question = Objects.requireNonNull(options.question()).strip();
            this.answer = Objects.requireNonNull(options.answer()).strip();
            this.answerType = Objects.requireNonNull(options.answerType());
            this.choices = strippedOrNull(options.choices());
            this.id = strippedOrNull(options.id());
            this.split = strippedOrNull(options.split());
            for (String field : fields()) {
                used.add(field);
                used.add(field.split("\\.", 2)[0]);
            }
        }

        List<String> fields() {
            return Stream.of(question, answer, choices, id, split)
                    .filter(Objects::nonNull)
                    .toList();
        }

        void read(JsonRecord record, ItemDraft item) {
            item.question(record.text(question));
            if (choices != null) {
                item.choices(Choices.read(record, choices));
            }
            item.gold(answer, record.text(answer), answerType);
            if (id != null) {
                item.id(record.text(id), id);
            }
            if (split != null) {
                String value = record.optionalText(split);
                if (value != null && !value.isBlank()) {
                    item.split(DatasetFormats.canonicalSplit(value)
                            .orElseThrow(() ->
                                    new FieldProblem(split, "'" + value + "' is not a split: use train, test or dev")));
                }
            }
            for (Map.Entry<String, JsonNode> field : record.node().properties()) {
                if (!used.contains(field.getKey())) {
                    item.meta(field.getKey(), record.plain(field.getKey()));
                }
            }
        }
    }
}
