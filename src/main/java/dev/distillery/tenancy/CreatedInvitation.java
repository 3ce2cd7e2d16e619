package dev.distillery.tenancy;

import java.time.Instant;
import java.util.UUID;

/** A new invitation with its one-time token; the link is {@code /invite/{token}} on this server. */
public record CreatedInvitation(UUID id, String token, Role role, Instant expiresAt) {

    public String path() {
        return "/invite/" + token;
    }
}
