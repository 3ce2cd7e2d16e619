package dev.distillery.datasets.formats;

import dev.distillery.datasets.formats.ImportRun.ItemReader;
import dev.distillery.shared.text.Csv;
import dev.distillery.shared.text.CsvText;
import dev.distillery.shared.text.TextLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.databind.node.ObjectNode;

/**
 * CSV with a header row (RFC 4180), streamed with Apache Commons CSV. Each row becomes a JSON object keyed by
 * header name, so the generic mapping works the same for CSV and JSON. Cells are text exactly as written: nothing
 * (such as a leading {@code =}) is interpreted.
 */
final class CsvRecords {

    private CsvRecords() {}

    /**
     * Reads the rows of a CSV file.
     *
     * @param columns header names the mapping needs; if one is absent the file is reported and not read
     */
    static void rows(String path, InputStream in, ImportRun run, List<String> columns, ItemReader reader)
            throws IOException {
        CsvText text = new CsvText(new TextLines(in, run.options().maxLineLength()));
        try (CSVParser parser =
                CSVParser.builder().setReader(text).setFormat(Csv.HEADED).get()) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty()) {
                run.problem(1, "(header)", "the file has no header row naming its columns");
                return;
            }
            for (String column : columns) {
                if (!header.contains(column)) {
                    run.problem(
                            1,
                            column,
                            "no column '" + column + "' in the header row (columns: " + String.join(", ", header)
                                    + ")");
                    return;
                }
            }
            Iterator<CSVRecord> rows = parser.iterator();
            while (!run.stopped() && hasNext(rows, parser, run)) {
                CSVRecord row = rows.next();
                int line = startLine(row, parser.getCurrentLineNumber());
                text.problemsBefore(
                        line,
                        problem -> run.problem(
                                problem.number(), "(file)", "line " + problem.number() + " is " + problem.problem()));
                run.read(
                        new JsonRecord(toObject(header, row), path, line, line, path + ":" + line, run.nextPosition()),
                        reader);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Commons CSV rejects a bad header (a repeated name) this way; its first sentence says what is wrong.
            String message = String.valueOf(e.getMessage());
            int end = message.indexOf(". ");
            run.problem(1, "(header)", end > 0 ? message.substring(0, end) : message);
        } finally {
            text.problemsBefore(
                    Integer.MAX_VALUE,
                    problem -> run.problem(
                            problem.number(), "(file)", "line " + problem.number() + " is " + problem.problem()));
        }
    }

    /** False at the end, or when the CSV syntax breaks (an unclosed quote), which ends reading of the file. */
    private static boolean hasNext(Iterator<CSVRecord> rows, CSVParser parser, ImportRun run) {
        try {
            return rows.hasNext();
        } catch (UncheckedIOException e) {
            Throwable cause = e.getCause();
            run.problem(
                    (int) parser.getCurrentLineNumber(),
                    "(csv)",
                    cause != null && cause.getMessage() != null ? cause.getMessage() : String.valueOf(e.getMessage()));
            return false;
        }
    }

    /** The parser counts lines up to the end of the record; a quoted cell may span several lines. */
    private static int startLine(CSVRecord row, long endLine) {
        long breaks = row.stream()
                .mapToLong(cell -> cell.chars().filter(c -> c == '\n').count())
                .sum();
        return (int) (endLine - breaks);
    }

    private static ObjectNode toObject(List<String> header, CSVRecord row) {
        ObjectNode node = JsonRecords.MAPPER.createObjectNode();
        for (int i = 0; i < header.size() && i < row.size(); i++) {
            if (!header.get(i).isEmpty()) {
                node.put(header.get(i), row.get(i));
            }
        }
        return node;
    }
}
