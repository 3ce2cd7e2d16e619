package dev.distillery.tenancy;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.security.SecurityProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time invitation links: an OWNER or ADMIN creates one for a role, copies the link, and whoever opens it signed
 * in joins the workspace. The token is stored only as a hash; a link works once, until it expires or is revoked.
 */
@Service
public class InvitationService {

    private final Invitations invitations;
    private final Memberships memberships;
    private final Workspaces workspaces;
    private final Users users;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Duration validity;

    InvitationService(
            Invitations invitations,
            Memberships memberships,
            Workspaces workspaces,
            Users users,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock,
            SecurityProperties security) {
        Duration validity = security.invitationValidity();
        this.invitations = invitations;
        this.memberships = memberships;
        this.workspaces = workspaces;
        this.users = users;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
        this.validity = validity;
    }

    @Transactional
    public CreatedInvitation create(Role role) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_MEMBERS);
        if (role == Role.OWNER) {
            throw new InvalidInputException(
                    "role", "Invite as Admin, Member, Reviewer or Viewer; make owners from the member list.");
        }
        if (!tenant.role().canGrant(role)) {
            throw new AccessDeniedException(
                    "As " + tenant.role().label() + " you cannot invite a " + role.label() + ".");
        }
        if (tenant.actor().userId() == null) {
            throw new AccessDeniedException(
                    "This API key has no creating user to send invitations on behalf of; create a key in the UI.");
        }
        String token = Secrets.newSecret("");
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant expires = now.plus(validity);
        invitations.insert(
                id,
                tenant.workspaceId(),
                Secrets.hash(token),
                role,
                tenant.actor().userId(),
                now,
                expires);
        auditLog.record(tenant, "invitation.created", role.name(), "expires " + expires);
        return new CreatedInvitation(id, token, role, expires);
    }

    @Transactional(readOnly = true)
    public List<InvitationSummary> list() {
        currentTenant.require(Permission.MANAGE_MEMBERS);
        return invitations.list(clock.instant());
    }

    @Transactional
    public void revoke(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_MEMBERS);
        InvitationSummary invitation = find(id);
        if (invitation.state() != InvitationSummary.State.PENDING) {
            throw new ConflictException(
                    "This invitation is already " + invitation.state().name().toLowerCase() + ".");
        }
        invitations.revoke(id, clock.instant());
        auditLog.record(tenant, "invitation.revoked", invitation.role().name(), null);
    }

    /** What the link offers, for the signed-in user who opened it. */
    @Transactional(readOnly = true)
    public InvitationPreview preview(String token) {
        AccountPrincipal user = signedIn();
        InvitationSummary invitation = bindByToken(token);
        String workspace = workspaces.boundName();
        return new InvitationPreview(
                workspace,
                invitation.role(),
                invitation.createdBy(),
                invitation.state(),
                memberships.isMemberOfBound(user.id()));
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
            case ACCEPTED ->
                throw new ConflictException("This invitation link has already been used. Ask for a new one.");
            case REVOKED -> throw new ConflictException("This invitation was revoked. Ask for a new one.");
            case EXPIRED ->
                throw new ConflictException(
                        "This invitation expired on " + invitation.expiresAt() + ". Ask for a new one.");
            case PENDING -> {}
        }
        if (memberships.isMemberOfBound(user.id())) {
            throw new ConflictException("You are already a member of this workspace.");
        }
        Instant now = clock.instant();
        if (!invitations.claim(invitation.id(), user.id(), now)) {
            throw new ConflictException("This invitation link has already been used. Ask for a new one.");
        }
        UUID workspaceId = workspaces.boundId();
        memberships.insert(workspaceId, user.id(), invitation.role(), now);
        auditLog.record(
                new TenantContext(workspaceId, invitation.role(), Actor.user(user.id(), user.email())),
                "member.joined",
                user.email(),
                "as " + invitation.role() + " by invitation from " + invitation.createdBy());
        currentTenant.select(workspaceId);
        users.rememberWorkspace(user.id(), workspaceId);
        return workspaces.summary(workspaceId, invitation.role());
    }

    private InvitationSummary bindByToken(String token) {
        Invitations.Match found = invitations
                .findByTokenHash(Secrets.hash(token.strip()))
                .orElseThrow(() ->
                        new NotFoundException("This invitation link is not valid. Check that you copied all of it."));
        currentTenant.bindWorkspace(found.workspaceId());
        return find(found.id());
    }

    private InvitationSummary find(UUID id) {
        return invitations
                .find(id, clock.instant())
                .orElseThrow(() -> new NotFoundException("Invitation " + id + " not found."));
    }

    private AccountPrincipal signedIn() {
        return currentTenant.currentPrincipal().orElseThrow(() -> new AccessDeniedException("Sign in first."));
    }
}
