package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One workspace floods the server with runs; another's small run still finishes promptly. The flooding workspace
 * never has more than its limit of runs running (db-scheduler's workers are a fixed pool of 16: nine runs of two
 * workers each would hold all of them), the others wait queued and say why.
 */
class FairShareIntegrationTest extends ApiIntegrationTest {

    @Test
    void aFloodingWorkspaceDoesNotStarveAnother() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        try (OpenAiSimulator sim =
                OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(200)))) {
            var flood = tenants.tenant("flood", Role.MEMBER);
            var quiet = tenants.tenant("quiet", Role.MEMBER);
            String floodStudent = runs.endpoint(flood.apiKey(), sim.baseUrl(), "student");
            String quietStudent = runs.endpoint(quiet.apiKey(), sim.baseUrl(), "student");
            String floodData = dataset(http, flood.apiKey());
            String quietData = dataset(http, quiet.apiKey());

            List<String> flooding = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                flooding.add(launch(http, flood.apiKey(), floodData, floodStudent, 200, 64));
            }
            int mostRunning = 0;
            boolean sawWaiting = false;
            Instant deadline = Instant.now().plusSeconds(10);
            while (Instant.now().isBefore(deadline) && !(sawWaiting && mostRunning > 0)) {
                JsonNode listed = json.readTree(http.call("GET", "/api/v1/runs?size=50", flood.apiKey(), null)
                        .body());
                mostRunning = Math.max(mostRunning, (int) listed.findValuesAsString("status").stream()
                        .filter("running"::equalsIgnoreCase)
                        .count());
                for (String id : flooding) {
                    JsonNode run = json.readTree(http.call("GET", "/api/v1/runs/" + id, flood.apiKey(), null)
                            .body());
                    if (run.get("waiting").isString()
                            && run.get("waiting").asString().contains("workspace limit of 4 running runs")) {
                        sawWaiting = true;
                    }
                }
                Thread.sleep(100);
            }
            assertThat(sawWaiting)
                    .as("a queued run of the flood says why it waits")
                    .isTrue();

            Instant launched = Instant.now();
            String small = launch(http, quiet.apiKey(), quietData, quietStudent, 3, 2);
            JsonNode done = await(http, quiet.apiKey(), small, Duration.ofSeconds(30));
            Duration took = Duration.between(launched, Instant.now());

            assertThat(done.get("status").asString()).isEqualTo("completed");
            long floodUnfinished = flooding.stream()
                    .filter(id -> !json.readTree(http.call("GET", "/api/v1/runs/" + id, flood.apiKey(), null)
                                    .body())
                            .get("status")
                            .asString()
                            .equals("completed"))
                    .count();
            assertThat(floodUnfinished)
                    .as("the quiet run finished while the flood was still going (after %s)", took)
                    .isPositive();
            assertThat(mostRunning).as("the flood's runs running at once").isBetween(1, 4);
            for (String id : flooding) {
                assertThat(await(http, flood.apiKey(), id, Duration.ofSeconds(90))
                                .get("status")
                                .asString())
                        .isEqualTo("completed");
            }
        }
    }

    private String launch(TestHttp http, String key, String dataset, String student, int limit, int concurrency) {
        HttpResponse<String> response =
                http.call("POST", "/api/v1/runs", key, """
                {"method": "standard", "datasetId": "%s", "split": "test", "limit": %d,
                 "roles": {"student": "%s"}, "concurrency": %d}""".formatted(dataset, limit, student, concurrency));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode await(TestHttp http, String key, String runId, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            run = json.readTree(
                    http.call("GET", "/api/v1/runs/" + runId, key, null).body());
            if (run.get("status").asString().equals("completed")) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Run " + runId + " did not complete: " + run);
    }

    private String dataset(TestHttp http, String key) throws Exception {
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json.readTree(upload.body()).get("datasetId").asString();
    }
}
