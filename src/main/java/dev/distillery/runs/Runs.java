package dev.distillery.runs;

import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.ModelRole;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL of runs, run items, calls and the response cache; always inside a tenant transaction. */
@Repository
class Runs {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Runs(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
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

    /** Moves a queued run to running; true when this call did it. */
    boolean markStarted(UUID runId, Instant now) {
        return jdbc.sql("UPDATE runs SET status = 'RUNNING', started_at = coalesce(started_at, ?) WHERE id = ? AND status = 'QUEUED'")
                .params(Timestamp.from(now), runId).update() == 1;
    }

    boolean setStatus(UUID runId, RunStatus from, RunStatus to) {
        return jdbc.sql("UPDATE runs SET status = ?, finished_at = CASE WHEN ? THEN finished_at ELSE NULL END WHERE id = ? AND status = ?")
                .params(to.name(), to.finished(), runId, from.name()).update() == 1;
    }

    boolean cancel(UUID runId, Instant now) {
        return jdbc.sql("UPDATE runs SET status = 'CANCELLED', finished_at = ? WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(Timestamp.from(now), runId).update() == 1;
    }

    /** Completes the run if no item is left to do; true when this call completed it. */
    boolean completeIfDone(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'COMPLETED', finished_at = ?
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
     * source order; other workers skip rows locked here, so no item is handed out twice.
     */
    List<ClaimedItem> claim(UUID runId, String owner, int limit, Duration lease) {
        return jdbc.sql("""
                        UPDATE run_items r SET status = 'RUNNING', lease_owner = :owner,
                            lease_until = now() + make_interval(secs => :lease)
                        FROM (SELECT item_id, status AS previous FROM run_items
                              WHERE run_id = :run AND (status = 'PENDING' OR (status = 'RUNNING' AND lease_until < now()))
                              ORDER BY position LIMIT :limit FOR UPDATE SKIP LOCKED) picked
                        WHERE r.run_id = :run AND r.item_id = picked.item_id
                        RETURNING r.item_id, r.position, picked.previous""")
                .param("owner", owner).param("lease", (double) lease.toSeconds()).param("run", runId).param("limit", limit)
                .query((rs, n) -> new ClaimedItem(rs.getString(1), rs.getInt(2), !"PENDING".equals(rs.getString(3))))
                .list();
    }

    void renewLeases(UUID runId, String owner, Duration lease) {
        jdbc.sql("""
                        UPDATE run_items SET lease_until = now() + make_interval(secs => ?)
                        WHERE run_id = ? AND lease_owner = ? AND status = 'RUNNING'""")
                .params((double) lease.toSeconds(), runId, owner).update();
    }

    /** Gives back leased items this worker will not process (cancel, shutdown). */
    void releaseLeases(UUID runId, String owner, List<String> itemIds) {
        jdbc.sql("""
                        UPDATE run_items SET status = 'PENDING', lease_owner = NULL, lease_until = NULL
                        WHERE run_id = ? AND lease_owner = ? AND status = 'RUNNING' AND item_id = ANY(?)""")
                .params(runId, owner, itemIds.toArray(String[]::new)).update();
    }

    List<CompletedCall> calls(UUID runId, String itemId) {
        return jdbc.sql("SELECT call_key, role, prompt, outputs::text FROM run_calls WHERE run_id = ? AND item_id = ?")
                .params(runId, itemId)
                .query((rs, n) -> new CompletedCall(rs.getString(1), ModelRole.valueOf(rs.getString(2)), rs.getString(3),
                        json.readValue(rs.getString(4), STRINGS)))
                .list();
    }

    Optional<CachedResponse> cached(String cacheKey) {
        return jdbc.sql("SELECT outputs::text, finish_reason, prompt_tokens, completion_tokens FROM response_cache WHERE cache_key = ?")
                .param(cacheKey)
                .query((rs, n) -> new CachedResponse(json.readValue(rs.getString(1), STRINGS), rs.getString(2), rs.getInt(3), rs.getInt(4)))
                .optional();
    }

    /** Stores a finished call, and its response in the cache unless it came from there (one round trip). */
    void saveCall(UUID workspaceId, UUID runId, String itemId, StoredCall call, String cacheKey, Instant now) {
        String outputs = json.writeValueAsString(call.outputs());
        jdbc.sql("""
                        WITH saved AS (
                            INSERT INTO run_calls (workspace_id, run_id, item_id, call_key, role, endpoint_id, prompt, outputs,
                                finish_reason, prompt_tokens, completion_tokens, cost, latency_ms, attempts, cached, created_at)
                            VALUES (:ws, :run, :item, :key, :role, :endpoint, :prompt, CAST(:outputs AS jsonb), :finish,
                                :promptTokens, :completionTokens, :cost, :latency, :attempts, :cached, :now)
                            ON CONFLICT DO NOTHING)
                        INSERT INTO response_cache (workspace_id, cache_key, outputs, finish_reason, prompt_tokens,
                            completion_tokens, created_at)
                        SELECT :ws, :cacheKey, CAST(:outputs AS jsonb), :finish, :promptTokens, :completionTokens, :now
                        WHERE NOT :cached
                        ON CONFLICT DO NOTHING""")
                .param("ws", workspaceId).param("run", runId).param("item", itemId).param("key", call.key())
                .param("role", call.role().name()).param("endpoint", call.endpointId()).param("prompt", call.prompt())
                .param("outputs", outputs).param("finish", call.finishReason()).param("promptTokens", call.promptTokens())
                .param("completionTokens", call.completionTokens()).param("cost", call.cost())
                .param("latency", call.latencyMs()).param("attempts", call.attempts()).param("cached", call.cached())
                .param("now", Timestamp.from(now)).param("cacheKey", cacheKey)
                .update();
    }

    /** Records an item's graded result, once: only while this worker still holds its lease. */
    boolean finishItem(UUID runId, String itemId, String owner, boolean correct, String results, int promptTokens,
            int completionTokens, BigDecimal cost, Instant now) {
        return jdbc.sql("""
                        UPDATE run_items SET status = 'DONE', correct = ?, results = ?::jsonb, prompt_tokens = ?,
                            completion_tokens = ?, cost = ?, finished_by = ?, finished_at = ?, lease_owner = NULL,
                            lease_until = NULL
                        WHERE run_id = ? AND item_id = ? AND status = 'RUNNING' AND lease_owner = ?""")
                .params(correct, results, promptTokens, completionTokens, cost, owner, Timestamp.from(now), runId, itemId, owner)
                .update() == 1;
    }

    boolean failItem(UUID runId, String itemId, String owner, String kind, String message, int promptTokens,
            int completionTokens, BigDecimal cost, Instant now) {
        return jdbc.sql("""
                        UPDATE run_items SET status = 'ERROR', error_kind = ?, error = ?, prompt_tokens = ?,
                            completion_tokens = ?, cost = ?, finished_by = ?, finished_at = ?, lease_owner = NULL,
                            lease_until = NULL
                        WHERE run_id = ? AND item_id = ? AND status = 'RUNNING' AND lease_owner = ?""")
                .params(kind, message, promptTokens, completionTokens, cost, owner, Timestamp.from(now), runId, itemId, owner)
                .update() == 1;
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
                            coalesce(sum(i.prompt_tokens), 0), coalesce(sum(i.completion_tokens), 0), coalesce(sum(i.cost), 0)
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
                            : ((finished == null ? Instant.now() : finished.toInstant()).toEpochMilli() - started.getTime()) / 1000.0;
                    double rate = seconds > 0 ? (done + errors) / seconds : 0;
                    Long eta = left == 0 ? Long.valueOf(0) : rate > 0 ? Long.valueOf(Math.round(left / rate)) : null;
                    return new RunProgress(status, total, done, correct, errors, left,
                            done == 0 ? null : (double) correct / done, rs.getLong(9), rs.getLong(10), rs.getBigDecimal(11),
                            rate, eta, usageByRole(runId));
                })
                .optional();
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

    record StoredCall(String key, ModelRole role, UUID endpointId, String prompt, List<String> outputs,
            @Nullable String finishReason, int promptTokens, int completionTokens, BigDecimal cost, long latencyMs,
            int attempts, boolean cached) {
    }


}
