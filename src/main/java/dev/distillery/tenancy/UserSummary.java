package dev.distillery.tenancy;

import java.util.UUID;

/** The signed-in user as views show them. */
public record UserSummary(UUID id, String email, String displayName) {}
