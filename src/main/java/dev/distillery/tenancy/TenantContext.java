package dev.distillery.tenancy;

import java.util.UUID;
import org.springframework.security.access.AccessDeniedException;

/** The workspace an action runs in, the actor's role there, and the actor. */
public record TenantContext(UUID workspaceId, Role role, Actor actor) {

    /** @throws AccessDeniedException when the role lacks the permission */
    public TenantContext require(Permission permission) {
        if (!role.can(permission)) {
            throw new AccessDeniedException(
                    "Your role in this workspace (" + role.label() + ") does not allow this action.");
        }
        return this;
    }
}
