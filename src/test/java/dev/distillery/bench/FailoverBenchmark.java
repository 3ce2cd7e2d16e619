package dev.distillery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.SharedDatasets;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.e2e.PackagedApp;
import dev.distillery.e2e.TcpProxy;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.Fault;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The acceptance scenario, too long for every CI run: Trace-of-Thought on all 1,319 GSM8K test items at
 * concurrency 16 on the packaged app, once undisturbed and once with two database restarts (every connection cut,
 * new ones refused for 5 s, via a TCP proxy) while 10 % of the model calls break (connection reset mid-response or
 * a body cut short). The disturbed run must complete with 0 errors, every item graded exactly as in the undisturbed
 * run, one stored call per item and role, and no model call answered twice beyond those in flight at the cuts.
 */
class FailoverBenchmark {

    static final String KEY = "dk_failover_bench_key_0123456789abcdef";
    static final Map<String, String> ENV = Map.of(
            "DISTILLERY_ADMIN_EMAIL", "admin@example.com",
            "DISTILLERY_ADMIN_PASSWORD", "violet tractor harbour 42 quietly",
            "DISTILLERY_ADMIN_API_KEY", KEY,
            "DISTILLERY_RUN_LEASE", "10s");
    static final int ITEMS = 1319;
    static final int CONCURRENCY = 16;
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void twoDatabaseRestartsAndTenPercentBrokenModelConnectionsChangeNoGrade() throws Exception {
        Map<String, String> undisturbed;
        int undisturbedCalls;
        long started = System.nanoTime();
        try (OpenAiSimulator sim = simulator();
                PackagedApp app = PackagedApp.start(ENV)) {
            String runId = launch(app, sim);
            await(app, runId, run -> run.get("status").asString().equals("completed"), Duration.ofMinutes(10));
            undisturbed = grades(app.databaseUrl(), runId);
            undisturbedCalls = sim.requestCount();
        }
        double undisturbedSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(undisturbed).hasSize(ITEMS);

        String databaseUrl = TestDatabase.createAnother();
        URI direct = URI.create(databaseUrl.substring("jdbc:".length()));
        started = System.nanoTime();
        try (OpenAiSimulator sim = simulator();
                TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                PackagedApp app =
                        PackagedApp.start(ENV, "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath())) {
            sim.failRandomly(0.1, 15, Fault.connectionReset(), Fault.truncatedBody());
            String runId = launch(app, sim);
            await(app, runId, run -> run.get("done").asInt() >= 300, Duration.ofMinutes(5));
            proxy.outage(Duration.ofSeconds(5));
            await(app, runId, run -> run.get("done").asInt() >= 800, Duration.ofMinutes(5));
            proxy.outage(Duration.ofSeconds(5));
            JsonNode done =
                    await(app, runId, run -> run.get("status").asString().equals("completed"), Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(done.get("errors").asInt()).isZero();
            Map<String, String> disturbed = grades(databaseUrl, runId);
            Map<String, String> differing = new HashMap<>();
            undisturbed.forEach((item, grade) -> {
                if (!Objects.equals(disturbed.get(item), grade)) {
                    differing.put(item, grade + " → " + disturbed.get(item));
                }
            });
            assertThat(differing).as("items graded otherwise than undisturbed").isEmpty();
            int stored = storedCalls(databaseUrl, runId);
            assertThat(stored).as("one stored call per item and role").isEqualTo(2 * ITEMS);
            int answered = sim.requestCount() - sim.faultCount();
            int repeated = answered - stored;
            // In flight at a cut: up to CONCURRENCY calls under way plus those awaiting their group commit.
            assertThat(repeated).as("answered calls repeated").isLessThanOrEqualTo(2 * 2 * CONCURRENCY);
            BenchReport.record(
                    "failover",
                    String.format(
                            "ToT on %d GSM8K test items, concurrency %d, 100 ms latency:"
                                    + " undisturbed %.1f s, %d calls | 2 database outages of 5 s + 10 %% broken model connections: %.1f s,"
                                    + " %d requests of which %d faulted and retried, %d answered calls repeated, 0 errors,"
                                    + " %d/%d items graded as undisturbed",
                            ITEMS,
                            CONCURRENCY,
                            undisturbedSeconds,
                            undisturbedCalls,
                            seconds,
                            sim.requestCount(),
                            sim.faultCount(),
                            repeated,
                            ITEMS - differing.size(),
                            ITEMS));
        }
    }

    private static OpenAiSimulator simulator() throws Exception {
        return OpenAiSimulator.start(
                Config.defaults().models("teacher", "student").latency(Duration.ofMillis(100)));
    }

    private String launch(PackagedApp app, OpenAiSimulator sim) throws Exception {
        TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
        String teacher = endpoint(http, sim, "teacher");
        String student = endpoint(http, sim, "student");
        JsonNode dataset = json.readTree(http.upload(
                        "/api/v1/datasets",
                        KEY,
                        Map.of("name", "GSM8K", "format", "gsm8k"),
                        "test.jsonl",
                        Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")))
                .body());
        var response = http.call("POST", "/api/v1/runs", KEY, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test",
                 "concurrency": %d, "roles": {"teacher": "%s", "student": "%s"}}""".formatted(
                        dataset.get("datasetId").asString(), CONCURRENCY, teacher, student));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("id").asString();
    }

    private String endpoint(TestHttp http, OpenAiSimulator sim, String model) {
        var response = http.call("POST", "/api/v1/endpoints", KEY, """
                {"name": "%s", "baseUrl": "%s", "model": "%s", "limits": {"maxConcurrency": 64}}""".formatted(model, sim.baseUrl(), model));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode await(PackagedApp app, String runId, Predicate<JsonNode> until, Duration timeout)
            throws InterruptedException {
        return app.awaitRun(KEY, runId, until, timeout);
    }

    /** item → status, verdict and stored results (outputs, extracted answers, rules) of each item, read past the app. */
    private static Map<String, String> grades(String databaseUrl, String runId) throws Exception {
        try (Connection db = DriverManager.getConnection(databaseUrl, TestDatabase.user(), TestDatabase.password())) {
            var rows = db.createStatement()
                    .executeQuery(
                            "SELECT item_id, correct, status, results FROM run_items WHERE run_id = '" + runId + "'");
            Map<String, String> grades = new HashMap<>();
            while (rows.next()) {
                grades.put(rows.getString(1), rows.getString(3) + "/" + rows.getString(2) + "/" + rows.getString(4));
            }
            return grades;
        }
    }

    private static int storedCalls(String databaseUrl, String runId) throws Exception {
        try (Connection db = DriverManager.getConnection(databaseUrl, TestDatabase.user(), TestDatabase.password())) {
            var rows =
                    db.createStatement().executeQuery("SELECT count(*) FROM run_calls WHERE run_id = '" + runId + "'");
            rows.next();
            return rows.getInt(1);
        }
    }
}
