package dev.distillery.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The review grid's text search through the search table: a run is indexed when it completes, its questions and
 * graded outputs are found through the table (and nothing else, as with the scan), another workspace's matching run
 * is never found, and a crash between a run's completion and its indexing leaves a publication that, published
 * again as at the next start, indexes the run (meanwhile the grid scans).
 */
class ReviewSearchIntegrationTest extends ApiIntegrationTest {

    static OpenAiSimulator sim;

    @Autowired
    CorrectionService corrections;

    @Autowired
    SearchIndex searchIndex;

    @Autowired
    CurrentTenant currentTenant;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    org.springframework.modulith.events.IncompleteEventPublications incompletePublications;

    @Autowired
    org.springframework.core.env.Environment environment;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Add the numbers.\n2. Report the total.");
        sim.when(r -> r.prompt().startsWith("We are given")).reply("Following the steps, the answer is -1.");
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void aCompletedRunIsSearchedThroughTheTableAndOnlyInItsOwnWorkspace() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("search", Role.MEMBER);
        UUID runId = UUID.fromString(finishedRun(http, owner.apiKey()));
        await(() -> indexed(owner.workspaceId(), runId), "the completed run is indexed");
        assertThat(texts(runId)).as("three questions and three graded outputs").isEqualTo(6);

        // Case-insensitive substrings of a question and of the graded outputs, as the scan finds them.
        assertThat(search(owner.email(), runId, "JANET’s ducks")).containsExactly("test-0");
        assertThat(search(owner.email(), runId, "answer IS -1")).containsExactly("test-0", "test-1", "test-2");
        assertThat(count(owner.email(), runId, "answer IS -1")).isEqualTo(3);
        // The teacher's steps are not among the searched texts, as before.
        assertThat(search(owner.email(), runId, "add the numbers")).isEmpty();
        // Pattern characters are text: '%' matches only a '%', '_' only a '_'.
        assertThat(search(owner.email(), runId, "by 150%")).containsExactly("test-2");
        assertThat(search(owner.email(), runId, "by 1_0")).isEmpty();

        // Another workspace with a run of the same questions: each finds only its own run's items.
        var other = tenants.tenant("search-other", Role.MEMBER);
        UUID otherRun = UUID.fromString(finishedRun(http, other.apiKey()));
        await(() -> indexed(other.workspaceId(), otherRun), "the other workspace's run is indexed");
        assertThat(matches(other.workspaceId(), otherRun, "%janet%")).containsExactly("test-0");
        assertThat(matches(owner.workspaceId(), otherRun, "%janet%"))
                .as("not through another workspace's run")
                .isEmpty();
        assertThat(indexed(owner.workspaceId(), otherRun)).isFalse();
        assertThat(http.call("GET", "/api/v1/runs/" + otherRun + "/traces/test-0", owner.apiKey(), null)
                        .statusCode())
                .isEqualTo(404);

        // The grid's answers came from the table: without its rows, an indexed run finds nothing.
        try (Connection c = TestDatabase.ownerConnection();
                var st = c.createStatement()) {
            st.execute("DELETE FROM trace_search WHERE run_id = '" + runId + "'");
        }
        assertThat(search(owner.email(), runId, "answer is -1")).isEmpty();
    }

    @Test
    void aCrashBetweenTheCompletionAndItsIndexingLosesNothing() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("search-crash", Role.MEMBER);
        // The indexing listener waits on this lock, so its publication is caught between commit and listener.
        Map<String, Object> publication;
        UUID runId;
        try (Connection lock = TestDatabase.ownerConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE trace_search_runs IN EXCLUSIVE MODE");
            runId = UUID.fromString(finishedRun(http, owner.apiKey()));
            UUID run = runId;
            await(() -> !pendingIndexing(run).isEmpty(), "the completion's indexing is registered and not done");
            publication = pendingIndexing(runId).getFirst();
            lock.rollback();
        }
        UUID run = runId;
        await(() -> indexed(owner.workspaceId(), run), "the run is indexed once the listener can go on");
        await(() -> pendingIndexing(run).isEmpty(), "the finished publication is removed");

        // The state a crash at that moment leaves: the completion committed with its publication, no index.
        try (Connection c = TestDatabase.ownerConnection();
                var st = c.createStatement()) {
            st.execute("DELETE FROM trace_search_runs WHERE run_id = '" + runId + "'");
            st.execute("DELETE FROM trace_search WHERE run_id = '" + runId + "'");
        }
        JdbcClient.create(TestDatabase.ownerDataSource())
                .sql("""
                        INSERT INTO event_publication (id, listener_id, event_type, serialized_event, publication_date,
                            completion_date, status, completion_attempts, last_resubmission_date)
                        VALUES (:id, :listener_id, :event_type, :serialized_event, :publication_date,
                            :completion_date, :status, :completion_attempts, :last_resubmission_date)""")
                .paramSource(publication)
                .update();
        assertThat(indexed(owner.workspaceId(), runId)).isFalse();
        assertThat(search(owner.email(), runId, "janet’s DUCKS"))
                .as("found by the scan meanwhile")
                .containsExactly("test-0");
        assertThat(search(owner.email(), runId, "add the numbers")).isEmpty();

        // What the application does when it starts (spring.modulith.events.republish-outstanding-events-on-restart).
        assertThat(environment.getProperty(
                        "spring.modulith.events.republish-outstanding-events-on-restart", Boolean.class))
                .isTrue();
        incompletePublications.resubmitIncompletePublications(
                p -> p.getEvent() instanceof dev.distillery.runs.RunCompleted c
                        && c.runId().equals(run));
        await(() -> indexed(owner.workspaceId(), run), "the publication published again indexes the run");
        await(() -> pendingIndexing(run).isEmpty(), "and is then removed");
        assertThat(texts(runId)).isEqualTo(6);
        assertThat(search(owner.email(), runId, "janet’s DUCKS")).containsExactly("test-0");
        assertThat(searchIndex.index(owner.workspaceId(), runId))
                .as("indexed once per completion")
                .isEqualTo(-1);
    }

    /** The registry's rows for the search index's listener and this run, not yet completed. */
    private static List<Map<String, Object>> pendingIndexing(UUID runId) {
        return JdbcClient.create(TestDatabase.ownerDataSource())
                .sql("""
                        SELECT * FROM event_publication
                        WHERE listener_id LIKE '%SearchIndex%' AND serialized_event LIKE :run AND completion_date IS NULL""")
                .param("run", "%" + runId + "%")
                .query()
                .listOfRows();
    }

    private List<String> search(String email, UUID runId, String text) {
        return tenants.as(email, () -> corrections.rows(runId, filter(text), 0, 50)).stream()
                .map(ReviewRow::itemId)
                .toList();
    }

    private int count(String email, UUID runId, String text) {
        return tenants.as(email, () -> corrections.count(runId, filter(text)));
    }

    private static ReviewFilter filter(String text) {
        return new ReviewFilter(null, null, false, false, text, ReviewFilter.Sort.ITEM, false);
    }

    private boolean indexed(UUID workspaceId, UUID runId) {
        return Boolean.TRUE.equals(inWorkspace(workspaceId, () -> searchIndex.indexed(runId)));
    }

    /** The table's search function called directly in a workspace's transaction. */
    private List<String> matches(UUID workspaceId, UUID runId, String pattern) {
        return inWorkspace(
                workspaceId,
                () -> jdbc.sql("SELECT review_search_matches(?, ?) ORDER BY 1")
                        .params(runId, pattern)
                        .query(String.class)
                        .list());
    }

    private <T> T inWorkspace(UUID workspaceId, java.util.function.Supplier<T> work) {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        return currentTenant.callAs(
                new TenantContext(workspaceId, Role.VIEWER, Actor.system()), () -> tx.execute(s -> work.get()));
    }

    private static int texts(UUID runId) throws Exception {
        try (Connection c = TestDatabase.ownerConnection();
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM trace_search WHERE run_id = '" + runId + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private String finishedRun(TestHttp http, String key) throws Exception {
        return FinishedRuns.finishedRun(http, json, sim, key);
    }
}
