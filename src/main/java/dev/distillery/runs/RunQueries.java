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

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };
    private static final TypeReference<List<Trace.GradedPrediction>> PREDICTIONS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    RunQueries(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<RunDetails> details(UUID runId) {
        return jdbc.sql("""
                        SELECT r.id, r.name, r.method, r.preset, r.preset_version, r.params::text, r.decoding::text,
                            r.roles::text, r.dataset_id, d.name, r.dataset_version_id, v.version, r.split, r.item_offset,
                            r.item_limit, r.concurrency, r.seed, r.total, r.status, r.error, u.email, r.created_at,
                            r.started_at, r.finished_at, r.imported
                        FROM runs r JOIN datasets d ON d.id = r.dataset_id
                        JOIN dataset_versions v ON v.id = r.dataset_version_id
                        LEFT JOIN app_users u ON u.id = r.created_by
                        WHERE r.id = ?""")
                .param(runId)
                .query((rs, n) -> {
                    Map<String, RunSnapshot.RoleEndpoint> stored = json.readValue(rs.getString(8),
                            new TypeReference<LinkedHashMap<String, RunSnapshot.RoleEndpoint>>() { });
                    Map<String, RunDetails.RoleEndpoint> roles = stored.entrySet().stream().collect(Collectors.toMap(
                            e -> e.getKey().toLowerCase(java.util.Locale.ROOT),
                            e -> new RunDetails.RoleEndpoint(e.getValue().endpointId(), e.getValue().name(), e.getValue().model()),
                            (a, b) -> a, LinkedHashMap::new));
                    return new RunDetails(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), json.readValue(rs.getString(6), OBJECT), json.readValue(rs.getString(7), Decoding.class),
                            roles, rs.getObject(9, UUID.class), rs.getString(10), rs.getObject(11, UUID.class), rs.getInt(12),
                            rs.getString(13), rs.getInt(14), (Integer) rs.getObject(15), rs.getInt(16), (Integer) rs.getObject(17),
                            rs.getInt(18), RunStatus.valueOf(rs.getString(19)), rs.getString(20), rs.getString(21),
                            rs.getTimestamp(22).toInstant(), instant(rs.getTimestamp(23)), instant(rs.getTimestamp(24)),
                            rs.getBoolean(25));
                })
                .optional();
    }

    List<RunSummary> list(@Nullable UUID datasetId, int offset, int limit) {
        return jdbc.sql("""
                        SELECT r.id, r.name, r.method, r.preset, d.name, r.split, r.status, r.total,
                            (SELECT count(*) FROM run_items i WHERE i.run_id = r.id AND i.status = 'DONE'),
                            (SELECT count(*) FROM run_items i WHERE i.run_id = r.id AND i.status = 'DONE' AND i.correct),
                            (SELECT count(*) FROM run_items i WHERE i.run_id = r.id AND i.status = 'ERROR'),
                            r.created_at, r.imported
                        FROM runs r JOIN datasets d ON d.id = r.dataset_id
                        WHERE (CAST(:dataset AS uuid) IS NULL OR r.dataset_id = :dataset)
                        ORDER BY r.created_at DESC OFFSET :offset LIMIT :limit""")
                .param("dataset", datasetId).param("offset", offset).param("limit", limit)
                .query((rs, n) -> new RunSummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), RunStatus.valueOf(rs.getString(7)), rs.getInt(8),
                        rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getTimestamp(12).toInstant(), rs.getBoolean(13)))
                .list();
    }

    /** Finished items in item-id order (byte order, so every caller sorts the same way). */
    List<ItemOutcome> outcomes(UUID runId) {
        return jdbc.sql("""
                        SELECT item_id, coalesce(correct, false), status = 'ERROR' FROM run_items
                        WHERE run_id = ? AND status IN ('DONE', 'ERROR') ORDER BY item_id COLLATE "C\"""")
                .param(runId)
                .query((rs, n) -> new ItemOutcome(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)))
                .list();
    }

    List<ItemRow> items(UUID runId, @Nullable String outcome, int offset, int limit) {
        return jdbc.sql("""
                        SELECT item_id, position, status, correct, results::text, error_kind, error, prompt_tokens,
                            completion_tokens, cost
                        FROM run_items WHERE run_id = ?""" + filter(outcome) + " ORDER BY position OFFSET ? LIMIT ?")
                .params(runId, offset, limit)
                .query(this::row).list();
    }

    Optional<ItemRow> item(UUID runId, String itemId) {
        return jdbc.sql("""
                        SELECT item_id, position, status, correct, results::text, error_kind, error, prompt_tokens,
                            completion_tokens, cost
                        FROM run_items WHERE run_id = ? AND item_id = ?""")
                .params(runId, itemId)
                .query(this::row).optional();
    }

    int countItems(UUID runId, @Nullable String outcome) {
        return jdbc.sql("SELECT count(*) FROM run_items WHERE run_id = ?" + filter(outcome)).param(runId)
                .query(Integer.class).single();
    }

    Map<String, List<Trace.Call>> calls(UUID runId, List<String> itemIds) {
        return jdbc.sql("""
                        SELECT item_id, call_key, role, endpoint_id, prompt, outputs::text, finish_reason, prompt_tokens,
                            completion_tokens, latency_ms, attempts, cached
                        FROM run_calls WHERE run_id = ? AND item_id = ANY(?) ORDER BY created_at, call_key""")
                .params(runId, itemIds.toArray(String[]::new))
                .query((rs, n) -> Map.entry(rs.getString(1), new Trace.Call(rs.getString(2),
                        rs.getString(3).toLowerCase(java.util.Locale.ROOT), rs.getString(4), rs.getString(5),
                        json.readValue(rs.getString(6), STRINGS), rs.getString(7), rs.getInt(8), rs.getInt(9),
                        rs.getLong(10), rs.getInt(11), rs.getBoolean(12))))
                .list().stream()
                .collect(Collectors.groupingBy(Map.Entry::getKey, LinkedHashMap::new,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    private static String filter(@Nullable String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return "";
        }
        return switch (outcome.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "correct", "true" -> " AND status = 'DONE' AND correct";
            case "incorrect", "false" -> " AND status = 'DONE' AND NOT correct";
            case "error" -> " AND status = 'ERROR'";
            case "pending" -> " AND status IN ('PENDING', 'RUNNING')";
            default -> throw new IllegalArgumentException("Filter on correct, incorrect, error or pending, not '" + outcome + "'");
        };
    }

    private ItemRow row(ResultSet rs, int n) throws SQLException {
        String results = rs.getString(5);
        return new ItemRow(rs.getString(1), rs.getInt(2), rs.getString(3).toLowerCase(java.util.Locale.ROOT),
                (Boolean) rs.getObject(4), results == null ? List.of() : json.readValue(results, PREDICTIONS),
                rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9), rs.getBigDecimal(10));
    }

    private static java.time.@Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** A run item's stored state, before the dataset item and calls are joined in. */
    record ItemRow(String itemId, int position, String status, @Nullable Boolean correct,
            List<Trace.GradedPrediction> predictions, @Nullable String errorKind, @Nullable String error,
            int promptTokens, int completionTokens, BigDecimal cost) {

        Trace toTrace(@Nullable DatasetItem item, List<Trace.Call> calls) {
            return new Trace(itemId, position, item == null ? "" : item.question(), item == null ? "" : item.gold(),
                    item == null ? AnswerType.STRING : item.answerType(), status, correct, predictions, calls, errorKind,
                    error, promptTokens, completionTokens, cost);
        }
    }
}
