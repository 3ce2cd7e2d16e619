package dev.distillery.tenancy;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import java.sql.Timestamp;
import java.text.Normalizer;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Workspaces and their members: create, switch, rename; list members, change roles, remove. */
@Service
public class WorkspaceService {

    private static final String MEMBERS = """
            SELECT u.id, u.email, u.display_name, m.role, m.created_at
            FROM memberships m JOIN app_users u ON u.id = m.user_id
            WHERE m.workspace_id = app_workspace_id()
            """;

    private final JdbcClient jdbc;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final MemberCredentials credentials;
    private final Clock clock;

    WorkspaceService(JdbcClient jdbc, CurrentTenant currentTenant, AuditLog auditLog, MemberCredentials credentials,
            Clock clock) {
        this.jdbc = jdbc;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The workspace the current action runs in. */
    @Transactional(readOnly = true)
    public WorkspaceSummary current() {
        TenantContext tenant = currentTenant.require();
        return jdbc.sql("SELECT id, name, slug FROM workspaces WHERE id = ?").param(tenant.workspaceId())
                .query((rs, n) -> new WorkspaceSummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        tenant.role()))
                .single();
    }

    /** The signed-in user's workspaces, by name. */
    @Transactional(readOnly = true)
    public List<WorkspaceSummary> mine() {
        AccountPrincipal user = currentTenant.currentPrincipal()
                .orElseThrow(() -> new AccessDeniedException("Sign in first."));
        return jdbc.sql("""
                        SELECT w.id, w.name, w.slug, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
                        WHERE m.user_id = ? ORDER BY lower(w.name), w.id""")
                .param(user.id())
                .query((rs, n) -> new WorkspaceSummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        Role.valueOf(rs.getString(4))))
                .list();
    }

    /** Creates a workspace owned by the signed-in user and switches to it. */
    @Transactional
    public WorkspaceSummary create(String name) {
        AccountPrincipal user = currentTenant.currentPrincipal()
                .orElseThrow(() -> new AccessDeniedException("Sign in first."));
        UUID id = createOwned(user.id(), user.email(), name);
        switchTo(id);
        return current();
    }

    /** Makes {@code workspaceId} the session's workspace, if the user is a member of it. */
    @Transactional
    public void switchTo(UUID workspaceId) {
        AccountPrincipal user = currentTenant.currentPrincipal()
                .orElseThrow(() -> new AccessDeniedException("Sign in first."));
        int member = jdbc.sql("SELECT count(*) FROM memberships WHERE workspace_id = ? AND user_id = ?")
                .params(workspaceId, user.id()).query(Integer.class).single();
        if (member == 0) {
            throw new NotFoundException("Workspace " + workspaceId + " not found.");
        }
        currentTenant.select(workspaceId);
        jdbc.sql("UPDATE app_users SET last_workspace_id = ? WHERE id = ?").params(workspaceId, user.id()).update();
    }

    @Transactional
    public void rename(String name) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_WORKSPACE);
        String clean = validName(name);
        jdbc.sql("UPDATE workspaces SET name = ? WHERE id = ?").params(clean, tenant.workspaceId()).update();
        auditLog.record(tenant, "workspace.renamed", clean, null);
    }

    @Transactional(readOnly = true)
    public List<MemberSummary> members() {
        currentTenant.require(Permission.READ);
        return jdbc.sql(MEMBERS + " ORDER BY lower(u.email)").query(WorkspaceService::member).list();
    }

    /**
     * Changes a member's role. Nobody grants more than they hold, an ADMIN cannot change an OWNER, and the last
     * OWNER stays an OWNER. A lower role caps the member's API keys and withdraws invitations it could not issue.
     */
    @Transactional
    public MemberSummary changeRole(UUID userId, Role role) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_MEMBERS);
        MemberSummary member = member(userId);
        if (!tenant.role().canGrant(role) || !tenant.role().canGrant(member.role())) {
            throw new AccessDeniedException("As " + tenant.role().label() + " you cannot change an "
                    + member.role().label() + " or grant the " + role.label() + " role.");
        }
        if (member.role() == Role.OWNER && role != Role.OWNER && owners() == 1) {
            throw new ConflictException("A workspace needs at least one owner; make someone else owner first.");
        }
        jdbc.sql("UPDATE memberships SET role = ? WHERE workspace_id = app_workspace_id() AND user_id = ?")
                .params(role.name(), userId).update();
        auditLog.record(tenant, "member.role-changed", member.email(), member.role() + " -> " + role);
        if (role.ordinal() > member.role().ordinal()) {
            credentials.capAt(tenant, userId, member.email(), role);
        }
        return member(userId);
    }

    /** Removes a member, revoking their API keys and open invitations; members may also remove themselves (leave). */
    @Transactional
    public void removeMember(UUID userId) {
        TenantContext tenant = currentTenant.require();
        boolean self = !tenant.actor().isApiKey() && userId.equals(tenant.actor().userId());
        if (!self) {
            tenant.require(Permission.MANAGE_MEMBERS);
        }
        MemberSummary member = member(userId);
        if (!self && !tenant.role().canGrant(member.role())) {
            throw new AccessDeniedException("As " + tenant.role().label() + " you cannot remove an " + member.role().label() + ".");
        }
        if (member.role() == Role.OWNER && owners() == 1) {
            throw new ConflictException("A workspace needs at least one owner; make someone else owner first.");
        }
        jdbc.sql("DELETE FROM memberships WHERE workspace_id = app_workspace_id() AND user_id = ?").param(userId).update();
        auditLog.record(tenant, self ? "member.left" : "member.removed", member.email(), null);
        credentials.revokeAll(tenant, userId, member.email());
    }

    private MemberSummary member(UUID userId) {
        return jdbc.sql(MEMBERS + " AND m.user_id = ?").param(userId).query(WorkspaceService::member).optional()
                .orElseThrow(() -> new NotFoundException("Member " + userId + " not found in this workspace."));
    }

    private static MemberSummary member(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new MemberSummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                Role.valueOf(rs.getString(4)), rs.getTimestamp(5).toInstant());
    }

    private int owners() {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE workspace_id = app_workspace_id() AND role = 'OWNER'")
                .query(Integer.class).single();
    }

    /** Creates a workspace with {@code userId} as OWNER and leaves it bound in this transaction. */
    UUID createOwned(UUID userId, String email, String name) {
        String clean = validName(name);
        UUID id = UUID.randomUUID();
        currentTenant.bindWorkspace(id);
        String base = slug(clean);
        String slug = base;
        while (jdbc.sql("""
                        INSERT INTO workspaces (id, name, slug, created_by, created_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (slug) DO NOTHING""")
                .params(id, clean, slug, userId, Timestamp.from(clock.instant())).update() == 0) {
            slug = base + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        }
        jdbc.sql("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, 'OWNER', ?)")
                .params(id, userId, Timestamp.from(clock.instant())).update();
        jdbc.sql("UPDATE app_users SET last_workspace_id = ? WHERE id = ?").params(id, userId).update();
        auditLog.record(new TenantContext(id, Role.OWNER, Actor.user(userId, email)), "workspace.created", clean, null);
        return id;
    }

    private static String validName(String name) {
        String clean = name.strip();
        if (clean.isEmpty() || clean.length() > 80) {
            throw new InvalidInputException("name", "Enter a workspace name of 1 to 80 characters.");
        }
        return clean;
    }

    static String slug(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-$", "");
        }
        return slug.isEmpty() ? "workspace" : slug;
    }
}
