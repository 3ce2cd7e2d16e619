package dev.distillery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.TestHttp;
import dev.distillery.e2e.PackagedApp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Peak resident memory of the packaged app (started as users start it, here with -Xmx512m) while it runs 1,000
 * and then, in a fresh process, 10,000 items (target: ≤ 768 MB, and the 10,000-item peak within 1.2× of the
 * 1,000-item one, i.e. memory does not grow with run size). RSS is sampled from /proc every 50 ms during the run.
 */
class RunMemoryBenchmark {

    static final String KEY = "dk_memory_bench_key_0123456789abcdefgh";
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void peakMemoryDoesNotGrowWithRunSize() throws Exception {
        long small = peakDuringRun(1_000);
        long large = peakDuringRun(10_000);
        BenchReport.record(
                "run-memory",
                String.format(
                        "standard method, 0 ms latency, concurrency 64, -Xmx512m: "
                                + "peak RSS 1,000 items %d MB, 10,000 items %d MB, ratio %.2f",
                        small / 1024, large / 1024, (double) large / small));
    }

    private long peakDuringRun(int items) throws Exception {
        Path data = Files.createTempFile("memory-bench", ".jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < items; i++) {
            rows.append("{\"question\": \"Row ")
                    .append(i)
                    .append(": a farmer has ")
                    .append(i % 97)
                    .append(" cows and buys 3 more each week for 4 weeks. How many cows does the farmer have now?\", ")
                    .append("\"answer\": \"")
                    .append(i % 97)
                    .append(" + 3 * 4 = ")
                    .append(i % 97 + 12)
                    .append("\\n#### ")
                    .append(i % 97 + 12)
                    .append("\"}\n");
        }
        Files.writeString(data, rows);
        try (OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults().models("student"));
                PackagedApp app = PackagedApp.start(Map.of(
                        "DISTILLERY_ADMIN_EMAIL",
                        "admin@example.com",
                        "DISTILLERY_ADMIN_PASSWORD",
                        "violet tractor harbour 42 quietly",
                        "DISTILLERY_ADMIN_API_KEY",
                        KEY))) {
            TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
            String endpoint = json.readTree(http.call(
                                    "POST",
                                    "/api/v1/endpoints",
                                    KEY,
                                    "{\"name\": \"s\", \"baseUrl\": \"" + sim.baseUrl()
                                            + "\", \"model\": \"student\", \"limits\": {\"maxConcurrency\": 128}}")
                            .body())
                    .get("id")
                    .asString();
            String dataset = json.readTree(http.upload(
                                    "/api/v1/datasets",
                                    KEY,
                                    Map.of("name", "rows", "format", "gsm8k", "split", "test"),
                                    "test.jsonl",
                                    Files.readAllBytes(data))
                            .body())
                    .get("datasetId")
                    .asString();
            String run = json.readTree(http.call("POST", "/api/v1/runs", KEY, """
                    {"method": "standard", "datasetId": "%s", "split": "test", "concurrency": 64, "roles": {"student": "%s"}}""".formatted(dataset, endpoint))
                            .body())
                    .get("id")
                    .asString();
            long peak = 0;
            JsonNode state;
            do {
                peak = Math.max(peak, rssKb(app.pid()));
                Thread.sleep(50);
                state = json.readTree(
                        http.call("GET", "/api/v1/runs/" + run, KEY, null).body());
            } while (!state.get("status").asString().equals("completed"));
            assertThat(state.get("done").asInt()).isEqualTo(items);
            return Math.max(peak, rssKb(app.pid()));
        } finally {
            Files.deleteIfExists(data);
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return 0;
    }
}
