package dev.distillery.leaderboards;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which entries a board shows; every field is optional (null: any).
 *
 * @param teacher a teacher endpoint name, exactly as shown on the board
 * @param from entries finished at or after this instant; {@code to}: before it
 */
public record LeaderboardFilter(
        @Nullable UUID datasetId,
        @Nullable String split,
        @Nullable String method,
        @Nullable String teacher,
        @Nullable String student,
        @Nullable Instant from,
        @Nullable Instant to) {

    public static LeaderboardFilter all() {
        return new LeaderboardFilter(null, null, null, null, null, null, null);
    }

    public static LeaderboardFilter of(@Nullable UUID datasetId, @Nullable String split) {
        return new LeaderboardFilter(datasetId, blankToNull(split), null, null, null, null, null);
    }

    /** This filter on one dataset. */
    public LeaderboardFilter withDataset(@Nullable UUID dataset) {
        return new LeaderboardFilter(dataset, split, method, teacher, student, from, to);
    }

    public LeaderboardFilter withTeacherAndStudent(@Nullable String teacherName, @Nullable String studentName) {
        return new LeaderboardFilter(datasetId, split, method, teacherName, studentName, from, to);
    }

    /** Whether a row passes this filter (what {@link LeaderboardService#rows} applies in the database). */
    public boolean matches(LeaderboardRow row) {
        return (datasetId == null || datasetId.equals(row.datasetId()))
                && (split == null || split.equals(row.split()))
                && (method == null || method.equals(row.method()))
                && (teacher == null || teacher.equals(row.teacher()))
                && (student == null || student.equals(row.student()))
                && (from == null || !row.finishedAt().isBefore(from))
                && (to == null || row.finishedAt().isBefore(to));
    }

    static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
