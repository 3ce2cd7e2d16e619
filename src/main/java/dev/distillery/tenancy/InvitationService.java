package dev.distillery.tenancy;

import dev.distillery.tenancy.security.SecurityProperties;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time invitation links: an OWNER or ADMIN creates one for a role, copies the link, and whoever opens it signed
 * in joins the workspace. The token is stored only as a hash; a link works once, until it expires or is revoked.
 */
@Service
public class InvitationService {

    private static final String SELECT = """
            SELECT i.id, i.role, c.email AS created_by, i.created_at, i.expires_at, a.email AS accepted_by,
                   i.accepted_at, i.revoked_at
            FROM invitations i JOIN app_users c ON c.id = i.created_by LEFT JOIN app_users a ON a.id = i.accepted_by
            """;

    private final JdbcClient jdbc;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Duration validity;

    InvitationService(JdbcClient jdbc, CurrentTenant currentTenant, AuditLog auditLog, Clock clock,
            SecurityProperties security) {
        Duration validity = security.invitationValidity();
        this.jdbc = jdbc;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
        this.validity = validity;
    }

    @Transactional
    public CreatedInvitation create(Role role) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_MEMBERS);
        if (role == Role.OWNER) {
            throw new InvalidInputException("role", "Invite as Admin, Member, Reviewer or Viewer; make owners from the member list.");
        }
        if (!tenant.role().canGrant(role)) {
            throw new AccessDeniedException("As " + tenant.role().label() + " you cannot invite a " + role.label() + ".");
        }
        if (tenant.actor().userId() == null) {
            throw new AccessDeniedException("This API key has no creating user to send invitations on behalf of; create a key in the UI.");
        }
        String token = Secrets.newSecret("");
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant expires = now.plus(validity);
        jdbc.sql("""
                        INSERT INTO invitations (id, workspace_id, token_hash, role, created_by, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, tenant.workspaceId(), Secrets.hash(token), role.name(), tenant.actor().userId(),
                        Timestamp.from(now), Timestamp.from(expires))
                .update();
        auditLog.record(tenant, "invitation.created", role.name(), "expires " + expires);
        return new CreatedInvitation(id, token, role, expires);
    }

    @Transactional(readOnly = true)
    public List<InvitationSummary> list() {
        currentTenant.require(Permission.MANAGE_MEMBERS);
        return jdbc.sql(SELECT + " ORDER BY i.created_at DESC").query(this::map).list();
    }

    @Transactional
    public void revoke(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_MEMBERS);
        InvitationSummary invitation = find(id);
        if (invitation.state() != InvitationSummary.State.PENDING) {
            throw new ConflictException("This invitation is already " + invitation.state().name().toLowerCase() + ".");
        }
        jdbc.sql("UPDATE invitations SET revoked_at = ? WHERE id = ?").params(Timestamp.from(clock.instant()), id).update();
        auditLog.record(tenant, "invitation.revoked", invitation.role().name(), null);
    }

    /** What the link offers, for the signed-in user who opened it. */
    @Transactional(readOnly = true)
    public InvitationPreview preview(String token) {
        AccountPrincipal user = signedIn();
        InvitationSummary invitation = bindByToken(token);
        String workspace = jdbc.sql("SELECT name FROM workspaces WHERE id = app_workspace_id()").query(String.class).single();
        return new InvitationPreview(workspace, invitation.role(), invitation.createdBy(), invitation.state(),
                isMember(user.id()));
    }

    /**
     * Joins the invitation's workspace and switches to it.
     *
     * @throws ConflictException when the link was used, revoked or has expired, or the user is already a member
     */
    @Transactional
    public WorkspaceSummary accept(String token) {
        AccountPrincipal user = signedIn();
        InvitationSummary invitation = bindByToken(token);
        switch (invitation.state()) {
            case ACCEPTED -> throw new ConflictException("This invitation link has already been used. Ask for a new one.");
            case REVOKED -> throw new ConflictException("This invitation was revoked. Ask for a new one.");
            case EXPIRED -> throw new ConflictException("This invitation expired on " + invitation.expiresAt() + ". Ask for a new one.");
            case PENDING -> { }
        }
        if (isMember(user.id())) {
            throw new ConflictException("You are already a member of this workspace.");
        }
        Instant now = clock.instant();
        int claimed = jdbc.sql("""
                        UPDATE invitations SET accepted_by = ?, accepted_at = ?
                        WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL""")
                .params(user.id(), Timestamp.from(now), invitation.id()).update();
        if (claimed == 0) {
            throw new ConflictException("This invitation link has already been used. Ask for a new one.");
        }
        jdbc.sql("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (app_workspace_id(), ?, ?, ?)")
                .params(user.id(), invitation.role().name(), Timestamp.from(now)).update();
        UUID workspaceId = jdbc.sql("SELECT app_workspace_id()").query(UUID.class).single();
        auditLog.record(new TenantContext(workspaceId, invitation.role(), Actor.user(user.id(), user.email())),
                "member.joined", user.email(), "as " + invitation.role() + " by invitation from " + invitation.createdBy());
        currentTenant.select(workspaceId);
        jdbc.sql("UPDATE app_users SET last_workspace_id = ? WHERE id = ?").params(workspaceId, user.id()).update();
        return jdbc.sql("SELECT name, slug FROM workspaces WHERE id = ?").param(workspaceId)
                .query((rs, n) -> new WorkspaceSummary(workspaceId, rs.getString(1), rs.getString(2), invitation.role()))
                .single();
    }

    private InvitationSummary bindByToken(String token) {
        record Found(UUID id, UUID workspaceId) {
        }
        Found found = jdbc.sql("SELECT id, workspace_id FROM find_invitation(?)").param(Secrets.hash(token.strip()))
                .query((rs, n) -> new Found(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                .optional()
                .orElseThrow(() -> new NotFoundException("This invitation link is not valid. Check that you copied all of it."));
        currentTenant.bindWorkspace(found.workspaceId());
        return find(found.id());
    }

    private InvitationSummary find(UUID id) {
        return jdbc.sql(SELECT + " WHERE i.id = ?").param(id).query(this::map).optional()
                .orElseThrow(() -> new NotFoundException("Invitation " + id + " not found."));
    }

    private boolean isMember(UUID userId) {
        return jdbc.sql("SELECT count(*) FROM memberships WHERE workspace_id = app_workspace_id() AND user_id = ?")
                .param(userId).query(Integer.class).single() > 0;
    }

    private AccountPrincipal signedIn() {
        return currentTenant.currentPrincipal().orElseThrow(() -> new AccessDeniedException("Sign in first."));
    }

    private InvitationSummary map(ResultSet rs, int n) throws SQLException {
        Instant expires = rs.getTimestamp("expires_at").toInstant();
        Timestamp accepted = rs.getTimestamp("accepted_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        InvitationSummary.State state = accepted != null ? InvitationSummary.State.ACCEPTED
                : revoked != null ? InvitationSummary.State.REVOKED
                : !clock.instant().isBefore(expires) ? InvitationSummary.State.EXPIRED
                : InvitationSummary.State.PENDING;
        return new InvitationSummary(rs.getObject("id", UUID.class), Role.valueOf(rs.getString("role")),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(), expires,
                rs.getString("accepted_by"), accepted == null ? null : accepted.toInstant(),
                revoked == null ? null : revoked.toInstant(), state);
    }
}
