package dev.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.simulator.SimRequest;
import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run engine against the packaged app as a process: killed with SIGKILL mid-run and restarted, a run completes
 * by itself with exactly one result per item and no finished call repeated; two instances on one database share a
 * run without doing any item twice.
 */
class RunRecoveryTest {

    static final String KEY = "dk_recovery_test_key_0123456789abcdef";
    static final Map<String, String> ENV = Map.of(
            "DISTILLERY_ADMIN_EMAIL", "admin@example.com",
            "DISTILLERY_ADMIN_PASSWORD", "violet tractor harbour 42 quietly",
            "DISTILLERY_ADMIN_API_KEY", KEY,
            "DISTILLERY_RUN_LEASE", "6s",
            "DBSCHEDULER_HEARTBEATINTERVAL", "1s",
            "DBSCHEDULER_THREADS", "1");
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aRunKilledMidwayFinishesAfterRestartWithoutRepeatingFinishedCalls() throws Exception {
        try (OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(150)))) {
            PackagedApp first = PackagedApp.start(ENV);
            String runId;
            try {
                runId = launch(first, sim, 120, 6);
                await(first, runId, run -> run.get("done").asInt() >= 30, Duration.ofSeconds(60));
            } finally {
                first.kill();
            }
            Set<String> finishedBeforeKill = persistedPrompts(first.databaseUrl(), runId);
            int requestsBeforeKill = sim.requestCount();
            assertThat(finishedBeforeKill).hasSizeGreaterThanOrEqualTo(30);

            try (PackagedApp second = PackagedApp.start(ENV, first.databaseUrl())) {
                JsonNode done = await(second, runId, run -> run.get("status").asString().equals("completed"), Duration.ofSeconds(120));
                assertThat(done.get("total").asInt()).isEqualTo(120);
                assertThat(done.get("done").asInt() + done.get("errors").asInt()).isEqualTo(120);
                assertThat(done.get("errors").asInt()).isZero();
            }
            try (Connection db = DriverManager.getConnection(first.databaseUrl(), dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
                var rows = db.createStatement().executeQuery("SELECT count(*), count(DISTINCT item_id) FROM run_calls WHERE run_id = '" + runId + "'");
                rows.next();
                assertThat(rows.getInt(1)).as("one call per item").isEqualTo(120);
                assertThat(rows.getInt(2)).isEqualTo(120);
            }
            var afterRestart = sim.requests().subList(requestsBeforeKill, sim.requestCount()).stream()
                    .map(SimRequest::prompt).collect(Collectors.toSet());
            assertThat(afterRestart).as("calls persisted before the kill are not made again").doesNotContainAnyElementsOf(finishedBeforeKill);
            // In flight at the kill: the 6 calls under way plus finished ones still waiting for their group commit
            // (RunWriter), a few milliseconds' worth; one more than the concurrency has been seen.
            assertThat(sim.requestCount()).as("at most the calls in flight at the kill are repeated").isLessThanOrEqualTo(120 + 2 * 6);
        }
    }

    @Test
    void twoInstancesOnOneDatabaseShareARunWithoutDoubleWork() throws Exception {
        try (OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(150)))) {
            try (PackagedApp a = PackagedApp.start(ENV); PackagedApp b = PackagedApp.start(ENV, a.databaseUrl())) {
                String runId = launch(a, sim, 200, 8);
                JsonNode done = await(b, runId, run -> run.get("status").asString().equals("completed"), Duration.ofSeconds(120));
                assertThat(done.get("done").asInt()).isEqualTo(200);
                try (Connection db = DriverManager.getConnection(a.databaseUrl(), dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
                    var rows = db.createStatement().executeQuery(
                            "SELECT count(DISTINCT split_part(finished_by, '/', 1)) FROM run_items WHERE run_id = '" + runId + "'");
                    rows.next();
                    assertThat(rows.getInt(1)).as("both instances finished items").isEqualTo(2);
                }
                Set<String> prompts = new HashSet<>();
                for (SimRequest request : sim.requests()) {
                    assertThat(prompts.add(request.prompt())).as("no item called twice: " + request.prompt()).isTrue();
                }
                assertThat(prompts).hasSize(200);
            }
        }
    }

    private String launch(PackagedApp app, OpenAiSimulator sim, int limit, int concurrency) throws Exception {
        TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
        JsonNode endpoint = json.readTree(http.call("POST", "/api/v1/endpoints", KEY, """
                {"name": "Student", "baseUrl": "%s", "model": "student", "limits": {"maxConcurrency": 64}}"""
                .formatted(sim.baseUrl())).body());
        JsonNode dataset = json.readTree(http.upload("/api/v1/datasets", KEY, Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl", Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl"))).body());
        var response = http.call("POST", "/api/v1/runs", KEY, """
                {"method": "standard", "datasetId": "%s", "split": "test", "limit": %d, "concurrency": %d,
                 "roles": {"student": "%s"}}""".formatted(dataset.get("datasetId").asString(), limit, concurrency,
                endpoint.get("id").asString()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode await(PackagedApp app, String runId, java.util.function.Predicate<JsonNode> until, Duration timeout)
            throws InterruptedException {
        TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
        Instant deadline = Instant.now().plus(timeout);
        JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            run = json.readTree(http.call("GET", "/api/v1/runs/" + runId, KEY, null).body());
            if (until.test(run)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting; last state " + run);
    }

    private static Set<String> persistedPrompts(String databaseUrl, String runId) throws Exception {
        try (Connection db = DriverManager.getConnection(databaseUrl, dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
            var rows = db.createStatement().executeQuery("SELECT prompt FROM run_calls WHERE run_id = '" + runId + "'");
            Set<String> prompts = new HashSet<>();
            while (rows.next()) {
                prompts.add(rows.getString(1));
            }
            return prompts;
        }
    }
}
