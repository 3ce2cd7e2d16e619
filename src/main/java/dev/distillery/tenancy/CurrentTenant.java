package dev.distillery.tenancy;

import com.vaadin.flow.server.VaadinSession;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The tenant of the running action, taken from the authenticated context and never from request parameters: an API
 * key decides its workspace; a signed-in user acts in the workspace selected in their session (by default their
 * last one), and only while they are a member. Background work binds a context explicitly with {@link #callAs}.
 */
@Component
public class CurrentTenant {

    static final String SESSION_WORKSPACE = "distillery.workspace";
    private static final ThreadLocal<TenantContext> BOUND = new ThreadLocal<>();

    private final JdbcClient jdbc;
    private final Memberships memberships;

    CurrentTenant(JdbcClient jdbc, Memberships memberships) {
        this.jdbc = jdbc;
        this.memberships = memberships;
    }

    /**
     * The current tenant; call it inside the service's transaction, whose row-level-security setting it completes.
     *
     * @throws NoWorkspaceException when a signed-in user is in no workspace
     * @throws org.springframework.security.access.AccessDeniedException when nobody is authenticated
     */
    public TenantContext require() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("The tenant is resolved inside a service transaction");
        }
        TenantContext bound = BOUND.get();
        if (bound != null) {
            return bound;
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof ApiKeyAuthentication key) {
            return key.tenant();
        }
        AccountPrincipal user = principal(auth)
                .orElseThrow(() -> new org.springframework.security.access.AccessDeniedException("Sign in first."));
        UUID selected = selectedWorkspace();
        if (selected != null) {
            Optional<Role> role = bindMembership(selected, user.id());
            if (role.isPresent()) {
                return new TenantContext(selected, role.get(), Actor.user(user.id(), user.email()));
            }
        }
        UUID fallback = memberships.defaultWorkspace(user.id()).orElseThrow(NoWorkspaceException::new);
        Role role = bindMembership(fallback, user.id()).orElseThrow(NoWorkspaceException::new);
        storeSelection(fallback);
        return new TenantContext(fallback, role, Actor.user(user.id(), user.email()));
    }

    /**
     * The signed-in person acting for themselves rather than in a workspace (a campaign's contributor, who need not be
     * a member of any workspace); the transaction's row-level security then knows only their user id.
     *
     * @throws org.springframework.security.access.AccessDeniedException when nobody, or only an API key, is signed in
     */
    public Actor requirePerson() {
        TenantContext bound = BOUND.get();
        if (bound != null && bound.actor().userId() != null && !bound.actor().isApiKey()) {
            return bound.actor();
        }
        return principal(SecurityContextHolder.getContext().getAuthentication())
                .map(p -> Actor.user(p.id(), p.email()))
                .orElseThrow(() -> new org.springframework.security.access.AccessDeniedException(
                        "Sign in with your own account first."));
    }

    /**
     * Sets this transaction's row-level security to the signed-in person and no workspace, for work a person does
     * outside any membership (as a campaign's contributor).
     */
    public void bindPersonOnly() {
        UUID userId = java.util.Objects.requireNonNull(requirePerson().userId());
        jdbc.sql("SELECT set_config('app.workspace_id', '', true) AS w, set_config('app.user_id', ?, true) AS u")
                .param(userId.toString())
                .query((rs, n) -> 1)
                .single();
    }

    /** The current tenant if it may do {@code permission}. */
    public TenantContext require(Permission permission) {
        return require().require(permission);
    }

    /**
     * The context bound to this thread by {@link #callAs}, if any; background work uses it to know its tenant without
     * opening a transaction.
     */
    public Optional<TenantContext> bound() {
        return Optional.ofNullable(BOUND.get());
    }

    /** Runs {@code work} as {@code context}, on this thread; for jobs and start-up tasks that have no session. */
    public <T> T callAs(TenantContext context, Supplier<T> work) {
        TenantContext previous = BOUND.get();
        BOUND.set(context);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                BOUND.remove();
            } else {
                BOUND.set(previous);
            }
        }
    }

    /** Ids known without the database, for the transaction manager's row-level-security settings. */
    TenantIds ids() {
        TenantContext bound = BOUND.get();
        if (bound != null) {
            return new TenantIds(bound.workspaceId(), bound.actor().userId());
        }
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof ApiKeyAuthentication key) {
            return new TenantIds(key.tenant().workspaceId(), null);
        }
        return principal(auth)
                .map(p -> new TenantIds(selectedWorkspace(), p.id(), true))
                .orElse(new TenantIds(null, null));
    }

    Optional<AccountPrincipal> currentPrincipal() {
        return principal(SecurityContextHolder.getContext().getAuthentication());
    }

    /** Switches the session's workspace and this transaction's row-level-security setting. */
    void select(UUID workspaceId) {
        storeSelection(workspaceId);
        bindWorkspace(workspaceId);
    }

    void bindWorkspace(UUID workspaceId) {
        jdbc.sql("SELECT set_config('app.workspace_id', ?, true)")
                .param(workspaceId.toString())
                .query()
                .singleValue();
    }

    /** Sets this transaction's user for row-level security, for work done on a user's behalf before sign-in. */
    void bindUser(UUID userId) {
        jdbc.sql("SELECT set_config('app.user_id', ?, true)")
                .param(userId.toString())
                .query()
                .singleValue();
    }

    private Optional<Role> bindMembership(UUID workspaceId, UUID userId) {
        return jdbc.sql("""
                        SELECT m.role, set_config('app.workspace_id', ?, true)
                        FROM memberships m WHERE m.workspace_id = ? AND m.user_id = ?""")
                .params(workspaceId.toString(), workspaceId, userId)
                .query((rs, n) -> Role.valueOf(rs.getString("role")))
                .optional();
    }

    private static Optional<AccountPrincipal> principal(@Nullable Authentication auth) {
        return auth != null && auth.getPrincipal() instanceof AccountPrincipal p ? Optional.of(p) : Optional.empty();
    }

    private static @Nullable UUID selectedWorkspace() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        Object value = null;
        if (request != null) {
            value = request.getAttribute(SESSION_WORKSPACE, RequestAttributes.SCOPE_SESSION);
        } else if (VaadinSession.getCurrent() != null) {
            // Push and UI.access() run without a servlet request; the Vaadin session wraps the same HTTP session.
            value = VaadinSession.getCurrent().getSession().getAttribute(SESSION_WORKSPACE);
        }
        return value instanceof UUID id ? id : null;
    }

    private static void storeSelection(UUID workspaceId) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(SESSION_WORKSPACE, workspaceId, RequestAttributes.SCOPE_SESSION);
        } else if (VaadinSession.getCurrent() != null) {
            VaadinSession.getCurrent().getSession().setAttribute(SESSION_WORKSPACE, workspaceId);
        }
    }

    /**
     * The ids a transaction starts with. {@code selectedInSession}: the workspace is the one a session selected, which
     * may no longer be the user's (removed since, or a session replayed), so it holds only with a membership.
     */
    record TenantIds(@Nullable UUID workspaceId, @Nullable UUID userId, boolean selectedInSession) {

        TenantIds(@Nullable UUID workspaceId, @Nullable UUID userId) {
            this(workspaceId, userId, false);
        }
    }
}
