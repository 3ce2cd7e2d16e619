package dev.distillery.tenancy;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Starts every transaction with the tenant's row-level-security settings ({@code SET LOCAL} semantics: they end with
 * the transaction, so a pooled connection never carries one tenant's setting into another's work). Statements run
 * outside a transaction see no tenant rows at all.
 */
class TenantTransactionManager extends JdbcTransactionManager {

    private final CurrentTenant currentTenant;

    TenantTransactionManager(DataSource dataSource, CurrentTenant currentTenant) {
        super(dataSource);
        this.currentTenant = currentTenant;
    }

    @Override
    protected void prepareTransactionalConnection(Connection con, TransactionDefinition definition)
            throws SQLException {
        super.prepareTransactionalConnection(con, definition);
        CurrentTenant.TenantIds ids = currentTenant.ids();
        boolean verify = ids.selectedInSession() && ids.workspaceId() != null && ids.userId() != null;
        try (var statement = con.prepareStatement(
                "SELECT set_config('app.workspace_id', ?, true), set_config('app.user_id', ?, true)")) {
            statement.setString(
                    1,
                    ids.workspaceId() == null || verify ? "" : ids.workspaceId().toString());
            statement.setString(2, ids.userId() == null ? "" : ids.userId().toString());
            statement.execute();
        }
        if (verify) {
            // A session's workspace counts only while the user is a member of it: a member removed keeps their
            // session, and whatever ran before a service re-bound the tenant would otherwise read the workspace.
            try (var statement = con.prepareStatement("""
                    SELECT set_config('app.workspace_id', m.workspace_id::text, true)
                    FROM memberships m WHERE m.workspace_id = ? AND m.user_id = ?""")) {
                statement.setObject(1, ids.workspaceId());
                statement.setObject(2, ids.userId());
                statement.execute();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        TenantTransactionManager transactionManager(DataSource dataSource, CurrentTenant currentTenant) {
            return new TenantTransactionManager(dataSource, currentTenant);
        }
    }
}
