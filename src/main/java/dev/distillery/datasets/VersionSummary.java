package dev.distillery.datasets;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One immutable version of a dataset.
 *
 * @param splitCounts items per split, e.g. {@code {"test": 1319}}
 * @param typeCounts items per answer type id (number, math, choice, yesno, string)
 */
public record VersionSummary(
        UUID id,
        UUID datasetId,
        int version,
        String format,
        String fileName,
        @Nullable String source,
        int itemCount,
        Map<String, Integer> splitCounts,
        Map<String, Integer> typeCounts,
        @Nullable String createdBy,
        Instant createdAt) {}
