package dev.distillery.datasets.formats;

import dev.distillery.datasets.formats.ImportRun.ItemReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import tools.jackson.databind.node.ObjectNode;

/**
 * CSV with a header row (RFC 4180), streamed with Apache Commons CSV. Each row becomes a JSON object keyed by
 * header name, so the generic mapping works the same for CSV and JSON. Cells are text exactly as written: nothing
 * (such as a leading {@code =}) is interpreted.
 */
final class CsvRecords {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setAllowMissingColumnNames(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
            .get();

    private CsvRecords() {
    }

    /**
     * Reads the rows of a CSV file.
     *
     * @param columns header names the mapping needs; if one is absent the file is reported and not read
     */
    static void rows(String path, InputStream in, ImportRun run, List<String> columns, ItemReader reader)
            throws IOException {
        LineFeed text = new LineFeed(new TextLines(in, run.options().maxLineLength()));
        try (CSVParser parser = CSVParser.builder().setReader(text).setFormat(FORMAT).get()) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty()) {
                run.problem(1, "(header)", "the file has no header row naming its columns");
                return;
            }
            for (String column : columns) {
                if (!header.contains(column)) {
                    run.problem(1, column, "no column '" + column + "' in the header row (columns: "
                            + String.join(", ", header) + ")");
                    return;
                }
            }
            Iterator<CSVRecord> rows = parser.iterator();
            while (!run.stopped() && hasNext(rows, parser, run)) {
                CSVRecord row = rows.next();
                int line = startLine(row, parser.getCurrentLineNumber());
                text.reportProblemsBefore(line, run);
                run.read(new JsonRecord(toObject(header, row), path, line, line, path + ":" + line,
                        run.nextPosition()), reader);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Commons CSV rejects a bad header (a repeated name) this way; its first sentence says what is wrong.
            String message = String.valueOf(e.getMessage());
            int end = message.indexOf(". ");
            run.problem(1, "(header)", end > 0 ? message.substring(0, end) : message);
        } finally {
            text.reportProblemsBefore(Integer.MAX_VALUE, run);
        }
    }

    /** False at the end, or when the CSV syntax breaks (an unclosed quote), which ends reading of the file. */
    private static boolean hasNext(Iterator<CSVRecord> rows, CSVParser parser, ImportRun run) {
        try {
            return rows.hasNext();
        } catch (UncheckedIOException e) {
            Throwable cause = e.getCause();
            run.problem((int) parser.getCurrentLineNumber(), "(csv)", cause != null && cause.getMessage() != null
                    ? cause.getMessage() : String.valueOf(e.getMessage()));
            return false;
        }
    }

    /** The parser counts lines up to the end of the record; a quoted cell may span several lines. */
    private static int startLine(CSVRecord row, long endLine) {
        long breaks = row.stream().mapToLong(cell -> cell.chars().filter(c -> c == '\n').count()).sum();
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

    /**
     * The text of {@link TextLines} for the CSV parser, with the original line numbering: a skipped blank or bad line
     * still counts as a line break. Bad lines' problems wait until the rows before them have been emitted.
     */
    private static final class LineFeed extends Reader {

        private final TextLines lines;
        private final ArrayDeque<ImportProblem> problems = new ArrayDeque<>();
        private String current = "";
        private int offset;
        private int owedBreaks;
        private int lastLine;
        private boolean ended;

        LineFeed(TextLines lines) {
            this.lines = lines;
        }

        void reportProblemsBefore(int line, ImportRun run) {
            while (!problems.isEmpty() && problems.peekFirst().line() < line) {
                run.problem(problems.removeFirst());
            }
        }

        @Override
        public int read(char[] target, int off, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int written = 0;
            while (written < length) {
                if (owedBreaks > 0) {
                    target[off + written++] = '\n';
                    owedBreaks--;
                } else if (offset < current.length()) {
                    int n = Math.min(length - written, current.length() - offset);
                    current.getChars(offset, offset + n, target, off + written);
                    offset += n;
                    written += n;
                } else if (!advance()) {
                    break;
                }
            }
            return written == 0 ? -1 : written;
        }

        /** Moves to the next line; false at the end. */
        private boolean advance() throws IOException {
            if (ended) {
                return false;
            }
            TextLines.Line line = lines.next();
            if (line == null) {
                ended = true;
                return false;
            }
            owedBreaks = line.number() - lastLine - 1;
            lastLine = line.number();
            offset = 0;
            ImportProblem problem = line.problem();
            if (problem != null) {
                problems.add(problem);
                current = "\n";
            } else {
                current = line.text() + "\n";
            }
            return true;
        }

        @Override
        public void close() {
            ended = true;
        }
    }
}
