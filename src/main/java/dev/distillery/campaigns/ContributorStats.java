package dev.distillery.campaigns;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One contributor of a campaign as its owner sees them.
 *
 * @param goldAccuracy right answers on gold items ÷ gold answers, null before any
 * @param agreement answers that matched the final verdict ÷ answers on decided items, null before any
 * @param reliability the consensus model's estimate of how often their verdict is right
 * @param suspicious answers given faster than the campaign's minimum time per item
 */
public record ContributorStats(
        UUID userId,
        String displayName,
        String status,
        @Nullable String statusReason,
        Instant joinedAt,
        int answers,
        int skips,
        @Nullable Double secondsPerItem,
        int goldAnswers,
        @Nullable Double goldAccuracy,
        @Nullable Double agreement,
        double reliability,
        int suspicious) {}
