package dev.distillery.shared.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a failed embedded-database start into a message that says exactly how to go on. */
class DatabaseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedDatabaseUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabaseUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage(), """
                Distillery starts an embedded PostgreSQL only when no database is configured. Do one of these:
                  1. point it at a PostgreSQL 15+ you run:  DATABASE_URL=jdbc:postgresql://localhost:5432/distillery \
                DATABASE_USERNAME=postgres DATABASE_PASSWORD=... (see the README on running on a PostgreSQL server);
                  2. run Distillery as a normal (non-root) user: PostgreSQL refuses to run as root on many systems;
                  3. or start everything with Docker:  docker compose up""", cause);
    }
}
