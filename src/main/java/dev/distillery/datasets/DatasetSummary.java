package dev.distillery.datasets;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A dataset with its latest version's counts, for lists. */
public record DatasetSummary(
        UUID id,
        String name,
        @Nullable String source,
        int latestVersion,
        UUID latestVersionId,
        int itemCount,
        Map<String, Integer> splitCounts,
        Instant updatedAt) {}
