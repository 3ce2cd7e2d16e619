package dev.distillery.runs;

import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.ModelRole;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL of runs, run items, calls and the response cache; always inside a tenant transaction. */
@Repository
class Runs {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonMapper json;
    private final java.time.Clock clock;

    Runs(JdbcClient jdbc, JdbcTemplate batch, JsonMapper json, java.time.Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
    }

    JsonMapper json() {
        return json;
    }

    void insertRun(UUID id, UUID workspaceId, String name, RunSnapshot s, @Nullable UUID createdBy, Instant now) {
        jdbc.sql("""
                        INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params,
                            decoding, roles, dataset_id, dataset_version_id, split, item_offset, item_limit, concurrency,
                            seed, total, status, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, 0, 'QUEUED', ?, ?)""")
                .params(id, workspaceId, name, s.method(), s.preset(), s.presetVersion(), json.writeValueAsString(s.presetSnapshot()),
                        json.writeValueAsString(s.params()), json.writeValueAsString(s.decoding()),
                        json.writeValueAsString(s.roles()), s.datasetId(), s.datasetVersionId(), s.split(), s.offset(),
                        s.limit(), s.concurrency(), s.seed(), createdBy, Timestamp.from(now))
                .update();
    }

    /** Stores an imported run as completed, with its items already graded (see {@link #insertImportedItems}). */
    void insertImportedRun(UUID id, UUID workspaceId, String name, RunSnapshot s, int total, @Nullable UUID createdBy,
            Instant now) {
        jdbc.sql("""
                        INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params,
                            decoding, roles, dataset_id, dataset_version_id, split, item_offset, item_limit, concurrency,
                            seed, total, status, created_by, created_at, started_at, finished_at, imported)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, 'COMPLETED', ?, ?, ?, ?,
                            true)""")
                .params(id, workspaceId, name, s.method(), s.preset(), s.presetVersion(), json.writeValueAsString(s.presetSnapshot()),
                        json.writeValueAsString(s.params()), json.writeValueAsString(s.decoding()),
                        json.writeValueAsString(s.roles()), s.datasetId(), s.datasetVersionId(), s.split(), s.offset(),
                        s.limit(), s.concurrency(), s.seed(), total, createdBy, Timestamp.from(now), Timestamp.from(now),
                        Timestamp.from(now))
                .update();
    }

    /** An imported item's graded result ({@code results} as the engine writes it) and its calls. */
    record ImportedItem(String itemId, int position, boolean correct, String results, List<StoredCall> calls,
            String graderVersion, boolean answerFound) {
    }

    /** Stores imported items as done, with their calls (never cached: nothing was asked of a model here). */
    void insertImportedItems(UUID runId, UUID workspaceId, List<ImportedItem> items, Instant now) {
        Timestamp at = Timestamp.from(now);
        jdbc.sql("""
                        INSERT INTO run_items (workspace_id, run_id, item_id, position, status, correct, results,
                            finished_by, finished_at, grader_version, answer_found)
                        SELECT ?, ?, i, p, 'DONE', c, r::jsonb, 'import', ?, v, f
                        FROM unnest(?::text[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::boolean[]) AS t(i, p, c, r, v, f)""")
                .params(workspaceId, runId, at, items.stream().map(ImportedItem::itemId).toArray(String[]::new),
                        items.stream().map(ImportedItem::position).toArray(Integer[]::new),
                        items.stream().map(ImportedItem::correct).toArray(Boolean[]::new),
                        items.stream().map(ImportedItem::results).toArray(String[]::new),
                        items.stream().map(ImportedItem::graderVersion).toArray(String[]::new),
                        items.stream().map(ImportedItem::answerFound).toArray(Boolean[]::new))
                .update();
        List<String> itemIds = new java.util.ArrayList<>();
        List<StoredCall> calls = new java.util.ArrayList<>();
        List<String> times = new java.util.ArrayList<>();
        for (ImportedItem item : items) {
            for (int i = 0; i < item.calls().size(); i++) {
                itemIds.add(item.itemId());
                calls.add(item.calls().get(i));
                // Calls are listed by time: the teacher's steps before the student's answer.
                times.add(now.plusMillis(i).toString());
            }
        }
        jdbc.sql("""
                        INSERT INTO run_calls (workspace_id, run_id, item_id, call_key, role, endpoint_id, prompt, outputs,
                            finish_reason, prompt_tokens, completion_tokens, cost, latency_ms, attempts, cached, created_at)
                        SELECT ?, ?, i, k, r, e::uuid, p, o::jsonb, NULL, 0, 0, 0, 0, 0, false, t::timestamptz
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                            AS x(i, k, r, e, p, o, t)""")
                .params(workspaceId, runId, itemIds.toArray(String[]::new),
                        calls.stream().map(StoredCall::key).toArray(String[]::new),
                        calls.stream().map(c -> c.role().name()).toArray(String[]::new),
                        calls.stream().map(c -> c.endpointId().toString()).toArray(String[]::new),
                        calls.stream().map(StoredCall::prompt).toArray(String[]::new),
                        calls.stream().map(c -> json.writeValueAsString(c.outputs())).toArray(String[]::new),
                        times.toArray(String[]::new))
                .update();
    }

    /** Whether the run was imported (it has no endpoints to call). */
    boolean imported(UUID runId) {
        return jdbc.sql("SELECT imported FROM runs WHERE id = ?").param(runId).query(Boolean.class).optional().orElse(false);
    }

    /** Copies the selected dataset items into the run as pending work; returns how many. */
    int insertItems(UUID runId, UUID workspaceId, List<String> itemIds, List<Integer> positions) {
        return jdbc.sql("""
                        INSERT INTO run_items (workspace_id, run_id, item_id, position, status)
                        SELECT ?, ?, i, p, 'PENDING' FROM unnest(?::text[], ?::int[]) AS t(i, p)""")
                .params(workspaceId, runId, itemIds.toArray(String[]::new), positions.toArray(Integer[]::new))
                .update();
    }

    void setTotal(UUID runId, int total) {
        jdbc.sql("UPDATE runs SET total = ? WHERE id = ?").params(total, runId).update();
    }

    Optional<RunSnapshot> snapshot(UUID runId) {
        return jdbc.sql("""
                        SELECT method, preset, preset_version, preset_snapshot::text, params::text, decoding::text,
                            roles::text, dataset_id, dataset_version_id, split, item_offset, item_limit, concurrency, seed,
                            status
                        FROM runs WHERE id = ?""")
                .param(runId)
                .query((rs, n) -> new RunSnapshot(rs.getString(1), rs.getString(2), rs.getInt(3),
                        json.readValue(rs.getString(4), RunSnapshot.PresetSnapshot.class),
                        json.readValue(rs.getString(5), OBJECT), json.readValue(rs.getString(6), Decoding.class),
                        json.readValue(rs.getString(7), new TypeReference<Map<ModelRole, RunSnapshot.RoleEndpoint>>() { }),
                        rs.getObject(8, UUID.class), rs.getObject(9, UUID.class), rs.getString(10), rs.getInt(11),
                        (Integer) rs.getObject(12), rs.getInt(13), (Integer) rs.getObject(14)))
                .optional();
    }

    /**
     * How many instances are executing a worker of the run right now. Counted by scheduler instance, since a second
     * worker of a run on the same instance only yields.
     */
    int activeWorkers(String taskName, UUID runId) {
        return jdbc.sql("SELECT count(DISTINCT picked_by) FROM scheduled_tasks WHERE task_name = ? AND task_instance LIKE ? AND picked")
                .params(taskName, runId + "-%").query(Integer.class).single();
    }

    Optional<RunStatus> status(UUID runId) {
        return jdbc.sql("SELECT status FROM runs WHERE id = ?").param(runId).query(String.class).optional().map(RunStatus::valueOf);
    }

    /** Serialises admission of a workspace's queued runs (transaction-scoped advisory lock). */
    void lockWorkspaceAdmission(UUID workspaceId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('run-admission:' || ?, 0))").param(workspaceId.toString())
                .query(Object.class).single();
    }

    /** How many other runs of the run's workspace are running (row-level security keeps it to the workspace). */
    int runningRuns(UUID runId) {
        return jdbc.sql("SELECT count(*) FROM runs WHERE status = 'RUNNING' AND id <> ?").param(runId)
                .query(Integer.class).single();
    }

    /** Says why a run is not making progress, or clears it (null). */
    void setWaiting(UUID runId, @Nullable String reason) {
        jdbc.sql("UPDATE runs SET waiting_reason = ? WHERE id = ? AND waiting_reason IS DISTINCT FROM ?")
                .params(reason, runId, reason).update();
    }

    /** {@link #setWaiting} in its own transaction. */
    void setWaiting(UUID runId, @Nullable String reason, org.springframework.transaction.support.TransactionTemplate tx) {
        tx.executeWithoutResult(s -> setWaiting(runId, reason));
    }

    /** Moves a queued run to running; true when this call did it. */
    boolean markStarted(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'RUNNING', started_at = coalesce(started_at, ?), waiting_reason = NULL
                        WHERE id = ? AND status = 'QUEUED'""")
                .params(Timestamp.from(now), runId).update() == 1;
    }

    boolean setStatus(UUID runId, RunStatus from, RunStatus to) {
        return jdbc.sql("UPDATE runs SET status = ?, finished_at = CASE WHEN ? THEN finished_at ELSE NULL END WHERE id = ? AND status = ?")
                .params(to.name(), to.finished(), runId, from.name()).update() == 1;
    }

    boolean cancel(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'CANCELLED', finished_at = ?, waiting_reason = NULL
                        WHERE id = ? AND status IN ('QUEUED', 'RUNNING')""")
                .params(Timestamp.from(now), runId).update() == 1;
    }

    /** Completes the run if no item is left to do; true when this call completed it. */
    boolean completeIfDone(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'COMPLETED', finished_at = ?, waiting_reason = NULL
                        WHERE id = ? AND status = 'RUNNING'
                          AND NOT EXISTS (SELECT 1 FROM run_items WHERE run_id = ? AND status IN ('PENDING', 'RUNNING'))""")
                .params(Timestamp.from(now), runId, runId).update() == 1;
    }

    int resetErrors(UUID runId) {
        return jdbc.sql("""
                        UPDATE run_items SET status = 'PENDING', error = NULL, error_kind = NULL, lease_owner = NULL,
                            lease_until = NULL, finished_at = NULL, finished_by = NULL
                        WHERE run_id = ? AND status = 'ERROR'""")
                .param(runId).update();
    }

    /**
     * Leases up to {@code limit} items that are pending, or running under an expired lease (their worker died), in
     * source order; other workers skip rows locked here, so no item is handed out twice. The pick is a CTE, evaluated
     * once: as a subquery in FROM it could be re-scanned during the update and pick more rows than asked for.
     */
    /**
     * Leases up to {@code limit} items: pending ones, and ones whose lease ran out (their worker died, or ended them
     * abnormally), except those in {@code held}: the claiming worker's own, whose leases may have run out while the
     * database was away but which it is still processing.
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
                        RETURNING r.item_id, r.position, picked.previous""")
                .param("owner", owner).param("lease", (double) lease.toSeconds()).param("run", runId).param("limit", limit)
                .param("held", held.toArray(String[]::new))
                .query((rs, n) -> new ClaimedItem(rs.getString(1), rs.getInt(2), !"PENDING".equals(rs.getString(3))))
                .list();
    }

    /** Extends the leases of the items a worker still holds (and only those). */
    void renewLeases(UUID runId, String owner, List<String> itemIds, Duration lease) {
        jdbc.sql("""
                        UPDATE run_items SET lease_until = now() + make_interval(secs => ?)
                        WHERE run_id = ? AND lease_owner = ? AND status = 'RUNNING' AND item_id = ANY(?)""")
                .params((double) lease.toSeconds(), runId, owner, itemIds.toArray(String[]::new)).update();
    }

    /** Gives back leased items this worker will not process (cancel, shutdown). */
    void releaseLeases(UUID runId, String owner, List<String> itemIds) {
        jdbc.sql("""
                        UPDATE run_items SET status = 'PENDING', lease_owner = NULL, lease_until = NULL
                        WHERE run_id = ? AND lease_owner = ? AND status = 'RUNNING' AND item_id = ANY(?)""")
                .params(runId, owner, itemIds.toArray(String[]::new)).update();
    }

    List<CompletedCall> calls(UUID runId, String itemId) {
        return jdbc.sql("""
                        SELECT call_key, role, prompt, outputs::text FROM run_calls WHERE run_id = ? AND item_id = ?
                        ORDER BY created_at, call_key""")
                .params(runId, itemId)
                .query((rs, n) -> new CompletedCall(rs.getString(1), ModelRole.valueOf(rs.getString(2)), rs.getString(3),
                        json.readValue(rs.getString(4), STRINGS)))
                .list();
    }

    /** The stored calls of several items of a run, per item, each item's in the order {@link #calls} gives. */
    Map<String, List<CompletedCall>> callsOf(UUID runId, Collection<String> itemIds) {
        Map<String, List<CompletedCall>> calls = new HashMap<>();
        jdbc.sql("""
                        SELECT item_id, call_key, role, prompt, outputs::text FROM run_calls
                        WHERE run_id = ? AND item_id = ANY(?) ORDER BY item_id, created_at, call_key""")
                .params(runId, itemIds.toArray(String[]::new))
                .query(rs -> {
                    calls.computeIfAbsent(rs.getString(1), k -> new java.util.ArrayList<>()).add(new CompletedCall(
                            rs.getString(2), ModelRole.valueOf(rs.getString(3)), rs.getString(4),
                            json.readValue(rs.getString(5), STRINGS)));
                });
        return calls;
    }

    /** A finished item whose verdicts were decided by another grader version, with its stored predictions. */
    record StaleItem(String itemId, int position, boolean correct, String results) {
    }

    /**
     * Up to {@code limit} finished items of the run after {@code afterPosition} not yet graded by {@code version}, in
     * position order (a re-grade walks the run once instead of passing its re-graded items again for every batch).
     */
    List<StaleItem> staleItems(UUID runId, String version, int afterPosition, int limit) {
        return jdbc.sql("""
                        SELECT item_id, position, correct, results::text FROM run_items
                        WHERE run_id = ? AND status = 'DONE' AND position > ? AND results IS NOT NULL
                          AND grader_version IS DISTINCT FROM ?
                        ORDER BY position LIMIT ?""")
                .params(runId, afterPosition, version, limit)
                .query((rs, n) -> new StaleItem(rs.getString(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4)))
                .list();
    }

    /** An item's verdicts after a re-grade. */
    record Regraded(String itemId, boolean correct, String results, String graderVersion, boolean answerFound) {
    }

    /** Replaces finished items' verdicts (only finished ones: a re-grade never touches an item in flight). */
    void recordRegraded(UUID runId, List<Regraded> items) {
        if (items.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        UPDATE run_items i SET correct = t.c, results = t.r::jsonb, grader_version = t.v, answer_found = t.f
                        FROM unnest(?::text[], ?::boolean[], ?::text[], ?::text[], ?::boolean[]) AS t(id, c, r, v, f)
                        WHERE i.run_id = ? AND i.item_id = t.id AND i.status = 'DONE'""")
                .params(items.stream().map(Regraded::itemId).toArray(String[]::new),
                        items.stream().map(Regraded::correct).toArray(Boolean[]::new),
                        items.stream().map(Regraded::results).toArray(String[]::new),
                        items.stream().map(Regraded::graderVersion).toArray(String[]::new),
                        items.stream().map(Regraded::answerFound).toArray(Boolean[]::new), runId)
                .update();
    }

    /** Marks a re-grade as asked for; false when the run is queued or running (its items are still being graded). */
    boolean requestRegrade(UUID runId, String version, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET regrade_status = 'QUEUED', regrade_version = ?, regrade_requested_at = ?
                        WHERE id = ? AND status NOT IN ('QUEUED', 'RUNNING')""")
                .params(version, Timestamp.from(now), runId).update() == 1;
    }

    void finishRegrade(UUID runId, Instant now) {
        jdbc.sql("UPDATE runs SET regrade_status = 'DONE', regraded_at = ? WHERE id = ?")
                .params(Timestamp.from(now), runId).update();
    }

    /**
     * The cached response to one request, in a single round trip outside any transaction: the tenant setting and the
     * query go together, as one implicit transaction (autocommit), which ends the setting with it. An item's next call
     * waits for this look-up, and under load every round trip is a wait for a carrier thread.
     */
    Optional<CachedResponse> cachedNow(UUID workspaceId, String cacheKey) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("cachedNow runs outside transactions");
        }
        return Optional.ofNullable(batch.<@Nullable CachedResponse>execute((ConnectionCallback<@Nullable CachedResponse>) con -> {
            if (!con.getAutoCommit()) {
                throw new IllegalStateException("cachedNow needs an autocommit connection");
            }
            try (PreparedStatement ps = con.prepareStatement("""
                    SELECT set_config('app.workspace_id', ?, true);
                    SELECT outputs::text, finish_reason, prompt_tokens, completion_tokens FROM response_cache
                    WHERE cache_key = ?""")) {
                ps.setString(1, workspaceId.toString());
                ps.setString(2, cacheKey);
                ps.execute();
                if (!ps.getMoreResults()) {
                    throw new IllegalStateException("The cache look-up returned no result set");
                }
                try (ResultSet rs = ps.getResultSet()) {
                    return rs.next() ? new CachedResponse(json.readValue(rs.getString(1), STRINGS), rs.getString(2),
                            rs.getInt(3), rs.getInt(4)) : null;
                }
            }
        }));
    }

    /** The cached responses among {@code cacheKeys}, by key. */
    Map<String, CachedResponse> cached(Collection<String> cacheKeys) {
        Map<String, CachedResponse> found = new HashMap<>();
        jdbc.sql("""
                        SELECT cache_key, outputs::text, finish_reason, prompt_tokens, completion_tokens
                        FROM response_cache WHERE cache_key = ANY(?)""")
                .param(cacheKeys.toArray(String[]::new))
                .query(rs -> {
                    found.put(rs.getString(1), new CachedResponse(json.readValue(rs.getString(2), STRINGS), rs.getString(3),
                            rs.getInt(4), rs.getInt(5)));
                });
        return found;
    }

    /** Stores finished calls, and their responses in the cache unless they came from there (one batch). */
    void saveCalls(UUID workspaceId, List<CallRecord> calls) {
        if (calls.isEmpty()) {
            return;
        }
        batch.batchUpdate("""
                        WITH saved AS (
                            INSERT INTO run_calls (workspace_id, run_id, item_id, call_key, role, endpoint_id, prompt, outputs,
                                finish_reason, prompt_tokens, completion_tokens, cost, latency_ms, attempts, cached, created_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT DO NOTHING)
                        INSERT INTO response_cache (workspace_id, cache_key, outputs, finish_reason, prompt_tokens,
                            completion_tokens, created_at)
                        SELECT ?, ?, CAST(? AS jsonb), ?, ?, ?, ?
                        WHERE NOT ?
                        ON CONFLICT DO NOTHING""", calls, calls.size(), (ps, record) -> {
                    StoredCall call = record.call();
                    String outputs = json.writeValueAsString(call.outputs());
                    Timestamp at = Timestamp.from(record.at());
                    int i = 1;
                    ps.setObject(i++, workspaceId);
                    ps.setObject(i++, record.runId());
                    ps.setString(i++, record.itemId());
                    ps.setString(i++, call.key());
                    ps.setString(i++, call.role().name());
                    ps.setObject(i++, call.endpointId());
                    ps.setString(i++, call.prompt());
                    ps.setString(i++, outputs);
                    ps.setString(i++, call.finishReason());
                    ps.setInt(i++, call.promptTokens());
                    ps.setInt(i++, call.completionTokens());
                    ps.setBigDecimal(i++, call.cost());
                    ps.setLong(i++, call.latencyMs());
                    ps.setInt(i++, call.attempts());
                    ps.setBoolean(i++, call.cached());
                    ps.setTimestamp(i++, at);
                    ps.setObject(i++, workspaceId);
                    ps.setString(i++, record.cacheKey());
                    ps.setString(i++, outputs);
                    ps.setString(i++, call.finishReason());
                    ps.setInt(i++, call.promptTokens());
                    ps.setInt(i++, call.completionTokens());
                    ps.setTimestamp(i++, at);
                    ps.setBoolean(i, call.cached());
                });
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
                        WHERE run_id = ? AND item_id = ? AND status = 'RUNNING' AND lease_owner = ?""",
                results, results.size(), (ps, r) -> {
                    int i = 1;
                    ps.setString(i++, r.failed() ? "ERROR" : "DONE");
                    ps.setObject(i++, r.failed() ? null : r.correct(), java.sql.Types.BOOLEAN);
                    ps.setString(i++, r.results());
                    ps.setString(i++, r.errorKind());
                    ps.setString(i++, r.error());
                    ps.setInt(i++, r.promptTokens());
                    ps.setInt(i++, r.completionTokens());
                    ps.setBigDecimal(i++, r.cost());
                    ps.setString(i++, r.owner());
                    ps.setTimestamp(i++, Timestamp.from(r.at()));
                    ps.setString(i++, r.graderVersion());
                    ps.setObject(i++, r.answerFound(), java.sql.Types.BOOLEAN);
                    ps.setObject(i++, r.runId());
                    ps.setString(i++, r.itemId());
                    ps.setString(i, r.owner());
                });
        return Arrays.stream(counts).flatMapToInt(Arrays::stream).mapToObj(n -> n == 1).toList();
    }

    /** Whether the run still has items pending or in flight anywhere and is not finished (one cheap query). */
    boolean hasUnfinishedItems(UUID runId) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM run_items i JOIN runs r ON r.id = i.run_id
                                       WHERE i.run_id = ? AND i.status IN ('PENDING', 'RUNNING')
                                         AND r.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED'))""")
                .param(runId).query(Boolean.class).single();
    }

    Optional<RunProgress> progress(UUID runId) {
        return jdbc.sql("""
                        SELECT r.status, r.total, r.started_at, r.finished_at,
                            count(*) FILTER (WHERE i.status = 'DONE'), count(*) FILTER (WHERE i.correct AND i.status = 'DONE'),
                            count(*) FILTER (WHERE i.status = 'ERROR'), count(*) FILTER (WHERE i.status IN ('PENDING', 'RUNNING')),
                            coalesce(sum(i.prompt_tokens), 0), coalesce(sum(i.completion_tokens), 0), coalesce(sum(i.cost), 0),
                            count(*) FILTER (WHERE i.status = 'DONE' AND NOT i.answer_found),
                            r.regrade_status, r.regrade_version, r.regrade_requested_at, r.regraded_at,
                            count(*) FILTER (WHERE i.status = 'DONE' AND i.grader_version = r.regrade_version),
                            r.waiting_reason
                        FROM runs r LEFT JOIN run_items i ON i.run_id = r.id
                        WHERE r.id = ? GROUP BY r.id""")
                .param(runId)
                .query((rs, n) -> {
                    RunStatus status = RunStatus.valueOf(rs.getString(1));
                    int total = rs.getInt(2);
                    Timestamp started = rs.getTimestamp(3);
                    Timestamp finished = rs.getTimestamp(4);
                    int done = rs.getInt(5);
                    int correct = rs.getInt(6);
                    int errors = rs.getInt(7);
                    int left = rs.getInt(8);
                    double seconds = started == null ? 0
                            : ((finished == null ? clock.instant() : finished.toInstant()).toEpochMilli() - started.getTime()) / 1000.0;
                    double rate = seconds > 0 ? (done + errors) / seconds : 0;
                    Long eta = left == 0 ? Long.valueOf(0) : rate > 0 ? Long.valueOf(Math.round(left / rate)) : null;
                    String regradeStatus = rs.getString(13);
                    RunProgress.Regrade regrade = regradeStatus == null ? null : new RunProgress.Regrade(
                            regradeStatus.toLowerCase(java.util.Locale.ROOT), rs.getString(14), rs.getInt(17), done,
                            rs.getTimestamp(15).toInstant(), rs.getTimestamp(16) == null ? null : rs.getTimestamp(16).toInstant());
                    return new RunProgress(status, total, done, correct, errors, left,
                            done == 0 ? null : (double) correct / done, rs.getLong(9), rs.getLong(10), rs.getBigDecimal(11),
                            rate, eta, usageByRole(runId), rs.getInt(12), graderVersions(runId), regrade,
                            status.finished() ? null : rs.getString(18));
                })
                .optional();
    }

    private Map<String, Integer> graderVersions(UUID runId) {
        Map<String, Integer> versions = new java.util.TreeMap<>();
        jdbc.sql("SELECT coalesce(grader_version, '1'), count(*) FROM run_items WHERE run_id = ? AND status = 'DONE' GROUP BY 1")
                .param(runId)
                .query(rs -> {
                    versions.put(rs.getString(1), rs.getInt(2));
                });
        return versions;
    }

    private Map<String, RunProgress.RoleUsage> usageByRole(UUID runId) {
        Map<String, RunProgress.RoleUsage> usage = new java.util.TreeMap<>();
        jdbc.sql("""
                        SELECT lower(role), count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
                        FROM run_calls WHERE run_id = ? GROUP BY role""")
                .param(runId)
                .query(rs -> {
                    usage.put(rs.getString(1), new RunProgress.RoleUsage(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getBigDecimal(5)));
                });
        return usage;
    }

    /** A claimed item; {@code resumed} when it had been started before (its stored calls are replayed). */
    record ClaimedItem(String itemId, int position, boolean resumed) {
    }

    record CachedResponse(List<String> outputs, @Nullable String finishReason, int promptTokens, int completionTokens) {
    }

    /** A finished call of an item, and the cache key of its request. */
    record CallRecord(UUID runId, String itemId, StoredCall call, String cacheKey, Instant at) {
    }

    /** An item's end: graded ({@code errorKind} null) or failed. */
    record ItemResult(UUID runId, String itemId, String owner, boolean correct, @Nullable String results,
            @Nullable String errorKind, @Nullable String error, int promptTokens, int completionTokens, BigDecimal cost,
            Instant at, @Nullable String graderVersion, @Nullable Boolean answerFound) {
        boolean failed() {
            return errorKind != null;
        }

        /** The same end as an internal error: what is stored when the result itself cannot be. */
        ItemResult asInternalError(String message) {
            return new ItemResult(runId, itemId, owner, false, null, "INTERNAL", message, promptTokens, completionTokens,
                    cost, at, null, null);
        }
    }

    record StoredCall(String key, ModelRole role, UUID endpointId, String prompt, List<String> outputs,
            @Nullable String finishReason, int promptTokens, int completionTokens, BigDecimal cost, long latencyMs,
            int attempts, boolean cached) {
    }


}
