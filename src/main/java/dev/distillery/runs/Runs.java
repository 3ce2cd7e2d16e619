package dev.distillery.runs;

import dev.distillery.methods.Decoding;
import dev.distillery.methods.ModelRole;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL of run rows: launch and import, status, admission, re-grade and progress; always inside a tenant transaction.
 * A run's items are {@link RunItems}, its calls and the response cache {@link RunCalls}.
 */
@Repository
class Runs {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private static final TypeReference<Map<ModelRole, RunSnapshot.RoleEndpoint>> ROLES = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    Runs(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    void insertRun(UUID id, UUID workspaceId, String name, RunSnapshot s, @Nullable UUID createdBy, Instant now) {
        jdbc.sql("""
                        INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params,
                            decoding, roles, dataset_id, dataset_version_id, split, item_offset, item_limit, concurrency,
                            seed, total, status, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, 0, 'QUEUED', ?, ?)""")
                .params(
                        id,
                        workspaceId,
                        name,
                        s.method(),
                        s.preset(),
                        s.presetVersion(),
                        json.writeValueAsString(s.presetSnapshot()),
                        json.writeValueAsString(s.params()),
                        json.writeValueAsString(s.decoding()),
                        json.writeValueAsString(s.roles()),
                        s.datasetId(),
                        s.datasetVersionId(),
                        s.split(),
                        s.offset(),
                        s.limit(),
                        s.concurrency(),
                        s.seed(),
                        createdBy,
                        Timestamp.from(now))
                .update();
    }

    /**
     * Stores an imported run as completed, with its items already graded (see {@link RunItems#insertImported} and
     * {@link RunCalls#insertImported}).
     */
    void insertImportedRun(
            UUID id, UUID workspaceId, String name, RunSnapshot s, int total, @Nullable UUID createdBy, Instant now) {
        jdbc.sql("""
                        INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params,
                            decoding, roles, dataset_id, dataset_version_id, split, item_offset, item_limit, concurrency,
                            seed, total, status, created_by, created_at, started_at, finished_at, imported)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, 'COMPLETED', ?, ?, ?, ?,
                            true)""")
                .params(
                        id,
                        workspaceId,
                        name,
                        s.method(),
                        s.preset(),
                        s.presetVersion(),
                        json.writeValueAsString(s.presetSnapshot()),
                        json.writeValueAsString(s.params()),
                        json.writeValueAsString(s.decoding()),
                        json.writeValueAsString(s.roles()),
                        s.datasetId(),
                        s.datasetVersionId(),
                        s.split(),
                        s.offset(),
                        s.limit(),
                        s.concurrency(),
                        s.seed(),
                        total,
                        createdBy,
                        Timestamp.from(now),
                        Timestamp.from(now),
                        Timestamp.from(now))
                .update();
    }

    /** Whether the run was imported (it has no endpoints to call). */
    boolean imported(UUID runId) {
        return jdbc.sql("SELECT imported FROM runs WHERE id = ?")
                .param(runId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    void setTotal(UUID runId, int total) {
        jdbc.sql("UPDATE runs SET total = ? WHERE id = ?").params(total, runId).update();
    }

    Optional<RunSnapshot> snapshot(UUID runId) {
        return jdbc.sql("""
                        SELECT method, preset, preset_version, preset_snapshot::text AS preset_snapshot,
                            params::text AS params, decoding::text AS decoding, roles::text AS roles, dataset_id,
                            dataset_version_id, split, item_offset, item_limit, concurrency, seed
                        FROM runs WHERE id = ?""")
                .param(runId)
                .query((rs, n) -> new RunSnapshot(
                        rs.getString("method"),
                        rs.getString("preset"),
                        rs.getInt("preset_version"),
                        json.readValue(rs.getString("preset_snapshot"), RunSnapshot.PresetSnapshot.class),
                        json.readValue(rs.getString("params"), OBJECT),
                        json.readValue(rs.getString("decoding"), Decoding.class),
                        json.readValue(rs.getString("roles"), ROLES),
                        rs.getObject("dataset_id", UUID.class),
                        rs.getObject("dataset_version_id", UUID.class),
                        rs.getString("split"),
                        rs.getInt("item_offset"),
                        rs.getObject("item_limit", Integer.class),
                        rs.getInt("concurrency"),
                        rs.getObject("seed", Integer.class)))
                .optional();
    }

    /**
     * How many instances are executing a worker of the run right now. Counted by scheduler instance, since a second
     * worker of a run on the same instance only yields.
     */
    int activeWorkers(String taskName, UUID runId) {
        return jdbc.sql(
                        "SELECT count(DISTINCT picked_by) FROM scheduled_tasks WHERE task_name = ? AND task_instance LIKE ? AND picked")
                .params(taskName, runId + "-%")
                .query(Integer.class)
                .single();
    }

    Optional<RunStatus> status(UUID runId) {
        return jdbc.sql("SELECT status FROM runs WHERE id = ?")
                .param(runId)
                .query(String.class)
                .optional()
                .map(RunStatus::valueOf);
    }

    /** Serialises admission of a workspace's queued runs (transaction-scoped advisory lock). */
    void lockWorkspaceAdmission(UUID workspaceId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('run-admission:' || ?, 0))")
                .param(workspaceId.toString())
                .query(Object.class)
                .single();
    }

    /** How many other runs of the run's workspace are running (row-level security keeps it to the workspace). */
    int runningRuns(UUID runId) {
        return jdbc.sql("SELECT count(*) FROM runs WHERE status = 'RUNNING' AND id <> ?")
                .param(runId)
                .query(Integer.class)
                .single();
    }

    /** Says why a run is not making progress, or clears it (null). */
    void setWaiting(UUID runId, @Nullable String reason) {
        jdbc.sql("UPDATE runs SET waiting_reason = ? WHERE id = ? AND waiting_reason IS DISTINCT FROM ?")
                .params(reason, runId, reason)
                .update();
    }

    /** {@link #setWaiting} in its own transaction. */
    void setWaiting(UUID runId, @Nullable String reason, TransactionTemplate tx) {
        tx.executeWithoutResult(s -> setWaiting(runId, reason));
    }

    /** Moves a queued run to running; true when this call did it. */
    boolean markStarted(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'RUNNING', started_at = coalesce(started_at, ?), waiting_reason = NULL
                        WHERE id = ? AND status = 'QUEUED'""").params(Timestamp.from(now), runId).update() == 1;
    }

    boolean setStatus(UUID runId, RunStatus from, RunStatus to) {
        return jdbc.sql(
                                "UPDATE runs SET status = ?, finished_at = CASE WHEN ? THEN finished_at ELSE NULL END WHERE id = ? AND status = ?")
                        .params(to.name(), to.finished(), runId, from.name())
                        .update()
                == 1;
    }

    boolean cancel(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'CANCELLED', finished_at = ?, waiting_reason = NULL
                        WHERE id = ? AND status IN ('QUEUED', 'RUNNING')""").params(Timestamp.from(now), runId).update() == 1;
    }

    /** Completes the run if no item is left to do; true when this call completed it. */
    boolean completeIfDone(UUID runId, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET status = 'COMPLETED', finished_at = ?, waiting_reason = NULL
                        WHERE id = ? AND status = 'RUNNING'
                          AND NOT EXISTS (SELECT 1 FROM run_items WHERE run_id = ? AND status IN ('PENDING', 'RUNNING'))""").params(Timestamp.from(now), runId, runId).update() == 1;
    }

    /** Marks a re-grade as asked for; false when the run is queued or running (its items are still being graded). */
    boolean requestRegrade(UUID runId, String version, Instant now) {
        return jdbc.sql("""
                        UPDATE runs SET regrade_status = 'QUEUED', regrade_version = ?, regrade_requested_at = ?
                        WHERE id = ? AND status NOT IN ('QUEUED', 'RUNNING')""").params(version, Timestamp.from(now), runId).update() == 1;
    }

    void finishRegrade(UUID runId, Instant now) {
        jdbc.sql("UPDATE runs SET regrade_status = 'DONE', regraded_at = ? WHERE id = ?")
                .params(Timestamp.from(now), runId)
                .update();
    }

    /** The run's counters; a running run's pace is measured up to the injected clock's now. */
    Optional<RunProgress> progress(UUID runId) {
        return jdbc.sql("""
                        SELECT r.status, r.total, r.started_at, r.finished_at,
                            count(*) FILTER (WHERE i.status = 'DONE') AS done,
                            count(*) FILTER (WHERE i.correct AND i.status = 'DONE') AS correct,
                            count(*) FILTER (WHERE i.status = 'ERROR') AS errors,
                            count(*) FILTER (WHERE i.status IN ('PENDING', 'RUNNING')) AS pending,
                            coalesce(sum(i.prompt_tokens), 0) AS prompt_tokens,
                            coalesce(sum(i.completion_tokens), 0) AS completion_tokens,
                            coalesce(sum(i.cost), 0) AS cost,
                            count(*) FILTER (WHERE i.status = 'DONE' AND NOT i.answer_found) AS no_answer,
                            r.regrade_status, r.regrade_version, r.regrade_requested_at, r.regraded_at,
                            count(*) FILTER (WHERE i.status = 'DONE' AND i.grader_version = r.regrade_version) AS regraded,
                            r.waiting_reason
                        FROM runs r LEFT JOIN run_items i ON i.run_id = r.id
                        WHERE r.id = ? GROUP BY r.id""")
                .param(runId)
                .query((rs, n) -> {
                    RunStatus status = RunStatus.valueOf(rs.getString("status"));
                    int total = rs.getInt("total");
                    Timestamp started = rs.getTimestamp("started_at");
                    Timestamp finished = rs.getTimestamp("finished_at");
                    int done = rs.getInt("done");
                    int correct = rs.getInt("correct");
                    int errors = rs.getInt("errors");
                    int left = rs.getInt("pending");
                    double seconds = started == null
                            ? 0
                            : ((finished == null ? clock.instant() : finished.toInstant()).toEpochMilli()
                                            - started.getTime())
                                    / 1000.0;
                    double rate = seconds > 0 ? (done + errors) / seconds : 0;
                    Long eta = left == 0 ? Long.valueOf(0) : rate > 0 ? Long.valueOf(Math.round(left / rate)) : null;
                    String regradeStatus = rs.getString("regrade_status");
                    Timestamp regradedAt = rs.getTimestamp("regraded_at");
                    RunProgress.Regrade regrade = regradeStatus == null
                            ? null
                            : new RunProgress.Regrade(
                                    regradeStatus.toLowerCase(java.util.Locale.ROOT),
                                    rs.getString("regrade_version"),
                                    rs.getInt("regraded"),
                                    done,
                                    rs.getTimestamp("regrade_requested_at").toInstant(),
                                    regradedAt == null ? null : regradedAt.toInstant());
                    return new RunProgress(
                            status,
                            total,
                            done,
                            correct,
                            errors,
                            left,
                            done == 0 ? null : (double) correct / done,
                            rs.getLong("prompt_tokens"),
                            rs.getLong("completion_tokens"),
                            rs.getBigDecimal("cost"),
                            rate,
                            eta,
                            usageByRole(runId),
                            rs.getInt("no_answer"),
                            graderVersions(runId),
                            regrade,
                            status.finished() ? null : rs.getString("waiting_reason"));
                })
                .optional();
    }

    /** Finished items decided by one grader version ("1" before versions were recorded). */
    private record VersionCount(String graderVersion, int items) {}

    private Map<String, Integer> graderVersions(UUID runId) {
        Map<String, Integer> versions = new TreeMap<>();
        jdbc.sql("""
                        SELECT coalesce(grader_version, '1') AS grader_version, count(*) AS items
                        FROM run_items WHERE run_id = ? AND status = 'DONE' GROUP BY 1""")
                .param(runId)
                .query(VersionCount.class)
                .list()
                .forEach(v -> versions.put(v.graderVersion(), v.items()));
        return versions;
    }

    /** The calls of one role of a run, with their tokens and cost. */
    private record RoleCalls(String role, long calls, long promptTokens, long completionTokens, BigDecimal cost) {}

    private Map<String, RunProgress.RoleUsage> usageByRole(UUID runId) {
        Map<String, RunProgress.RoleUsage> usage = new TreeMap<>();
        jdbc.sql("""
                        SELECT lower(role) AS role, count(*) AS calls, sum(prompt_tokens) AS prompt_tokens,
                            sum(completion_tokens) AS completion_tokens, sum(cost) AS cost
                        FROM run_calls WHERE run_id = ? GROUP BY role""")
                .param(runId)
                .query(RoleCalls.class)
                .list()
                .forEach(r -> usage.put(
                        r.role(),
                        new RunProgress.RoleUsage(r.calls(), r.promptTokens(), r.completionTokens(), r.cost())));
        return usage;
    }
}
