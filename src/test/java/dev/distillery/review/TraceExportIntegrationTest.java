package dev.distillery.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.GeneratedRuns;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.tenancy.Role;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A run's traces exported over REST: every trace once in item order with its texts, calls, verdict and review, the
 * grid's filters, CSV cells a spreadsheet would run as formulas neutralised, bad parameters named, and another
 * workspace's run not found.
 */
class TraceExportIntegrationTest extends ApiIntegrationTest {

    static final int ITEMS = 1_234;

    static UUID runId;
    static String key;

    @BeforeAll
    static void generate(@Autowired dev.distillery.TestTenants tenants) throws Exception {
        var owner = tenants.tenant("traceexport", Role.VIEWER);
        key = owner.apiKey();
        runId = GeneratedRuns.insert(owner.workspaceId(), ITEMS, "COMPLETED");
        try (Connection c = TestDatabase.ownerConnection();
                var st = c.createStatement()) {
            st.execute(("UPDATE dataset_items SET question = '=HYPERLINK(\"http://evil.example\",\"Click\")'"
                            + " WHERE item_id = 'item-1' AND version_id = (SELECT dataset_version_id FROM runs WHERE id = '%s')")
                    .formatted(runId));
            st.execute(("UPDATE review_states SET verdict = true WHERE run_id = '%s' AND item_id = 'item-30'")
                    .formatted(runId));
            st.execute(("UPDATE trace_revisions SET verdict = true, reason = 'grader wrong' WHERE run_id = '%s'"
                            + " AND item_id = 'item-30'")
                    .formatted(runId));
        }
    }

    @Test
    void jsonLinesHaveEveryTraceOnceInItemOrderWithItsCallsVerdictAndReview() {
        HttpResponse<String> response =
                new TestHttp(port).call("GET", "/api/v1/runs/" + runId + "/traces/export", key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-ndjson");
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
                .isEqualTo("attachment; filename=\"traces-Generated_run.jsonl\"");
        List<JsonNode> lines = response.body().lines().map(json::readTree).toList();
        assertThat(lines).hasSize(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            assertThat(lines.get(i).get("itemId").asString()).isEqualTo("item-" + i);
        }
        JsonNode edited = lines.get(20);
        assertThat(edited.get("question").asString()).startsWith("Question 20: a farmer has 20 pears");
        assertThat(edited.get("gold").asString()).isEqualTo("27");
        assertThat(edited.get("verdict").asString()).isEqualTo("correct");
        assertThat(edited.get("extracted").asString()).isEqualTo("20");
        assertThat(edited.get("rule").asString()).isEqualTo("number");
        assertThat(edited.get("graderVersion").asString()).isEqualTo("1");
        JsonNode teacher = edited.get("calls").get(0);
        assertThat(teacher.get("role").asString()).isEqualTo("teacher");
        assertThat(teacher.get("prompt").asString()).isEqualTo("Prompt of teacher for item 20");
        assertThat(teacher.get("outputs").get(0).asString()).startsWith("1. Count the fruit.");
        assertThat(teacher.get("promptTokens").asInt()).isEqualTo(60);
        assertThat(teacher.get("completionTokens").asInt()).isEqualTo(30);
        assertThat(teacher.get("latencyMs").asLong()).isEqualTo(200);
        JsonNode review = edited.get("review");
        assertThat(review.get("state").asString()).isEqualTo("reviewed");
        assertThat(review.get("edited").asBoolean()).isTrue();
        assertThat(review.get("reviewer").asString()).isEqualTo("reviewer6@example.com");
        assertThat(review.get("latestRevision").get("revision").asInt()).isEqualTo(1);
        assertThat(review.get("latestRevision").get("teacherOutput").asString())
                .startsWith("1. Count the fruit again.");
        assertThat(lines.get(21).get("review").get("state").asString()).isEqualTo("unreviewed");
        assertThat(lines.get(21).get("review").get("latestRevision").isNull()).isTrue();
        assertThat(lines.get(0).get("verdict").asString()).isEqualTo("error");
        assertThat(lines.get(3).get("verdict").asString()).isEqualTo("incorrect");
        assertThat(lines.get(30).get("review").get("state").asString()).isEqualTo("overridden");
    }

    @Test
    void theGridsFiltersChooseTheTraces() throws Exception {
        assertThat(ids("verdict=incorrect&state=reviewed"))
                .isEqualTo(expected("status = 'DONE' AND NOT correct AND item_id IN (SELECT item_id FROM review_states"
                        + " WHERE run_id = '" + runId + "')"));
        assertThat(ids("edited=true&format=jsonl"))
                .isEqualTo(expected("position % 20 = 0"))
                .hasSize((ITEMS + 19) / 20);
        assertThat(ids("state=overridden")).containsExactly("item-30");
        assertThat(ids("q=APPLES&verdict=error")).isEqualTo(expected("position % 200 = 0"));
    }

    @Test
    void csvHasOneRowPerTraceWithItsCallsAndNoCellReadsAsAFormula() throws Exception {
        HttpResponse<String> response =
                new TestHttp(port).call("GET", "/api/v1/runs/" + runId + "/traces/export?format=CSV", key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        var parser = CSVFormat.RFC4180.builder().setHeader().get().parse(new StringReader(response.body()));
        assertThat(parser.getHeaderNames())
                .startsWith("item_id", "position", "question", "gold", "answer_type", "status", "verdict", "extracted")
                .contains("rule", "grader_version", "review_state", "latest_revision", "revision_teacher_output")
                .endsWith(
                        "call_2_role",
                        "call_2_prompt",
                        "call_2_output",
                        "call_2_prompt_tokens",
                        "call_2_completion_tokens",
                        "call_2_latency_ms");
        List<CSVRecord> rows = parser.getRecords();
        assertThat(rows).hasSize(ITEMS);
        assertThat(rows.get(1).get("question")).isEqualTo("'=HYPERLINK(\"http://evil.example\",\"Click\")");
        CSVRecord edited = rows.get(20);
        assertThat(edited.get("item_id")).isEqualTo("item-20");
        assertThat(edited.get("verdict")).isEqualTo("correct");
        assertThat(edited.get("latency_ms")).isEqualTo("400");
        assertThat(edited.get("call_1_role")).isEqualTo("teacher");
        assertThat(edited.get("call_2_output")).isEqualTo("The answer is 20.");
        assertThat(edited.get("review_state")).isEqualTo("reviewed");
        assertThat(edited.get("edited")).isEqualTo("true");
        assertThat(rows.get(30).get("revision_verdict")).isEqualTo("correct");
        assertThat(rows.get(30).get("revision_reason")).isEqualTo("grader wrong");
    }

    @Test
    void aBadFormatOrFilterIsRefusedNamingTheParameter() {
        TestHttp http = new TestHttp(port);
        String base = "/api/v1/runs/" + runId + "/traces/export?";
        for (var c : List.of(
                List.of("format=xlsx", "format"),
                List.of("verdict=maybe", "verdict"),
                List.of("state=pending", "state"),
                List.of("edited=perhaps", "edited"))) {
            HttpResponse<String> response = http.call("GET", base + c.get(0), key, null);
            assertThat(response.statusCode()).as(c.get(0)).isEqualTo(400);
            assertThat(json.readTree(response.body())
                            .get("errors")
                            .get(0)
                            .get("field")
                            .asString())
                    .isEqualTo(c.get(1));
        }
    }

    @Test
    void anotherWorkspacesRunIsNotFound() {
        String stranger = tenants.tenant("traceexport-stranger", Role.ADMIN).apiKey();
        HttpResponse<String> response =
                new TestHttp(port).call("GET", "/api/v1/runs/" + runId + "/traces/export?format=csv", stranger, null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("Question");
    }

    private List<String> ids(String query) {
        HttpResponse<String> response =
                new TestHttp(port).call("GET", "/api/v1/runs/" + runId + "/traces/export?" + query, key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body()
                .lines()
                .map(l -> json.readTree(l).get("itemId").asString())
                .toList();
    }

    private static List<String> expected(String where) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = TestDatabase.ownerConnection();
                var rs = c.createStatement()
                        .executeQuery("SELECT item_id FROM run_items WHERE run_id = '" + runId + "' AND " + where
                                + " ORDER BY position")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
