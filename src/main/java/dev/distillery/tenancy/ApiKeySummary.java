package dev.distillery.tenancy;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An API key as listed: never its secret, only the first characters to recognise it. */
public record ApiKeySummary(
        UUID id,
        String name,
        String prefix,
        Role role,
        @Nullable String createdBy,
        Instant createdAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
