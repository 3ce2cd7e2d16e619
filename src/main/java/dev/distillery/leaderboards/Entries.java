package dev.distillery.leaderboards;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The stored leaderboard entries; boards are read from here and never from traces. */
@Repository
class Entries {

    /** A board shows at most this many entries (newest first); far more than a team compares at once. */
    static final int MAX_ROWS = 5_000;

    /** The columns {@link #row} reads, without the verdict vectors. */
    private static final String ROW_SELECT = """
            SELECT run_id, run_name, dataset_id, dataset_name, dataset_version, split, method, preset, is_baseline,
                teacher_name, student_name, student_model, n, correct, errors, baseline_run_id, baseline_name,
                baseline_correct, baseline_note, p_value, diff_low, diff_high, corrected_items, corrected_correct,
                corrected_p_value, corrected_diff_low, corrected_diff_high, prompt_tokens, completion_tokens, cost,
                imported, created_by, finished_at, student_params_b
            FROM leaderboard_entries""";

    private final JdbcClient jdbc;

    Entries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void upsert(Entry e, Instant now) {
        jdbc.sql("""
                        INSERT INTO leaderboard_entries (workspace_id, run_id, run_name, dataset_id, dataset_name,
                            dataset_version_id, dataset_version, split, method, preset, is_baseline, teacher_id,
                            teacher_name, student_id, student_name, student_model, student_params_b, n, correct, errors, prompt_tokens,
                            completion_tokens, cost, items_key, outcomes, corrected_outcomes, corrected_correct,
                            corrected_items, imported, created_by, finished_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (run_id) DO UPDATE SET run_name = excluded.run_name,
                            student_params_b = excluded.student_params_b, n = excluded.n,
                            correct = excluded.correct, errors = excluded.errors, prompt_tokens = excluded.prompt_tokens,
                            completion_tokens = excluded.completion_tokens, cost = excluded.cost,
                            items_key = excluded.items_key, outcomes = excluded.outcomes,
                            corrected_outcomes = excluded.corrected_outcomes,
                            corrected_correct = excluded.corrected_correct, corrected_items = excluded.corrected_items,
                            finished_at = excluded.finished_at, updated_at = excluded.updated_at""")
                .params(
                        e.workspaceId(),
                        e.runId(),
                        e.runName(),
                        e.datasetId(),
                        e.datasetName(),
                        e.datasetVersionId(),
                        e.datasetVersion(),
                        e.split(),
                        e.method(),
                        e.preset(),
                        e.baseline(),
                        e.teacherId(),
                        e.teacherName(),
                        e.studentId(),
                        e.studentName(),
                        e.studentModel(),
                        e.studentBillions(),
                        e.n(),
                        e.correct(),
                        e.errors(),
                        e.promptTokens(),
                        e.completionTokens(),
                        e.cost(),
                        e.itemsKey(),
                        e.outcomes().toByteArray(),
                        e.corrected() == null ? null : e.corrected().toByteArray(),
                        e.corrected() == null ? null : e.corrected().cardinality(),
                        e.corrected() == null ? null : e.correctedItems(),
                        e.imported(),
                        e.createdBy(),
                        Timestamp.from(e.finishedAt()),
                        Timestamp.from(now))
                .update();
    }

    /**
     * Serialises refreshes of entries that are compared with each other (one student on one dataset version and
     * split) until the transaction ends: otherwise a baseline and a method finishing together could each miss the
     * other's uncommitted entry and never be compared.
     */
    void lockGroup(UUID datasetVersionId, String split, UUID studentId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")
                .param(datasetVersionId + "/" + split + "/" + studentId)
                .query(rs -> {});
    }

    /** The student's baseline entries on this dataset version and split, newest first. */
    List<Entry.Verdicts> baselines(UUID datasetVersionId, String split, UUID studentId) {
        return verdicts("is_baseline", datasetVersionId, split, studentId);
    }

    /** The entries measured against this student's baselines on this dataset version and split. */
    List<Entry.Verdicts> measured(UUID datasetVersionId, String split, UUID studentId) {
        return verdicts("NOT is_baseline", datasetVersionId, split, studentId);
    }

    private List<Entry.Verdicts> verdicts(String which, UUID datasetVersionId, String split, UUID studentId) {
        return jdbc.sql(
                        " SELECT run_id, run_name, method, items_key, n, correct, outcomes, corrected_outcomes, finished_at"
                                + " FROM leaderboard_entries WHERE " + which
                                + " AND dataset_version_id = ? AND split = ? AND student_id = ? ORDER BY finished_at DESC")
                .params(datasetVersionId, split, studentId)
                .query((rs, i) -> {
                    byte[] corrected = rs.getBytes("corrected_outcomes");
                    return new Entry.Verdicts(
                            rs.getObject("run_id", UUID.class),
                            rs.getString("run_name"),
                            rs.getString("method"),
                            rs.getString("items_key"),
                            rs.getInt("n"),
                            rs.getInt("correct"),
                            BitSet.valueOf(rs.getBytes("outcomes")),
                            corrected == null ? null : BitSet.valueOf(corrected),
                            rs.getTimestamp("finished_at").toInstant());
                })
                .list();
    }

    /** Stores an entry's comparison with its baseline (all null with a note when there is none). */
    void compared(
            UUID runId,
            Entry.@Nullable Verdicts baseline,
            @Nullable String note,
            Statistics.@Nullable Comparison original,
            Statistics.@Nullable Comparison corrected) {
        jdbc.sql("""
                        UPDATE leaderboard_entries SET baseline_run_id = ?, baseline_name = ?, baseline_correct = ?,
                            baseline_note = ?, only_method = ?, only_baseline = ?, p_value = ?, diff_low = ?, diff_high = ?,
                            corrected_only_method = ?, corrected_only_baseline = ?, corrected_p_value = ?,
                            corrected_diff_low = ?, corrected_diff_high = ?
                        WHERE run_id = ?""")
                .params(
                        baseline == null ? null : baseline.runId(),
                        baseline == null ? null : baseline.runName(),
                        baseline == null ? null : baseline.correct(),
                        note,
                        original == null ? null : original.onlyMethod(),
                        original == null ? null : original.onlyBaseline(),
                        original == null ? null : original.pValue(),
                        original == null ? null : original.diffLow(),
                        original == null ? null : original.diffHigh(),
                        corrected == null ? null : corrected.onlyMethod(),
                        corrected == null ? null : corrected.onlyBaseline(),
                        corrected == null ? null : corrected.pValue(),
                        corrected == null ? null : corrected.diffLow(),
                        corrected == null ? null : corrected.diffHigh(),
                        runId)
                .update();
    }

    void delete(UUID runId) {
        jdbc.sql("DELETE FROM leaderboard_entries WHERE run_id = ?")
                .param(runId)
                .update();
    }

    /** The board's rows, newest first, without the verdict vectors. */
    List<LeaderboardRow> rows(LeaderboardFilter f) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        params.add(MAX_ROWS);
        return jdbc.sql(ROW_SELECT + where + " ORDER BY finished_at DESC, run_id LIMIT ?")
                .params(params)
                .query((rs, i) -> row(rs))
                .list();
    }

    boolean any() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM leaderboard_entries)")
                .query(Boolean.class)
                .single();
    }

    /** Entries better than their baseline with p below {@code alpha}, by gain in accuracy, largest first. */
    List<LeaderboardRow> significantGains(double alpha, int limit) {
        return jdbc.sql(ROW_SELECT
                        + " WHERE p_value < ? AND baseline_correct IS NOT NULL AND correct > baseline_correct AND n > 0"
                        + " ORDER BY CAST(correct - baseline_correct AS double precision) / n DESC, finished_at DESC"
                        + " LIMIT ?")
                .params(alpha, limit)
                .query((rs, i) -> row(rs))
                .list();
    }

    /** The dataset of the newest entry that passes the filter, if any does. */
    Optional<UUID> newestDataset(LeaderboardFilter f) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        return jdbc.sql("SELECT dataset_id FROM leaderboard_entries" + where
                        + " ORDER BY finished_at DESC, run_id LIMIT 1")
                .params(params)
                .query(UUID.class)
                .optional();
    }

    private static String where(LeaderboardFilter f, List<Object> params) {
        StringBuilder where = new StringBuilder(" WHERE true");
        condition(where, params, " AND dataset_id = ?", f.datasetId());
        condition(where, params, " AND split = ?", f.split());
        condition(where, params, " AND method = ?", f.method());
        condition(where, params, " AND teacher_name = ?", f.teacher());
        condition(where, params, " AND student_name = ?", f.student());
        condition(where, params, " AND finished_at >= ?", f.from() == null ? null : Timestamp.from(f.from()));
        condition(where, params, " AND finished_at < ?", f.to() == null ? null : Timestamp.from(f.to()));
        return where.toString();
    }

    private static void condition(StringBuilder where, List<Object> params, String sql, @Nullable Object value) {
        if (value != null) {
            where.append(sql);
            params.add(value);
        }
    }

    private static LeaderboardRow row(ResultSet rs) throws SQLException {
        int n = rs.getInt("n");
        int correct = rs.getInt("correct");
        double accuracy = n == 0 ? 0 : (double) correct / n;
        double[] ci = Statistics.wilson(correct, n);
        Integer baselineCorrect = rs.getObject("baseline_correct", Integer.class);
        Double baselineAccuracy = baselineCorrect == null || n == 0 ? null : (double) baselineCorrect / n;
        LeaderboardRow.Corrected corrected = null;
        Integer correctedCorrect = rs.getObject("corrected_correct", Integer.class);
        if (correctedCorrect != null) {
            double correctedAccuracy = n == 0 ? 0 : (double) correctedCorrect / n;
            double[] correctedCi = Statistics.wilson(correctedCorrect, n);
            corrected = new LeaderboardRow.Corrected(
                    rs.getInt("corrected_items"),
                    correctedCorrect,
                    correctedAccuracy,
                    correctedCi[0],
                    correctedCi[1],
                    points(correctedAccuracy, baselineAccuracy),
                    relative(correctedAccuracy, baselineAccuracy),
                    rs.getObject("corrected_p_value", Double.class),
                    rs.getObject("corrected_diff_low", Double.class),
                    rs.getObject("corrected_diff_high", Double.class));
        }
        BigDecimal cost = rs.getBigDecimal("cost");
        long promptTokens = rs.getLong("prompt_tokens");
        long completionTokens = rs.getLong("completion_tokens");
        return new LeaderboardRow(
                rs.getObject("run_id", UUID.class),
                rs.getString("run_name"),
                rs.getObject("dataset_id", UUID.class),
                rs.getString("dataset_name"),
                rs.getInt("dataset_version"),
                rs.getString("split"),
                rs.getString("method"),
                rs.getString("preset"),
                rs.getBoolean("is_baseline"),
                rs.getString("teacher_name"),
                rs.getString("student_name"),
                rs.getString("student_model"),
                rs.getObject("student_params_b", Double.class),
                n,
                correct,
                rs.getInt("errors"),
                accuracy,
                ci[0],
                ci[1],
                rs.getObject("baseline_run_id", UUID.class),
                rs.getString("baseline_name"),
                baselineAccuracy,
                points(accuracy, baselineAccuracy),
                relative(accuracy, baselineAccuracy),
                rs.getObject("p_value", Double.class),
                rs.getObject("diff_low", Double.class),
                rs.getObject("diff_high", Double.class),
                rs.getString("baseline_note"),
                corrected,
                promptTokens + completionTokens,
                promptTokens,
                completionTokens,
                cost,
                correct == 0 ? null : cost.divide(BigDecimal.valueOf(correct), 8, java.math.RoundingMode.HALF_UP),
                rs.getBoolean("imported"),
                rs.getString("created_by"),
                rs.getTimestamp("finished_at").toInstant());
    }

    private static @Nullable Double points(double accuracy, @Nullable Double baseline) {
        return baseline == null ? null : 100 * (accuracy - baseline);
    }

    private static @Nullable Double relative(double accuracy, @Nullable Double baseline) {
        return baseline == null || baseline == 0 ? null : (accuracy - baseline) / baseline;
    }
}
