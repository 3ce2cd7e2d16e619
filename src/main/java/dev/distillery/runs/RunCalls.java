package dev.distillery.runs;

import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.ModelRole;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * SQL of a run's finished model calls and of the workspace's response cache: calls are stored as they finish (their
 * responses cached with them) and replayed when an item resumes or is re-graded. Inside a tenant transaction, except
 * {@link #cachedNow}, which sets the tenant itself.
 */
@Repository
class RunCalls {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonMapper json;

    RunCalls(JdbcClient jdbc, JdbcTemplate batch, JsonMapper json) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
    }

    /** A finished call as stored with its item. */
    record StoredCall(
            String key,
            ModelRole role,
            UUID endpointId,
            String prompt,
            List<String> outputs,
            @Nullable String finishReason,
            int promptTokens,
            int completionTokens,
            BigDecimal cost,
            long latencyMs,
            int attempts,
            boolean cached) {}

    /** A finished call of an item, and the cache key of its request. */
    record CallRecord(UUID runId, String itemId, StoredCall call, String cacheKey, Instant at) {}

    record CachedResponse(
            List<String> outputs, @Nullable String finishReason, int promptTokens, int completionTokens) {}

    /** An item's stored calls in the order they were made (their replay order). */
    List<CompletedCall> calls(UUID runId, String itemId) {
        return jdbc.sql("""
                        SELECT call_key, role, prompt, outputs::text AS outputs FROM run_calls WHERE run_id = ? AND item_id = ?
                        ORDER BY created_at, call_key""")
                .params(runId, itemId)
                .query((rs, n) -> completedCall(rs))
                .list();
    }

    /** The stored calls of several items of a run, per item, each item's in the order {@link #calls} gives. */
    Map<String, List<CompletedCall>> callsOf(UUID runId, Collection<String> itemIds) {
        Map<String, List<CompletedCall>> calls = new HashMap<>();
        jdbc.sql("""
                        SELECT item_id, call_key, role, prompt, outputs::text AS outputs FROM run_calls
                        WHERE run_id = ? AND item_id = ANY(?) ORDER BY item_id, created_at, call_key""").params(runId, itemIds.toArray(String[]::new)).query(rs -> {
            calls.computeIfAbsent(rs.getString("item_id"), k -> new ArrayList<>())
                    .add(completedCall(rs));
        });
        return calls;
    }

    private CompletedCall completedCall(ResultSet rs) throws SQLException {
        return new CompletedCall(
                rs.getString("call_key"),
                ModelRole.valueOf(rs.getString("role")),
                rs.getString("prompt"),
                json.readValue(rs.getString("outputs"), STRINGS));
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
        return Optional.ofNullable(batch.<@Nullable CachedResponse>execute((ConnectionCallback<
                        @Nullable CachedResponse>)
                con -> {
                    if (!con.getAutoCommit()) {
                        throw new IllegalStateException("cachedNow needs an autocommit connection");
                    }
                    try (PreparedStatement ps = con.prepareStatement("""
                    SELECT set_config('app.workspace_id', ?, true);
                    SELECT outputs::text AS outputs, finish_reason, prompt_tokens, completion_tokens FROM response_cache
                    WHERE cache_key = ?""")) {
                        ps.setString(1, workspaceId.toString());
                        ps.setString(2, cacheKey);
                        ps.execute();
                        if (!ps.getMoreResults()) {
                            throw new IllegalStateException("The cache look-up returned no result set");
                        }
                        try (ResultSet rs = ps.getResultSet()) {
                            return rs.next() ? cachedResponse(rs) : null;
                        }
                    }
                }));
    }

    /** The cached responses among {@code cacheKeys}, by key. */
    Map<String, CachedResponse> cached(Collection<String> cacheKeys) {
        Map<String, CachedResponse> found = new HashMap<>();
        jdbc.sql("""
                        SELECT cache_key, outputs::text AS outputs, finish_reason, prompt_tokens, completion_tokens
                        FROM response_cache WHERE cache_key = ANY(?)""").param(cacheKeys.toArray(String[]::new)).query(rs -> {
            found.put(rs.getString("cache_key"), cachedResponse(rs));
        });
        return found;
    }

    private CachedResponse cachedResponse(ResultSet rs) throws SQLException {
        return new CachedResponse(
                json.readValue(rs.getString("outputs"), STRINGS),
                rs.getString("finish_reason"),
                rs.getInt("prompt_tokens"),
                rs.getInt("completion_tokens"));
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

    /** Stores imported items' calls (never cached: nothing was asked of a model here), after the items themselves. */
    void insertImported(UUID runId, UUID workspaceId, List<RunItems.ImportedItem> items, Instant now) {
        List<String> itemIds = new ArrayList<>();
        List<StoredCall> calls = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (RunItems.ImportedItem item : items) {
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
                .params(
                        workspaceId,
                        runId,
                        itemIds.toArray(String[]::new),
                        calls.stream().map(StoredCall::key).toArray(String[]::new),
                        calls.stream().map(c -> c.role().name()).toArray(String[]::new),
                        calls.stream().map(c -> c.endpointId().toString()).toArray(String[]::new),
                        calls.stream().map(StoredCall::prompt).toArray(String[]::new),
                        calls.stream()
                                .map(c -> json.writeValueAsString(c.outputs()))
                                .toArray(String[]::new),
                        times.toArray(String[]::new))
                .update();
    }
}
