package dev.distillery.tenancy;

import java.util.UUID;

/** A workspace as its member sees it, with their role in it. */
public record WorkspaceSummary(UUID id, String name, String slug, Role role) {}
