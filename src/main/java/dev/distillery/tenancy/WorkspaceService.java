package dev.distillery.tenancy;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import java.text.Normalizer;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Workspaces and their members: create, switch, rename; list members, change roles, remove. */
@Service
public class WorkspaceService {

    private final Workspaces workspaces;
    private final Memberships memberships;
    private final Users users;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final MemberCredentials credentials;
    private final Clock clock;

    WorkspaceService(
            Workspaces workspaces,
            Memberships memberships,
            Users users,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            MemberCredentials credentials,
            Clock clock) {
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.users = users;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The workspace the current action runs in. */
    @Transactional(readOnly = true)
    public WorkspaceSummary current() {
        TenantContext tenant = currentTenant.require();
        return workspaces.summary(tenant.workspaceId(), tenant.role());
    }

    /** The signed-in user's workspaces, by name. */
    @Transactional(readOnly = true)
    public List<WorkspaceSummary> mine() {
        AccountPrincipal user =
                currentTenant.currentPrincipal().orElseThrow(() -> new AccessDeniedException("Sign in first."));
        return memberships.workspacesOf(user.id());
    }

    /** Creates a workspace owned by the signed-in user and switches to it. */
    @Transactional
    public WorkspaceSummary create(String name) {
        AccountPrincipal user =
                currentTenant.currentPrincipal().orElseThrow(() -> new AccessDeniedException("Sign in first."));
        UUID id = createOwned(user.id(), user.email(), name);
        switchTo(id);
        return current();
    }

    /** Makes {@code workspaceId} the session's workspace, if the user is a member of it. */
    @Transactional
    public void switchTo(UUID workspaceId) {
        AccountPrincipal user =
                currentTenant.currentPrincipal().orElseThrow(() -> new AccessDeniedException("Sign in first."));
        if (!memberships.isMember(workspaceId, user.id())) {
            throw new NotFoundException("Workspace " + workspaceId + " not found.");
        }
        currentTenant.select(workspaceId);
        users.rememberWorkspace(user.id(), workspaceId);
    }

    @Transactional
    public void rename(String name) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_WORKSPACE);
        String clean = validName(name);
        workspaces.rename(tenant.workspaceId(), clean);
        auditLog.record(tenant, "workspace.renamed", clean, null);
    }

    @Transactional(readOnly = true)
    public List<MemberSummary> members() {
        currentTenant.require(Permission.READ);
        return memberships.list();
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
        if (member.role() == Role.OWNER && role != Role.OWNER && memberships.owners() == 1) {
            throw new ConflictException("A workspace needs at least one owner; make someone else owner first.");
        }
        memberships.changeRole(userId, role);
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
        boolean self =
                !tenant.actor().isApiKey() && userId.equals(tenant.actor().userId());
        if (!self) {
            tenant.require(Permission.MANAGE_MEMBERS);
        }
        MemberSummary member = member(userId);
        if (!self && !tenant.role().canGrant(member.role())) {
            throw new AccessDeniedException("As " + tenant.role().label() + " you cannot remove an "
                    + member.role().label() + ".");
        }
        if (member.role() == Role.OWNER && memberships.owners() == 1) {
            throw new ConflictException("A workspace needs at least one owner; make someone else owner first.");
        }
        memberships.delete(userId);
        auditLog.record(tenant, self ? "member.left" : "member.removed", member.email(), null);
        credentials.revokeAll(tenant, userId, member.email());
    }

    private MemberSummary member(UUID userId) {
        return memberships
                .find(userId)
                .orElseThrow(() -> new NotFoundException("Member " + userId + " not found in this workspace."));
    }

    /** Creates a workspace with {@code userId} as OWNER and leaves it bound in this transaction. */
    UUID createOwned(UUID userId, String email, String name) {
        String clean = validName(name);
        UUID id = UUID.randomUUID();
        currentTenant.bindWorkspace(id);
        String base = slug(clean);
        String slug = base;
        while (!workspaces.insert(id, clean, slug, userId, clock.instant())) {
            slug = base + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        }
        memberships.insert(id, userId, Role.OWNER, clock.instant());
        users.rememberWorkspace(userId, id);
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
        String slug =
                ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-$", "");
        }
        return slug.isEmpty() ? "workspace" : slug;
    }
}
