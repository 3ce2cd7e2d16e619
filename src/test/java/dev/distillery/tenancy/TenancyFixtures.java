package dev.distillery.tenancy;

import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Creates users and workspaces through the real services, acting as a signed-in user where a test needs one. */
@Component
class TenancyFixtures {

    static final String PASSWORD = "violet tractor harbour 42 quietly";

    private final AccountService accounts;

    TenancyFixtures(AccountService accounts) {
        this.accounts = accounts;
    }

    String newEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Signs up a new user (which creates their first workspace) and returns the email. */
    String signUp(String who) {
        String email = newEmail(who);
        accounts.signUp(email, who, PASSWORD);
        return email;
    }

    <T> T as(String email, Supplier<T> action) {
        var principal = accounts.loadUserByUsername(email);
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new UsernamePasswordAuthenticationToken(principal, null, principal.getAuthorities()));
        var previous = SecurityContextHolder.getContext();
        SecurityContextHolder.setContext(context);
        try {
            return action.get();
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }

    void as(String email, Runnable action) {
        as(email, () -> {
            action.run();
            return null;
        });
    }
}
