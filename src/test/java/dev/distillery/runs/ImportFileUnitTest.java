package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.shared.InvalidInputException.FieldError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Reading an imported run's file: rows with the line each starts on, the names accepted, and what is refused. */
class ImportFileUnitTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void jsonLinesAreReadWithTheirLineNumbersSkippingBlankLines() throws Exception {
        ImportFile.Parsed parsed = read(
                "runs.jsonl",
                "\uFEFF{\"itemId\": \"test-0\", \"output\": \"18\"}\n\n"
                        + "{\"question\": \"How many?\", \"output\": \"3\", \"teacher_trace\": \"1. Count.\"}\n");
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.rows())
                .containsExactly(
                        new ImportFile.Row(1, "test-0", null, "18", null),
                        new ImportFile.Row(3, null, "How many?", "3", "1. Count."));
    }

    @Test
    void aCsvRowIsNumberedByTheLineItStartsOnEvenAfterAQuotedLineBreak() throws Exception {
        ImportFile.Parsed parsed =
                read("runs.csv", "item_id,output,teacherTrace\r\ntest-0,\"Two\nlines\",\r\ntest-1,7,steps\r\n");
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.rows())
                .containsExactly(
                        new ImportFile.Row(2, "test-0", null, "Two\nlines", null),
                        new ImportFile.Row(4, "test-1", null, "7", "steps"));
    }

    @Test
    void aCsvWithoutTheNeededColumnsIsRefusedAtItsHeader() throws Exception {
        ImportFile.Parsed parsed = read("runs.csv", "id,answer\ntest-0,18\n");
        assertThat(parsed.problems()).extracting(FieldError::line).containsExactly(1);
        assertThat(parsed.problems().getFirst().message()).contains("output");
    }

    @Test
    void anEmptyOrTooLargeFileIsOneProblem() throws Exception {
        assertThat(read("empty.jsonl", "").problems())
                .extracting(FieldError::message)
                .containsExactly("The file is empty.");
        assertThat(read("blank.jsonl", "\n \n").problems())
                .extracting(FieldError::message)
                .containsExactly("The file has no rows.");
        Path big = dir.resolve("big.jsonl");
        Files.writeString(big, "x".repeat(2048));
        assertThat(ImportFile.read(big, "big.jsonl", 1024, 10, 50, JSON)
                        .problems()
                        .getFirst()
                        .message())
                .contains("limit");
    }

    @Test
    void questionsMatchIgnoringCaseAndSpacing() {
        assertThat(RunImportService.normalise("  How MANY\n\tapples?  ")).isEqualTo("how many apples?");
        assertThat(RunImportService.endpoint("tiny-1b").endpointId())
                .isEqualTo(RunImportService.endpoint("tiny-1b").endpointId())
                .isNotEqualTo(RunImportService.endpoint("tiny-2b").endpointId());
    }

    private ImportFile.Parsed read(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return ImportFile.read(file, name, 1 << 20, 1000, 50, JSON);
    }
}
