package dev.distillery.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class SafeCsvUnitTest {

    @Test
    void cellsASpreadsheetWouldEvaluateAreWrittenAsText() throws IOException {
        List<String> hostile = List.of(
                "=HYPERLINK(\"http://evil.example/?x\",\"click\")",
                "+cmd|' /C calc'!A0",
                "-2+3+cmd|' /C calc'!A0",
                "@SUM(1+1)*cmd|' /C calc'!A0",
                "\t=1+1",
                "\r=1+1");
        String csv =
                SafeCsv.write(List.of("name"), hostile.stream().map(List::of).toList());
        List<CSVRecord> records = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(csv))
                .getRecords();
        assertThat(records)
                .extracting(r -> r.get("name"))
                .containsExactlyElementsOf(
                        hostile.stream().map(cell -> "'" + cell).toList());
    }

    @Test
    void numbersTextAndEmptyCellsStayAsTheyAre() throws IOException {
        List<Object> row = Arrays.asList(-3.25, "-0.5", "+1", "1e-5", 42, "plain text", "a=b", null, "", "It's fine");
        String csv = SafeCsv.write(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), List.of(row));
        CSVRecord record = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(csv))
                .getRecords()
                .getFirst();
        assertThat(record.values())
                .containsExactly("-3.25", "-0.5", "+1", "1e-5", "42", "plain text", "a=b", "", "", "It's fine");
    }

    @Test
    void aHeaderIsNeutralisedToo() {
        assertThat(SafeCsv.write(List.of("=evil", "ok"), List.of())).startsWith("'=evil,ok");
    }
}
