package dev.distillery.tenancy;

import java.util.UUID;

/** A new API key with its secret, shown exactly once. */
public record CreatedApiKey(UUID id, String name, Role role, String secret) {}
