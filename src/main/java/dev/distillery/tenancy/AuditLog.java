package dev.distillery.tenancy;

import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Append-only record of who did what in a workspace. Other modules record their actions (run launches, trace
 * corrections) here, inside their own transaction, so an action and its audit line commit together. The database
 * grants the application no UPDATE or DELETE on it.
 */
@Service
public class AuditLog {

    private final AuditEvents events;
    private final CurrentTenant currentTenant;
    private final Clock clock;

    AuditLog(AuditEvents events, CurrentTenant currentTenant, Clock clock) {
        this.events = events;
        this.currentTenant = currentTenant;
        this.clock = clock;
    }

    /** Records an action of the current tenant's actor. */
    @Transactional
    public void record(String action, @Nullable String target, @Nullable String details) {
        record(currentTenant.require(), action, target, details);
    }

    /** Records an action in {@code tenant}'s workspace, which must be bound in this transaction. */
    @Transactional
    public void record(TenantContext tenant, String action, @Nullable String target, @Nullable String details) {
        events.insert(
                tenant.workspaceId(),
                clock.instant(),
                tenant.actor().userId(),
                tenant.actor().label(),
                action,
                target,
                details);
    }

    /** The newest entries first; OWNER and ADMIN only. */
    @Transactional(readOnly = true)
    public List<AuditEntry> list(int offset, int limit) {
        currentTenant.require(Permission.VIEW_AUDIT);
        return events.list(Math.max(0, offset), Math.clamp(limit, 1, 500));
    }

    @Transactional(readOnly = true)
    public int count() {
        currentTenant.require(Permission.VIEW_AUDIT);
        return events.count();
    }
}
