package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.leaderboards.LeaderboardService;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A run graded by an older grader is graded again over REST without calling any model: its items carry the new
 * version, its accuracy and "no answer found" count follow, and so does its leaderboard row. A viewer may not ask
 * for it and another workspace does not see the run.
 */
class RunRegradeIntegrationTest extends ApiIntegrationTest {

    @Autowired
    LeaderboardService leaderboards;

    @Autowired
    CurrentTenant currentTenant;

    @Test
    void aRunGradedByAnOlderGraderIsRegradedAndItsLeaderboardRowFollows() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        var owner = tenants.tenant("regrade", Role.MEMBER);
        String key = owner.apiKey();
        List<String> lines = Files.readAllLines(SharedDatasets.file("math500/test.jsonl"));
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "MATH-500", "format", "math500"),
                "test.jsonl",
                String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String dataset = json.readTree(upload.body()).get("datasetId").asString();

        // Free-form answers, as a Trace-of-Thought student writes them (never boxed): 12 right, 8 without any answer.
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            JsonNode item = json.readTree(lines.get(i));
            String output = i < 12
                    ? "Working through the steps, we find that the value asked for is $"
                            + item.get("answer").asString() + "$."
                    : "I was not able to finish the computation.";
            file.append(json.writeValueAsString(
                            Map.of("question", item.get("problem").asString(), "output", output)))
                    .append('\n');
        }
        HttpResponse<String> imported = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of(
                        "datasetId",
                        dataset,
                        "split",
                        "test",
                        "method",
                        "trace-of-thought",
                        "student",
                        "small-7b",
                        "teacher",
                        "large-70b"),
                "tot.jsonl",
                file.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        JsonNode run = json.readTree(imported.body());
        String runId = run.get("id").asString();
        assertThat(run.get("correct").asInt()).isEqualTo(12);
        assertThat(run.get("noAnswer").asInt()).isEqualTo(8);
        assertThat(run.get("graderVersions").get("2").asInt()).isEqualTo(20);

        // As grader version 1 left such a run: no answer read from any free-form output, every item incorrect.
        try (Connection db = TestDatabase.ownerConnection();
                PreparedStatement old = db.prepareStatement("""
                UPDATE run_items SET grader_version = '1', correct = false, answer_found = false,
                    results = (SELECT jsonb_agg((p - 'graderVersion' - 'answerStart' - 'answerEnd')
                        || jsonb_build_object('extracted', null, 'correct', false, 'rule', 'after-marker'))
                        FROM jsonb_array_elements(results) AS p)
                WHERE run_id = ?""")) {
            old.setObject(1, UUID.fromString(runId));
            assertThat(old.executeUpdate()).isEqualTo(20);
        }
        currentTenant.callAs(new TenantContext(owner.workspaceId(), Role.VIEWER, Actor.system()), () -> {
            leaderboards.refresh(UUID.fromString(runId));
            return null;
        });
        String board = "/api/v1/leaderboards?datasetId=" + dataset + "&split=test";
        assertThat(runs.awaitRow(key, board, runId, r -> true).get("accuracy").asDouble())
                .isZero();
        JsonNode before = get(http, key, runId);
        assertThat(before.get("graderVersions").get("1").asInt()).isEqualTo(20);
        assertThat(before.get("noAnswer").asInt()).isEqualTo(20);

        HttpResponse<String> regrade = http.call("POST", "/api/v1/runs/" + runId + "/regrade", key, null);
        assertThat(regrade.statusCode()).as(regrade.body()).isEqualTo(202);
        assertThat(json.readTree(regrade.body()).get("regrade").get("version").asString())
                .isEqualTo("2");

        JsonNode after = awaitRegraded(http, key, runId);
        assertThat(after.get("correct").asInt()).isEqualTo(12);
        assertThat(after.get("noAnswer").asInt()).isEqualTo(8);
        assertThat(after.get("graderVersions").size()).isEqualTo(1);
        assertThat(after.get("graderVersions").get("2").asInt()).isEqualTo(20);
        assertThat(after.get("regrade").get("regraded").asInt()).isEqualTo(20);
        JsonNode trace = json.readTree(
                        http.call("GET", "/api/v1/runs/" + runId + "/traces?outcome=correct&size=1", key, null)
                                .body())
                .get("items")
                .get(0)
                .get("predictions")
                .get(0);
        assertThat(trace.get("graderVersion").asString()).isEqualTo("2");
        assertThat(trace.get("rule").asString()).isEqualTo("last-math");
        String output = trace.get("output").asString();
        assertThat(output.substring(
                        trace.get("answerStart").asInt(), trace.get("answerEnd").asInt()))
                .isEqualTo(trace.get("extracted").asString());
        assertThat(runs.awaitRow(key, board, runId, r -> r.get("accuracy").asDouble() > 0)
                        .get("accuracy")
                        .asDouble())
                .isCloseTo(0.6, within(1e-9));

        // A viewer may not ask for it; another workspace does not see the run at all.
        String viewer = tenants.apiKey(owner.email(), Role.VIEWER);
        String stranger = tenants.tenant("regrade-stranger", Role.ADMIN).apiKey();
        assertThat(http.call("POST", "/api/v1/runs/" + runId + "/regrade", viewer, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(http.call("POST", "/api/v1/runs/" + runId + "/regrade", stranger, null)
                        .statusCode())
                .isEqualTo(404);

        // Asking again changes nothing: every item already carries the current version.
        assertThat(http.call("POST", "/api/v1/runs/" + runId + "/regrade", key, null)
                        .statusCode())
                .isEqualTo(202);
        assertThat(awaitRegraded(http, key, runId).get("correct").asInt()).isEqualTo(12);
    }

    private JsonNode get(TestHttp http, String key, String runId) {
        return json.readTree(
                http.call("GET", "/api/v1/runs/" + runId, key, null).body());
    }

    private JsonNode awaitRegraded(TestHttp http, String key, String runId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            JsonNode run = get(http, key, runId);
            if (run.get("regrade").get("status").asString().equals("done")
                    && Instant.parse(run.get("regrade").get("finishedAt").asString())
                            .isAfter(Instant.parse(
                                    run.get("regrade").get("requestedAt").asString()))) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The re-grade of run " + runId + " did not finish");
    }
}
