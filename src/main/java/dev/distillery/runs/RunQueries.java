package dev.distillery.runs;

import dev.distillery.datasets.DatasetItem;
import dev.distillery.methods.Decoding;
import dev.distillery.shared.AnswerType;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Read models of runs for views and the API. */
@Repository
class RunQueries {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private static final TypeReference<List<Trace.GradedPrediction>> PREDICTIONS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    RunQueries(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<RunDetails> details(UUID runId) {
        return jdbc.sql("""
                        SELECT r.id, r.name, r.method, r.preset, r.preset_version, r.params::text, r.decoding::text,
                            r.roles::text, r.dataset_id, v.dataset_name, r.dataset_version_id, v.version, r.split,
                            r.item_offset, r.item_limit, r.concurrency, r.seed, r.total, r.status, r.error,
                            u.email AS created_by, r.created_at, r.started_at, r.finished_at, r.imported
                        FROM runs r JOIN dataset_version_names v ON v.version_id = r.dataset_version_id
                        LEFT JOIN account_names u ON u.id = r.created_by
                        WHERE r.id = ?""")
                .param(runId)
                .query((rs, n) -> {
                    Map<String, RunSnapshot.RoleEndpoint> stored = json.readValue(
                            rs.getString("roles"),
                            new TypeReference<LinkedHashMap<String, RunSnapshot.RoleEndpoint>>() {});
                    Map<String, RunDetails.RoleEndpoint> roles = stored.entrySet().stream()
                            .collect(Collectors.toMap(
                                    e -> e.getKey().toLowerCase(java.util.Locale.ROOT),
                                    e -> new RunDetails.RoleEndpoint(
                                            e.getValue().endpointId(),
                                            e.getValue().name(),
                                            e.getValue().model()),
                                    (a, b) -> a,
                                    LinkedHashMap::new));
                    return new RunDetails(
                            rs.getObject("id", UUID.class),
                            rs.getString("name"),
                            rs.getString("method"),
                            rs.getString("preset"),
                            rs.getInt("preset_version"),
                            json.readValue(rs.getString("params"), OBJECT),
                            json.readValue(rs.getString("decoding"), Decoding.class),
                            roles,
                            rs.getObject("dataset_id", UUID.class),
                            rs.getString("dataset_name"),
                            rs.getObject("dataset_version_id", UUID.class),
                            rs.getInt("version"),
                            rs.getString("split"),
                            rs.getInt("item_offset"),
                            rs.getObject("item_limit", Integer.class),
                            rs.getInt("concurrency"),
                            rs.getObject("seed", Integer.class),
                            rs.getInt("total"),
                            RunStatus.valueOf(rs.getString("status")),
                            rs.getString("error"),
                            rs.getString("created_by"),
                            rs.getTimestamp("created_at").toInstant(),
                            instant(rs.getTimestamp("started_at")),
                            instant(rs.getTimestamp("finished_at")),
                            rs.getBoolean("imported"));
                })
                .optional();
    }

    boolean any() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM runs)")
                .query(Boolean.class)
                .single();
    }

    /** Runs newest first, optionally of one dataset, and only the queued and running ones when {@code live}. */
    List<RunSummary> list(@Nullable UUID datasetId, boolean live, int offset, int limit) {
        return jdbc.sql("""
                        SELECT r.id, r.name, r.method, r.preset, v.dataset_name, r.split, r.status, r.total,
                            (SELECT count(*) FROM run_items i WHERE i.run_id = r.id AND i.status = 'DONE') AS done,
                            (SELECT count(*) FROM run_items i WHERE i.run_id = r.id AND i.status = 'DONE' AND i.correct)
                                AS correct,
                            (SELECT count(*) FROM run_items i WHERE i.run_id = r.id AND i.status = 'ERROR') AS errors,
                            r.created_at, r.imported
                        FROM runs r JOIN dataset_version_names v ON v.version_id = r.dataset_version_id
                        WHERE (CAST(:dataset AS uuid) IS NULL OR r.dataset_id = :dataset)
                          AND (NOT :live OR r.status IN ('QUEUED', 'RUNNING'))
                        ORDER BY r.created_at DESC OFFSET :offset LIMIT :limit""")
                .param("dataset", datasetId)
                .param("live", live)
                .param("offset", offset)
                .param("limit", limit)
                .query((rs, n) -> new RunSummary(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        rs.getString("method"),
                        rs.getString("preset"),
                        rs.getString("dataset_name"),
                        rs.getString("split"),
                        RunStatus.valueOf(rs.getString("status")),
                        rs.getInt("total"),
                        rs.getInt("done"),
                        rs.getInt("correct"),
                        rs.getInt("errors"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getBoolean("imported")))
                .list();
    }

    /** Finished items in item-id order (byte order, so every caller sorts the same way). */
    List<ItemOutcome> outcomes(UUID runId) {
        return jdbc.sql("""
                        SELECT item_id, coalesce(correct, false) AS correct, status = 'ERROR' AS error FROM run_items
                        WHERE run_id = ? AND status IN ('DONE', 'ERROR') ORDER BY item_id COLLATE "C\"""").param(runId).query(ItemOutcome.class).list();
    }

    /**
     * Items in {@code query}'s order after {@code after} (keyset: the index of the order is entered at the cursor, so
     * a page costs the same at the end of a run as at its start), else from {@code offset}. The sort expressions are
     * those of the indexes (db/migration/V6, V22), written the same way so the planner matches them.
     */
    List<KeyedRow> page(UUID runId, TraceQuery query, @Nullable TraceCursor after, int offset, int limit) {
        String key = sortKey(query.sort());
        String direction = query.descending() ? " DESC" : "";
        String seek = "";
        if (after != null) {
            String op = query.descending() ? " < " : " > ";
            seek = query.sort() == TraceQuery.Sort.ITEM
                    ? " AND position" + op + ":position"
                    : " AND (" + key + ", position)" + op + "(:key, :position)";
        }
        var spec = jdbc.sql(
                        "SELECT item_id, position, status, correct, results::text, error_kind, error, prompt_tokens,"
                                + " completion_tokens, cost, " + key + " AS sort_key FROM run_items WHERE run_id = :run"
                                + filter(query.outcome()) + seek + " ORDER BY " + key + direction + ", position"
                                + direction
                                + " OFFSET :offset LIMIT :limit")
                .param("run", runId)
                .param("offset", after == null ? offset : 0)
                .param("limit", limit);
        if (after != null) {
            spec = spec.param("position", after.position());
            if (query.sort() != TraceQuery.Sort.ITEM) {
                spec = spec.param("key", after.numericKey());
            }
        }
        return spec.query((rs, n) -> new KeyedRow(row(rs, n), rs.getLong("sort_key")))
                .list();
    }

    /** The rows of these items, in no particular order (unknown ids are left out). */
    List<ItemRow> items(UUID runId, List<String> itemIds) {
        return jdbc.sql("""
                        SELECT item_id, position, status, correct, results::text, error_kind, error, prompt_tokens,
                            completion_tokens, cost
                        FROM run_items WHERE run_id = ? AND item_id = ANY(?)""")
                .params(runId, itemIds.toArray(String[]::new))
                .query(this::row)
                .list();
    }

    /** The most calls any item of the run made (0 for a run without calls). */
    int mostCallsPerItem(UUID runId) {
        return jdbc.sql("""
                        SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM run_calls WHERE run_id = ?
                            GROUP BY item_id) c""").param(runId).query(Integer.class).single();
    }

    /**
     * What changes whenever the run's items may have: its status (a retry queues it again), when it finished and its
     * re-grade's state; null while its items are still being written (queued, running, or re-grading).
     */
    @Nullable
    String settledItemsStamp(UUID runId) {
        return jdbc.sql("""
                        SELECT CASE WHEN status IN ('QUEUED', 'RUNNING') OR regrade_status = 'QUEUED' THEN NULL
                            ELSE status || '/' || coalesce(finished_at::text, '') || '/' || coalesce(regraded_at::text, '')
                            END FROM runs WHERE id = ?""")
                .param(runId)
                .query((rs, n) -> rs.getString(1))
                .optional()
                .orElse(null);
    }

    private static String sortKey(TraceQuery.Sort sort) {
        return switch (sort) {
            case ITEM -> "position";
            case VERDICT -> "(CASE WHEN status = 'ERROR' THEN 2 WHEN correct THEN 0 ELSE 1 END)";
            // A stored column, not the sum: the sum is not leakproof, so under row-level security a cursor's bound
            // on it could not enter the index (db/migration/V22).
            case TOKENS -> "tokens";
        };
    }

    /** A row with the value of its order's sort expression, from which the cursor after it is made. */
    record KeyedRow(ItemRow row, long sortKey) {}

    Optional<ItemRow> item(UUID runId, String itemId) {
        return jdbc.sql("""
                        SELECT item_id, position, status, correct, results::text, error_kind, error, prompt_tokens,
                            completion_tokens, cost
                        FROM run_items WHERE run_id = ? AND item_id = ?""").params(runId, itemId).query(this::row).optional();
    }

    int countItems(UUID runId, @Nullable String outcome) {
        return jdbc.sql("SELECT count(*) FROM run_items WHERE run_id = ?" + filter(outcome))
                .param(runId)
                .query(Integer.class)
                .single();
    }

    Map<String, List<Trace.Call>> calls(UUID runId, List<String> itemIds) {
        return jdbc
                .sql("""
                        SELECT item_id, call_key, role, endpoint_id, prompt, outputs::text, finish_reason, prompt_tokens,
                            completion_tokens, latency_ms, attempts, cached
                        FROM run_calls WHERE run_id = ? AND item_id = ANY(?) ORDER BY created_at, call_key""")
                .params(runId, itemIds.toArray(String[]::new))
                .query((rs, n) -> Map.entry(
                        rs.getString("item_id"),
                        new Trace.Call(
                                rs.getString("call_key"),
                                rs.getString("role").toLowerCase(java.util.Locale.ROOT),
                                rs.getString("endpoint_id"),
                                rs.getString("prompt"),
                                json.readValue(rs.getString("outputs"), STRINGS),
                                rs.getString("finish_reason"),
                                rs.getInt("prompt_tokens"),
                                rs.getInt("completion_tokens"),
                                rs.getLong("latency_ms"),
                                rs.getInt("attempts"),
                                rs.getBoolean("cached"))))
                .list()
                .stream()
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey,
                        LinkedHashMap::new,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    private static String filter(@Nullable String outcome) {
        String normalised = TraceQuery.outcome(outcome).outcome();
        if (normalised == null) {
            return "";
        }
        return switch (normalised) {
            case "correct" -> " AND status = 'DONE' AND correct";
            case "incorrect" -> " AND status = 'DONE' AND NOT correct";
            case "error" -> " AND status = 'ERROR'";
            default -> " AND status IN ('PENDING', 'RUNNING')";
        };
    }

    private ItemRow row(ResultSet rs, int n) throws SQLException {
        String results = rs.getString("results");
        return new ItemRow(
                rs.getString("item_id"),
                rs.getInt("position"),
                rs.getString("status").toLowerCase(java.util.Locale.ROOT),
                rs.getObject("correct", Boolean.class),
                results == null ? List.of() : json.readValue(results, PREDICTIONS),
                rs.getString("error_kind"),
                rs.getString("error"),
                rs.getInt("prompt_tokens"),
                rs.getInt("completion_tokens"),
                rs.getBigDecimal("cost"));
    }

    private static java.time.@Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** A run item's stored state, before the dataset item and calls are joined in. */
    record ItemRow(
            String itemId,
            int position,
            String status,
            @Nullable Boolean correct,
            List<Trace.GradedPrediction> predictions,
            @Nullable String errorKind,
            @Nullable String error,
            int promptTokens,
            int completionTokens,
            BigDecimal cost) {

        Trace toTrace(@Nullable DatasetItem item, List<Trace.Call> calls) {
            return new Trace(
                    itemId,
                    position,
                    item == null ? "" : item.question(),
                    item == null ? "" : item.gold(),
                    item == null ? AnswerType.STRING : item.answerType(),
                    status,
                    correct,
                    predictions,
                    calls,
                    errorKind,
                    error,
                    promptTokens,
                    completionTokens,
                    cost);
        }
    }
}
