package dev.distillery.shared;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;

/**
 * Every CSV the app writes goes through here (an architecture rule keeps it so): RFC 4180, and each cell a
 * spreadsheet would read as a formula (one starting with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a
 * carriage return) is prefixed with {@code '}, as OWASP advises against CSV injection. Plain numbers, negative ones
 * included, stay numbers.
 */
public final class SafeCsv {

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private SafeCsv() {}

    /** The CSV text of a header and rows; {@code null} cells are empty. */
    public static String write(List<String> header, Iterable<? extends List<?>> rows) {
        StringWriter out = new StringWriter();
        Printer printer = printer(out, header);
        for (List<?> row : rows) {
            printer.print(row);
        }
        printer.flush();
        return out.toString();
    }

    /**
     * A printer that writes the header at once and each row as it is given, for an export too large to hold in memory;
     * cells are neutralised as by {@link #write}. The caller owns {@code out} (and closes it).
     */
    public static Printer printer(Appendable out, List<String> header) {
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setHeader(header.stream().map(SafeCsv::neutralise).toArray(String[]::new))
                .get();
        try {
            return new Printer(new CSVPrinter(out, format));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows written one at a time; see {@link #printer}. */
    public static final class Printer {

        private final CSVPrinter printer;

        private Printer(CSVPrinter printer) {
            this.printer = printer;
        }

        /** Writes a row; {@code null} cells are empty. */
        public void print(List<?> row) {
            List<String> cells = new ArrayList<>(row.size());
            for (Object value : row) {
                cells.add(neutralise(value));
            }
            try {
                printer.printRecord(cells);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void flush() {
            try {
                printer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The cell as text a spreadsheet shows as text. */
    public static String neutralise(@Nullable Object value) {
        String cell = Objects.toString(value, "");
        if (cell.isEmpty() || NUMBER.matcher(cell).matches()) {
            return cell;
        }
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + cell
                : cell;
    }
}
