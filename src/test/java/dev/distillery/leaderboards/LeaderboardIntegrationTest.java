package dev.distillery.leaderboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.TraceOfThoughtSimulation;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Trace-of-Thought run and the student's own baseline on the same 30 GSM8K items: the leaderboard shows the gain
 * with its interval and McNemar p, refuses to compare a run on other items, adds the corrected variant after a
 * student re-run, exports CSV, and shows nothing to another workspace.
 */
class LeaderboardIntegrationTest extends ApiIntegrationTest {

    static final Map<String, Integer> INDEX = TraceOfThoughtSimulation.INDEX;
    static final Map<String, String> GOLD = TraceOfThoughtSimulation.GOLD;
    static OpenAiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = TraceOfThoughtSimulation.start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void aMethodIsComparedWithTheStudentsBaselineOnTheSameItemsOnly() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        var owner = tenants.tenant("board", Role.MEMBER);
        String key = owner.apiKey();
        String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = json.readTree(upload.body()).get("datasetId").asString();
        String baseline = runs.completed(key, """
                {"method": "standard", "preset": "tot", "datasetId": "%s", "split": "test", "limit": 30,
                 "roles": {"student": "%s"}, "concurrency": 4}""".formatted(dataset, student));
        String tot = runs.completed(key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 30,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 4}""".formatted(dataset, teacher, student));
        String fewer = runs.completed(key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 20,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 4}""".formatted(dataset, teacher, student));
        String board = "/api/v1/leaderboards?datasetId=" + dataset + "&split=test";

        JsonNode row = runs.awaitRow(key, board, tot, r -> r.get("gainPoints").isNumber());
        assertThat(row.get("n").asInt()).isEqualTo(30);
        assertThat(row.get("correct").asInt()).isEqualTo(24);
        assertThat(row.get("accuracy").asDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(row.get("ciLow").asDouble()).isCloseTo(0.627, within(0.001)); // Wilson 95% of 24/30
        assertThat(row.get("ciHigh").asDouble()).isCloseTo(0.905, within(0.001));
        assertThat(row.get("baselineRunId").asString()).isEqualTo(baseline);
        assertThat(row.get("baselineAccuracy").asDouble()).isCloseTo(0.2, within(1e-9));
        assertThat(row.get("gainPoints").asDouble()).isCloseTo(60, within(1e-9));
        assertThat(row.get("gainRelative").asDouble()).isCloseTo(3.0, within(1e-9));
        // 18 items only the method got right, none only the baseline: p = 2 × 0.5^18.
        assertThat(row.get("pValue").asDouble()).isCloseTo(2 * Math.pow(0.5, 18), within(1e-12));
        assertThat(row.get("diffLow").asDouble()).isBetween(0.35, 0.6);
        assertThat(row.get("diffHigh").asDouble()).isBetween(0.6, 0.85);
        assertThat(row.get("teacher").asString()).startsWith("teacher ");
        assertThat(row.get("student").asString()).startsWith("student ");
        assertThat(row.get("tokens").asLong()).isPositive();

        JsonNode other =
                runs.awaitRow(key, board, fewer, r -> r.get("baselineNote").isString());
        assertThat(other.get("gainPoints").isNull()).isTrue();
        assertThat(other.get("baselineNote").asString()).contains("other items");
        JsonNode base = runs.awaitRow(key, board, baseline, r -> true);
        assertThat(base.get("baseline").asBoolean()).isTrue();
        assertThat(base.get("gainPoints").isNull()).isTrue();

        // A corrected step that fixes an item the method got wrong: the corrected variant counts the re-run.
        String trace = "/api/v1/runs/" + tot + "/traces/test-4";
        String gold = GOLD.entrySet().stream()
                .filter(e -> INDEX.get(e.getKey()) == 4)
                .findFirst()
                .orElseThrow()
                .getValue();
        HttpResponse<String> saved = http.call(
                "POST",
                trace + "/revisions",
                key,
                "{\"baseRevision\": 0, \"teacherSteps\": [\"Add the numbers.\", \"Report %s\"]}".formatted(gold));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        assertThat(http.call("POST", trace + "/revisions/1/rerun", key, null).statusCode())
                .isEqualTo(200);
        JsonNode corrected = runs.awaitRow(
                        key, board, tot, r -> r.get("corrected").isObject())
                .get("corrected");
        assertThat(corrected.get("items").asInt()).isEqualTo(1);
        assertThat(corrected.get("correct").asInt()).isEqualTo(25);
        assertThat(corrected.get("gainPoints").asDouble()).isCloseTo(100.0 * 19 / 30, within(1e-9));

        HttpResponse<String> csv = http.call("GET", "/api/v1/leaderboards/export?datasetId=" + dataset, key, null);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).startsWith("runId,run,dataset,").contains(tot).contains(",0.8,");
        assertThat(http.call("GET", "/api/v1/leaderboards?from=yesterday", key, null)
                        .statusCode())
                .isEqualTo(400);

        var stranger = tenants.tenant("board-stranger", Role.ADMIN);
        JsonNode theirs =
                json.readTree(http.call("GET", "/api/v1/leaderboards?datasetId=" + dataset, stranger.apiKey(), null)
                        .body());
        assertThat(theirs.get("rows")).isEmpty();
        JsonNode theirLatest = json.readTree(http.call("GET", "/api/v1/leaderboards", stranger.apiKey(), null)
                .body());
        assertThat(theirLatest.get("datasetId").isNull()).isTrue();
        assertThat(theirLatest.get("rows")).isEmpty();
    }

    @Test
    void aPublishedBoardIsReadableWithoutSignInShowsOnlyItsRowsAndGoesAwayWhenUnpublished() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        var owner = tenants.tenant("public", Role.ADMIN);
        String key = owner.apiKey();
        String member = tenants.apiKey(owner.email(), Role.MEMBER);
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        String shown = dataset(http, key, "Shown data");
        String hidden = dataset(http, key, "Private data");
        String shownRun = runs.completed(key, """
                {"name": "=HYPERLINK(\\"http://evil.example\\",\\"<img src=x onerror=alert(1)>\\") visible baseline",
                 "method": "standard", "preset": "tot", "datasetId": "%s", "split": "test",
                 "limit": 5, "roles": {"student": "%s"}, "concurrency": 2}""".formatted(shown, student));
        String hiddenRun = runs.completed(key, """
                {"name": "secret experiment", "method": "standard", "preset": "tot", "datasetId": "%s", "split": "test",
                 "limit": 5, "roles": {"student": "%s"}, "concurrency": 2}""".formatted(hidden, student));
        runs.awaitRow(key, "/api/v1/leaderboards?datasetId=" + shown, shownRun, r -> true);
        runs.awaitRow(key, "/api/v1/leaderboards?datasetId=" + hidden, hiddenRun, r -> true);

        // A board is one dataset: without one asked for, the most recent (that of the newest result), and it says so.
        JsonNode latest = json.readTree(
                http.call("GET", "/api/v1/leaderboards", key, null).body());
        assertThat(latest.get("datasetId").asString()).isEqualTo(hidden);
        assertThat(latest.get("rows"))
                .extracting(r -> r.get("runId").asString())
                .containsExactly(hiddenRun);
        assertThat(http.call("GET", "/api/v1/leaderboards/export", key, null).body())
                .contains("secret experiment")
                .doesNotContain("visible baseline");
        JsonNode asked = json.readTree(http.call("GET", "/api/v1/leaderboards?datasetId=" + shown, key, null)
                .body());
        assertThat(asked.get("datasetId").asString()).isEqualTo(shown);
        assertThat(asked.get("rows")).extracting(r -> r.get("runId").asString()).containsExactly(shownRun);

        String publish =
                "{\"slug\": \"gsm8k-board\", \"title\": \"Our GSM8K board\", \"datasetId\": \"%s\", \"sampleTraces\": 2}"
                        .formatted(shown);
        assertThat(http.call("POST", "/api/v1/public-boards", member, publish).statusCode())
                .isEqualTo(403);
        assertThat(http.call("POST", "/api/v1/public-boards", key, "{\"slug\": \"Bad Slug\", \"title\": \"\"}")
                        .body())
                .contains("slug")
                .contains("title")
                .contains("datasetId");
        HttpResponse<String> published = http.call("POST", "/api/v1/public-boards", key, publish);
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        JsonNode board = json.readTree(published.body());
        String path = board.get("path").asString();
        assertThat(path).matches("/p/[a-z0-9-]+/gsm8k-board");

        HttpResponse<String> page = http.call("GET", path, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(page.body())
                .contains("Our GSM8K board")
                .contains("visible baseline")
                .contains("Sample traces")
                .contains("echarts.min.js")
                .doesNotContain("secret experiment")
                .doesNotContain(hidden)
                .doesNotContain("Private data")
                .doesNotContain("href=\"/runs")
                .doesNotContain("/api/");
        String etag = page.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.get(path, "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(http.call("GET", "/_static/echarts/6.0.0/dist/echarts.min.js", null, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.call("GET", "/_static/distillery/public-board.js", null, null)
                        .statusCode())
                .isEqualTo(200);
        // Sample traces are Markdown typeset by MathJax, both served by the app to readers who are not signed in.
        assertThat(page.body()).contains("class=\"markdown\"").contains("/_static/distillery/model-text.js");
        assertThat(http.call("GET", "/_static/distillery/model-text.js", null, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.call("GET", "/_static/mathjax/es5/tex-svg.js", null, null)
                        .statusCode())
                .isEqualTo(200);
        // A hostile run name is text on the page, behind a policy that runs no inline or foreign script anyway.
        assertThat(page.body()).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'")
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-eval")
                .doesNotContain("script-src 'self' 'unsafe-inline'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        HttpResponse<String> exported = http.call("GET", "/api/v1/leaderboards/export?datasetId=" + shown, key, null);
        assertThat(exported.body())
                .contains("\"'=HYPERLINK(\"\"http://evil.example\"\"")
                .doesNotContain(",=HYPERLINK");
        assertThat(exported.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        HttpResponse<String> missing = http.call("GET", path.replace("gsm8k-board", "other"), null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("No published board here");
        // A public URL opens nothing else: the app's pages and API still ask for a sign-in.
        assertThat(http.call("GET", "/api/v1/leaderboards", null, null).statusCode())
                .isEqualTo(401);

        HttpResponse<String> unpublished =
                http.call("POST", "/api/v1/public-boards/" + board.get("id").asString() + "/unpublish", key, null);
        assertThat(unpublished.statusCode()).isEqualTo(204);
        assertThat(http.call("GET", path, null, null).statusCode()).isEqualTo(404);
        var stranger = tenants.tenant("public-stranger", Role.ADMIN);
        assertThat(http.call(
                                "POST",
                                "/api/v1/public-boards/" + board.get("id").asString() + "/unpublish",
                                stranger.apiKey(),
                                null)
                        .statusCode())
                .isEqualTo(404);
    }

    private String dataset(TestHttp http, String key, String name) throws Exception {
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", name, "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json.readTree(upload.body()).get("datasetId").asString();
    }
}
