package dev.distillery.runs;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of a run's items: copied in at launch or import, claimed under leases, renewed and given back, finished with
 * their results (each once, under its lease), and re-graded; always inside a tenant transaction.
 */
@Repository
class RunItems {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    RunItems(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** Copies the selected dataset items into the run as pending work; returns how many. */
    int insertItems(UUID runId, UUID workspaceId, List<String> itemIds, List<Integer> positions) {
        return jdbc.sql("""
                        INSERT INTO run_items (workspace_id, run_id, item_id, position, status)
                        SELECT ?, ?, i, p, 'PENDING' FROM unnest(?::text[], ?::int[]) AS t(i, p)""")
                .params(workspaceId, runId, itemIds.toArray(String[]::new), positions.toArray(Integer[]::new))
                .update();
    }

    /** An imported item's graded result ({@code results} as the engine writes it) and its calls. */
    record ImportedItem(
            String itemId,
            int position,
            boolean correct,
            String results,
            List<RunCalls.StoredCall> calls,
            String graderVersion,
            boolean answerFound) {}

    /** Stores imported items as done (their calls go in with {@link RunCalls#insertImported}). */
    void insertImported(UUID runId, UUID workspaceId, List<ImportedItem> items, Instant now) {
        Timestamp at = Timestamp.from(now);
        jdbc.sql("""
                        INSERT INTO run_items (workspace_id, run_id, item_id, position, status, correct, results,
                            finished_by, finished_at, grader_version, answer_found)
                        SELECT ?, ?, i, p, 'DONE', c, r::jsonb, 'import', ?, v, f
                        FROM unnest(?::text[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::boolean[]) AS t(i, p, c, r, v, f)""")
                .params(
                        workspaceId,
                        runId,
                        at,
                        items.stream().map(ImportedItem::itemId).toArray(String[]::new),
                        items.stream().map(ImportedItem::position).toArray(Integer[]::new),
                        items.stream().map(ImportedItem::correct).toArray(Boolean[]::new),
                        items.stream().map(ImportedItem::results).toArray(String[]::new),
                        items.stream().map(ImportedItem::graderVersion).toArray(String[]::new),
                        items.stream().map(ImportedItem::answerFound).toArray(Boolean[]::new))
                .update();
    }

    /** Puts the items that ended in an error back in the queue; returns how many. */
    int resetErrors(UUID runId) {
        return jdbc.sql("""
                        UPDATE run_items SET status = 'PENDING', error = NULL, error_kind = NULL, lease_owner = NULL,
                            lease_until = NULL, finished_at = NULL, finished_by = NULL
                        WHERE run_id = ? AND status = 'ERROR'""").param(runId).update();
    }

    /** A claimed item; {@code resumed} when it had been started before (its stored calls are replayed). */
    record ClaimedItem(String itemId, int position, boolean resumed) {}

    /**
     * Leases up to {@code limit} items in source order: pending ones, and ones whose lease ran out (their worker died,
     * or ended them abnormally), except those in {@code held}: the claiming worker's own, whose leases may have run
     * out while the database was away but which it is still processing. Other workers skip rows locked here, so no
     * item is handed out twice. The pick is a CTE, evaluated once: as a subquery in FROM it could be re-scanned during
     * the update and pick more rows than asked for.
     */
    List<ClaimedItem> claim(UUID runId, String owner, int limit, Duration lease, List<String> held) {
        return jdbc.sql("""
                        WITH picked AS (
                            SELECT item_id, status AS previous FROM run_items
                            WHERE run_id = :run AND (status = 'PENDING'
                                   OR (status = 'RUNNING' AND lease_until < now() AND NOT item_id = ANY(:held)))
                            ORDER BY position LIMIT :limit FOR UPDATE SKIP LOCKED)
                        UPDATE run_items r SET status = 'RUNNING', lease_owner = :owner,
                            lease_until = now() + make_interval(secs => :lease)
                        FROM picked
                        WHERE r.run_id = :run AND r.item_id = picked.item_id
                        RETURNING r.item_id, r.position, picked.previous <> 'PENDING' AS resumed""")
                .param("owner", owner)
                .param("lease", (double) lease.toSeconds())
                .param("run", runId)
                .param("limit", limit)
                .param("held", held.toArray(String[]::new))
                .query(ClaimedItem.class)
                .list();
    }

    /** Extends the leases of the items a worker still holds (and only those). */
    void renewLeases(UUID runId, String owner, List<String> itemIds, Duration lease) {
        jdbc.sql("""
                        UPDATE run_items SET lease_until = now() + make_interval(secs => ?)
                        WHERE run_id = ? AND lease_owner = ? AND status = 'RUNNING' AND item_id = ANY(?)""")
                .params((double) lease.toSeconds(), runId, owner, itemIds.toArray(String[]::new))
                .update();
    }

    /** Gives back leased items this worker will not process (cancel, shutdown). */
    void releaseLeases(UUID runId, String owner, List<String> itemIds) {
        jdbc.sql("""
                        UPDATE run_items SET status = 'PENDING', lease_owner = NULL, lease_until = NULL
                        WHERE run_id = ? AND lease_owner = ? AND status = 'RUNNING' AND item_id = ANY(?)""").params(runId, owner, itemIds.toArray(String[]::new)).update();
    }

    /** An item's end: graded ({@code errorKind} null) or failed. */
    record ItemResult(
            UUID runId,
            String itemId,
            String owner,
            boolean correct,
            @Nullable String results,
            @Nullable String errorKind,
            @Nullable String error,
            int promptTokens,
            int completionTokens,
            BigDecimal cost,
            Instant at,
            @Nullable String graderVersion,
            @Nullable Boolean answerFound) {
        boolean failed() {
            return errorKind != null;
        }

        /** The same end as an internal error: what is stored when the result itself cannot be. */
        ItemResult asInternalError(String message) {
            return new ItemResult(
                    runId,
                    itemId,
                    owner,
                    false,
                    null,
                    "INTERNAL",
                    message,
                    promptTokens,
                    completionTokens,
                    cost,
                    at,
                    null,
                    null);
        }
    }

    /**
     * Records items' graded results or errors, each once: only while its worker still holds the lease. Returns, per
     * result, whether it was recorded.
     */
    List<Boolean> recordResults(List<ItemResult> results) {
        if (results.isEmpty()) {
            return List.of();
        }
        int[][] counts = batch.batchUpdate("""
                        UPDATE run_items SET status = ?, correct = ?, results = CAST(? AS jsonb), error_kind = ?, error = ?,
                            prompt_tokens = ?, completion_tokens = ?, cost = ?, finished_by = ?, finished_at = ?,
                            grader_version = ?, answer_found = ?, lease_owner = NULL, lease_until = NULL
                        WHERE run_id = ? AND item_id = ? AND status = 'RUNNING' AND lease_owner = ?""", results, results.size(), (ps, r) -> {
            int i = 1;
            ps.setString(i++, r.failed() ? "ERROR" : "DONE");
            ps.setObject(i++, r.failed() ? null : r.correct(), Types.BOOLEAN);
            ps.setString(i++, r.results());
            ps.setString(i++, r.errorKind());
            ps.setString(i++, r.error());
            ps.setInt(i++, r.promptTokens());
            ps.setInt(i++, r.completionTokens());
            ps.setBigDecimal(i++, r.cost());
            ps.setString(i++, r.owner());
            ps.setTimestamp(i++, Timestamp.from(r.at()));
            ps.setString(i++, r.graderVersion());
            ps.setObject(i++, r.answerFound(), Types.BOOLEAN);
            ps.setObject(i++, r.runId());
            ps.setString(i++, r.itemId());
            ps.setString(i, r.owner());
        });
        return Arrays.stream(counts)
                .flatMapToInt(Arrays::stream)
                .mapToObj(n -> n == 1)
                .toList();
    }

    /** Whether the run still has items pending or in flight anywhere and is not finished (one cheap query). */
    boolean hasUnfinishedItems(UUID runId) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM run_items i JOIN runs r ON r.id = i.run_id
                                       WHERE i.run_id = ? AND i.status IN ('PENDING', 'RUNNING')
                                         AND r.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED'))""").param(runId).query(Boolean.class).single();
    }

    /** A finished item whose verdicts were decided by another grader version, with its stored predictions. */
    record StaleItem(String itemId, int position, boolean correct, String results) {}

    /**
     * Up to {@code limit} finished items of the run after {@code afterPosition} not yet graded by {@code version}, in
     * position order (a re-grade walks the run once instead of passing its re-graded items again for every batch).
     */
    List<StaleItem> staleItems(UUID runId, String version, int afterPosition, int limit) {
        return jdbc.sql("""
                        SELECT item_id, position, correct, results::text AS results FROM run_items
                        WHERE run_id = ? AND status = 'DONE' AND position > ? AND results IS NOT NULL
                          AND grader_version IS DISTINCT FROM ?
                        ORDER BY position LIMIT ?""")
                .params(runId, afterPosition, version, limit)
                .query(StaleItem.class)
                .list();
    }

    /** An item's verdicts after a re-grade. */
    record Regraded(String itemId, boolean correct, String results, String graderVersion, boolean answerFound) {}

    /** Replaces finished items' verdicts (only finished ones: a re-grade never touches an item in flight). */
    void recordRegraded(UUID runId, List<Regraded> items) {
        if (items.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        UPDATE run_items i SET correct = t.c, results = t.r::jsonb, grader_version = t.v, answer_found = t.f
                        FROM unnest(?::text[], ?::boolean[], ?::text[], ?::text[], ?::boolean[]) AS t(id, c, r, v, f)
                        WHERE i.run_id = ? AND i.item_id = t.id AND i.status = 'DONE'""")
                .params(
                        items.stream().map(Regraded::itemId).toArray(String[]::new),
                        items.stream().map(Regraded::correct).toArray(Boolean[]::new),
                        items.stream().map(Regraded::results).toArray(String[]::new),
                        items.stream().map(Regraded::graderVersion).toArray(String[]::new),
                        items.stream().map(Regraded::answerFound).toArray(Boolean[]::new),
                        runId)
                .update();
    }
}
