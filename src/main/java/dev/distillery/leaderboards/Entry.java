package dev.distillery.leaderboards;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.BitSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A run as the leaderboard stores it: its counts and its verdicts as a bit vector over the sorted item ids.
 *
 * @param corrected verdicts with the student's re-runs on corrections in place of the originals; null if none
 */
record Entry(
        UUID workspaceId,
        UUID runId,
        String runName,
        UUID datasetId,
        String datasetName,
        UUID datasetVersionId,
        int datasetVersion,
        String split,
        String method,
        String preset,
        boolean baseline,
        @Nullable UUID teacherId,
        @Nullable String teacherName,
        @Nullable UUID studentId,
        @Nullable String studentName,
        @Nullable String studentModel,
        @Nullable Double studentBillions,
        int n,
        int correct,
        int errors,
        long promptTokens,
        long completionTokens,
        BigDecimal cost,
        String itemsKey,
        BitSet outcomes,
        @Nullable BitSet corrected,
        int correctedItems,
        boolean imported,
        @Nullable String createdBy,
        Instant finishedAt) {

    /** What comparisons need of an entry already stored. */
    record Verdicts(
            UUID runId,
            String runName,
            String method,
            String itemsKey,
            int n,
            int correct,
            BitSet outcomes,
            @Nullable BitSet corrected,
            Instant finishedAt) {}
}
