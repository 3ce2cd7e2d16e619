package dev.distillery.review;

import dev.distillery.runs.RunCompleted;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The review grid's search table ({@code trace_search}): a completed run's questions and graded outputs, one row per
 * text, under a trigram index. It is filled off the write paths of imports and runs: when a run completes (in one
 * INSERT … SELECT, after the completion has committed). The completion comes through Spring Modulith's publication
 * registry, stored with the completion, so a crash before the indexing finished publishes it again at the next start.
 * Until a run is indexed the grid scans as before. Indexing is idempotent: a run already indexed for its current
 * completion is skipped, and two indexings of one run (a publication resubmitted on two instances) wait for each
 * other on its row in {@code trace_search_runs}.
 */
@Component
class SearchIndex {

    private static final Logger log = LoggerFactory.getLogger(SearchIndex.class);

    private final JdbcClient jdbc;
    private final CurrentTenant currentTenant;
    private final TransactionTemplate tx;
    private final DatabaseRetry retry;
    private final Clock clock;

    SearchIndex(
            JdbcClient jdbc,
            CurrentTenant currentTenant,
            PlatformTransactionManager transactions,
            DatabaseRetry retry,
            Clock clock) {
        this.jdbc = jdbc;
        this.currentTenant = currentTenant;
        this.tx = new TransactionTemplate(transactions);
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * Indexes a run that has just completed. Runs after the completion commits, on a thread of its own, and outside
     * any transaction until it has bound the run's workspace (the tenant setting is made when a transaction starts).
     */
    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(RunCompleted event) {
        // Through a database restart; should it still fail, the publication stays and is published again at start.
        retry.run(() -> index(event.workspaceId(), event.runId()));
    }

    /** Indexes the run in its workspace; the number of texts indexed, or -1 when skipped. */
    int index(UUID workspaceId, UUID runId) {
        long start = System.nanoTime();
        int texts =
                currentTenant.callAs(system(workspaceId), () -> Objects.requireNonNull(tx.execute(s -> index(runId))));
        if (texts >= 0) {
            log.info(
                    "Indexed {} texts of run {} for search in {} ms",
                    texts,
                    runId,
                    (System.nanoTime() - start) / 1_000_000);
        }
        return texts;
    }

    /** In the caller's tenant transaction. */
    private int index(UUID runId) {
        // Taking the run's row here first makes a second indexing of the same run wait, then find it done.
        boolean due =
                jdbc.sql("""
                        INSERT INTO trace_search_runs (workspace_id, run_id, finished_at, texts, indexed_at)
                        SELECT r.workspace_id, r.run_id, r.finished_at, 0, ? FROM run_overview r
                        WHERE r.run_id = ? AND r.status = 'COMPLETED' AND r.finished_at IS NOT NULL
                        ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, texts = 0,
                            indexed_at = excluded.indexed_at
                        WHERE trace_search_runs.finished_at <> excluded.finished_at""").params(Timestamp.from(clock.instant()), runId).update() == 1;
        if (!due) {
            return -1;
        }
        jdbc.sql("DELETE FROM trace_search WHERE run_id = ?").param(runId).update();
        // The texts review_text_matches searches: the run's items' questions and their graded predictions' outputs.
        int texts = jdbc.sql("""
                        INSERT INTO trace_search (workspace_id, run_id, item_id, doc)
                        SELECT i.workspace_id, i.run_id, i.item_id, d.question
                        FROM run_item_outcomes i
                        JOIN run_overview r ON r.run_id = i.run_id
                        JOIN dataset_item_texts d ON d.version_id = r.dataset_version_id AND d.item_id = i.item_id
                        WHERE i.run_id = :run
                        UNION ALL
                        SELECT i.workspace_id, i.run_id, i.item_id, p.value ->> 'output'
                        FROM run_item_outcomes i CROSS JOIN LATERAL jsonb_array_elements(i.results) p
                        WHERE i.run_id = :run AND jsonb_typeof(i.results) = 'array' AND p.value ->> 'output' IS NOT NULL""").param("run", runId).update();
        jdbc.sql("UPDATE trace_search_runs SET texts = ? WHERE run_id = ?")
                .params(texts, runId)
                .update();
        jdbc.sql("SELECT review_search_merge_pending()").query(Long.class).single();
        return texts;
    }

    /** Whether the table holds the run's texts as they are now (the run completed, and was indexed since). */
    boolean indexed(UUID runId) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM trace_search_runs m JOIN run_overview r ON r.run_id = m.run_id
                                       WHERE m.run_id = ? AND r.status = 'COMPLETED' AND m.finished_at = r.finished_at)""").param(runId).query(Boolean.class).single();
    }

    private static TenantContext system(UUID workspaceId) {
        return new TenantContext(workspaceId, Role.MEMBER, Actor.system());
    }
}
