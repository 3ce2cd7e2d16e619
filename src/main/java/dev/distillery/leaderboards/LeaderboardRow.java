package dev.distillery.leaderboards;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One result on a leaderboard: a run's accuracy with its 95% Wilson interval and, when the student has a baseline
 * run on exactly the same items, the gain over it with McNemar's exact p and a bootstrap interval of the difference.
 * Accuracies and differences are fractions (0–1); gain in points is 100 × the difference.
 *
 * @param baselineNote why there is no comparison (no baseline run, or one on other items), else null
 * @param gainRelative (accuracy − baseline accuracy) ÷ baseline accuracy, as the Trace-of-Thought paper reports it
 * @param corrected the same run with the student's re-runs on human-corrected traces, when there are any
 */
public record LeaderboardRow(
        UUID runId,
        String runName,
        UUID datasetId,
        String datasetName,
        int datasetVersion,
        String split,
        String method,
        String preset,
        boolean baseline,
        @Nullable String teacher,
        @Nullable String student,
        @Nullable String studentModel,
        @Nullable Double studentBillions,
        int n,
        int correct,
        int errors,
        double accuracy,
        double ciLow,
        double ciHigh,
        @Nullable UUID baselineRunId,
        @Nullable String baselineName,
        @Nullable Double baselineAccuracy,
        @Nullable Double gainPoints,
        @Nullable Double gainRelative,
        @Nullable Double pValue,
        @Nullable Double diffLow,
        @Nullable Double diffHigh,
        @Nullable String baselineNote,
        @Nullable Corrected corrected,
        long tokens,
        long promptTokens,
        long completionTokens,
        BigDecimal cost,
        @Nullable BigDecimal costPerCorrect,
        boolean imported,
        @Nullable String createdBy,
        Instant finishedAt) {

    /** A short label for charts: method (preset) · student. */
    public String label() {
        return runName + " (" + method + (student == null ? "" : " · " + student)
                + (teacher == null ? "" : " ← " + teacher) + ")";
    }

    /**
     * The run with human corrections: items whose teacher trace was corrected take the student's re-run verdict.
     *
     * @param items how many items have a re-run on a correction
     */
    public record Corrected(
            int items,
            int correct,
            double accuracy,
            double ciLow,
            double ciHigh,
            @Nullable Double gainPoints,
            @Nullable Double gainRelative,
            @Nullable Double pValue,
            @Nullable Double diffLow,
            @Nullable Double diffHigh) {}
}
