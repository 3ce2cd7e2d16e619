package dev.distillery.runs;

import dev.distillery.shared.Sizes;
import dev.distillery.shared.InvalidInputException.FieldError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
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

    private static final CSVFormat CSV = CSVFormat.RFC4180.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setAllowMissingColumnNames(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
            .get();

    private ImportFile() {
    }

    /** One row of the file; {@code line} is where it starts (1-based). */
    record Row(int line, @Nullable String itemId, @Nullable String question, @Nullable String output,
            @Nullable String teacherTrace) {
    }

    /** The rows read, and the problems found (at most {@code maxProblems}; reading stops there). */
    record Parsed(List<Row> rows, List<FieldError> problems) {
    }

    /** Reads {@code file}: CSV when its name ends in .csv, JSON Lines otherwise. */
    static Parsed read(Path file, String fileName, long maxBytes, int maxRows, int maxProblems, JsonMapper json) {
        List<FieldError> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                problems.add(new FieldError("file", "The file has " + Sizes.about(size) + "; the limit is " + Sizes.bytes(maxBytes) + "."));
                return new Parsed(rows, problems);
            }
            if (size == 0) {
                problems.add(new FieldError("file", "The file is empty."));
                return new Parsed(rows, problems);
            }
            try (InputStream in = Files.newInputStream(file)) {
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
                if (fileName.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                    csv(reader, rows, problems, maxRows, maxProblems);
                } else {
                    jsonl(new BufferedReader(reader), rows, problems, maxRows, maxProblems, json);
                }
            }
        } catch (CharacterCodingException e) {
            problems.add(new FieldError("file", "The file is not UTF-8 text."));
        } catch (IOException | UncheckedIOException e) {
            problems.add(new FieldError("file", "The file could not be read: " + e.getMessage()));
        }
        if (rows.isEmpty() && problems.isEmpty()) {
            problems.add(new FieldError("file", "The file has no rows."));
        }
        return new Parsed(rows, problems);
    }

    private static void jsonl(BufferedReader reader, List<Row> rows, List<FieldError> problems, int maxRows,
            int maxProblems, JsonMapper json) throws IOException {
        String text;
        int line = 0;
        while ((text = reader.readLine()) != null && problems.size() < maxProblems) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            if (rows.size() >= maxRows) {
                problems.add(new FieldError("file", "An import has at most " + maxRows + " rows.", line));
                return;
            }
            JsonNode node;
            try {
                node = json.readTree(text);
            } catch (JacksonException e) {
                problems.add(new FieldError("(line)", "Not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), line));
                continue;
            }
            if (node == null || !node.isObject()) {
                problems.add(new FieldError("(line)", "Each line is a JSON object such as {\"itemId\": \"test-0\", \"output\": \"...\"}.", line));
                continue;
            }
            rows.add(new Row(line, text(node, "itemId"), text(node, "question"), text(node, "output"), text(node, "teacherTrace")));
        }
    }

    private static @Nullable String text(JsonNode node, String name) {
        for (var field : node.properties()) {
            if (field.getKey().equals(name) || NAMES.get(name).contains(field.getKey().toLowerCase(Locale.ROOT))) {
                JsonNode value = field.getValue();
                return value == null || value.isNull() ? null : value.isValueNode() ? value.asString() : value.toString();
            }
        }
        return null;
    }

    private static void csv(Reader reader, List<Row> rows, List<FieldError> problems, int maxRows, int maxProblems)
            throws IOException {
        try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(CSV).get()) {
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
                problems.add(new FieldError("(header)", "The header names the columns: itemId or question, output, and "
                        + "optionally teacherTrace (found: " + String.join(", ", names) + ").", 1));
                return;
            }
            Iterator<CSVRecord> records = parser.iterator();
            long end = parser.getCurrentLineNumber();
            while (problems.size() < maxProblems) {
                int line = (int) end + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        return;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    problems.add(new FieldError("(line)", "Not valid CSV: " + e.getMessage(), line));
                    return;
                }
                end = parser.getCurrentLineNumber();
                if (rows.size() >= maxRows) {
                    problems.add(new FieldError("file", "An import has at most " + maxRows + " rows.", line));
                    return;
                }
                rows.add(new Row(line, cell(record, header.get("itemId")), cell(record, header.get("question")),
                        cell(record, header.get("output")), cell(record, header.get("teacherTrace"))));
            }
        }
    }

    private static @Nullable String cell(CSVRecord record, @Nullable Integer column) {
        if (column == null || column >= record.size()) {
            return null;
        }
        String value = record.get(column);
        return value.isEmpty() ? null : value;
    }

}
