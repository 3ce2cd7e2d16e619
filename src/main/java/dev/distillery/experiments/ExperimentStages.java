package dev.distillery.experiments;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL of pipeline stages; always inside a tenant transaction. Every change of status names the status it leaves, so of
 * two workers that saw the same stage only one changes it.
 */
@Repository
class ExperimentStages {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ExperimentStages(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A stored stage with its spec. */
    record StoredStage(ExperimentStage stage, PipelinePlan.Stage spec) {}

    void insert(UUID experimentId, UUID workspaceId, int position, PipelinePlan.Stage spec) {
        jdbc.sql("""
                        INSERT INTO experiment_stages (workspace_id, experiment_id, position, kind, title, spec)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb)""")
                .params(workspaceId, experimentId, position, spec.kind(), spec.title(), json.writeValueAsString(spec))
                .update();
    }

    List<StoredStage> list(UUID experimentId) {
        return jdbc.sql("""
                        SELECT position, kind, title, status, message, run_ids, job_id, endpoint_id, started_at,
                            finished_at, spec::text
                        FROM experiment_stages WHERE experiment_id = ? ORDER BY position""")
                .param(experimentId)
                .query((rs, n) -> new StoredStage(stage(rs), spec(rs.getString("kind"), rs.getString("spec"))))
                .list();
    }

    /** The concurrency the experiment's runs were launched with, which a later stage's runs keep. */
    int concurrency(UUID experimentId) {
        return jdbc.sql("SELECT concurrency FROM experiments WHERE id = ?")
                .param(experimentId)
                .query(Integer.class)
                .single();
    }

    /** The pipeline experiment a run belongs to, if any. */
    Optional<UUID> experimentOfRun(UUID runId) {
        return jdbc.sql("SELECT experiment_id FROM experiment_stages WHERE run_ids @> ARRAY[?]::uuid[]")
                .param(runId)
                .query(UUID.class)
                .optional();
    }

    /** Moves a stage from {@code from} to {@code to}; false when it was not in {@code from} (another worker moved it). */
    boolean move(UUID experimentId, int position, String from, String to, Instant at) {
        return jdbc.sql("""
                        UPDATE experiment_stages SET status = ?, message = NULL,
                            started_at = CASE WHEN ? IN ('starting', 'running') AND started_at IS NULL THEN ?
                                ELSE started_at END,
                            finished_at = CASE WHEN ? IN ('done', 'failed', 'cancelled') THEN ? ELSE finished_at END
                        WHERE experiment_id = ? AND position = ? AND status = ?""")
                        .params(to, to, Timestamp.from(at), to, Timestamp.from(at), experimentId, position, from)
                        .update()
                == 1;
    }

    /** Ends a stage that is in {@code from} as failed (or cancelled), saying why. */
    boolean end(UUID experimentId, int position, String from, String to, String message, Instant at) {
        return jdbc.sql("""
                        UPDATE experiment_stages SET status = ?, message = ?, finished_at = ?
                        WHERE experiment_id = ? AND position = ? AND status = ?""")
                        .params(to, message, Timestamp.from(at), experimentId, position, from)
                        .update()
                == 1;
    }

    /** A note on a running stage (such as a paused run), without changing its status. */
    void note(UUID experimentId, int position, @Nullable String message) {
        jdbc.sql("""
                        UPDATE experiment_stages SET message = ?
                        WHERE experiment_id = ? AND position = ? AND message IS DISTINCT FROM ?""").params(message, experimentId, position, message).update();
    }

    void runs(UUID experimentId, int position, List<UUID> runIds) {
        jdbc.sql("UPDATE experiment_stages SET run_ids = ?::uuid[] WHERE experiment_id = ? AND position = ?")
                .params(
                        runIds.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(",", "{", "}")),
                        experimentId,
                        position)
                .update();
    }

    /** Records the job a starting stage launched and marks it running. */
    boolean job(UUID experimentId, int position, UUID jobId) {
        return jdbc.sql("""
                        UPDATE experiment_stages SET job_id = ?, status = 'running'
                        WHERE experiment_id = ? AND position = ? AND status = 'starting'""").params(jobId, experimentId, position).update() == 1;
    }

    boolean succeeded(UUID experimentId, int position, @Nullable UUID endpointId, Instant at) {
        return jdbc.sql("""
                        UPDATE experiment_stages SET status = 'done', message = NULL, endpoint_id = ?, finished_at = ?
                        WHERE experiment_id = ? AND position = ? AND status = 'running'""")
                        .params(endpointId, Timestamp.from(at), experimentId, position)
                        .update()
                == 1;
    }

    /** Stages that will now never start, because the experiment was cancelled. */
    void cancelWaiting(UUID experimentId, Instant at) {
        jdbc.sql("""
                        UPDATE experiment_stages SET status = 'cancelled', finished_at = ?
                        WHERE experiment_id = ? AND status = 'waiting'""").params(Timestamp.from(at), experimentId).update();
    }

    private PipelinePlan.Stage spec(String kind, String text) {
        return switch (kind) {
            case "runs" -> json.readValue(text, PipelinePlan.Runs.class);
            case "fine-tune" -> json.readValue(text, PipelinePlan.FineTune.class);
            default -> throw new IllegalStateException("Unknown stage kind " + kind);
        };
    }

    private static ExperimentStage stage(ResultSet rs) throws SQLException {
        Array runs = rs.getArray("run_ids");
        Timestamp started = rs.getTimestamp("started_at");
        Timestamp finished = rs.getTimestamp("finished_at");
        return new ExperimentStage(
                rs.getInt("position"),
                rs.getString("kind"),
                rs.getString("title"),
                rs.getString("status"),
                rs.getString("message"),
                runs == null ? List.of() : Arrays.asList((UUID[]) runs.getArray()),
                rs.getObject("job_id", UUID.class),
                rs.getObject("endpoint_id", UUID.class),
                started == null ? null : started.toInstant(),
                finished == null ? null : finished.toInstant());
    }
}
