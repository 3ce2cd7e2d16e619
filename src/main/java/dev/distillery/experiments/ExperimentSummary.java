package dev.distillery.experiments;

import java.time.Instant;
import java.util.UUID;

/**
 * An experiment in the workspace's list.
 *
 * @param finishedCells cells whose run has finished (completed, failed or cancelled)
 * @param status running, paused, cancelled or finished, as {@link Experiment#status()}
 */
public record ExperimentSummary(
        UUID id,
        String name,
        String datasetName,
        String split,
        int cells,
        int finishedCells,
        String status,
        Instant createdAt,
        boolean cancelled) {}
