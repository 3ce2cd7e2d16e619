package dev.distillery.leaderboards;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A board published at {@code /p/{workspaceSlug}/{slug}}: the rows of one dataset, narrowed by the other filters.
 *
 * @param sampleTraces how many traces of the newest result the page shows (0: none)
 */
public record PublicBoard(
        UUID id,
        String slug,
        String title,
        UUID datasetId,
        @Nullable String split,
        @Nullable String method,
        @Nullable String teacher,
        @Nullable String student,
        int sampleTraces,
        boolean published,
        String createdBy,
        Instant updatedAt) {

    public LeaderboardFilter filter() {
        return new LeaderboardFilter(datasetId, split, method, teacher, student, null, null);
    }

    /** The page's path, e.g. {@code /p/acme/gsm8k-tot}. */
    public String path(String workspaceSlug) {
        return "/p/" + workspaceSlug + "/" + slug;
    }
}
