package dev.distillery.leaderboards;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What an owner or admin publishes: a slug and title, the board's filters, and whether to show sample traces. */
public record PublicBoardDraft(
        String slug,
        String title,
        @Nullable UUID datasetId,
        @Nullable String split,
        @Nullable String method,
        @Nullable String teacher,
        @Nullable String student,
        int sampleTraces) {}
