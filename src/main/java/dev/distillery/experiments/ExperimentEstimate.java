package dev.distillery.experiments;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What an experiment is expected to cost before it is launched: per cell the model calls its method's protocol makes
 * on the item range, with their prompt and completion tokens, measured on a sample of the range's questions (each
 * completion as long as its call's token cap allows, so an upper bound where calls are capped), priced at the
 * endpoints' prices, and a rough duration from their declared limits.
 *
 * @param items the items of the range
 * @param sampledItems the items whose prompts were measured (up to {@value CostEstimator#SAMPLE_ITEMS}, spread over the
 *     range)
 * @param cost in the endpoints' currency; null when an endpoint the experiment uses has no price
 * @param seconds roughly how long the runs take together, sharing each endpoint's limits
 * @param threshold the workspace's tokens above which a launch must be confirmed
 * @param confirmationRequired the total tokens exceed {@code threshold}: a launch must say {@code confirm: true}
 */
public record ExperimentEstimate(
        int items,
        int sampledItems,
        List<Cell> cells,
        long calls,
        long promptTokens,
        long completionTokens,
        @Nullable BigDecimal cost,
        long seconds,
        long threshold,
        boolean confirmationRequired) {

    /** One cell's share: its method and models, and what its run is expected to use. */
    public record Cell(
            String method,
            String preset,
            @Nullable UUID teacherId,
            @Nullable String teacher,
            @Nullable UUID studentId,
            @Nullable String student,
            long calls,
            long promptTokens,
            long completionTokens,
            @Nullable BigDecimal cost,
            long seconds) {

        public long tokens() {
            return promptTokens + completionTokens;
        }
    }

    public long tokens() {
        return promptTokens + completionTokens;
    }
}
