package dev.distillery.tenancy;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Append-only record of who did what in a workspace. Other modules record their actions (run launches, trace
 * corrections) here, inside their own transaction, so an action and its audit line commit together. The database
 * grants the application no UPDATE or DELETE on it.
 */
@Service
public class AuditLog {

    private final JdbcClient jdbc;
    private final CurrentTenant currentTenant;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, CurrentTenant currentTenant, Clock clock) {
        this.jdbc = jdbc;
        this.currentTenant = currentTenant;
        this.clock = clock;
    }

    /** Records an action of the current tenant's actor. */
    @Transactional
    public void record(String action, @Nullable String target, @Nullable String details) {
        record(currentTenant.require(), action, target, details);
    }

    /** Records an action in {@code tenant}'s workspace, which must be bound in this transaction. */
    @Transactional
    public void record(TenantContext tenant, String action, @Nullable String target, @Nullable String details) {
        jdbc.sql("""
                        INSERT INTO audit_events (workspace_id, occurred_at, actor_id, actor, action, target, details)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(tenant.workspaceId(), Timestamp.from(clock.instant()), tenant.actor().userId(),
                        tenant.actor().label(), action, target, details)
                .update();
    }

    /** The newest entries first; OWNER and ADMIN only. */
    @Transactional(readOnly = true)
    public List<AuditEntry> list(int offset, int limit) {
        currentTenant.require(Permission.VIEW_AUDIT);
        return jdbc.sql("""
                        SELECT id, occurred_at, actor, action, target, details FROM audit_events
                        ORDER BY id DESC OFFSET ? LIMIT ?""")
                .params(Math.max(0, offset), Math.clamp(limit, 1, 500))
                .query((rs, n) -> new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)))
                .list();
    }

    @Transactional(readOnly = true)
    public int count() {
        currentTenant.require(Permission.VIEW_AUDIT);
        return jdbc.sql("SELECT count(*) FROM audit_events").query(Integer.class).single();
    }
}
