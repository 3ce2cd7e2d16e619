package dev.distillery;

import dev.distillery.tenancy.AccountService;
import dev.distillery.tenancy.ApiKeyService;
import dev.distillery.tenancy.InvitationService;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.WorkspaceService;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Creates users and workspaces through the real services, acting as a signed-in user where a test needs one. */
@Component
public class TestTenants {

    public static final String PASSWORD = "violet tractor harbour 42 quietly";

    private final AccountService accounts;
    private final InvitationService invitations;
    private final ApiKeyService apiKeys;
    private final WorkspaceService workspaces;

    TestTenants(
            AccountService accounts,
            ApiKeyService apiKeys,
            WorkspaceService workspaces,
            InvitationService invitations) {
        this.invitations = invitations;
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.workspaces = workspaces;
    }

    public String newEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Signs up a new user (which creates their first workspace) and returns the email. */
    public String signUp(String who) {
        String email = newEmail(who);
        accounts.signUp(email, who, PASSWORD);
        return email;
    }

    public <T> T as(String email, Supplier<T> action) {
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

    public void as(String email, Runnable action) {
        as(email, () -> {
            action.run();
            return null;
        });
    }

    /** A new user's workspace and an API key of it with the given role. */
    public Tenant tenant(String who, Role keyRole) {
        String email = signUp(who);
        var key = as(email, () -> apiKeys.create(who + "-key", keyRole));
        var workspace = as(email, () -> workspaces.current());
        return new Tenant(email, workspace.id(), key.secret());
    }

    /** Another API key of the user's workspace, with another role (a reviewer's, say). */
    public String apiKey(String email, Role role) {
        return as(email, () -> apiKeys.create(role.name().toLowerCase(java.util.Locale.ROOT) + "-key", role))
                .secret();
    }

    /**
     * A new user who joins the owner's workspace with {@code memberRole} and creates an API key with {@code keyRole}
     * (so the key acts as that user): returns the key. The member role must allow creating keys.
     */
    public String member(String ownerEmail, Role memberRole, Role keyRole) {
        String email = signUp("member");
        var invitation = as(ownerEmail, () -> invitations.create(memberRole));
        as(email, () -> invitations.accept(invitation.token()));
        return as(email, () -> apiKeys.create("member-key", keyRole)).secret();
    }

    /** A signed-up user, their workspace and an API key secret for it. */
    public record Tenant(String email, java.util.UUID workspaceId, String apiKey) {}
}
