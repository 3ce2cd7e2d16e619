package dev.distillery.shared.database;

/** The embedded PostgreSQL could not start; {@link DatabaseFailureAnalyzer} tells the user what to do instead. */
class EmbeddedDatabaseUnavailableException extends RuntimeException {

    EmbeddedDatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
