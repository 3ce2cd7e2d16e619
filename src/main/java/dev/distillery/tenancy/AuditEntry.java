package dev.distillery.tenancy;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One line of a workspace's audit log. */
public record AuditEntry(
        long id,
        Instant occurredAt,
        String actor,
        String action,
        @Nullable String target,
        @Nullable String details) {}
