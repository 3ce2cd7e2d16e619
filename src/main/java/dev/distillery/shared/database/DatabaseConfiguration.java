package dev.distillery.shared.database;

import com.zaxxer.hikari.HikariDataSource;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.shared.Installation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.util.StringUtils;

/**
 * Two data sources on one PostgreSQL: the owner's runs Flyway, the application's connects as a role that row-level
 * security applies to. Without a configured database an embedded PostgreSQL starts, keeping its data on disk.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean
    Installation installation(DatabaseProperties props) {
        return new Installation(!StringUtils.hasText(props.url()));
    }

    @Bean
    DatabaseRetry databaseRetry(Clock clock, DatabaseProperties props) {
        return new DatabaseRetry(clock, props.retryFor());
    }

    @Bean(destroyMethod = "close")
    ServerHandle databaseServer(DatabaseProperties props) {
        if (StringUtils.hasText(props.url())) {
            return new ServerHandle(
                    DatabaseServer.fromUrl(props.url(), nonNull(props.username()), nonNull(props.password())), null);
        }
        try {
            Files.createDirectories(props.embeddedDataDir());
            var pg = EmbeddedPostgres.builder()
                    .setDataDirectory(props.embeddedDataDir())
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(
                            props.embeddedDataDir().resolveSibling("pg-runtime").toFile())
                    .setPort(props.embeddedPort())
                    .start();
            log.info(
                    "Embedded PostgreSQL started on port {} with data in {}",
                    props.embeddedPort(),
                    props.embeddedDataDir());
            // Not pg.getJdbcUrl(user, db): it puts user=postgres in the URL, which would override the application
            // pool's own role and run every query as the superuser (the row-security check then refuses to start).
            return new ServerHandle(
                    new DatabaseServer("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", ""),
                    pg);
        } catch (IOException | RuntimeException e) {
            throw new EmbeddedDatabaseUnavailableException(
                    "The embedded PostgreSQL could not start (data folder " + props.embeddedDataDir() + "): "
                            + e.getMessage(),
                    e);
        }
    }

    @Bean(destroyMethod = "close")
    @FlywayDataSource
    HikariDataSource ownerDataSource(ServerHandle server, DatabaseProperties props) {
        var config = new HikariDataSource();
        // Used by migrations at startup; afterwards only the health endpoint looks at it, which must not hang.
        config.setConnectionTimeout(props.connectionTimeout().toMillis());
        config.setPoolName("owner");
        config.setJdbcUrl(server.server().jdbcUrl());
        config.setUsername(server.server().ownerUser());
        config.setPassword(server.server().ownerPassword());
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        return config;
    }

    @Bean(destroyMethod = "close")
    @Primary
    HikariDataSource dataSource(ServerHandle server, DatabaseProperties props) {
        // Built unstarted: the pool connects on first use, after Flyway has created the application role.
        var config = new HikariDataSource();
        config.setPoolName("app");
        config.setJdbcUrl(server.server().jdbcUrl());
        config.setUsername(props.appUser());
        config.setPassword(props.appPassword());
        config.setMaximumPoolSize(props.poolSize());
        // Lets JDBC batches travel as multi-row INSERTs: dataset imports and trace writes are batch-heavy.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Through a restart or failover a page or API call should hear "unavailable" in seconds, not hang for
        // Hikari's default 30 s; background work retries anyway (DatabaseRetry). Keep-alives let a connection to a
        // server that vanished without a reset be found dead.
        config.setConnectionTimeout(props.connectionTimeout().toMillis());
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return config;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** The server's connection facts plus, when embedded, the process to stop on shutdown. */
    record ServerHandle(
            DatabaseServer server,
            @org.jspecify.annotations.Nullable EmbeddedPostgres embedded) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
