package dev.distillery.tenancy;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who acts: a signed-in user, or an API key (then {@code userId} is the key's creator, on whose behalf it acts).
 *
 * @param label what the audit log shows, e.g. an email or {@code API key "ci"}
 */
public record Actor(@Nullable UUID userId, @Nullable UUID apiKeyId, String label) {

    public static Actor user(UUID userId, String email) {
        return new Actor(userId, null, email);
    }

    public boolean isApiKey() {
        return apiKeyId != null;
    }

    public static Actor system() {
        return new Actor(null, null, "system");
    }
}
