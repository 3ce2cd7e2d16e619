package dev.distillery.tenancy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for accounts (app_users), found by email case-insensitively, and their "stay signed in" tokens. */
@Repository
class Users {

    private final JdbcClient jdbc;

    Users(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, String email, String displayName, String passwordHash, Instant now) {
        jdbc.sql("INSERT INTO app_users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(id, email, displayName, passwordHash, Timestamp.from(now))
                .update();
    }

    boolean emailTaken(String email) {
        return jdbc.sql("SELECT count(*) FROM app_users WHERE lower(email) = lower(?)")
                        .param(email)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /** The account as Spring Security signs it in, with its password hash. */
    Optional<AccountPrincipal> principal(String email) {
        return jdbc.sql("SELECT id, email, display_name, password_hash FROM app_users WHERE lower(email) = lower(?)")
                .param(email)
                .query((rs, n) -> new AccountPrincipal(
                        rs.getObject("id", UUID.class),
                        rs.getString("email"),
                        rs.getString("display_name"),
                        rs.getString("password_hash")))
                .optional();
    }

    Optional<UUID> idByEmail(String email) {
        return jdbc.sql("SELECT id FROM app_users WHERE lower(email) = lower(?)")
                .param(email)
                .query(UUID.class)
                .optional();
    }

    Optional<Integer> sessionEpoch(String email) {
        return jdbc.sql("SELECT session_epoch FROM app_users WHERE lower(email) = lower(?)")
                .param(email)
                .query(Integer.class)
                .optional();
    }

    /** Moves the user's session epoch on, which ends the sessions signed in at the older one. */
    void nextSessionEpoch(UUID id) {
        jdbc.sql("UPDATE app_users SET session_epoch = session_epoch + 1 WHERE id = ?")
                .param(id)
                .update();
    }

    /** Deletes the user's "stay signed in" tokens (Spring Security's table, keyed by the email it signed in with). */
    void deleteRememberMeTokens(String email) {
        jdbc.sql("DELETE FROM persistent_logins WHERE lower(username) = lower(?)")
                .param(email)
                .update();
    }

    /** The workspace the user lands in when their session has none selected. */
    void rememberWorkspace(UUID id, UUID workspaceId) {
        jdbc.sql("UPDATE app_users SET last_workspace_id = ? WHERE id = ?")
                .params(workspaceId, id)
                .update();
    }
}
