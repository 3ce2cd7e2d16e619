package dev.distillery.tenancy;

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

/**
 * SQL for API keys, stored by the hash of their secret. A request's key is found across workspaces by
 * {@code find_api_key}, which runs with its owner's rights; everything else sees the bound workspace's keys only.
 */
@Repository
class ApiKeys {

    private static final String SELECT = """
            SELECT k.id, k.name, k.prefix, k.role, u.email AS created_by, k.created_at, k.last_used_at, k.revoked_at
            FROM api_keys k LEFT JOIN app_users u ON u.id = k.created_by""";

    private final JdbcClient jdbc;

    ApiKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The key a hash belongs to, in whichever workspace. */
    record Match(UUID id, UUID workspaceId, Role role, boolean revoked) {}

    /** A key in use: its name, and who created it with the role they hold now (null when no longer a member). */
    record Use(
            String name, @Nullable UUID createdBy, @Nullable Role creatorRole) {}

    /** A key whose role was lowered, with the role it had. */
    record Capped(String name, Role was) {}

    void insert(
            UUID id,
            UUID workspaceId,
            String name,
            String prefix,
            String hash,
            Role role,
            @Nullable UUID createdBy,
            Instant now) {
        jdbc.sql("""
                        INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, role, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, workspaceId, name, prefix, hash, role.name(), createdBy, Timestamp.from(now))
                .update();
    }

    /** The bound workspace's keys, newest first. */
    List<ApiKeySummary> list() {
        return jdbc.sql(SELECT + " ORDER BY k.created_at DESC")
                .query(ApiKeys::summary)
                .list();
    }

    Optional<ApiKeySummary> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE k.id = ?")
                .param(id)
                .query(ApiKeys::summary)
                .optional();
    }

    void revoke(UUID id, Instant now) {
        jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE id = ?")
                .params(Timestamp.from(now), id)
                .update();
    }

    Optional<Match> findByHash(String hash) {
        return jdbc.sql("SELECT id, workspace_id, role, revoked FROM find_api_key(?)")
                .param(hash)
                .query(Match.class)
                .optional();
    }

    boolean exists(String hash) {
        return jdbc.sql("SELECT count(*) FROM find_api_key(?)")
                        .param(hash)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /**
     * The key of the bound workspace as it is used now, noting the use at most once a minute: a busy client should
     * not turn every read into a write.
     */
    Use use(UUID id, Instant now) {
        return jdbc.sql("""
                        WITH touched AS (
                            UPDATE api_keys SET last_used_at = :now
                            WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :since))
                        SELECT k.name, k.created_by, m.role AS creator_role FROM api_keys k
                        LEFT JOIN memberships m ON m.workspace_id = k.workspace_id AND m.user_id = k.created_by
                        WHERE k.id = :id""")
                .param("now", Timestamp.from(now))
                .param("id", id)
                .param("since", Timestamp.from(now.minusSeconds(60)))
                .query(Use.class)
                .single();
    }

    /** Revokes the active keys the user created in the bound workspace; returns their names. */
    List<String> revokeCreatedBy(UUID userId, Instant now) {
        return jdbc.sql("""
                        UPDATE api_keys SET revoked_at = ?
                        WHERE workspace_id = app_workspace_id() AND created_by = ? AND revoked_at IS NULL
                        RETURNING name""")
                .params(Timestamp.from(now), userId)
                .query(String.class)
                .list();
    }

    /** Lowers the active keys the user created in the bound workspace that hold more than {@code cap} to it. */
    List<Capped> capCreatedBy(UUID userId, Role cap) {
        return jdbc.sql("""
                        UPDATE api_keys k SET role = :cap
                        FROM (SELECT id, role FROM api_keys
                              WHERE workspace_id = app_workspace_id() AND created_by = :user AND revoked_at IS NULL
                                AND array_position(CAST(:order AS text[]), role) < array_position(CAST(:order AS text[]), :cap)
                              FOR UPDATE) old
                        WHERE k.id = old.id
                        RETURNING k.name, old.role AS was""")
                .param("cap", cap.name())
                .param("user", userId)
                .param("order", Arrays.stream(Role.values()).map(Role::name).toArray(String[]::new))
                .query(Capped.class)
                .list();
    }

    private static ApiKeySummary summary(ResultSet rs, int n) throws SQLException {
        Timestamp used = rs.getTimestamp("last_used_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiKeySummary(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("prefix"),
                Role.valueOf(rs.getString("role")),
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(),
                used == null ? null : used.toInstant(),
                revoked == null ? null : revoked.toInstant());
    }
}
