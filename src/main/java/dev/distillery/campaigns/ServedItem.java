package dev.distillery.campaigns;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The item a contributor is asked to review now, with just what reviewing it needs. */
public record ServedItem(
        UUID campaignId,
        String itemId,
        String question,
        String referenceAnswer,
        @Nullable String teacherOutput,
        @Nullable String studentOutput,
        @Nullable String studentAnswer,
        Instant servedAt) {}
