package dev.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged app on a PostgreSQL set up the way managed plans are: the database's owner is an ordinary role that
 * may not create roles, so the application's role is created beforehand with the README's three statements. Row-level
 * security is forced, so even the owner sees no tenant rows without a workspace; startup problems the operator can
 * fix are said in a sentence, not a stack trace.
 */
class ManagedPostgresTest {

    static final String KEY = "dk_managed_pg_test_key_0123456789abcdef";
    static final String SUFFIX = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
    static final String OWNER = "managed_owner_" + SUFFIX;
    static final String APP = "managed_app_" + SUFFIX;
    static final String DATABASE = "managed_pg_" + SUFFIX;
    static final String SERVER = TestDatabase.server();

    @BeforeAll
    static void createOwnerAndDatabase() throws SQLException {
        try (Connection admin = admin()) {
            admin.createStatement()
                    .execute("CREATE ROLE " + OWNER + " LOGIN PASSWORD 'owner-pw' NOSUPERUSER NOCREATEROLE NOCREATEDB");
            admin.createStatement().execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER);
        }
    }

    @AfterAll
    static void dropThem() throws SQLException {
        try (Connection admin = admin()) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            admin.createStatement().execute("DROP ROLE IF EXISTS " + APP);
            admin.createStatement().execute("DROP ROLE IF EXISTS " + OWNER);
        }
    }

    @Test
    void anOwnerWithoutCreateRoleGetsTheStatementsToRunAndThenTheAppRunsIsolated() throws Exception {
        String refused = PackagedApp.startExpectingFailure(env(APP, "app-pw"), SERVER + DATABASE);
        assertThat(refused)
                .contains("APPLICATION FAILED TO START")
                .contains("The database user '" + OWNER + "' may not create roles, so the application's role '" + APP
                        + "' could not be created")
                .contains("CREATE ROLE " + APP + " LOGIN PASSWORD")
                .contains("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + APP)
                .doesNotContain("\tat org.springframework");

        // What the README tells the operator to run, as an administrator of the managed server.
        try (Connection admin = admin()) {
            admin.createStatement().execute("CREATE ROLE " + APP + " LOGIN PASSWORD 'app-pw' NOSUPERUSER NOBYPASSRLS");
            admin.createStatement().execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + APP);
        }
        try (Connection owner = DriverManager.getConnection(SERVER + DATABASE, OWNER, "owner-pw")) {
            owner.createStatement().execute("GRANT USAGE ON SCHEMA public TO " + APP);
        }

        try (PackagedApp app = PackagedApp.start(env(APP, "app-pw"), SERVER + DATABASE)) {
            // The key is found across tenants by a SECURITY DEFINER function despite forced policies.
            HttpResponse<String> workspace = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(app.url("/api/v1/workspace")))
                                    .header("Authorization", "Bearer " + KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(workspace.statusCode()).isEqualTo(200);
            assertThat(workspace.body()).contains("Default");
        }
        try (Connection owner = DriverManager.getConnection(SERVER + DATABASE, OWNER, "owner-pw")) {
            var rows = owner.createStatement()
                    .executeQuery(
                            "SELECT (SELECT count(*) FROM api_keys), (SELECT count(*) FROM workspaces), (SELECT count(*) FROM audit_events)");
            rows.next();
            assertThat(rows.getLong(1))
                    .as("api keys the owner sees without a workspace")
                    .isZero();
            assertThat(rows.getLong(2)).as("workspaces").isZero();
            assertThat(rows.getLong(3)).as("audit events").isZero();
        }

        String asOwner = PackagedApp.startExpectingFailure(env(OWNER, "owner-pw"), SERVER + DATABASE);
        assertThat(asOwner)
                .contains("APPLICATION FAILED TO START")
                .contains("would not keep workspaces apart for the application's role '" + OWNER + "'")
                .contains("set DISTILLERY_DB_APP_USER to a role other than the schema's owner");

        Map<String, String> noSecret = env(APP, "app-pw");
        noSecret.put("DISTILLERY_SECRET_KEY", null);
        assertThat(PackagedApp.startExpectingFailure(noSecret, SERVER + DATABASE))
                .contains("DISTILLERY_SECRET_KEY is not set")
                .contains("openssl rand -base64 32")
                .doesNotContain("\tat org.springframework");
    }

    @Test
    void anUnreachableDatabaseIsSaidInASentence() throws Exception {
        String down = PackagedApp.startExpectingFailure(env(APP, "app-pw"), "jdbc:postgresql://127.0.0.1:9/nowhere");
        assertThat(down)
                .contains("APPLICATION FAILED TO START")
                .contains("The database at jdbc:postgresql://127.0.0.1:9/nowhere cannot be reached")
                .contains("Check that PostgreSQL is running");
    }

    @Test
    void withoutDatabaseUrlTheEmbeddedDatabaseServesAndKeepsWorkspacesApart(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
        // The README's first command on a fresh machine: no DATABASE_URL. The app starts its own PostgreSQL, migrates
        // it as the owner and queries as the application's role, which the row-security check at start verifies.
        var env = new HashMap<String, String>();
        env.put("DATABASE_URL", null);
        env.put("DATABASE_USERNAME", null);
        env.put("DATABASE_PASSWORD", null);
        env.put("DISTILLERY_DATA_DIR", home.toString());
        try (var socket = new java.net.ServerSocket(0)) {
            env.put("DISTILLERY_EMBEDDED_DB_PORT", Integer.toString(socket.getLocalPort()));
        }
        env.put("DISTILLERY_ADMIN_EMAIL", "admin@example.com");
        env.put("DISTILLERY_ADMIN_PASSWORD", "violet tractor harbour 42 quietly");
        env.put("DISTILLERY_ADMIN_API_KEY", KEY);
        try (PackagedApp app = PackagedApp.start(env, "")) {
            HttpResponse<String> workspace = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(app.url("/api/v1/workspace")))
                                    .header("Authorization", "Bearer " + KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(workspace.statusCode()).as(workspace.body()).isEqualTo(200);
        }
    }

    private static Map<String, String> env(String appUser, String appPassword) {
        var env = new HashMap<String, String>();
        env.put("DATABASE_USERNAME", OWNER);
        env.put("DATABASE_PASSWORD", "owner-pw");
        env.put("DISTILLERY_DB_APP_USER", appUser);
        env.put("DISTILLERY_DB_APP_PASSWORD", appPassword);
        env.put("DISTILLERY_ADMIN_EMAIL", "admin@example.com");
        env.put("DISTILLERY_ADMIN_PASSWORD", "violet tractor harbour 42 quietly");
        env.put("DISTILLERY_ADMIN_API_KEY", KEY);
        return env;
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(SERVER + "postgres", TestDatabase.user(), TestDatabase.password());
    }
}
