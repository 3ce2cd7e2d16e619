package dev.distillery.tenancy;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * What a member handed out ends with their standing: removed, their API keys are revoked and their open invitations
 * withdrawn; given a lower role, their keys are capped at it and invitations they could no longer issue withdrawn.
 * Each change is an audit line in the same transaction as the membership change.
 */
@Component
class MemberCredentials {

    private final ApiKeys apiKeys;
    private final Invitations invitations;
    private final AuditLog auditLog;
    private final Clock clock;

    MemberCredentials(ApiKeys apiKeys, Invitations invitations, AuditLog auditLog, Clock clock) {
        this.apiKeys = apiKeys;
        this.invitations = invitations;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** The member has left or was removed. */
    void revokeAll(TenantContext tenant, UUID userId, String email) {
        Instant now = clock.instant();
        List<String> keys = apiKeys.revokeCreatedBy(userId, now);
        keys.forEach(name ->
                auditLog.record(tenant, "api-key.revoked", name, "its creator " + email + " left the workspace"));
        withdrawInvitations(tenant, userId, email, null, now);
    }

    /** The member's role is now {@code role}. */
    void capAt(TenantContext tenant, UUID userId, String email, Role role) {
        Instant now = clock.instant();
        // Keys never hold OWNER: an owner's keys are capped at ADMIN, which they already are.
        Role cap = role == Role.OWNER ? Role.ADMIN : role;
        List<ApiKeys.Capped> capped = apiKeys.capCreatedBy(userId, cap);
        capped.forEach(key -> auditLog.record(
                tenant,
                "api-key.capped",
                key.name(),
                key.was() + " -> " + cap + ": its creator " + email + " is now " + role.label()));
        withdrawInvitations(tenant, userId, email, role, now);
    }

    /** Withdraws the member's open invitations, all of them or those above what {@code role} may grant. */
    private void withdrawInvitations(
            TenantContext tenant, UUID userId, String email, @Nullable Role role, Instant now) {
        String[] grantable = role == null
                ? new String[0]
                : Arrays.stream(Role.values())
                        .filter(role::canGrant)
                        .map(Role::name)
                        .toArray(String[]::new);
        List<String> roles = invitations.revokeCreatedBy(userId, grantable, now);
        roles.forEach(invited -> auditLog.record(
                tenant,
                "invitation.revoked",
                invited,
                "its creator " + email + (role == null ? " left the workspace" : " is now " + role.label())));
    }
}
