package dev.distillery.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.GeneratedRuns;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.runs.RunCompleted;
import dev.distillery.runs.RunService;
import dev.distillery.runs.TracePage;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Cursor pages of a run's traces over REST: walking a run page by page under each filter, sort and direction gives
 * every matching item exactly once and in the order asked (with the review grid's filters and sorts, the grid's order,
 * item by item), the total is given on every page, offset pages still work, and cursors, sorts and filters
 * that do not fit are refused naming the parameter.
 */
class TracePagesIntegrationTest extends ApiIntegrationTest {

    static final int ITEMS = 230;

    static UUID runId;
    /** A run that the tests below read through a service counting every run's totals in the background. */
    static UUID largeRunId;

    static UUID workspaceId;
    static String key;
    static String email;

    @Autowired
    CorrectionService corrections;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    RunService runService;

    @Autowired
    Revisions revisions;

    @Autowired
    SearchIndex searchIndex;

    @Autowired
    CurrentTenant currentTenant;

    @BeforeAll
    static void generate(@org.springframework.beans.factory.annotation.Autowired dev.distillery.TestTenants tenants)
            throws Exception {
        var owner = tenants.tenant("tracepages", Role.VIEWER);
        key = owner.apiKey();
        email = owner.email();
        workspaceId = owner.workspaceId();
        runId = GeneratedRuns.insert(owner.workspaceId(), ITEMS, "COMPLETED");
        largeRunId = GeneratedRuns.insert(owner.workspaceId(), ITEMS, "COMPLETED");
        try (Connection c = TestDatabase.ownerConnection();
                var st = c.createStatement()) {
            // Some items still pending, so every outcome has members.
            st.execute("UPDATE run_items SET status = 'PENDING', correct = NULL, results = NULL WHERE run_id = '%s'"
                            .formatted(runId)
                    + " AND position % 37 = 5");
            // Every state has members, and a reviewer's name holds colons, as an API key's label may.
            st.execute("UPDATE review_states SET verdict = true WHERE run_id = '%s' AND position %% 30 = 0"
                    .formatted(runId));
            st.execute(
                    "UPDATE review_states SET last_reviewer = 'API key \"ci: nightly\"' WHERE run_id = '%s' AND position %% 40 = 0"
                            .formatted(runId));
        }
    }

    @Test
    void aCursorWalkGivesEveryItemOnceInTheOrderAskedUnderEachFilterAndSort() throws Exception {
        TestHttp http = new TestHttp(port);
        for (String outcome : new String[] {"", "correct", "incorrect", "error", "pending"}) {
            for (String sort : new String[] {"item", "verdict", "tokens"}) {
                for (String dir : new String[] {"asc", "desc"}) {
                    List<String> expected = expected(outcome, sort, dir);
                    assertThat(walk(http, "outcome=" + outcome + "&sort=" + sort + "&dir=" + dir, expected.size()))
                            .as("outcome=%s sort=%s dir=%s", outcome, sort, dir)
                            .containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void aCursorWalkWithTheGridsFiltersAndSortsGivesTheGridsOrderItemByItem() throws Exception {
        TestHttp http = new TestHttp(port);
        String[] filters = {
            "",
            "state=unreviewed",
            "state=reviewed",
            "state=overridden",
            "edited=true",
            "verdict=incorrect&state=reviewed",
            "outcome=pending&state=unreviewed",
            "outcome=error&edited=true"
        };
        for (String filter : filters) {
            for (String sort : new String[] {"item", "verdict", "tokens", "reviewer"}) {
                for (String dir : new String[] {"asc", "desc"}) {
                    String query = filter + "&sort=" + sort + "&dir=" + dir;
                    List<String> expected = grid(query);
                    assertThat(walk(http, query, expected.size())).as(query).containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void aTextFilterWalksTheGridsOrderBeforeAndAfterTheRunIsIndexedForSearch() throws Exception {
        TestHttp http = new TestHttp(port);
        // Apples are in one question in fifty, an answer 7 in one in ten (their matches are looked up); pears are in
        // all the others and the farmer in every one (sieved from the order).
        String[] queries = {
            "q=apples",
            "q=APPLES&sort=reviewer&dir=desc",
            "q=answer is 7&sort=tokens",
            "q=answer is 7&state=reviewed",
            "q=farmer&sort=reviewer",
            "q=pears&sort=tokens",
            "q=pears&state=reviewed&sort=reviewer&dir=desc"
        };
        for (String query : queries) {
            List<String> expected = grid(query);
            assertThat(expected).as(query).isNotEmpty();
            assertThat(walk(http, query, expected.size()))
                    .as("scanned: " + query)
                    .containsExactlyElementsOf(expected);
        }
        index(runId);
        // A text searched before is answered from the matches kept for the run; a new one goes through the table.
        for (String query : Stream.concat(Stream.of(queries), Stream.of("q=Apples&sort=verdict&dir=desc", "q=is 13."))
                .toList()) {
            List<String> expected = grid(query);
            assertThat(walk(http, query, expected.size()))
                    .as("indexed: " + query)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aSavedReviewIsCountedInTheNextWalksTotal() throws Exception {
        TestHttp http = new TestHttp(port);
        String first = "/api/v1/runs/" + runId + "/traces?size=5&state=overridden&sort=reviewer";
        int before = json.readTree(http.call("GET", first, key, null).body())
                .get("total")
                .asInt();
        var saved = http.call(
                "POST",
                "/api/v1/runs/" + runId + "/traces/item-3/revisions",
                tenants.apiKey(email, Role.MEMBER),
                "{\"baseRevision\": 0, \"verdict\": true, \"reason\": \"checked by hand\"}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        assertThat(json.readTree(http.call("GET", first, key, null).body())
                        .get("total")
                        .asInt())
                .as("the total kept for the filter is not used after a save")
                .isEqualTo(before + 1);
        assertThat(walk(http, "state=overridden&sort=reviewer", before + 1)).contains("item-3");
    }

    /**
     * The items of a cursor walk through the query, page by page (7 a page), checking the total on every page, and
     * that no item comes twice.
     */
    private List<String> walk(TestHttp http, String query, int total) {
        List<String> walked = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = json.readTree(http.call(
                            "GET",
                            "/api/v1/runs/" + runId + "/traces?size=7&" + query.replace(" ", "%20")
                                    + (after == null ? "" : "&after=" + enc(after)),
                            key,
                            null)
                    .body());
            // A run of this size is counted on its first page, and the count is kept for the pages after it.
            assertThat(page.get("total").isNull())
                    .as("%s: total on page %d", query, pages)
                    .isFalse();
            assertThat(page.get("total").asInt())
                    .as("%s: total on page %d", query, pages)
                    .isEqualTo(total);
            page.get("items").forEach(t -> walked.add(t.get("itemId").asString()));
            after = page.get("next").isNull() ? null : page.get("next").asString();
            pages++;
        } while (after != null && pages < 100);
        assertThat(new HashSet<>(walked)).as("no item twice").hasSize(walked.size());
        return walked;
    }

    /** The review grid's rows for the same query, in its order (one page holds the run). */
    private List<String> grid(String query) {
        return grid(runId, query);
    }

    private List<String> grid(UUID run, String query) {
        ReviewFilter filter = filter(query);
        List<String> rows = tenants.as(email, () -> corrections.rows(run, filter, 0, 500)).stream()
                .map(ReviewRow::itemId)
                .toList();
        assertThat(rows).as("one page of the grid holds them all").hasSizeLessThan(500);
        assertThat(tenants.as(email, () -> corrections.count(run, filter))).isEqualTo(rows.size());
        return rows;
    }

    /** The filter and sort of a query as the REST list reads them. */
    private static ReviewFilter filter(String query) {
        Map<String, String> p = new HashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                p.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return ReviewFilter.of(p.getOrDefault("verdict", p.get("outcome")), p.get("state"), p.get("edited"), p.get("q"))
                .sorted(ReviewFilter.Sort.of(p.get("sort")), "desc".equals(p.get("dir")));
    }

    /** Completes the run as the engine completes runs, so review's listener puts it in the search table. */
    private void index(UUID run) throws Exception {
        new TransactionTemplate(transactions)
                .executeWithoutResult(s -> events.publishEvent(new RunCompleted(run, workspaceId)));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!indexed(run)) {
            assertThat(System.nanoTime()).as("indexed within a minute").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean indexed(UUID run) throws Exception {
        try (Connection c = TestDatabase.ownerConnection();
                var rs = c.createStatement()
                        .executeQuery("SELECT 1 FROM trace_search_runs WHERE texts > 0 AND run_id = '" + run + "'")) {
            return rs.next();
        }
    }

    @Test
    void aLargeRunsPagesDoNotWaitForItsTotalAndEveryPageGivesItOnceCounted() throws Exception {
        index(largeRunId);
        HeldTasks counts = new HeldTasks();
        TracePageService large =
                new TracePageService(runService, revisions, searchIndex, currentTenant, transactions, 0, counts);
        // Apples are in one question in fifty (too few for the first batches: their matches are searched for the
        // page), an answer 7 in one in ten, pears and the farmer in nearly every one (found by testing the order's
        // batches until the background search has them).
        String[] queries = {
            "",
            "outcome=incorrect&sort=tokens&dir=desc",
            "state=reviewed&sort=reviewer",
            "edited=true&sort=verdict&dir=desc",
            "q=apples&sort=reviewer",
            "q=answer is 7&sort=tokens",
            "q=farmer&sort=reviewer&dir=desc",
            "q=pears&state=unreviewed",
            "q=PEARS&sort=verdict"
        };
        for (String query : queries) {
            assertThat(walk(large, query, null))
                    .as("before its count: " + query)
                    .containsExactlyElementsOf(grid(largeRunId, query));
        }
        assertThat(counts.release())
                .as("one count for each query, however many pages asked")
                .isEqualTo(queries.length);
        for (String query : queries) {
            List<String> expected = grid(largeRunId, query);
            assertThat(walk(large, query, expected.size()))
                    .as("counted: " + query)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(counts.release()).as("nothing counted again").isZero();
    }

    @Test
    void aSaveStartsANewCountAndNoPageGivesTheOldOneMeanwhile() throws Exception {
        HeldTasks counts = new HeldTasks();
        TracePageService large =
                new TracePageService(runService, revisions, searchIndex, currentTenant, transactions, 0, counts);
        ReviewFilter overridden = filter("state=overridden");
        assertThat(firstTotal(large, overridden)).isNull();
        counts.release();
        Integer before = firstTotal(large, overridden);
        assertThat(before).isEqualTo(grid(largeRunId, "state=overridden").size());
        var saved = new TestHttp(port)
                .call(
                        "POST",
                        "/api/v1/runs/" + largeRunId + "/traces/item-5/revisions",
                        tenants.apiKey(email, Role.MEMBER),
                        "{\"baseRevision\": 0, \"verdict\": false, \"reason\": \"checked by hand\"}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        assertThat(firstTotal(large, overridden))
                .as("not the count from before the save")
                .isNull();
        assertThat(counts.release()).isEqualTo(1);
        assertThat(firstTotal(large, overridden)).isEqualTo(before + 1);
    }

    private @Nullable Integer firstTotal(TracePageService service, ReviewFilter filter) {
        return tenants.as(
                        email,
                        () -> new TransactionTemplate(transactions)
                                .execute(s -> service.cursorPage(largeRunId, filter, null, 5)))
                .total();
    }

    /**
     * The items of a cursor walk of the large run through the service, checking every page's total: null while it is
     * being counted, else {@code total}.
     */
    private List<String> walk(TracePageService service, String query, @Nullable Integer total) {
        ReviewFilter filter = filter(query);
        List<String> walked = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            String from = after;
            // Built here rather than by Spring, the service has no transaction of its own.
            TracePage page = tenants.as(
                    email,
                    () -> new TransactionTemplate(transactions)
                            .execute(s -> service.cursorPage(largeRunId, filter, from, 7)));
            assertThat(page.total()).as("%s: total on page %d", query, pages).isEqualTo(total);
            page.items().forEach(t -> walked.add(t.itemId()));
            after = page.next();
            pages++;
        } while (after != null && pages < 100);
        assertThat(new HashSet<>(walked)).as("no item twice").hasSize(walked.size());
        return walked;
    }

    /** An executor that holds its tasks until the test releases them, on the test's thread. */
    static final class HeldTasks implements Executor {
        private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        int release() {
            int ran = 0;
            for (Runnable task = held.poll(); task != null; task = held.poll()) {
                task.run();
                ran++;
            }
            return ran;
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
        assertBadRequest(http.call("GET", base + "&sort=reviewers", key, null), "sort");
        assertBadRequest(http.call("GET", base + "&dir=sideways", key, null), "dir");
        assertBadRequest(http.call("GET", base + "&outcome=maybe", key, null), "outcome");
        assertBadRequest(http.call("GET", base + "&page=2&after=" + enc(next), key, null), "after");

        assertBadRequest(http.call("GET", base + "&state=maybe", key, null), "state");
        assertBadRequest(http.call("GET", base + "&edited=perhaps", key, null), "edited");
        assertBadRequest(http.call("GET", base + "&verdict=maybe", key, null), "verdict");
        assertBadRequest(http.call("GET", base + "&outcome=correct&verdict=incorrect", key, null), "verdict");
        assertBadRequest(http.call("GET", base + "&page=2&state=reviewed", key, null), "page");
        assertBadRequest(http.call("GET", base + "&page=2&sort=reviewer", key, null), "page");
        String byReviewer = json.readTree(http.call("GET", base + "&sort=reviewer&state=reviewed", key, null)
                        .body())
                .get("next")
                .asString();
        assertBadRequest(http.call("GET", base + "&state=reviewed&after=" + enc(byReviewer), key, null), "after");
        assertBadRequest(
                http.call("GET", base + "&sort=reviewer&dir=desc&state=reviewed&after=" + enc(byReviewer), key, null),
                "after");
        assertBadRequest(http.call("GET", base + "&sort=reviewer&after=" + enc(next), key, null), "after");
        assertBadRequest(http.call("GET", base + "&sort=tokens&q=apples&after=" + enc(byReviewer), key, null), "after");
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
