package dev.distillery.tenancy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the audit_events table, which the application may only insert into and read. */
@Repository
class AuditEvents {

    private final JdbcClient jdbc;

    AuditEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(
            UUID workspaceId,
            Instant occurredAt,
            @Nullable UUID actorId,
            String actor,
            String action,
            @Nullable String target,
            @Nullable String details) {
        jdbc.sql("""
                        INSERT INTO audit_events (workspace_id, occurred_at, actor_id, actor, action, target, details)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(workspaceId, Timestamp.from(occurredAt), actorId, actor, action, target, details)
                .update();
    }

    /** The bound workspace's entries, newest first. */
    List<AuditEntry> list(int offset, int limit) {
        return jdbc.sql("""
                        SELECT id, occurred_at, actor, action, target, details FROM audit_events
                        ORDER BY id DESC OFFSET ? LIMIT ?""")
                .params(offset, limit)
                .query((rs, n) -> new AuditEntry(
                        rs.getLong("id"),
                        rs.getTimestamp("occurred_at").toInstant(),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getString("details")))
                .list();
    }

    int count() {
        return jdbc.sql("SELECT count(*) FROM audit_events")
                .query(Integer.class)
                .single();
    }
}
