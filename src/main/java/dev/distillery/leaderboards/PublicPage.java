package dev.distillery.leaderboards;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a public page shows, and nothing more: the board's title and filters, its rows, and optionally a few traces.
 *
 * @param version changes whenever what the page shows may have changed (for HTTP validators)
 */
public record PublicPage(
        String title,
        String workspace,
        String dataset,
        @Nullable String split,
        List<LeaderboardRow> rows,
        List<SampleTrace> traces,
        Instant builtAt,
        String version) {

    /** A trace of the newest result, as a reader sees it. */
    public record SampleTrace(
            String itemId,
            String question,
            String gold,
            @Nullable String teacherSteps,
            String studentOutput,
            @Nullable String extracted,
            boolean correct) {}
}
