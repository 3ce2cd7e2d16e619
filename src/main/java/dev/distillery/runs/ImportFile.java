package dev.distillery.runs;

import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.Sizes;
import dev.distillery.shared.text.Csv;
import dev.distillery.shared.text.CsvText;
import dev.distillery.shared.text.TextLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the rows of an imported run's file: JSON Lines (one object per line) or CSV with a header, each row naming
 * its item by {@code itemId} or {@code question} and giving the {@code output} (and optionally a
 * {@code teacherTrace}). Pure: it reports what is wrong with each line and knows nothing of datasets.
 */
final class ImportFile {

    /** The column and key names, and the spellings also accepted. */
    static final Map<String, List<String>> NAMES = Map.of(
            "itemId", List.of("itemid", "item_id", "id"),
            "question", List.of("question"),
            "output", List.of("output"),
            "teacherTrace", List.of("teachertrace", "teacher_trace"));

    private ImportFile() {}

    /** One row of the file; {@code line} is where it starts (1-based). */
    record Row(
            int line,
            @Nullable String itemId,
            @Nullable String question,
            @Nullable String output,
            @Nullable String teacherTrace) {}

    /** The rows read, and the problems found (at most {@code maxProblems}; reading stops there). */
    record Parsed(List<Row> rows, List<FieldError> problems) {}

    /** Reads {@code file}: CSV when its name ends in .csv, JSON Lines otherwise. */
    static Parsed read(Path file, String fileName, long maxBytes, int maxRows, int maxProblems, JsonMapper json) {
        List<FieldError> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                problems.add(new FieldError(
                        "file", "The file has " + Sizes.about(size) + "; the limit is " + Sizes.bytes(maxBytes) + "."));
                return new Parsed(rows, problems);
            }
            if (size == 0) {
                problems.add(new FieldError("file", "The file is empty."));
                return new Parsed(rows, problems);
            }
            try (InputStream in = Files.newInputStream(file)) {
                TextLines lines = new TextLines(in, TextLines.DEFAULT_MAX_LENGTH);
                if (fileName.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                    csv(new CsvText(lines), rows, problems, maxRows, maxProblems);
                } else {
                    jsonl(lines, rows, problems, maxRows, maxProblems, json);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            problems.add(new FieldError("file", "The file could not be read: " + e.getMessage()));
        }
        if (rows.isEmpty() && problems.isEmpty()) {
            problems.add(new FieldError("file", "The file has no rows."));
        }
        return new Parsed(rows, problems);
    }

    private static void jsonl(
            TextLines lines, List<Row> rows, List<FieldError> problems, int maxRows, int maxProblems, JsonMapper json)
            throws IOException {
        for (TextLines.Line line = lines.next(); line != null && problems.size() < maxProblems; line = lines.next()) {
            if (line.problem() != null) {
                problems.add(unreadable(line));
                continue;
            }
            if (rows.size() >= maxRows) {
                problems.add(new FieldError("file", "An import has at most " + maxRows + " rows.", line.number()));
                return;
            }
            String text = line.text();
            JsonNode node;
            try {
                node = json.readTree(text);
            } catch (JacksonException e) {
                problems.add(new FieldError(
                        "(line)",
                        "Not valid JSON: "
                                + e.getOriginalMessage().lines().findFirst().orElse(""),
                        line.number()));
                continue;
            }
            if (node == null || !node.isObject()) {
                problems.add(new FieldError(
                        "(line)",
                        "Each line is a JSON object such as {\"itemId\": \"test-0\", \"output\": \"...\"}.",
                        line.number()));
                continue;
            }
            rows.add(new Row(
                    line.number(),
                    text(node, "itemId"),
                    text(node, "question"),
                    text(node, "output"),
                    text(node, "teacherTrace")));
        }
    }

    private static @Nullable String text(JsonNode node, String name) {
        for (var field : node.properties()) {
            if (field.getKey().equals(name)
                    || NAMES.getOrDefault(name, List.of())
                            .contains(field.getKey().toLowerCase(Locale.ROOT))) {
                JsonNode value = field.getValue();
                return value == null || value.isNull()
                        ? null
                        : value.isValueNode() ? value.asString() : value.toString();
            }
        }
        return null;
    }

    private static void csv(CsvText text, List<Row> rows, List<FieldError> problems, int maxRows, int maxProblems)
            throws IOException {
        try (CSVParser parser =
                CSVParser.builder().setReader(text).setFormat(Csv.HEADED).get()) {
            Map<String, Integer> header = new java.util.HashMap<>();
            List<String> names = parser.getHeaderNames();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT);
                for (var known : NAMES.entrySet()) {
                    if (known.getValue().contains(name)) {
                        header.putIfAbsent(known.getKey(), i);
                    }
                }
            }
            if (!header.containsKey("output") || (!header.containsKey("itemId") && !header.containsKey("question"))) {
                problems.add(new FieldError(
                        "(header)",
                        "The header names the columns: itemId or question, output, and "
                                + "optionally teacherTrace (found: " + String.join(", ", names) + ").",
                        1));
                return;
            }
            Iterator<CSVRecord> records = parser.iterator();
            long end = parser.getCurrentLineNumber();
            while (problems.size() < maxProblems) {
                int line = (int) end + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        text.problemsBefore(Integer.MAX_VALUE, bad -> problems.add(unreadable(bad)));
                        return;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    problems.add(new FieldError("(line)", "Not valid CSV: " + e.getMessage(), line));
                    return;
                }
                end = parser.getCurrentLineNumber();
                text.problemsBefore(line, bad -> problems.add(unreadable(bad)));
                if (rows.size() >= maxRows) {
                    problems.add(new FieldError("file", "An import has at most " + maxRows + " rows.", line));
                    return;
                }
                rows.add(new Row(
                        line,
                        cell(record, header.get("itemId")),
                        cell(record, header.get("question")),
                        cell(record, header.get("output")),
                        cell(record, header.get("teacherTrace"))));
            }
        }
    }

    private static FieldError unreadable(TextLines.Line line) {
        return new FieldError("(line)", "The line is " + line.problem() + ".", line.number());
    }

    private static @Nullable String cell(CSVRecord record, @Nullable Integer column) {
        if (column == null || column >= record.size()) {
            return null;
        }
        String value = record.get(column);
        return value.isEmpty() ? null : value;
    }
}
