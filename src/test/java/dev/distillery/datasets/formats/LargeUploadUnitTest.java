package dev.distillery.datasets.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeUploadUnitTest {

    private static final int ROWS = 100_000;

    /** Items only pass through: a parser that held the file or its items would show here as heap growth. */
    @Test
    void aHundredThousandRowGsm8kFileStreamsThroughWithoutKeepingItems(@TempDir Path temp) throws IOException {
        Path file = temp.resolve("train.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < ROWS; i++) {
                out.write("{\"question\": \"Row " + i + ": Natalia sold clips to 48 of her friends in April, and then "
                        + "she sold half as many clips in May. How many clips did Natalia sell altogether?\", "
                        + "\"answer\": \"Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\nNatalia sold 48+24 = "
                        + "<<48+24=72>>72 clips altogether in April and May.\\n#### " + (72 + i) + "\"}\n");
            }
        }
        long[] counts = new long[2];
        ImportSink counting = new ImportSink() {
            @Override
            public void item(ParsedItem item) {
                counts[0]++;
            }

            @Override
            public void problem(ImportProblem problem) {
                counts[1]++;
            }
        };

        FormatFixtures.format("gsm8k")
                .parse(
                        UploadSource.of(file, "train.jsonl", UploadSource.Limits.defaults()),
                        "train",
                        FormatOptions.defaults(),
                        counting);

        assertThat(counts).containsExactly(ROWS, 0);
    }
}
