package dev.distillery.campaigns;

import dev.distillery.review.QueueService.Selection;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A campaign as its owner sets it up: which run's items (selected as review queues select them), what contributors
 * read beside every item, how many reviews each item gets, and the quality rules.
 *
 * @param goldShare the share of each contributor's stream drawn from gold items (0 to 0.5)
 * @param goldMinAnswers gold answers a contributor gives before their gold accuracy is judged
 * @param goldThreshold the gold accuracy below which a contributor is paused
 * @param decideThreshold the posterior (either way) at which an item's verdict is final
 * @param capPerContributor the most items one contributor may answer, or null for no cap
 * @param minSecondsPerItem answers quicker than this are flagged as suspicious
 * @param listed whether the campaign is listed on the workspace's public page
 */
public record CampaignDraft(
        UUID runId,
        String title,
        String instructions,
        int reviewsPerItem,
        Selection selection,
        @Nullable Integer sampleSize,
        double goldShare,
        int goldMinAnswers,
        double goldThreshold,
        double decideThreshold,
        @Nullable Integer capPerContributor,
        int answersPerMinute,
        double minSecondsPerItem,
        @Nullable Instant endsAt,
        boolean listed) {

    /** The defaults a new campaign starts from: three reviews of the incorrect items, 10 % gold, 70 % to stay. */
    public static CampaignDraft defaults(UUID runId, String title, String instructions) {
        return new CampaignDraft(
                runId, title, instructions, 3, Selection.INCORRECT, null, 0.1, 5, 0.7, 0.95, null, 20, 5, null, false);
    }
}
