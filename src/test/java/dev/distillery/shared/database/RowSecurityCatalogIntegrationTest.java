package dev.distillery.shared.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Walks the migrated catalog, so a future table or function that would let one workspace read another's rows fails
 * the build: the startup check's rules hold for the application's role, and every SECURITY DEFINER function is
 * callable by that role only, with {@code pg_temp} last on its search path.
 */
class RowSecurityCatalogIntegrationTest extends ApiIntegrationTest {

    @Test
    void theApplicationsRoleIsIsolatedOnEveryTenantTable() throws SQLException {
        try (Connection app = appConnection()) {
            assertThat(RowSecurityCheck.problems(app)).isEmpty();
            var tables = app.createStatement().executeQuery("""
                    SELECT count(*) FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                      AND c.relforcerowsecurity""");
            tables.next();
            assertThat(tables.getLong(1))
                    .as("tables with forced row-level security")
                    .isGreaterThanOrEqualTo(24);
        }
    }

    @Test
    void theCheckNamesEveryRuleABadSchemaBreaks() throws SQLException {
        try (Connection owner = TestDatabase.ownerConnection()) {
            assertThat(RowSecurityCheck.problems(owner))
                    .anySatisfy(p -> assertThat(p).contains("superuser"));
            owner.createStatement().execute("""
                    CREATE SCHEMA probe;
                    GRANT USAGE ON SCHEMA probe TO distillery_app;
                    CREATE TABLE probe.notes (id int, workspace_id uuid);
                    CREATE TABLE probe.enabled_only (id int, workspace_id uuid);
                    ALTER TABLE probe.enabled_only ENABLE ROW LEVEL SECURITY;
                    CREATE TABLE probe.forced_no_policy (id int, workspace_id uuid);
                    ALTER TABLE probe.forced_no_policy ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE probe.forced_no_policy FORCE ROW LEVEL SECURITY;
                    CREATE TABLE probe.owned (id int, workspace_id uuid);
                    ALTER TABLE probe.owned ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE probe.owned FORCE ROW LEVEL SECURITY;
                    CREATE POLICY owned_tenant ON probe.owned USING (workspace_id = public.app_workspace_id());
                    ALTER TABLE probe.owned OWNER TO distillery_app;""");
            try (Connection app = appConnection()) {
                app.createStatement().execute("SET search_path = probe, public");
                List<String> problems = RowSecurityCheck.problems(app);
                assertThat(problems).hasSize(2);
                assertThat(problems.get(0)).contains("owns (or is a member of the owner of) owned");
                assertThat(problems.get(1))
                        .contains("enabled_only (not forced)")
                        .contains("forced_no_policy (no policy)")
                        .contains("notes (row-level security not enabled)")
                        .doesNotContain("owned (");
            } finally {
                owner.createStatement().execute("DROP SCHEMA probe CASCADE");
            }
        }
    }

    @Test
    void securityDefinerFunctionsAreTheApplicationsOnlyAndSafeFromShadowing() throws SQLException {
        try (Connection owner = TestDatabase.ownerConnection()) {
            var functions = owner.createStatement().executeQuery("""
                    SELECT p.oid::regprocedure::text,
                           has_function_privilege('public', p.oid, 'EXECUTE') AS public_may,
                           has_function_privilege('distillery_app', p.oid, 'EXECUTE') AS app_may,
                           coalesce(array_to_string(p.proconfig, ';'), '') AS config
                    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef""");
            List<String> names = new ArrayList<>();
            while (functions.next()) {
                String name = functions.getString(1);
                names.add(name);
                assertThat(functions.getBoolean(2))
                        .as(name + " callable by PUBLIC")
                        .isFalse();
                assertThat(functions.getBoolean(3))
                        .as(name + " callable by the app")
                        .isTrue();
                assertThat(functions.getString(4)).as(name + " search_path").endsWith("search_path=public, pg_temp");
            }
            assertThat(names).contains("find_api_key(text)", "find_invitation(text)", "find_public_board(text,text)");
        }
    }

    private static Connection appConnection() throws SQLException {
        return DriverManager.getConnection(TestDatabase.url(), "distillery_app", "distillery_app");
    }
}
