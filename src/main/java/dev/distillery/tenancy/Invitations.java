package dev.distillery.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for invitations, stored by the hash of their token. A link's invitation is found across workspaces by
 * {@code find_invitation}, which runs with its owner's rights; everything else sees the bound workspace's only.
 */
@Repository
class Invitations {

    private static final String SELECT = """
            SELECT i.id, i.role, c.email AS created_by, i.created_at, i.expires_at, a.email AS accepted_by,
                   i.accepted_at, i.revoked_at
            FROM invitations i JOIN app_users c ON c.id = i.created_by LEFT JOIN app_users a ON a.id = i.accepted_by
            """;

    private final JdbcClient jdbc;

    Invitations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The invitation a token hash belongs to, in whichever workspace. */
    record Match(UUID id, UUID workspaceId) {}

    void insert(
            UUID id,
            UUID workspaceId,
            String tokenHash,
            Role role,
            UUID createdBy,
            Instant createdAt,
            Instant expiresAt) {
        jdbc.sql("""
                        INSERT INTO invitations (id, workspace_id, token_hash, role, created_by, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        workspaceId,
                        tokenHash,
                        role.name(),
                        createdBy,
                        Timestamp.from(createdAt),
                        Timestamp.from(expiresAt))
                .update();
    }

    /** The bound workspace's invitations, newest first, in their state at {@code now}. */
    List<InvitationSummary> list(Instant now) {
        return jdbc.sql(SELECT + " ORDER BY i.created_at DESC")
                .query((rs, n) -> summary(rs, now))
                .list();
    }

    Optional<InvitationSummary> find(UUID id, Instant now) {
        return jdbc.sql(SELECT + " WHERE i.id = ?")
                .param(id)
                .query((rs, n) -> summary(rs, now))
                .optional();
    }

    Optional<Match> findByTokenHash(String tokenHash) {
        return jdbc.sql("SELECT id, workspace_id FROM find_invitation(?)")
                .param(tokenHash)
                .query(Match.class)
                .optional();
    }

    void revoke(UUID id, Instant now) {
        jdbc.sql("UPDATE invitations SET revoked_at = ? WHERE id = ?")
                .params(Timestamp.from(now), id)
                .update();
    }

    /** Marks the invitation accepted by the user unless it was accepted or revoked meanwhile; returns whether it was. */
    boolean claim(UUID id, UUID userId, Instant now) {
        return jdbc.sql("""
                        UPDATE invitations SET accepted_by = ?, accepted_at = ?
                        WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL""").params(userId, Timestamp.from(now), id).update() > 0;
    }

    /**
     * Revokes the open invitations the user created in the bound workspace for a role not in {@code grantable};
     * returns their roles.
     */
    List<String> revokeCreatedBy(UUID userId, String[] grantable, Instant now) {
        return jdbc.sql("""
                        UPDATE invitations SET revoked_at = :now
                        WHERE workspace_id = app_workspace_id() AND created_by = :user
                          AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > :now
                          AND NOT (role = ANY (CAST(:grantable AS text[])))
                        RETURNING role""")
                .param("now", Timestamp.from(now))
                .param("user", userId)
                .param("grantable", grantable)
                .query(String.class)
                .list();
    }

    private static InvitationSummary summary(ResultSet rs, Instant now) throws SQLException {
        Instant expires = rs.getTimestamp("expires_at").toInstant();
        Timestamp accepted = rs.getTimestamp("accepted_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        InvitationSummary.State state = accepted != null
                ? InvitationSummary.State.ACCEPTED
                : revoked != null
                        ? InvitationSummary.State.REVOKED
                        : !now.isBefore(expires) ? InvitationSummary.State.EXPIRED : InvitationSummary.State.PENDING;
        return new InvitationSummary(
                rs.getObject("id", UUID.class),
                Role.valueOf(rs.getString("role")),
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(),
                expires,
                rs.getString("accepted_by"),
                instant(accepted),
                instant(revoked),
                state);
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
