package dev.distillery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.SpringApplication;

/**
 * A fresh PostgreSQL database per test JVM on the machine's server, dropped when the JVM ends, so runs never collide
 * or depend on leftovers. Point {@code DISTILLERY_TEST_PG_URL} (a JDBC URL ending in '/') elsewhere if needed.
 */
public final class TestDatabase {

    static final String SERVER =
            System.getenv().getOrDefault("DISTILLERY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    static final String USER = System.getenv().getOrDefault("DISTILLERY_TEST_PG_USER", "postgres");
    static final String PASSWORD = System.getenv().getOrDefault("DISTILLERY_TEST_PG_PASSWORD", "");

    private static String name;

    private TestDatabase() {}

    /** JDBC URL of this JVM's test database, created on first use. */
    public static synchronized String url() {
        if (name == null) {
            name = create(true);
        }
        return SERVER + name;
    }

    /** A new, empty database for a test that needs one of its own (for example a separately started app). */
    public static String createAnother() {
        return SERVER + create(false);
    }

    /** The server's JDBC URL without a database name (ends in '/'). */
    public static String server() {
        return SERVER;
    }

    public static String user() {
        return USER;
    }

    public static String password() {
        return PASSWORD;
    }

    /** A connection as the schema owner, which row-level security does not restrict. */
    public static Connection ownerConnection() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** The test database as its owner, a new connection per use (for tests that read or set up what RLS hides). */
    public static javax.sql.DataSource ownerDataSource() {
        return new org.springframework.jdbc.datasource.DriverManagerDataSource(url(), USER, PASSWORD);
    }

    /**
     * Creates a database that is dropped when the JVM exits: this JVM's own ({@code ofThisJvmsContexts}) after its
     * application contexts have closed, as a Spring Boot shutdown handler; dropped beside them, as a hook of its own,
     * a run still going at exit gave its items back one 5 s connection wait at a time until Surefire killed the JVM.
     * Another one (a separately started app's, closed by its test) by a hook of its own: a JVM that starts no Spring
     * application never runs Spring Boot's handlers.
     */
    private static String create(boolean ofThisJvmsContexts) {
        String db = "distillery_test_" + ProcessHandle.current().pid() + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, PASSWORD)) {
            c.createStatement().execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Tests need PostgreSQL at " + SERVER + " (user " + USER
                            + "); start it or set DISTILLERY_TEST_PG_URL. " + e.getMessage(),
                    e);
        }
        Runnable drop = () -> {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, PASSWORD)) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (SQLException ignored) {
                // Best effort: a leftover database has a unique name and harms no later run.
            }
        };
        if (ofThisJvmsContexts) {
            SpringApplication.getShutdownHandlers().add(drop);
        } else {
            Runtime.getRuntime().addShutdownHook(new Thread(drop));
        }
        return db;
    }
}
