package dev.distillery.tenancy;

import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
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
    private final Users users;
    private final Memberships memberships;
    private final CurrentTenant currentTenant;
    private final TransactionTemplate tx;
    private final String email;
    private final String password;
    private final String apiKey;

    AdminBootstrap(
            AccountService accounts,
            ApiKeyService apiKeys,
            Users users,
            Memberships memberships,
            CurrentTenant currentTenant,
            TransactionTemplate tx,
            BootstrapProperties properties) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.users = users;
        this.memberships = memberships;
        this.currentTenant = currentTenant;
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
            UUID userId = users.idByEmail(email.strip()).orElseThrow();
            currentTenant.bindUser(userId);
            UUID workspaceId = memberships.firstOwned(userId).orElseThrow();
            if (apiKeys.ensureKey(workspaceId, userId, email.strip(), "bootstrap", apiKey)) {
                log.info("Created the bootstrap API key for {}", email);
            }
        });
    }
}
