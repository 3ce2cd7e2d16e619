package dev.distillery.tenancy;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Accounts: sign-up, the look-up Spring Security signs in with, the current user, sign-in audit lines. */
@Service
public class AccountService implements UserDetailsService {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final Users users;
    private final Memberships memberships;
    private final PasswordEncoder passwordEncoder;
    private final CurrentTenant currentTenant;
    private final WorkspaceService workspaces;
    private final AuditLog auditLog;
    private final SignUpThrottle signUps;
    private final Clock clock;

    AccountService(
            Users users,
            Memberships memberships,
            PasswordEncoder passwordEncoder,
            CurrentTenant currentTenant,
            WorkspaceService workspaces,
            AuditLog auditLog,
            SignUpThrottle signUps,
            Clock clock) {
        this.users = users;
        this.memberships = memberships;
        this.passwordEncoder = passwordEncoder;
        this.currentTenant = currentTenant;
        this.workspaces = workspaces;
        this.auditLog = auditLog;
        this.signUps = signUps;
        this.clock = clock;
    }

    /**
     * Creates an account and a first workspace it owns.
     *
     * @throws InvalidInputException naming the field: email format, weak password, missing name
     * @throws ConflictException when the email is taken
     */
    @Transactional
    public UUID signUp(String email, String displayName, String password) {
        return create(email.strip(), displayName.strip(), password, displayName.strip() + "'s workspace");
    }

    /**
     * A sign-up from the web page: as {@link #signUp}, at most a few accounts per client address and hour.
     *
     * @throws ConflictException when the address has created its allowance of accounts this hour
     */
    @Transactional
    public UUID signUp(String email, String displayName, String password, String clientAddress) {
        if (!signUps.allows(clientAddress)) {
            throw new ConflictException("Too many accounts were created from your network address in the last hour. "
                    + "Try again later, or ask a workspace owner for an invitation.");
        }
        UUID id = signUp(email, displayName, password);
        signUps.created(clientAddress);
        return id;
    }

    /** Creates the configured first administrator with a workspace named "Default", once. */
    @Transactional
    public Optional<UUID> ensureAdmin(String email, String password) {
        String normalized = email.strip();
        if (users.emailTaken(normalized)) {
            return Optional.empty();
        }
        int at = normalized.indexOf('@');
        return Optional.of(create(normalized, at > 0 ? normalized.substring(0, at) : normalized, password, "Default"));
    }

    private UUID create(String email, String name, String password, String workspaceName) {
        validate(email, name, password);
        if (users.emailTaken(email)) {
            throw new ConflictException("An account with " + email + " already exists. Sign in instead.");
        }
        UUID userId = UUID.randomUUID();
        users.insert(userId, email, name, Objects.requireNonNull(passwordEncoder.encode(password)), clock.instant());
        workspaces.createOwned(userId, email, workspaceName);
        return userId;
    }

    @Override
    @Transactional(readOnly = true)
    public UserDetails loadUserByUsername(String username) {
        return users.principal(username.strip())
                .orElseThrow(() -> new UsernameNotFoundException("No account for " + username));
    }

    /** The signed-in user, if any. */
    public Optional<UserSummary> currentUser() {
        return currentTenant.currentPrincipal().map(p -> new UserSummary(p.id(), p.email(), p.displayName()));
    }

    /** Writes a sign-in (or failed sign-in) line into the audit log of every workspace of the account. */
    @Transactional
    public void recordSignIn(String email, boolean succeeded, String remoteAddress) {
        Optional<UUID> userId = users.idByEmail(email.strip());
        if (userId.isEmpty()) {
            return;
        }
        currentTenant.bindUser(userId.get());
        List<UUID> memberOf = memberships.workspaceIdsOf(userId.get());
        for (UUID workspaceId : memberOf) {
            currentTenant.bindWorkspace(workspaceId);
            auditLog.record(
                    new TenantContext(workspaceId, Role.VIEWER, Actor.user(userId.get(), email.strip())),
                    succeeded ? "auth.sign-in" : "auth.sign-in-failed",
                    email.strip(),
                    "from " + remoteAddress);
        }
    }

    /** The user's session epoch: a session signed in at an older one has been ended by "sign out everywhere". */
    @Transactional(readOnly = true)
    public OptionalInt sessionEpoch(String email) {
        return users.sessionEpoch(email.strip()).map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /**
     * Ends every session of the signed-in user, on every device and app instance: the user's session epoch moves on
     * (other sessions end at their next request) and their "stay signed in" tokens are deleted.
     */
    @Transactional
    public void signOutEverywhere() {
        AccountPrincipal user = currentTenant
                .currentPrincipal()
                .orElseThrow(() -> new org.springframework.security.access.AccessDeniedException("Sign in first."));
        users.nextSessionEpoch(user.id());
        users.deleteRememberMeTokens(user.email());
        currentTenant.bindUser(user.id());
        for (UUID workspaceId : memberships.workspaceIdsOf(user.id())) {
            currentTenant.bindWorkspace(workspaceId);
            auditLog.record(
                    new TenantContext(workspaceId, Role.VIEWER, Actor.user(user.id(), user.email())),
                    "auth.signed-out-everywhere",
                    user.email(),
                    null);
        }
    }

    private static void validate(String email, String name, String password) {
        if (!EMAIL.matcher(email).matches() || email.length() > 320) {
            throw new InvalidInputException("email", "Enter a valid email address, like ada@example.com.");
        }
        if (name.isEmpty() || name.length() > 100) {
            throw new InvalidInputException("displayName", "Enter a name of 1 to 100 characters.");
        }
        PasswordPolicy.weakness(password, List.of(email.toLowerCase(Locale.ROOT), name))
                .ifPresent(reason -> {
                    throw new InvalidInputException("password", reason);
                });
    }
}
