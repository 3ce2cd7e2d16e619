package dev.distillery.shared.database;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Database failures at startup an operator can fix, said in one sentence with the fix: the server cannot be reached,
 * the credentials are refused, the database does not exist, or the owner may not create the application's role
 * (the usual case on managed PostgreSQL, where the role is created beforehand).
 */
class DatabaseAccessFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    private final Environment environment;

    DatabaseAccessFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        String owner = environment.getProperty("distillery.database.username", "postgres");
        String app = environment.getProperty("distillery.database.app-user", "distillery_app");
        String where = where();
        if (state.equals("42501") && message.contains("create role")) {
            return new FailureAnalysis(
                    "The database user '" + owner + "' may not create roles, so the application's role '" + app
                            + "' could not be created on " + where + ".",
                    """
                    Create the role once as a database administrator (the cloud console's SQL editor will do), then \
                    start again:
                      CREATE ROLE %1$s LOGIN PASSWORD 'a password of your own' NOSUPERUSER NOBYPASSRLS;
                      GRANT CONNECT ON DATABASE %2$s TO %1$s;
                      GRANT USAGE ON SCHEMA public TO %1$s;
                    and give Distillery that password in DISTILLERY_DB_APP_PASSWORD (the role's name is \
                    DISTILLERY_DB_APP_USER). The migrations grant it the rest.""".formatted(quoteIfNeeded(app), database()),
                    cause);
        }
        if (state.startsWith("08")) {
            return new FailureAnalysis(
                    "The database at " + where + " cannot be reached: " + message,
                    "Check that PostgreSQL is running and DATABASE_URL names its host, port and database correctly; "
                            + "a server in a container or another machine must accept connections from this one "
                            + "(listen_addresses, pg_hba.conf, firewall).",
                    cause);
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return new FailureAnalysis(
                    "The database at " + where + " refused the sign-in: " + message,
                    "Check DATABASE_USERNAME and DATABASE_PASSWORD (the schema's owner) and DISTILLERY_DB_APP_USER and "
                            + "DISTILLERY_DB_APP_PASSWORD (the role the app queries as).",
                    cause);
        }
        if (state.equals("3D000")) {
            return new FailureAnalysis(
                    "The database named in DATABASE_URL does not exist on " + where + ": " + message,
                    "Create it first (CREATE DATABASE distillery OWNER <the owner>;) or correct DATABASE_URL.",
                    cause);
        }
        return null;
    }

    /** The server without credentials: a URL may carry a password. */
    private String where() {
        String url = environment.getProperty("distillery.database.url", "");
        return url.isBlank()
                ? "the embedded PostgreSQL"
                : url.replaceAll("//[^@/]*@", "//").replaceAll("[?].*", "");
    }

    private String database() {
        String url = environment.getProperty("distillery.database.url", "");
        var name = java.util.regex.Pattern.compile("//[^/]*/([^?]+)").matcher(url);
        return name.find() ? quoteIfNeeded(name.group(1)) : "<the database>";
    }

    private static String quoteIfNeeded(String role) {
        return role.matches("[a-z_][a-z0-9_]*") ? role : '"' + role.replace("\"", "\"\"") + '"';
    }
}
