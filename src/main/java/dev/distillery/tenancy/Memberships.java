package dev.distillery.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for memberships: who belongs to which workspace in which role. Reads of the bound workspace's members go
 * through {@code app_workspace_id()}; a user's own memberships are visible to them in every workspace.
 */
@Repository
class Memberships {

    private static final String MEMBERS = """
            SELECT u.id, u.email, u.display_name, m.role, m.created_at
            FROM memberships m JOIN app_users u ON u.id = m.user_id
            WHERE m.workspace_id = app_workspace_id()
            """;

    private final JdbcClient jdbc;

    Memberships(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID workspaceId, UUID userId, Role role, Instant now) {
        jdbc.sql("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)")
                .params(workspaceId, userId, role.name(), Timestamp.from(now))
                .update();
    }

    boolean isMember(UUID workspaceId, UUID userId) {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE workspace_id = ? AND user_id = ?")
                        .params(workspaceId, userId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /** Whether the user is a member of the workspace this transaction is bound to. */
    boolean isMemberOfBound(UUID userId) {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE workspace_id = app_workspace_id() AND user_id = ?")
                        .param(userId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /** The user's workspaces with their role in each, by name. */
    List<WorkspaceSummary> workspacesOf(UUID userId) {
        return jdbc.sql("""
                        SELECT w.id, w.name, w.slug, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
                        WHERE m.user_id = ? ORDER BY lower(w.name), w.id""").param(userId).query(WorkspaceSummary.class).list();
    }

    List<UUID> workspaceIdsOf(UUID userId) {
        return jdbc.sql("SELECT workspace_id FROM memberships WHERE user_id = ?")
                .param(userId)
                .query(UUID.class)
                .list();
    }

    /** The user's last workspace if they are still a member of it, else the one they joined first. */
    Optional<UUID> defaultWorkspace(UUID userId) {
        return jdbc.sql("""
                        SELECT m.workspace_id FROM memberships m JOIN app_users u ON u.id = m.user_id
                        WHERE m.user_id = ?
                        ORDER BY (m.workspace_id = u.last_workspace_id) DESC, m.created_at LIMIT 1""").param(userId).query(UUID.class).optional();
    }

    /** A workspace the user owns, the one named "Default" first, else the oldest. */
    Optional<UUID> firstOwned(UUID userId) {
        return jdbc.sql("""
                        SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
                        WHERE m.user_id = ? AND m.role = 'OWNER' ORDER BY (w.name = 'Default') DESC, w.created_at LIMIT 1""").param(userId).query(UUID.class).optional();
    }

    /** The bound workspace's members by email. */
    List<MemberSummary> list() {
        return jdbc.sql(MEMBERS + " ORDER BY lower(u.email)")
                .query(Memberships::member)
                .list();
    }

    Optional<MemberSummary> find(UUID userId) {
        return jdbc.sql(MEMBERS + " AND m.user_id = ?")
                .param(userId)
                .query(Memberships::member)
                .optional();
    }

    int owners() {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE workspace_id = app_workspace_id() AND role = 'OWNER'")
                .query(Integer.class)
                .single();
    }

    void changeRole(UUID userId, Role role) {
        jdbc.sql("UPDATE memberships SET role = ? WHERE workspace_id = app_workspace_id() AND user_id = ?")
                .params(role.name(), userId)
                .update();
    }

    void delete(UUID userId) {
        jdbc.sql("DELETE FROM memberships WHERE workspace_id = app_workspace_id() AND user_id = ?")
                .param(userId)
                .update();
    }

    private static MemberSummary member(ResultSet rs, int row) throws SQLException {
        return new MemberSummary(
                rs.getObject("id", UUID.class),
                rs.getString("email"),
                rs.getString("display_name"),
                Role.valueOf(rs.getString("role")),
                rs.getTimestamp("created_at").toInstant());
    }
}
