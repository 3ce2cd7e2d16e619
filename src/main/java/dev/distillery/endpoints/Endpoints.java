package dev.distillery.endpoints;

import dev.distillery.endpoints.internal.EndpointConfig;
import dev.distillery.endpoints.internal.SecretCipher;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL for the endpoints table; callers run inside a tenant transaction, so row-level security scopes every query. */
@Repository
class Endpoints {

    private static final String COLUMNS = """
            id, name, base_url, model, api_key_last4, header_names, api_style, temperature, top_p, max_tokens, stop,
            max_concurrency, rpm, tpm, timeout_seconds, price_input, price_output, size_label, parameters_b,
            created_at, updated_at""";

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final JsonMapper json;

    Endpoints(JdbcClient jdbc, SecretCipher cipher, JsonMapper json) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.json = json;
    }

    void insert(UUID id, UUID workspaceId, EndpointDraft d, Instant now) {
        jdbc.sql("""
                        INSERT INTO endpoints (id, workspace_id, name, base_url, model, api_key_cipher, api_key_last4,
                            headers_cipher, header_names, api_style, temperature, top_p, max_tokens, stop,
                            max_concurrency, rpm, tpm, timeout_seconds, price_input, price_output, size_label,
                            parameters_b, created_at, updated_at)
                        VALUES (:id, :ws, :name, :url, :model, :key, :last4, :headers, :headerNames, :style, :temperature,
                            :topP, :maxTokens, :stop, :concurrency, :rpm, :tpm, :timeout, :priceIn, :priceOut, :size,
                            :params, :now, :now)""")
                .param("id", id)
                .param("ws", workspaceId)
                .param(
                        "key",
                        blankToNull(d.apiKey()) instanceof String key
                                ? cipher.encrypt(key.strip(), keyPlace(id))
                                : null)
                .param("last4", last4(d.apiKey()))
                .param(
                        "headers",
                        d.headers().isEmpty()
                                ? null
                                : cipher.encrypt(json.writeValueAsString(d.headers()), headersPlace(id)))
                .param("headerNames", d.headers().keySet().toArray(String[]::new))
                .params(settings(d))
                .param("now", Timestamp.from(now))
                .update();
    }

    /**
     * A new endpoint for another model of the same server: the source's URL, key and headers, style, decoding
     * defaults, limits and size; prices are unknown. The secrets are decrypted and encrypted again for the new row
     * (each is bound to its own row), never leaving this method in clear.
     */
    boolean insertCopy(UUID id, UUID sourceId, String name, String model, Instant now) {
        record Secrets(byte @Nullable [] key, byte @Nullable [] headers) {}
        Optional<Secrets> source =
                jdbc.sql("""
                        SELECT api_key_cipher AS key, headers_cipher AS headers FROM endpoints
                        WHERE id = ? AND deleted_at IS NULL""").param(sourceId).query(Secrets.class).optional();
        if (source.isEmpty()) {
            return false;
        }
        byte[] key = source.get().key() == null
                ? null
                : cipher.encrypt(cipher.decrypt(source.get().key(), keyPlace(sourceId)), keyPlace(id));
        byte[] headers = source.get().headers() == null
                ? null
                : cipher.encrypt(cipher.decrypt(source.get().headers(), headersPlace(sourceId)), headersPlace(id));
        return jdbc.sql("""
                        INSERT INTO endpoints (id, workspace_id, name, base_url, model, api_key_cipher, api_key_last4,
                            headers_cipher, header_names, api_style, temperature, top_p, max_tokens, stop,
                            max_concurrency, rpm, tpm, timeout_seconds, size_label, parameters_b, created_at, updated_at)
                        SELECT :id, workspace_id, :name, base_url, :model, :key, api_key_last4,
                            :headers, header_names, api_style, temperature, top_p, max_tokens, stop,
                            max_concurrency, rpm, tpm, timeout_seconds, size_label, parameters_b, :now, :now
                        FROM endpoints WHERE id = :source AND deleted_at IS NULL""")
                        .param("id", id)
                        .param("source", sourceId)
                        .param("name", name)
                        .param("model", model)
                        .param("key", key)
                        .param("headers", headers)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /**
     * Encrypts every secret of the workspace's endpoints that is under an older key or format again under the current
     * key; returns how many endpoints changed.
     */
    int reencrypt() {
        record Row(UUID id, byte @Nullable [] key, byte @Nullable [] headers) {}
        List<Row> rows = jdbc.sql(
                        "SELECT id, api_key_cipher AS key, headers_cipher AS headers FROM endpoints FOR UPDATE")
                .query(Row.class)
                .list();
        int changed = 0;
        for (Row row : rows) {
            byte @Nullable [] key = row.key();
            byte @Nullable [] headers = row.headers();
            boolean staleKey = key != null && cipher.stale(key);
            boolean staleHeaders = headers != null && cipher.stale(headers);
            if (!staleKey && !staleHeaders) {
                continue;
            }
            if (key != null && staleKey) {
                key = cipher.encrypt(cipher.decrypt(key, keyPlace(row.id())), keyPlace(row.id()));
            }
            if (headers != null && staleHeaders) {
                headers = cipher.encrypt(cipher.decrypt(headers, headersPlace(row.id())), headersPlace(row.id()));
            }
            jdbc.sql("UPDATE endpoints SET api_key_cipher = ?, headers_cipher = ? WHERE id = ?")
                    .params(key, headers, row.id())
                    .update();
            changed++;
        }
        return changed;
    }

    /** How many of the workspace's endpoints hold a secret under an older key or format. */
    int staleSecrets() {
        return (int) jdbc
                .sql("SELECT api_key_cipher, headers_cipher FROM endpoints")
                .query((rs, n) -> {
                    byte[] key = rs.getBytes("api_key_cipher");
                    byte[] headers = rs.getBytes("headers_cipher");
                    return (key != null && cipher.stale(key)) || (headers != null && cipher.stale(headers));
                })
                .list()
                .stream()
                .filter(Boolean::booleanValue)
                .count();
    }

    private static String keyPlace(UUID endpointId) {
        return "endpoint " + endpointId + " api-key";
    }

    private static String headersPlace(UUID endpointId) {
        return "endpoint " + endpointId + " headers";
    }

    /** Updates everything but the key; headers only when {@code headers} is given. */
    boolean update(UUID id, EndpointDraft d, @Nullable Map<String, String> headers, Instant now) {
        String headerSql = headers == null ? "" : ", headers_cipher = :headers, header_names = :headerNames";
        var statement = jdbc.sql("""
                        UPDATE endpoints SET name = :name, base_url = :url, model = :model, api_style = :style,
                            temperature = :temperature, top_p = :topP, max_tokens = :maxTokens, stop = :stop,
                            max_concurrency = :concurrency, rpm = :rpm, tpm = :tpm, timeout_seconds = :timeout,
                            price_input = :priceIn, price_output = :priceOut, size_label = :size, parameters_b = :params,
                            updated_at = :now, version = version + 1""" + headerSql + " WHERE id = :id AND deleted_at IS NULL")
                .param("id", id)
                .params(settings(d))
                .param("now", Timestamp.from(now));
        if (headers != null) {
            statement = statement
                    .param(
                            "headers",
                            headers.isEmpty()
                                    ? null
                                    : cipher.encrypt(json.writeValueAsString(headers), headersPlace(id)))
                    .param("headerNames", headers.keySet().toArray(String[]::new));
        }
        return statement.update() == 1;
    }

    boolean replaceKey(UUID id, @Nullable String apiKey, Instant now) {
        return jdbc.sql("""
                        UPDATE endpoints SET api_key_cipher = ?, api_key_last4 = ?, updated_at = ?, version = version + 1
                        WHERE id = ? AND deleted_at IS NULL""")
                        .params(
                                blankToNull(apiKey) instanceof String key
                                        ? cipher.encrypt(key.strip(), keyPlace(id))
                                        : null,
                                last4(apiKey),
                                Timestamp.from(now),
                                id)
                        .update()
                == 1;
    }

    boolean markDeleted(UUID id, Instant now) {
        return jdbc.sql(
                                "UPDATE endpoints SET deleted_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL")
                        .params(Timestamp.from(now), id)
                        .update()
                == 1;
    }

    Optional<EndpointDetails> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM endpoints WHERE id = ? AND deleted_at IS NULL")
                .param(id)
                .query(this::details)
                .optional();
    }

    boolean anyLive() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM endpoints WHERE deleted_at IS NULL)")
                .query(Boolean.class)
                .single();
    }

    List<EndpointDetails> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM endpoints WHERE deleted_at IS NULL ORDER BY lower(name)")
                .query(this::details)
                .list();
    }

    boolean nameTaken(String name, @Nullable UUID except) {
        return jdbc.sql(
                                "SELECT count(*) FROM endpoints WHERE lower(name) = lower(?) AND deleted_at IS NULL AND id IS DISTINCT FROM ?")
                        .params(name, except)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    Optional<EndpointConfig> config(UUID id) {
        return jdbc.sql("""
                        SELECT workspace_id, version, api_key_cipher, headers_cipher, """ + COLUMNS + " FROM endpoints WHERE id = ? AND deleted_at IS NULL")
                .param(id)
                .query((rs, n) -> {
                    EndpointDetails d = details(rs, n);
                    byte[] key = rs.getBytes("api_key_cipher");
                    byte[] headers = rs.getBytes("headers_cipher");
                    Map<String, String> headerValues = headers == null
                            ? Map.of()
                            : json.readValue(
                                    cipher.decrypt(headers, headersPlace(id)),
                                    new TypeReference<LinkedHashMap<String, String>>() {});
                    return new EndpointConfig(
                            d.id(),
                            rs.getObject("workspace_id", UUID.class),
                            rs.getLong("version"),
                            d.baseUrl(),
                            d.model(),
                            key == null ? null : cipher.decrypt(key, keyPlace(id)),
                            headerValues,
                            d.apiStyle(),
                            d.defaults(),
                            d.limits(),
                            Duration.ofSeconds(d.timeoutSeconds()));
                })
                .optional();
    }

    private static Map<String, Object> settings(EndpointDraft d) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", d.name().strip());
        p.put("url", d.baseUrl());
        p.put("model", d.model().strip());
        p.put("style", d.apiStyle().name());
        p.put("temperature", d.defaults().temperature());
        p.put("topP", d.defaults().topP());
        p.put("maxTokens", d.defaults().maxTokens());
        p.put("stop", d.defaults().stop().toArray(String[]::new));
        p.put("concurrency", d.limits().maxConcurrency());
        p.put("rpm", d.limits().rpm());
        p.put("tpm", d.limits().tpm());
        p.put("timeout", d.timeoutSeconds());
        p.put("priceIn", d.pricing().inputPerMillion());
        p.put("priceOut", d.pricing().outputPerMillion());
        p.put("size", blankToNull(d.sizeLabel()));
        p.put("params", d.parameterCountBillions());
        return p;
    }

    private EndpointDetails details(ResultSet rs, int n) throws SQLException {
        String last4 = rs.getString("api_key_last4");
        return new EndpointDetails(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("base_url"),
                rs.getString("model"),
                last4 == null ? null : "••••" + last4,
                ApiStyle.valueOf(rs.getString("api_style")),
                new LinkedHashSet<>(strings(rs.getArray("header_names"))),
                new EndpointDraft.Decoding(
                        nullableDouble(rs, "temperature"),
                        nullableDouble(rs, "top_p"),
                        nullableInt(rs, "max_tokens"),
                        strings(rs.getArray("stop"))),
                new EndpointDraft.Limits(rs.getInt("max_concurrency"), nullableInt(rs, "rpm"), nullableInt(rs, "tpm")),
                rs.getInt("timeout_seconds"),
                new EndpointDraft.Pricing(rs.getBigDecimal("price_input"), rs.getBigDecimal("price_output")),
                rs.getString("size_label"),
                nullableDouble(rs, "parameters_b"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static @Nullable Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static @Nullable Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static @Nullable String last4(@Nullable String key) {
        String k = blankToNull(key);
        return k == null ? null : k.strip().substring(Math.max(0, k.strip().length() - 4));
    }
}
