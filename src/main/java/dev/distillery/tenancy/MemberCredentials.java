package dev.distillery.tenancy;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a member handed out ends with their standing: removed, their API keys are revoked and their open invitations
 * withdrawn; given a lower role, their keys are capped at it and invitations they could no longer issue withdrawn.
 * Each change is an audit line in the same transaction as the membership change.
 */
@Component
class MemberCredentials {

    private final JdbcClient jdbc;
    private final AuditLog auditLog;
    private final Clock clock;

    MemberCredentials(JdbcClient jdbc, AuditLog auditLog, Clock clock) {
        this.jdbc = jdbc;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** The member has left or was removed. */
    void revokeAll(TenantContext tenant, UUID userId, String email) {
        Timestamp now = Timestamp.from(clock.instant());
        List<String> keys = jdbc.sql("""
                        UPDATE api_keys SET revoked_at = ?
                        WHERE workspace_id = app_workspace_id() AND created_by = ? AND revoked_at IS NULL
                        RETURNING name""")
                .params(now, userId).query(String.class).list();
        keys.forEach(name -> auditLog.record(tenant, "api-key.revoked", name, "its creator " + email + " left the workspace"));
        withdrawInvitations(tenant, userId, email, null, now);
    }

    /** The member's role is now {@code role}. */
    void capAt(TenantContext tenant, UUID userId, String email, Role role) {
        Timestamp now = Timestamp.from(clock.instant());
        // Keys never hold OWNER: an owner's keys are capped at ADMIN, which they already are.
        Role cap = role == Role.OWNER ? Role.ADMIN : role;
        List<String[]> capped = jdbc.sql("""
                        UPDATE api_keys k SET role = :cap
                        FROM (SELECT id, role FROM api_keys
                              WHERE workspace_id = app_workspace_id() AND created_by = :user AND revoked_at IS NULL
                                AND array_position(CAST(:order AS text[]), role) < array_position(CAST(:order AS text[]), :cap)
                              FOR UPDATE) old
                        WHERE k.id = old.id
                        RETURNING k.name, old.role""")
                .param("cap", cap.name()).param("user", userId).param("order", order())
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        capped.forEach(key -> auditLog.record(tenant, "api-key.capped", key[0],
                key[1] + " -> " + cap + ": its creator " + email + " is now " + role.label()));
        withdrawInvitations(tenant, userId, email, role, now);
    }

    /** Withdraws the member's open invitations, all of them or those above what {@code role} may grant. */
    private void withdrawInvitations(TenantContext tenant, UUID userId, String email, @Nullable Role role, Timestamp now) {
        List<String> roles = jdbc.sql("""
                        UPDATE invitations SET revoked_at = :now
                        WHERE workspace_id = app_workspace_id() AND created_by = :user
                          AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > :now
                          AND NOT (role = ANY (CAST(:grantable AS text[])))
                        RETURNING role""")
                .param("now", now).param("user", userId)
                .param("grantable", role == null ? new String[0] : Arrays.stream(Role.values())
                        .filter(role::canGrant).map(Role::name).toArray(String[]::new))
                .query(String.class).list();
        roles.forEach(invited -> auditLog.record(tenant, "invitation.revoked", invited,
                "its creator " + email + (role == null ? " left the workspace" : " is now " + role.label())));
    }

    private static String[] order() {
        return Arrays.stream(Role.values()).map(Role::name).toArray(String[]::new);
    }
}
