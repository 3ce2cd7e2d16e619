package dev.distillery.tenancy;

import java.time.Instant;
import java.util.UUID;

/** A member of the current workspace. */
public record MemberSummary(UUID userId, String email, String displayName, Role role, Instant joinedAt) {}
