package dev.distillery.experiments;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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

/** SQL of experiments and their cells; always inside a tenant transaction. */
@Repository
class Experiments {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Experiments(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** An experiment's row, without its cells. */
    record Header(
            UUID id,
            String name,
            UUID datasetId,
            String datasetName,
            int datasetVersion,
            UUID datasetVersionId,
            String split,
            int offset,
            @Nullable Integer limit,
            @Nullable Integer seed,
            Instant createdAt,
            @Nullable Instant cancelledAt) {}

    /** A stored cell: where it sits in the grid and its run. */
    record StoredCell(
            int position,
            String method,
            String preset,
            Map<String, Object> params,
            @Nullable UUID teacherId,
            @Nullable UUID studentId,
            UUID runId) {}

    void insert(
            UUID id,
            UUID workspaceId,
            String name,
            UUID datasetId,
            UUID versionId,
            String split,
            int offset,
            @Nullable Integer limit,
            @Nullable Integer seed,
            Object decoding,
            int concurrency,
            @Nullable UUID createdBy,
            Instant at) {
        jdbc.sql("""
                        INSERT INTO experiments (id, workspace_id, name, dataset_id, dataset_version_id, split, item_offset,
                            item_limit, seed, decoding, concurrency, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")
                .params(
                        id,
                        workspaceId,
                        name,
                        datasetId,
                        versionId,
                        split,
                        offset,
                        limit,
                        seed,
                        json.writeValueAsString(decoding),
                        concurrency,
                        createdBy,
                        Timestamp.from(at))
                .update();
    }

    void insertCell(UUID experimentId, UUID workspaceId, StoredCell cell) {
        jdbc.sql("""
                        INSERT INTO experiment_cells (workspace_id, experiment_id, position, method, preset, params,
                            teacher_id, student_id, run_id)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")
                .params(
                        workspaceId,
                        experimentId,
                        cell.position(),
                        cell.method(),
                        cell.preset(),
                        json.writeValueAsString(cell.params()),
                        cell.teacherId(),
                        cell.studentId(),
                        cell.runId())
                .update();
    }

    Optional<Header> header(UUID id) {
        return jdbc.sql("""
                        SELECT e.id, e.name, e.dataset_id, v.dataset_name, v.version, e.dataset_version_id, e.split,
                            e.item_offset, e.item_limit, e.seed, e.created_at, e.cancelled_at
                        FROM experiments e JOIN dataset_version_names v ON v.version_id = e.dataset_version_id
                        WHERE e.id = ?""").param(id).query(Experiments::header).optional();
    }

    List<StoredCell> cells(UUID experimentId) {
        return jdbc.sql("""
                        SELECT position, method, preset, params::text, teacher_id, student_id, run_id
                        FROM experiment_cells WHERE experiment_id = ? ORDER BY position""")
                .param(experimentId)
                .query((rs, n) -> new StoredCell(
                        rs.getInt("position"),
                        rs.getString("method"),
                        rs.getString("preset"),
                        json.readValue(rs.getString("params"), OBJECT),
                        rs.getObject("teacher_id", UUID.class),
                        rs.getObject("student_id", UUID.class),
                        rs.getObject("run_id", UUID.class)))
                .list();
    }

    List<ExperimentSummary> list() {
        return jdbc.sql("""
                        SELECT e.id, e.name, v.dataset_name, e.split, e.created_at, e.cancelled_at,
                            (SELECT count(*) FROM experiment_cells c WHERE c.experiment_id = e.id) AS cells,
                            (SELECT count(*) FROM experiment_cells c JOIN run_overview r ON r.run_id = c.run_id
                             WHERE c.experiment_id = e.id AND r.status IN ('COMPLETED', 'FAILED', 'CANCELLED')) AS finished,
                            (SELECT count(*) FROM experiment_cells c JOIN run_overview r ON r.run_id = c.run_id
                             WHERE c.experiment_id = e.id AND r.status IN ('FAILED', 'CANCELLED')) AS stopped
                        FROM experiments e JOIN dataset_version_names v ON v.version_id = e.dataset_version_id
                        ORDER BY e.created_at DESC""")
                .query((rs, n) -> new ExperimentSummary(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        rs.getString("dataset_name"),
                        rs.getString("split"),
                        rs.getInt("cells"),
                        rs.getInt("finished"),
                        status(
                                rs.getTimestamp("cancelled_at") != null,
                                rs.getInt("cells") > rs.getInt("finished"),
                                rs.getInt("stopped") > 0),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("cancelled_at") != null))
                .list();
    }

    Optional<Long> confirmAboveTokens() {
        return jdbc.sql("SELECT confirm_above_tokens FROM experiment_settings")
                .query(Long.class)
                .optional();
    }

    void setConfirmAboveTokens(UUID workspaceId, long tokens) {
        jdbc.sql("""
                        INSERT INTO experiment_settings (workspace_id, confirm_above_tokens) VALUES (?, ?)
                        ON CONFLICT (workspace_id) DO UPDATE SET confirm_above_tokens = excluded.confirm_above_tokens""").params(workspaceId, tokens).update();
    }

    boolean cancel(UUID id, Instant at) {
        return jdbc.sql("UPDATE experiments SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL")
                        .params(Timestamp.from(at), id)
                        .update()
                == 1;
    }

    /** As {@link Experiment#status()} says it: cancelled, running while any run is unfinished, paused, finished. */
    static String status(boolean cancelled, boolean active, boolean stopped) {
        return cancelled ? "cancelled" : active ? "running" : stopped ? "paused" : "finished";
    }

    private static Header header(ResultSet rs, int n) throws SQLException {
        Timestamp cancelled = rs.getTimestamp("cancelled_at");
        return new Header(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getObject("dataset_id", UUID.class),
                rs.getString("dataset_name"),
                rs.getInt("version"),
                rs.getObject("dataset_version_id", UUID.class),
                rs.getString("split"),
                rs.getInt("item_offset"),
                rs.getObject("item_limit", Integer.class),
                rs.getObject("seed", Integer.class),
                rs.getTimestamp("created_at").toInstant(),
                cancelled == null ? null : cancelled.toInstant());
    }
}
