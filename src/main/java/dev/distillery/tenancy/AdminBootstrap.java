package dev.distillery.tenancy;

import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On start, creates the first administrator, a workspace "Default" and optionally an API key from the environment,
 * so automation can drive a fresh instance. Does nothing for what already exists.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final AccountService accounts;
    private final ApiKeyService apiKeys;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final String email;
    private final String password;
    private final String apiKey;

    AdminBootstrap(AccountService accounts, ApiKeyService apiKeys, JdbcClient jdbc, TransactionTemplate tx,
            BootstrapProperties properties) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.jdbc = jdbc;
        this.tx = tx;
        this.email = properties.adminEmail();
        this.password = properties.adminPassword();
        this.apiKey = properties.adminApiKey();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (email.isBlank() || password.isBlank()) {
            return;
        }
        Optional<UUID> created = accounts.ensureAdmin(email, password);
        created.ifPresent(id -> log.info("Created the first administrator {} with workspace \"Default\"", email));
        if (apiKey.isBlank()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            UUID userId = jdbc.sql("SELECT id FROM app_users WHERE lower(email) = lower(?)").param(email.strip())
                    .query(UUID.class).single();
            jdbc.sql("SELECT set_config('app.user_id', ?, true)").param(userId.toString()).query().singleValue();
            UUID workspaceId = jdbc.sql("""
                            SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
                            WHERE m.user_id = ? AND m.role = 'OWNER' ORDER BY (w.name = 'Default') DESC, w.created_at LIMIT 1""")
                    .param(userId).query(UUID.class).single();
            if (apiKeys.ensureKey(workspaceId, userId, email.strip(), "bootstrap", apiKey)) {
                log.info("Created the bootstrap API key for {}", email);
            }
        });
    }
}
