package dev.distillery.shared.database;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the database is and how the application reaches it.
 *
 * @param url JDBC or {@code postgres://} URL of an existing PostgreSQL; empty means "start the embedded one"
 * @param username owner of the schema (runs migrations); may also come from the URL
 * @param password the owner's password
 * @param appUser the role the application runs its queries as: not superuser, not owner, so row-level security holds
 * @param appPassword that role's password (only used if the server asks for one)
 * @param embeddedDataDir folder of the embedded server's data, kept across restarts
 * @param embeddedPort port of the embedded server
 * @param poolSize connections in the application's pool
 * @param connectionTimeout how long a request waits for a connection before it is told the database is unavailable
 * @param retryFor how long runs and background work retry through a database restart before a unit of work gives up
 */
@ConfigurationProperties("distillery.database")
record DatabaseProperties(
        @Nullable String url,
        @Nullable String username,
        @Nullable String password,
        String appUser,
        String appPassword,
        Path embeddedDataDir,
        int embeddedPort,
        int poolSize,
        Duration connectionTimeout,
        Duration retryFor) {}
