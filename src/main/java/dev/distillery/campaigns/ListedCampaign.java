package dev.distillery.campaigns;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An open campaign as the workspace's public page lists it, with the token anyone may join it by. */
public record ListedCampaign(
        UUID id,
        String title,
        String instructions,
        @Nullable Instant endsAt,
        String workspace,
        String joinToken) {}
