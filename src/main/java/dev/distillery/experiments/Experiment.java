package dev.distillery.experiments;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An experiment with its cells as they stand: each cell's run status and, once its run has finished, its accuracy with
 * the 95% Wilson interval and the gain over the student's baseline run on the same items with McNemar's exact p (the
 * same figures as the run's leaderboard row).
 *
 * @param status running while any cell's run is queued or running, or a pipeline's stage is yet to finish; else
 *     paused, cancelled, failed (a pipeline's stage failed) or finished
 */
public record Experiment(
        UUID id,
        String name,
        UUID datasetId,
        String datasetName,
        int datasetVersion,
        String split,
        int offset,
        @Nullable Integer limit,
        @Nullable Integer seed,
        String status,
        Instant createdAt,
        @Nullable Instant cancelledAt,
        List<Cell> cells) {

    /**
     * A cell and its run.
     *
     * @param teacherId the run's teacher; for Socratic inference its decomposer (also {@code teacher}, the name)
     * @param studentId the run's student; for Socratic inference its solver, whose row the cell is in
     * @param accuracy correct ÷ scored items of the finished run, else null (also {@code ciLow}, {@code ciHigh})
     * @param gainPoints 100 × (accuracy − the student's baseline accuracy on the same items), null without a baseline
     * @param baselineNote why there is no gain (no baseline run, or one on other items), else null
     */
    public record Cell(
            int position,
            UUID runId,
            String runName,
            String method,
            String preset,
            Map<String, Object> params,
            @Nullable UUID teacherId,
            @Nullable String teacher,
            @Nullable UUID studentId,
            @Nullable String student,
            String runStatus,
            int total,
            int done,
            int errors,
            @Nullable Double accuracy,
            @Nullable Double ciLow,
            @Nullable Double ciHigh,
            @Nullable Double gainPoints,
            @Nullable Double pValue,
            @Nullable String baselineNote) {

        public boolean baseline() {
            return teacherId == null && studentId != null;
        }
    }

    public boolean running() {
        return "running".equals(status);
    }
}
