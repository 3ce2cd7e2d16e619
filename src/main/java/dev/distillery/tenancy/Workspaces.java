package dev.distillery.tenancy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the workspaces table; row-level security shows a transaction the workspace bound to it. */
@Repository
class Workspaces {

    private final JdbcClient jdbc;

    Workspaces(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the workspace unless its slug is taken; returns whether it did. */
    boolean insert(UUID id, String name, String slug, UUID createdBy, Instant now) {
        return jdbc.sql("""
                        INSERT INTO workspaces (id, name, slug, created_by, created_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (slug) DO NOTHING""")
                        .params(id, name, slug, createdBy, Timestamp.from(now))
                        .update()
                > 0;
    }

    /** The workspace as a member with {@code role} sees it. */
    WorkspaceSummary summary(UUID id, Role role) {
        return jdbc.sql("SELECT id, name, slug FROM workspaces WHERE id = ?")
                .param(id)
                .query((rs, n) -> new WorkspaceSummary(
                        rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("slug"), role))
                .single();
    }

    /** The id of the workspace this transaction is bound to. */
    UUID boundId() {
        return jdbc.sql("SELECT app_workspace_id()").query(UUID.class).single();
    }

    /** The name of the workspace this transaction is bound to. */
    String boundName() {
        return jdbc.sql("SELECT name FROM workspaces WHERE id = app_workspace_id()")
                .query(String.class)
                .single();
    }

    void rename(UUID id, String name) {
        jdbc.sql("UPDATE workspaces SET name = ? WHERE id = ?").params(name, id).update();
    }
}
