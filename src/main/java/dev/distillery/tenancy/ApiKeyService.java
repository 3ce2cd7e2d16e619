package dev.distillery.tenancy;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
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

    private final JdbcClient jdbc;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    ApiKeyService(JdbcClient jdbc, CurrentTenant currentTenant, AuditLog auditLog, Clock clock) {
        this.jdbc = jdbc;
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
            throw new InvalidInputException("role", "A key can have the Admin, Member, Reviewer or Viewer role, at most your own.");
        }
        String secret = Secrets.newSecret(SECRET_PREFIX);
        UUID id = insert(tenant, clean, role, secret);
        return new CreatedApiKey(id, clean, role, secret);
    }

    @Transactional(readOnly = true)
    public List<ApiKeySummary> list() {
        currentTenant.require(Permission.MANAGE_API_KEYS);
        return jdbc.sql("""
                        SELECT k.id, k.name, k.prefix, k.role, u.email, k.created_at, k.last_used_at, k.revoked_at
                        FROM api_keys k LEFT JOIN app_users u ON u.id = k.created_by ORDER BY k.created_at DESC""")
                .query(this::map).list();
    }

    @Transactional
    public void revoke(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_API_KEYS);
        ApiKeySummary key = jdbc.sql("""
                        SELECT k.id, k.name, k.prefix, k.role, u.email, k.created_at, k.last_used_at, k.revoked_at
                        FROM api_keys k LEFT JOIN app_users u ON u.id = k.created_by WHERE k.id = ?""")
                .param(id).query(this::map).optional()
                .orElseThrow(() -> new NotFoundException("API key " + id + " not found."));
        if (!key.active()) {
            throw new ConflictException("API key \"" + key.name() + "\" is already revoked.");
        }
        jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE id = ?").params(Timestamp.from(clock.instant()), id).update();
        auditLog.record(tenant, "api-key.revoked", key.name(), key.prefix() + "…");
    }

    /**
     * The authentication a bearer secret stands for, or empty when no key matches.
     *
     * @throws BadCredentialsException when the key was revoked
     */
    @Transactional
    public Optional<Authentication> authenticate(String secret) {
        record Found(UUID id, UUID workspaceId, Role role, boolean revoked) {
        }
        Optional<Found> found = jdbc.sql("SELECT id, workspace_id, role, revoked FROM find_api_key(?)")
                .param(Secrets.hash(secret.strip()))
                .query((rs, n) -> new Found(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        Role.valueOf(rs.getString(3)), rs.getBoolean(4)))
                .optional();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.get().revoked()) {
            throw new BadCredentialsException("This API key has been revoked. Create a new key in Workspace settings.");
        }
        currentTenant.bindWorkspace(found.get().workspaceId());
        // Touch at most once a minute: a busy client should not turn every read into a write.
        record Key(String name, @Nullable UUID createdBy, @Nullable Role creatorRole) {
        }
        Key key = jdbc.sql("""
                        WITH touched AS (
                            UPDATE api_keys SET last_used_at = :now
                            WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :since))
                        SELECT k.name, k.created_by, m.role FROM api_keys k
                        LEFT JOIN memberships m ON m.workspace_id = k.workspace_id AND m.user_id = k.created_by
                        WHERE k.id = :id""")
                .param("now", Timestamp.from(clock.instant())).param("id", found.get().id())
                .param("since", Timestamp.from(clock.instant().minusSeconds(60)))
                .query((rs, n) -> new Key(rs.getString(1), rs.getObject(2, UUID.class),
                        rs.getString(3) == null ? null : Role.valueOf(rs.getString(3)))).single();
        // A key acts for its creator and never beyond them: revoked with their membership and capped with their
        // role when that happens, and checked again here in case a change ever bypassed the service.
        if (key.createdBy() != null && key.creatorRole() == null) {
            throw new BadCredentialsException("This API key's creator is no longer a member of the workspace.");
        }
        Role role = key.creatorRole() == null || key.creatorRole().ordinal() <= found.get().role().ordinal()
                ? found.get().role() : key.creatorRole();
        return Optional.of(new ApiKeyAuthentication(found.get().id(), found.get().workspaceId(), role,
                key.name(), key.createdBy()));
    }

    /** Stores a given secret as an ADMIN key of the bound workspace, unless a key with that secret exists. */
    @Transactional
    public boolean ensureKey(UUID workspaceId, UUID ownerId, String ownerEmail, String name, String secret) {
        if (jdbc.sql("SELECT count(*) FROM find_api_key(?)").param(Secrets.hash(secret.strip())).query(Integer.class).single() > 0) {
            return false;
        }
        if (secret.strip().length() < 24) {
            throw new InvalidInputException("DISTILLERY_ADMIN_API_KEY", "Use a random secret of at least 24 characters.");
        }
        currentTenant.bindWorkspace(workspaceId);
        insert(new TenantContext(workspaceId, Role.OWNER, Actor.user(ownerId, ownerEmail)), name, Role.ADMIN, secret.strip());
        return true;
    }

    private UUID insert(TenantContext tenant, String name, Role role, String secret) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, role, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, tenant.workspaceId(), name, secret.substring(0, Math.min(SHOWN_PREFIX, secret.length())),
                        Secrets.hash(secret), role.name(), tenant.actor().userId(), Timestamp.from(clock.instant()))
                .update();
        auditLog.record(tenant, "api-key.created", name, role.name());
        return id;
    }

    private ApiKeySummary map(ResultSet rs, int n) throws SQLException {
        Timestamp used = rs.getTimestamp(7);
        Timestamp revoked = rs.getTimestamp(8);
        return new ApiKeySummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                Role.valueOf(rs.getString(4)), rs.getString(5), rs.getTimestamp(6).toInstant(),
                used == null ? null : used.toInstant(), revoked == null ? null : revoked.toInstant());
    }

}
