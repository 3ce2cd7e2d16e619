/**
 * Tenancy: users, workspaces (the tenants), members and roles, invitations, API keys, the audit log, and the
 * current tenant that every other module's services ask for. Its API is this package.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "shared :: ui", "shared :: startup"})
@NullMarked
package dev.distillery.tenancy;

import org.jspecify.annotations.NullMarked;
