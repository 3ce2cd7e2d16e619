package dev.distillery.datasets;

import java.util.Map;
import java.util.UUID;

/** A finished import: the new version and what it holds. */
public record ImportResult(
        UUID datasetId,
        UUID versionId,
        int version,
        String format,
        int itemCount,
        Map<String, Integer> counts,
        Map<String, Integer> typeCounts) {}
