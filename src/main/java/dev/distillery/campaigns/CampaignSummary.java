package dev.distillery.campaigns;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A campaign as lists and its page show it: settings and progress. */
public record CampaignSummary(
        UUID id,
        UUID runId,
        String title,
        String instructions,
        String status,
        int reviewsPerItem,
        double goldShare,
        int goldMinAnswers,
        double goldThreshold,
        double decideThreshold,
        @Nullable Integer capPerContributor,
        int answersPerMinute,
        double minSecondsPerItem,
        @Nullable Instant endsAt,
        boolean listed,
        Instant createdAt,
        int items,
        int goldItems,
        int finalItems,
        int adjudication,
        int contributors,
        int answers) {

    public boolean open() {
        return "OPEN".equals(status);
    }
}
