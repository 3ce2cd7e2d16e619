package dev.distillery.experiments;

import java.time.Instant;
import java.util.UUID;

/** An experiment in the workspace's list. */
public record ExperimentSummary(
        UUID id,
        String name,
        String datasetName,
        String split,
        int cells,
        int finishedCells,
        Instant createdAt,
        boolean cancelled) {}
