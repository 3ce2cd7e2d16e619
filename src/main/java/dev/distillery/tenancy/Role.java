package dev.distillery.tenancy;

import java.util.EnumSet;
import java.util.Set;

/** A member's role in a workspace, from most to least powerful. */
public enum Role {
    OWNER(EnumSet.allOf(Permission.class)),
    ADMIN(EnumSet.allOf(Permission.class)),
    MEMBER(EnumSet.of(
            Permission.READ,
            Permission.REVIEW,
            Permission.LAUNCH_RUNS,
            Permission.EXPORT_TRAINING_DATA,
            Permission.MANAGE_RESOURCES)),
    REVIEWER(EnumSet.of(Permission.READ, Permission.REVIEW)),
    VIEWER(EnumSet.of(Permission.READ));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public boolean can(Permission permission) {
        return permissions.contains(permission);
    }

    /** Whether someone with this role may hand out {@code other} (nobody hands out more than they hold). */
    public boolean canGrant(Role other) {
        return can(Permission.MANAGE_MEMBERS) && other.ordinal() >= ordinal();
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
