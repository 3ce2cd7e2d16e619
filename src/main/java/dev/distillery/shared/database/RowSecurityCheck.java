package dev.distillery.shared.database;

import dev.distillery.shared.startup.StartupProblem;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when the database would not keep workspaces apart by itself: the application's role must be
 * subject to row-level security (not superuser, no BYPASSRLS, owner of no tenant table) and every tenant table
 * (one with a {@code workspace_id}, and {@code workspaces}) must have row-level security enabled, forced and a
 * policy. Runs after the migrations, as the application's role.
 */
@Component
class RowSecurityCheck implements SmartInitializingSingleton {

    private static final String TENANT_TABLES = """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS has_policy,
                   pg_has_role(current_user, c.relowner, 'MEMBER') AS owned
            FROM pg_class c
            WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
              AND (c.relname = 'workspaces'
                   OR EXISTS (SELECT 1 FROM pg_attribute a
                              WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped))
            ORDER BY c.relname""";

    private final DataSource dataSource;

    RowSecurityCheck(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> problems;
        String role;
        try (Connection connection = dataSource.getConnection()) {
            role = connection.getMetaData().getUserName();
            problems = problems(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not check the database's row-level security: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new StartupProblem(
                    "The database would not keep workspaces apart for the application's role '" + role + "':\n  - "
                            + String.join("\n  - ", problems),
                    "Distillery queries as a role that row-level security applies to (DISTILLERY_DB_APP_USER), separate "
                            + "from the owner that runs the migrations (DATABASE_USERNAME). Fix each point above as a "
                            + "database administrator, then start again; see the README's section on running on a "
                            + "PostgreSQL server.");
        }
    }

    /** What keeps the connection's role from being isolated by row-level security; empty when nothing does. */
    static List<String> problems(Connection connection) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (var statement = connection.createStatement()) {
            try (var role = statement.executeQuery(
                    "SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
                role.next();
                String name = role.getString("name");
                if (role.getBoolean("rolsuper")) {
                    problems.add("it is a superuser, which no policy applies to (ALTER ROLE " + quote(name)
                            + " NOSUPERUSER, or use another role)");
                }
                if (role.getBoolean("rolbypassrls")) {
                    problems.add("it has BYPASSRLS (ALTER ROLE " + quote(name) + " NOBYPASSRLS)");
                }
            }
            List<String> owned = new ArrayList<>();
            List<String> unprotected = new ArrayList<>();
            try (var tables = statement.executeQuery(TENANT_TABLES)) {
                while (tables.next()) {
                    String table = tables.getString("relname");
                    boolean enabled = tables.getBoolean("relrowsecurity");
                    boolean forced = tables.getBoolean("relforcerowsecurity");
                    if (tables.getBoolean("owned")) {
                        owned.add(table);
                    }
                    if (!enabled || !forced || !tables.getBoolean("has_policy")) {
                        unprotected.add(table + " ("
                                + (!enabled ? "row-level security not enabled" : !forced ? "not forced" : "no policy")
                                + ")");
                    }
                }
            }
            if (!owned.isEmpty()) {
                problems.add("it owns (or is a member of the owner of) " + String.join(", ", owned)
                        + ": set DISTILLERY_DB_APP_USER to a role other than the schema's owner");
            }
            if (!unprotected.isEmpty()) {
                problems.add("tenant tables without forced row-level security: " + String.join(", ", unprotected)
                        + " (ALTER TABLE … ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY and a policy on "
                        + "workspace_id = app_workspace_id(), in a migration)");
            }
        }
        return problems;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
