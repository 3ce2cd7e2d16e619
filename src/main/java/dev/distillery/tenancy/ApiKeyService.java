package dev.distillery.tenancy;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Workspace API keys for automation. The secret is shown once and stored as a hash; the key alone decides the
 * workspace and the role of every request made with it.
 */
@Service
public class ApiKeyService {

    static final String SECRET_PREFIX = "dk_";
    private static final int SHOWN_PREFIX = 10;

    private final ApiKeys apiKeys;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    ApiKeyService(ApiKeys apiKeys, CurrentTenant currentTenant, AuditLog auditLog, Clock clock) {
        this.apiKeys = apiKeys;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    @Transactional
    public CreatedApiKey create(String name, Role role) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_API_KEYS);
        String clean = name.strip();
        if (clean.isEmpty() || clean.length() > 80) {
            throw new InvalidInputException("name", "Enter a key name of 1 to 80 characters, such as \"ci\".");
        }
        if (role == Role.OWNER || !tenant.role().canGrant(role)) {
            throw new InvalidInputException(
                    "role", "A key can have the Admin, Member, Reviewer or Viewer role, at most your own.");
        }
        String secret = Secrets.newSecret(SECRET_PREFIX);
        UUID id = insert(tenant, clean, role, secret);
        return new CreatedApiKey(id, clean, role, secret);
    }

    @Transactional(readOnly = true)
    public List<ApiKeySummary> list() {
        currentTenant.require(Permission.MANAGE_API_KEYS);
        return apiKeys.list();
    }

    @Transactional
    public void revoke(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_API_KEYS);
        ApiKeySummary key = apiKeys.find(id).orElseThrow(() -> new NotFoundException("API key " + id + " not found."));
        if (!key.active()) {
            throw new ConflictException("API key \"" + key.name() + "\" is already revoked.");
        }
        apiKeys.revoke(id, clock.instant());
        auditLog.record(tenant, "api-key.revoked", key.name(), key.prefix() + "…");
    }

    /**
     * The authentication a bearer secret stands for, or empty when no key matches.
     *
     * @throws BadCredentialsException when the key was revoked
     */
    @Transactional
    public Optional<Authentication> authenticate(String secret) {
        Optional<ApiKeys.Match> found = apiKeys.findByHash(Secrets.hash(secret.strip()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.get().revoked()) {
            throw new BadCredentialsException("This API key has been revoked. Create a new key in Workspace settings.");
        }
        currentTenant.bindWorkspace(found.get().workspaceId());
        ApiKeys.Use key = apiKeys.use(found.get().id(), clock.instant());
        // A key acts for its creator and never beyond them: revoked with their membership and capped with their
        // role when that happens, and checked again here in case a change ever bypassed the service.
        if (key.createdBy() != null && key.creatorRole() == null) {
            throw new BadCredentialsException("This API key's creator is no longer a member of the workspace.");
        }
        Role role = key.creatorRole() == null
                        || key.creatorRole().ordinal() <= found.get().role().ordinal()
                ? found.get().role()
                : key.creatorRole();
        return Optional.of(new ApiKeyAuthentication(
                found.get().id(), found.get().workspaceId(), role, key.name(), key.createdBy()));
    }

    /** Stores a given secret as an ADMIN key of the bound workspace, unless a key with that secret exists. */
    @Transactional
    public boolean ensureKey(UUID workspaceId, UUID ownerId, String ownerEmail, String name, String secret) {
        if (apiKeys.exists(Secrets.hash(secret.strip()))) {
            return false;
        }
        if (secret.strip().length() < 24) {
            throw new InvalidInputException(
                    "DISTILLERY_ADMIN_API_KEY", "Use a random secret of at least 24 characters.");
        }
        currentTenant.bindWorkspace(workspaceId);
        insert(
                new TenantContext(workspaceId, Role.OWNER, Actor.user(ownerId, ownerEmail)),
                name,
                Role.ADMIN,
                secret.strip());
        return true;
    }

    private UUID insert(TenantContext tenant, String name, Role role, String secret) {
        UUID id = UUID.randomUUID();
        apiKeys.insert(
                id,
                tenant.workspaceId(),
                name,
                secret.substring(0, Math.min(SHOWN_PREFIX, secret.length())),
                Secrets.hash(secret),
                role,
                tenant.actor().userId(),
                clock.instant());
        auditLog.record(tenant, "api-key.created", name, role.name());
        return id;
    }
}
