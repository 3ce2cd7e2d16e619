package dev.distillery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.TestTenants;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.ImportRequest;
import dev.distillery.datasets.ImportResult;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Import throughput for GSM8K-shaped JSON Lines (target: at least 30,000 rows/s), through the real service into the
 * real PostgreSQL: parse, validate, batch insert, commit. One warm-up import, then three measured ones of 100,000 rows.
 */
@SpringBootTest
@ActiveProfiles("test")
class DatasetImportBenchmark {

    static final int ROWS = 100_000;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatasetService datasets;

    @Test
    void importsGsm8kShapedJsonLines() throws Exception {
        Path file = Files.createTempFile("gsm8k-bench", ".jsonl");
        write(file, ROWS);
        String email = tenants.signUp("bench");
        tenants.as(
                email,
                () -> datasets.importFile(
                        new ImportRequest("warm-up", "gsm8k", "train", null, null), file, "train.jsonl"));
        double best = 0;
        StringBuilder runs = new StringBuilder();
        for (int run = 1; run <= 3; run++) {
            long start = System.nanoTime();
            String name = "bench-" + run;
            ImportResult result = tenants.as(
                    email,
                    () -> datasets.importFile(
                            new ImportRequest(name, "gsm8k", "train", null, null), file, "train.jsonl"));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(result.itemCount()).isEqualTo(ROWS);
            double rate = ROWS / seconds;
            best = Math.max(best, rate);
            runs.append(String.format(" run%d=%.2fs (%.0f rows/s)", run, seconds, rate));
        }
        BenchReport.record(
                "dataset-import",
                String.format(
                        "%d GSM8K-shaped rows, %.1f MB:%s, best %.0f rows/s",
                        ROWS, Files.size(file) / 1e6, runs, best));
        Files.delete(file);
    }

    /** Rows shaped like GSM8K train: a ~250-character question and a ~300-character worked answer ending in ####. */
    private static void write(Path file, int rows) throws Exception {
        Random random = new Random(42);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                int a = random.nextInt(1000);
                int b = random.nextInt(1000);
                out.write("{\"question\": \"Natalia sold clips to " + a + " of her friends in April, and then she sold "
                        + "half as many clips in May. Each clip costs $" + b
                        + ". How many clips did Natalia sell altogether "
                        + "in April and May, and what did she earn if every friend paid on time? Row " + i + ".\", "
                        + "\"answer\": \"Natalia sold " + a + "/2 = <<" + a + "/2=" + a / 2 + ">>" + a / 2
                        + " clips in May.\\n"
                        + "Natalia sold " + a + "+" + a / 2 + " = <<" + a + "+" + a / 2 + "=" + (a + a / 2) + ">>"
                        + (a + a / 2) + " clips altogether in April and May.\\nShe earned " + (a + a / 2) + " * " + b
                        + " dollars.\\n#### " + String.format("%,d", (a + a / 2) * b) + "\"}\n");
            }
        }
    }
}
