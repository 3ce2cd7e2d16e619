package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static Browser browser = new Browser();

    @Test
    void aRunKilledMidwayFinishesAfterRestartWithoutRepeatingFinishedCalls() throws Exception {
        try (OpenAiSimulator sim =
                OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(150)))) {
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
                JsonNode done = await(
                        second,
                        runId,
                        run -> run.get("status").asString().equals("completed"),
                        Duration.ofSeconds(120));
                assertThat(done.get("total").asInt()).isEqualTo(120);
                assertThat(done.get("done").asInt() + done.get("errors").asInt())
                        .isEqualTo(120);
                assertThat(done.get("errors").asInt()).isZero();
            }
            try (Connection db = DriverManager.getConnection(
                    first.databaseUrl(), dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
                var rows = db.createStatement()
                        .executeQuery("SELECT count(*), count(DISTINCT item_id) FROM run_calls WHERE run_id = '" + runId
                                + "'");
                rows.next();
                assertThat(rows.getInt(1)).as("one call per item").isEqualTo(120);
                assertThat(rows.getInt(2)).isEqualTo(120);
            }
            var afterRestart = sim.requests().subList(requestsBeforeKill, sim.requestCount()).stream()
                    .map(SimRequest::prompt)
                    .collect(Collectors.toSet());
            assertThat(afterRestart)
                    .as("calls persisted before the kill are not made again")
                    .doesNotContainAnyElementsOf(finishedBeforeKill);
            // In flight at the kill: the 6 calls under way plus finished ones still waiting for their group commit
            // (RunWriter), a few milliseconds' worth; one more than the concurrency has been seen.
            assertThat(sim.requestCount())
                    .as("at most the calls in flight at the kill are repeated")
                    .isLessThanOrEqualTo(120 + 2 * 6);
        }
    }

    @Test
    void twoInstancesOnOneDatabaseShareARunWithoutDoubleWork() throws Exception {
        try (OpenAiSimulator sim =
                OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(150)))) {
            try (PackagedApp a = PackagedApp.start(ENV);
                    PackagedApp b = PackagedApp.start(ENV, a.databaseUrl())) {
                String runId = launch(a, sim, 200, 8);
                JsonNode done = await(
                        b, runId, run -> run.get("status").asString().equals("completed"), Duration.ofSeconds(120));
                assertThat(done.get("done").asInt()).isEqualTo(200);
                try (Connection db = DriverManager.getConnection(
                        a.databaseUrl(), dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
                    var rows = db.createStatement()
                            .executeQuery(
                                    "SELECT count(DISTINCT split_part(finished_by, '/', 1)) FROM run_items WHERE run_id = '"
                                            + runId + "'");
                    rows.next();
                    assertThat(rows.getInt(1))
                            .as("both instances finished items")
                            .isEqualTo(2);
                }
                Set<String> prompts = new HashSet<>();
                for (SimRequest request : sim.requests()) {
                    assertThat(prompts.add(request.prompt()))
                            .as("no item called twice: " + request.prompt())
                            .isTrue();
                }
                assertThat(prompts).hasSize(200);
            }
        }
    }

    @Test
    void twoInstancesShareARateLimitedProviderWithoutAFailedItem() throws Exception {
        try (OpenAiSimulator sim =
                OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(50)))) {
            // 40 requests in any 2 s, with OpenAI's headers: each instance sees what the other spends in them.
            sim.rateLimit(40, 0, Duration.ofSeconds(2), true);
            try (PackagedApp a = PackagedApp.start(ENV);
                    PackagedApp b = PackagedApp.start(ENV, a.databaseUrl())) {
                String runId = launch(a, sim, 200, 16);
                JsonNode done = await(
                        b, runId, run -> run.get("status").asString().equals("completed"), Duration.ofSeconds(120));
                assertThat(done.get("done").asInt()).isEqualTo(200);
                assertThat(done.get("errors").asInt())
                        .as("a refusal is never an item's error")
                        .isZero();
                try (Connection db = DriverManager.getConnection(
                        a.databaseUrl(), dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
                    var rows = db.createStatement()
                            .executeQuery(
                                    "SELECT count(DISTINCT split_part(finished_by, '/', 1)) FROM run_items WHERE run_id = '"
                                            + runId + "'");
                    rows.next();
                    assertThat(rows.getInt(1))
                            .as("both instances called the provider")
                            .isEqualTo(2);
                }
                // How few is a benchmark matter (docs/BENCHMARKS.md); unpaced, the engine got more refusals than calls.
                assertThat(sim.rateLimitRefusals()).as("refusals for 200 calls").isLessThan(200);
            }
        }
    }

    @Test
    void aRunSurvivesTwoDatabaseOutagesWithEveryItemGradedAsIfNothingHappened() throws Exception {
        Map<String, String> gold = new java.util.HashMap<>();
        Map<String, Integer> index = new java.util.HashMap<>();
        Map<String, Boolean> answersRight = new java.util.HashMap<>();
        List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"));
        for (int i = 0; i < 300; i++) {
            JsonNode item = json.readTree(lines.get(i));
            String answer = item.get("answer").asString();
            gold.put(
                    item.get("question").asString(),
                    answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", ""));
            index.put(item.get("question").asString(), i);
            answersRight.put("test-" + i, i % 3 != 0);
        }
        try (OpenAiSimulator sim =
                OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(100)))) {
            // Every third item is answered wrong on purpose, so the grades show whether each item was graded right.
            sim.when(r -> gold.containsKey(r.prompt()))
                    .reply((r, i) ->
                            "The answer is " + (index.get(r.prompt()) % 3 == 0 ? "-1" : gold.get(r.prompt())) + ".");
            String databaseUrl = dev.distillery.TestDatabase.createAnother();
            URI direct = URI.create(databaseUrl.substring("jdbc:".length()));
            try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort());
                    PackagedApp app =
                            PackagedApp.start(ENV, "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath())) {
                TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
                Page page = browser.newUser();
                Pages.signIn(page, app, ENV.get("DISTILLERY_ADMIN_EMAIL"), ENV.get("DISTILLERY_ADMIN_PASSWORD"), false);
                String runId = launch(app, sim, 300, 8);
                page.navigate(app.url("/runs/" + runId));
                assertThat(page.locator("#run-stats")).containsText("items");
                await(app, runId, run -> run.get("done").asInt() >= 60, Duration.ofSeconds(60));

                proxy.outage(Duration.ofSeconds(12));
                // What a user and an operator see meanwhile: the page says so, the API answers 503 with Retry-After,
                // the health endpoint shows the database down (each asked at once: a request waits for a connection).
                var refusedCall =
                        CompletableFuture.supplyAsync(() -> http.call("GET", "/api/v1/runs/" + runId, KEY, null));
                var healthCall = CompletableFuture.supplyAsync(() -> http.call("GET", "/actuator/health", null, null));
                assertThat(page.locator("#run-database"))
                        .containsText(
                                "Database unavailable, retrying",
                                new LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
                var refused = refusedCall.get(10, TimeUnit.SECONDS);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(json.readTree(refused.body()).get("detail").asString())
                        .contains("database is unavailable");
                var health = healthCall.get(15, TimeUnit.SECONDS);
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(json.readTree(health.body())
                                .at("/components/db/status")
                                .asString())
                        .isEqualTo("DOWN");

                await(app, runId, run -> run.get("done").asInt() >= 180, Duration.ofSeconds(90));
                assertThat(page.locator("#run-database"))
                        .isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(10_000));
                JsonNode healthy = json.readTree(
                        http.call("GET", "/actuator/health", null, null).body());
                assertThat(healthy.at("/components/db/status").asString()).isEqualTo("UP");
                assertThat(healthy.at("/components/runEngine/status").asString())
                        .isEqualTo("UP");
                assertThat(healthy.at("/components/dbScheduler/status").asString())
                        .isEqualTo("UP");

                proxy.outage(Duration.ofSeconds(4));
                JsonNode done = await(
                        app, runId, run -> run.get("status").asString().equals("completed"), Duration.ofSeconds(120));
                assertThat(done.get("done").asInt()).isEqualTo(300);
                assertThat(done.get("errors").asInt())
                        .as("a lost connection is nobody's error")
                        .isZero();
                assertThat(page.locator("#run-stats")).containsText("completed");
                try (Connection db = DriverManager.getConnection(
                        databaseUrl, dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
                    var rows = db.createStatement()
                            .executeQuery("SELECT item_id, correct FROM run_items WHERE run_id = '" + runId + "'");
                    int items = 0;
                    while (rows.next()) {
                        items++;
                        assertThat(rows.getBoolean(2))
                                .as(rows.getString(1))
                                .isEqualTo(answersRight.get(rows.getString(1)));
                    }
                    assertThat(items).isEqualTo(300);
                    var calls = db.createStatement()
                            .executeQuery("SELECT count(*), count(DISTINCT item_id) FROM run_calls WHERE run_id = '"
                                    + runId + "'");
                    calls.next();
                    assertThat(calls.getInt(1)).as("one stored call per item").isEqualTo(300);
                    assertThat(calls.getInt(2)).isEqualTo(300);
                }
                // Each outage may cost the calls in flight and those awaiting their group commit, nothing more.
                assertThat(sim.requestCount()).as("model calls").isLessThanOrEqualTo(300 + 2 * 2 * 8);

                anImportCutByARestartStoresNothingAndCanBeRepeated(app, http, proxy, databaseUrl);
            }
        }
    }

    private void anImportCutByARestartStoresNothingAndCanBeRepeated(
            PackagedApp app, TestHttp http, TcpProxy proxy, String databaseUrl) throws Exception {
        byte[] train = Files.readAllBytes(SharedDatasets.file("gsm8k/train.jsonl"));
        long before = proxy.bytesToServer();
        var upload = CompletableFuture.supplyAsync(() -> http.upload(
                "/api/v1/datasets", KEY, Map.of("name", "GSM8K train", "format", "gsm8k"), "train.jsonl", train));
        // Cut once a megabyte of the 7,473 items' inserts is on its way: the import is surely half done.
        Instant deadline = Instant.now().plusSeconds(60);
        while (proxy.bytesToServer() - before < 1_000_000
                && !upload.isDone()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(5);
        }
        assertThat(upload)
                .as("the import was still writing when the database went away")
                .isNotDone();
        proxy.outage(Duration.ofSeconds(4));
        var cut = upload.get(60, TimeUnit.SECONDS);
        assertThat(cut.statusCode()).as(cut.body()).isEqualTo(503);
        assertThat(json.readTree(cut.body()).get("detail").asString()).contains("database is unavailable");
        assertThat(stored(databaseUrl, "GSM8K train"))
                .as("an interrupted import stores nothing")
                .isEqualTo("0/0/0");

        Thread.sleep(4_500);
        var again = http.upload(
                "/api/v1/datasets", KEY, Map.of("name", "GSM8K train", "format", "gsm8k"), "train.jsonl", train);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertThat(json.readTree(again.body()).get("version").asInt()).isEqualTo(1);
        assertThat(json.readTree(again.body()).get("itemCount").asInt()).isEqualTo(7473);
        assertThat(stored(databaseUrl, "GSM8K train")).isEqualTo("1/1/7473");
    }

    /** "datasets/versions/items" stored under the name, read past the app. */
    private static String stored(String databaseUrl, String datasetName) throws Exception {
        try (Connection db = DriverManager.getConnection(
                databaseUrl, dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
            var rows = db.createStatement()
                    .executeQuery("SELECT (SELECT count(*) FROM datasets WHERE name = '" + datasetName + "'),"
                            + " (SELECT count(*) FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = '"
                            + datasetName + "'),"
                            + " (SELECT count(*) FROM dataset_items i JOIN dataset_versions v ON v.id = i.version_id"
                            + " JOIN datasets d ON d.id = v.dataset_id WHERE d.name = '" + datasetName + "')");
            rows.next();
            return rows.getInt(1) + "/" + rows.getInt(2) + "/" + rows.getInt(3);
        }
    }

    private String launch(PackagedApp app, OpenAiSimulator sim, int limit, int concurrency) throws Exception {
        TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
        JsonNode endpoint = json.readTree(http.call("POST", "/api/v1/endpoints", KEY, """
                {"name": "Student", "baseUrl": "%s", "model": "student", "limits": {"maxConcurrency": 64}}""".formatted(sim.baseUrl()))
                .body());
        JsonNode dataset = json.readTree(http.upload(
                        "/api/v1/datasets",
                        KEY,
                        Map.of("name", "GSM8K", "format", "gsm8k"),
                        "test.jsonl",
                        Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")))
                .body());
        var response = http.call("POST", "/api/v1/runs", KEY, """
                {"method": "standard", "datasetId": "%s", "split": "test", "limit": %d, "concurrency": %d,
                 "roles": {"student": "%s"}}""".formatted(
                        dataset.get("datasetId").asString(),
                        limit,
                        concurrency,
                        endpoint.get("id").asString()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode await(
            PackagedApp app, String runId, java.util.function.Predicate<JsonNode> until, Duration timeout)
            throws InterruptedException {
        return app.awaitRun(KEY, runId, until, timeout);
    }

    private static Set<String> persistedPrompts(String databaseUrl, String runId) throws Exception {
        try (Connection db = DriverManager.getConnection(
                databaseUrl, dev.distillery.TestDatabase.user(), dev.distillery.TestDatabase.password())) {
            var rows = db.createStatement().executeQuery("SELECT prompt FROM run_calls WHERE run_id = '" + runId + "'");
            Set<String> prompts = new HashSet<>();
            while (rows.next()) {
                prompts.add(rows.getString(1));
            }
            return prompts;
        }
    }
}
