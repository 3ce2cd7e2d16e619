package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.GeneratedRuns;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.tenancy.Role;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Cursor pages of a run's traces over REST: walking a run page by page under each filter, sort and direction gives
 * every matching item exactly once and in the order asked, the total is counted on the first page only, offset pages
 * still work, and cursors, sorts and filters that do not fit are refused naming the parameter.
 */
class TracePagesIntegrationTest extends ApiIntegrationTest {

    static final int ITEMS = 230;

    static UUID runId;
    static String key;

    @BeforeAll
    static void generate(@org.springframework.beans.factory.annotation.Autowired dev.distillery.TestTenants tenants)
            throws Exception {
        var owner = tenants.tenant("tracepages", Role.VIEWER);
        key = owner.apiKey();
        runId = GeneratedRuns.insert(owner.workspaceId(), ITEMS, "COMPLETED");
        try (Connection c = TestDatabase.ownerConnection();
                var st = c.createStatement()) {
            // Some items still pending, so every outcome has members.
            st.execute("UPDATE run_items SET status = 'PENDING', correct = NULL, results = NULL WHERE run_id = '%s'"
                            .formatted(runId)
                    + " AND position % 37 = 5");
        }
    }

    @Test
    void aCursorWalkGivesEveryItemOnceInTheOrderAskedUnderEachFilterAndSort() throws Exception {
        TestHttp http = new TestHttp(port);
        for (String outcome : new String[] {"", "correct", "incorrect", "error", "pending"}) {
            for (String sort : new String[] {"item", "verdict", "tokens"}) {
                for (String dir : new String[] {"asc", "desc"}) {
                    List<String> expected = expected(outcome, sort, dir);
                    List<String> walked = new ArrayList<>();
                    String after = null;
                    int pages = 0;
                    do {
                        JsonNode page = json.readTree(http.call(
                                        "GET",
                                        "/api/v1/runs/" + runId + "/traces?size=7&outcome=" + outcome + "&sort=" + sort
                                                + "&dir=" + dir
                                                + (after == null ? "" : "&after=" + enc(after)),
                                        key,
                                        null)
                                .body());
                        if (pages == 0) {
                            assertThat(page.get("total").asInt())
                                    .as("%s %s %s: total on the first page", outcome, sort, dir)
                                    .isEqualTo(expected.size());
                        } else {
                            assertThat(page.get("total").isNull())
                                    .as("not counted again")
                                    .isTrue();
                        }
                        page.get("items")
                                .forEach(t -> walked.add(t.get("itemId").asString()));
                        after = page.get("next").isNull()
                                ? null
                                : page.get("next").asString();
                        pages++;
                    } while (after != null && pages < 100);
                    assertThat(new HashSet<>(walked)).as("no item twice").hasSize(walked.size());
                    assertThat(walked)
                            .as("outcome=%s sort=%s dir=%s", outcome, sort, dir)
                            .containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void offsetPagesStillWorkWithTheirTotal() throws Exception {
        TestHttp http = new TestHttp(port);
        List<String> expected = expected("incorrect", "tokens", "desc");
        JsonNode page = json.readTree(http.call(
                        "GET",
                        "/api/v1/runs/" + runId + "/traces?page=2&size=10&correct=false&sort=tokens&dir=desc",
                        key,
                        null)
                .body());
        assertThat(page.get("total").asInt()).isEqualTo(expected.size());
        assertThat(page.get("page").asInt()).isEqualTo(2);
        List<String> items = new ArrayList<>();
        page.get("items").forEach(t -> items.add(t.get("itemId").asString()));
        assertThat(items).containsExactlyElementsOf(expected.subList(20, 30));
        JsonNode trace = page.get("items").get(0);
        assertThat(trace.get("question").asString()).startsWith("Question ");
        assertThat(trace.get("calls")).hasSize(2);
    }

    @Test
    void cursorsSortsAndFiltersThatDoNotFitAreRefusedNamingTheParameter() throws Exception {
        TestHttp http = new TestHttp(port);
        String base = "/api/v1/runs/" + runId + "/traces?size=5";
        String next = json.readTree(
                        http.call("GET", base + "&sort=tokens", key, null).body())
                .get("next")
                .asString();
        assertBadRequest(http.call("GET", base + "&sort=item&after=" + enc(next), key, null), "after");
        assertBadRequest(http.call("GET", base + "&sort=tokens&dir=desc&after=" + enc(next), key, null), "after");
        assertBadRequest(http.call("GET", base + "&after=not-a-cursor", key, null), "after");
        assertBadRequest(http.call("GET", base + "&sort=reviewer", key, null), "sort");
        assertBadRequest(http.call("GET", base + "&dir=sideways", key, null), "dir");
        assertBadRequest(http.call("GET", base + "&outcome=maybe", key, null), "outcome");
        assertBadRequest(http.call("GET", base + "&page=2&after=" + enc(next), key, null), "after");
    }

    @Test
    void anotherWorkspacesRunIsNotFound() {
        TestHttp http = new TestHttp(port);
        String other = tenants.tenant("tracepages-other", Role.ADMIN).apiKey();
        assertThat(http.call("GET", "/api/v1/runs/" + runId + "/traces", other, null)
                        .statusCode())
                .isEqualTo(404);
    }

    private void assertBadRequest(java.net.http.HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json.readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo(field);
    }

    /** The matching items in the order asked, read in one query as the owner. */
    private static List<String> expected(String outcome, String sort, String dir) throws Exception {
        String filter = switch (outcome) {
            case "correct" -> " AND status = 'DONE' AND correct";
            case "incorrect" -> " AND status = 'DONE' AND NOT correct";
            case "error" -> " AND status = 'ERROR'";
            case "pending" -> " AND status = 'PENDING'";
            default -> "";
        };
        String key = switch (sort) {
            case "verdict" -> "CASE WHEN status = 'ERROR' THEN 2 WHEN correct THEN 0 ELSE 1 END";
            case "tokens" -> "prompt_tokens + completion_tokens";
            default -> "position";
        };
        List<String> ids = new ArrayList<>();
        try (Connection c = TestDatabase.ownerConnection();
                var rs = c.createStatement()
                        .executeQuery("SELECT item_id FROM run_items WHERE run_id = '" + runId + "'" + filter
                                + " ORDER BY " + key + " " + dir + ", position " + dir)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        assertThat(ids).as("the generated run has items for " + outcome).isNotEmpty();
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
