package dev.distillery.review;

import java.util.Map;
import java.util.UUID;

/**
 * A run whose traces go into an export with a few fields that say where it belongs (an experiment's cell: method,
 * teacher, student), written before each of its traces' own fields, in the map's order. Every run of one export has
 * the same labels.
 */
public record LabelledRun(UUID runId, Map<String, String> labels) {

    public LabelledRun {
        labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    }
}
