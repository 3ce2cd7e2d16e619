package dev.distillery.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Corrections over REST: a reviewer edits a teacher step, a concurrent save on the same base is refused with what
 * changed, the student re-run on the correction fixes the item, and roles and workspaces are kept apart.
 */
class ReviewIntegrationTest extends ApiIntegrationTest {

    static final Pattern REPORT = Pattern.compile("Report (-?\\d+)");
    static OpenAiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Add the numbers.\n2. Report the total.");
        // The student answers whatever number the steps tell it to report, and -1 without one.
        sim.when(r -> r.prompt().startsWith("We are given")).reply((r, i) -> {
            Matcher m = REPORT.matcher(r.prompt());
            return "Following the steps, the answer is " + (m.find() ? m.group(1) : "-1") + ".";
        });
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void aCorrectedStepIsSavedAsARevisionAndTheStudentReRunOnItIsFixed() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("review", Role.MEMBER);
        String reviewer = tenants.apiKey(owner.email(), Role.REVIEWER);
        String viewer = tenants.apiKey(owner.email(), Role.VIEWER);
        String runId = finishedRun(http, owner.apiKey());
        String gold = firstGold();
        String trace = "/api/v1/runs/" + runId + "/traces/test-0";

        JsonNode original =
                json.readTree(http.call("GET", trace, reviewer, null).body());
        assertThat(original.get("latestRevision").asInt()).isZero();
        assertThat(original.get("trace").get("correct").asBoolean()).isFalse();
        assertThat(original.get("revisions").get(0).get("teacherSteps").toString())
                .isEqualTo("[\"Add the numbers.\",\"Report the total.\"]");

        HttpResponse<String> saved = http.call("POST", trace + "/revisions", reviewer, """
                {"baseRevision": 0, "teacherSteps": ["Add the numbers.", "Report %s"], "comment": "the total is known"}""".formatted(gold));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        assertThat(json.readTree(saved.body()).get("revision").asInt()).isEqualTo(1);

        // A second reviewer who started from the original loses the race and is told what changed.
        HttpResponse<String> late = http.call("POST", trace + "/revisions", owner.apiKey(), """
                {"baseRevision": 0, "teacherOutput": "1. Multiply the numbers."}""");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        JsonNode conflict = json.readTree(late.body());
        assertThat(conflict.get("latestRevision").asInt()).isEqualTo(1);
        assertThat(conflict.get("changes").toString())
                .contains("+ 2. Report " + gold)
                .contains("- 2. Report the total.");

        HttpResponse<String> rerun = http.call("POST", trace + "/revisions/1/rerun", reviewer, null);
        assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(200);
        JsonNode result = json.readTree(rerun.body()).get("rerun");
        assertThat(result.get("correct").asBoolean()).isTrue();
        assertThat(result.get("extracted").asString()).isEqualTo(gold);
        assertThat(result.get("outcome").asString()).isEqualTo("FIXED");

        JsonNode diff = json.readTree(
                http.call("GET", trace + "/diff?from=0&to=1", reviewer, null).body());
        assertThat(diff.get("lines").toString()).contains("\"REMOVED\"").contains("Report " + gold);
        JsonNode summary = json.readTree(http.call("GET", "/api/v1/runs/" + runId + "/corrections", reviewer, null)
                .body());
        assertThat(summary.get("edited").asInt()).isEqualTo(1);
        assertThat(summary.get("fixed").asInt()).isEqualTo(1);

        // The original trace is never overwritten.
        JsonNode after = json.readTree(http.call("GET", trace, reviewer, null).body());
        assertThat(after.get("trace").get("correct").asBoolean()).isFalse();
        assertThat(after.get("revisions").get(0).get("teacherOutput").asString())
                .isEqualTo("1. Add the numbers.\n2. Report the total.");
        assertThat(after.get("revisions").get(1).get("rerun").get("outcome").asString())
                .isEqualTo("FIXED");

        HttpResponse<String> job =
                http.call("POST", "/api/v1/runs/" + runId + "/rerun-student", reviewer, "{\"edited\": true}");
        assertThat(job.statusCode()).as(job.body()).isEqualTo(202);
        assertThat(json.readTree(job.body()).get("queued").asInt()).isEqualTo(1);

        HttpResponse<String> noReason =
                http.call("POST", trace + "/revisions", reviewer, "{\"baseRevision\": 1, \"verdict\": true}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("reason");
        HttpResponse<String> override = http.call(
                "POST",
                trace + "/revisions",
                reviewer,
                "{\"baseRevision\": 1, \"verdict\": true, \"reason\": \"grader wrong\"}");
        assertThat(override.statusCode()).as(override.body()).isEqualTo(201);
        assertThat(http.call(
                                "POST",
                                trace + "/revisions",
                                viewer,
                                "{\"baseRevision\": 2, \"verdict\": false, \"reason\": \"x\"}")
                        .statusCode())
                .isEqualTo(403);

        var stranger = tenants.tenant("stranger", Role.ADMIN);
        assertThat(http.call("GET", trace, stranger.apiKey(), null).statusCode())
                .isEqualTo(404);
        assertThat(http.call(
                                "POST",
                                trace + "/revisions",
                                stranger.apiKey(),
                                "{\"baseRevision\": 2, \"teacherOutput\": \"x\"}")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aReGradeGradesTheReRunsOnCorrectionsAgainAndTheirOutcomesFollow() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("review-regrade", Role.MEMBER);
        String runId = finishedRun(http, owner.apiKey());
        String trace = "/api/v1/runs/" + runId + "/traces/test-0";
        assertThat(http.call("POST", trace + "/revisions", owner.apiKey(), """
                {"baseRevision": 0, "teacherSteps": ["Add the numbers.", "Report %s"]}""".formatted(firstGold()))
                        .statusCode())
                .isEqualTo(201);
        assertThat(http.call("POST", trace + "/revisions/1/rerun", owner.apiKey(), null)
                        .statusCode())
                .isEqualTo(200);

        // As an older grader would have left it: the re-run's answer not read, so no change.
        try (var db = dev.distillery.TestDatabase.ownerConnection();
                var statement = db.createStatement()) {
            statement.executeUpdate("UPDATE trace_revisions SET rerun_correct = false, rerun_extracted = NULL, "
                    + "rerun_grader_version = '1' WHERE run_id = '" + runId + "'");
            statement.executeUpdate("UPDATE review_states SET outcome = 'NO_CHANGE' WHERE run_id = '" + runId + "'");
            statement.executeUpdate("UPDATE run_items SET grader_version = '1' WHERE run_id = '" + runId + "'");
        }
        assertThat(json.readTree(http.call("GET", trace, owner.apiKey(), null).body())
                        .get("revisions")
                        .get(1)
                        .get("rerun")
                        .get("outcome")
                        .asString())
                .isEqualTo("NO_CHANGE");

        assertThat(http.call("POST", "/api/v1/runs/" + runId + "/regrade", owner.apiKey(), null)
                        .statusCode())
                .isEqualTo(202);
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
        while (!json.readTree(http.call("GET", "/api/v1/runs/" + runId, owner.apiKey(), null)
                        .body())
                .get("regrade")
                .get("status")
                .asString()
                .equals("done")) {
            assertThat(java.time.Instant.now()).as("the re-grade finishes").isBefore(deadline);
            Thread.sleep(100);
        }

        JsonNode rerun = json.readTree(
                        http.call("GET", trace, owner.apiKey(), null).body())
                .get("revisions")
                .get(1)
                .get("rerun");
        assertThat(rerun.get("correct").asBoolean()).isTrue();
        assertThat(rerun.get("extracted").asString()).isEqualTo(firstGold());
        assertThat(rerun.get("outcome").asString()).isEqualTo("FIXED");
        JsonNode summary =
                json.readTree(http.call("GET", "/api/v1/runs/" + runId + "/corrections", owner.apiKey(), null)
                        .body());
        assertThat(summary.get("fixed").asInt()).isEqualTo(1);
    }

    @Test
    void twoReviewersWorkOneQueueWithoutSharingASlotAndAnAdminSettlesTheirDisagreement() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("queue", Role.MEMBER);
        String admin = tenants.member(owner.email(), Role.ADMIN, Role.ADMIN);
        String ann = tenants.member(owner.email(), Role.ADMIN, Role.REVIEWER);
        String ben = tenants.member(owner.email(), Role.ADMIN, Role.REVIEWER);
        String viewer = tenants.apiKey(owner.email(), Role.VIEWER);
        String runId = finishedRun(http, owner.apiKey());
        String queue = "/api/v1/runs/" + runId + "/review-queue";

        assertThat(http.call("POST", queue, owner.apiKey(), "{\"reviewsPerItem\": 9}")
                        .body())
                .contains("reviewsPerItem");
        assertThat(http.call("POST", queue, ann, "{\"reviewsPerItem\": 2}").statusCode())
                .as("a reviewer cannot set up")
                .isEqualTo(403);
        HttpResponse<String> created =
                http.call("POST", queue, owner.apiKey(), "{\"reviewsPerItem\": 2, \"selection\": \"incorrect\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json.readTree(created.body()).get("slots").asInt()).isEqualTo(6);

        // Both ask at once: different slots; each gets every item once, then nothing is left for them.
        String annFirst = json.readTree(
                        http.call("POST", queue + "/next", ann, null).body())
                .get("itemId")
                .asString();
        String benFirst = json.readTree(
                        http.call("POST", queue + "/next", ben, null).body())
                .get("itemId")
                .asString();
        assertThat(json.readTree(http.call("POST", queue + "/next", ann, null).body())
                        .get("itemId")
                        .asString())
                .as("asking again returns the slot held")
                .isEqualTo(annFirst);
        java.util.Set<String> annItems = new java.util.HashSet<>();
        java.util.Set<String> benItems = new java.util.HashSet<>();
        for (String item = annFirst; item != null; item = nextItem(http, queue, ann)) {
            assertThat(annItems.add(item)).as("never the same item twice").isTrue();
            assertThat(http.call("POST", queue + "/items/" + item + "/done", ann, "{\"verdict\": false}")
                            .statusCode())
                    .isEqualTo(204);
        }
        for (String item = benFirst; item != null; item = nextItem(http, queue, ben)) {
            assertThat(benItems.add(item)).isTrue();
            // Ben thinks test-1 is right after all: a disagreement.
            http.call("POST", queue + "/items/" + item + "/done", ben, "{\"verdict\": " + item.equals("test-1") + "}");
        }
        assertThat(annItems).containsExactlyInAnyOrder("test-0", "test-1", "test-2");
        assertThat(benItems).containsExactlyInAnyOrder("test-0", "test-1", "test-2");
        assertThat(http.call("POST", queue + "/next", viewer, null).statusCode())
                .isEqualTo(403);

        JsonNode status =
                json.readTree(http.call("GET", queue, owner.apiKey(), null).body());
        assertThat(status.get("done").asInt()).isEqualTo(6);
        JsonNode agreement =
                json.readTree(http.call("GET", "/api/v1/runs/" + runId + "/agreement", owner.apiKey(), null)
                        .body());
        assertThat(agreement.get("itemsWithTwoOrMore").asInt()).isEqualTo(3);
        assertThat(agreement.get("disagreements").size()).isEqualTo(1);
        assertThat(agreement.get("disagreements").get(0).get("itemId").asString())
                .isEqualTo("test-1");
        assertThat(agreement.get("meanItemAgreement").asDouble())
                .isCloseTo((1 + 1 + 0.5) / 3, org.assertj.core.api.Assertions.within(1e-9));

        String adjudication = "/api/v1/runs/" + runId + "/traces/test-1/adjudication";
        assertThat(http.call("POST", adjudication, ann, "{\"verdict\": false, \"reason\": \"x\"}")
                        .statusCode())
                .as("reviewers do not adjudicate")
                .isEqualTo(403);
        assertThat(http.call("POST", adjudication, admin, "{\"verdict\": false}")
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> settled =
                http.call("POST", adjudication, admin, "{\"verdict\": false, \"reason\": \"the student never adds\"}");
        assertThat(settled.statusCode()).as(settled.body()).isEqualTo(201);
        JsonNode after = json.readTree(http.call("GET", "/api/v1/runs/" + runId + "/agreement", owner.apiKey(), null)
                .body());
        assertThat(after.get("disagreements").get(0).get("adjudicatedBy").asString())
                .isNotBlank();
        JsonNode trace =
                json.readTree(http.call("GET", "/api/v1/runs/" + runId + "/traces/test-1", owner.apiKey(), null)
                        .body());
        assertThat(trace.get("revisions").get(1).get("reason").asString())
                .isEqualTo("Adjudicated: the student never adds");
    }

    private @org.jspecify.annotations.Nullable String nextItem(TestHttp http, String queue, String key) {
        HttpResponse<String> next = http.call("POST", queue + "/next", key, null);
        return next.statusCode() == 204
                ? null
                : json.readTree(next.body()).get("itemId").asString();
    }

    private String finishedRun(TestHttp http, String key) throws Exception {
        return FinishedRuns.finishedRun(http, json, sim, key);
    }

    private String firstGold() throws Exception {
        String answer = json.readTree(Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"))
                        .getFirst())
                .get("answer")
                .asString();
        return answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", "");
    }
}
