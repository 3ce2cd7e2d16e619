package dev.distillery.tenancy;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An invitation of the current workspace; its token is never shown again after creation. */
public record InvitationSummary(
        UUID id,
        Role role,
        String createdBy,
        Instant createdAt,
        Instant expiresAt,
        @Nullable String acceptedBy,
        @Nullable Instant acceptedAt,
        @Nullable Instant revokedAt,
        State state) {

    public enum State {
        PENDING,
        ACCEPTED,
        EXPIRED,
        REVOKED
    }
}
