package dev.distillery.runs;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * Live counters of a run, computed from its items.
 *
 * @param accuracy correct ÷ done, or null before the first finished item
 * @param itemsPerSecond finished items per second since the run started
 * @param etaSeconds time left at that pace, or null when unknown
 * @param noAnswer finished items from whose output no answer could be read (counted incorrect)
 * @param graderVersions finished items per grader version that decided them ("1" before versions were recorded)
 * @param regrade the latest re-grade, or null when the run was never re-graded
 * @param waiting why the run is not making progress now ("waiting for a slot: workspace limit of 4 running runs"),
 *     or null
 */
public record RunProgress(
        RunStatus status,
        int total,
        int done,
        int correct,
        int errors,
        int pending,
        @Nullable Double accuracy,
        long promptTokens,
        long completionTokens,
        BigDecimal cost,
        double itemsPerSecond,
        @Nullable Long etaSeconds,
        java.util.Map<String, RoleUsage> byRole,
        int noAnswer,
        java.util.Map<String, Integer> graderVersions,
        @Nullable Regrade regrade,
        @Nullable String waiting) {

    /**
     * A re-grade of the run's stored outputs: asked for ({@code queued}) or done, with how many of the finished items
     * carry the version it grades with.
     */
    public record Regrade(
            String status,
            String version,
            int regraded,
            int items,
            java.time.Instant requestedAt,
            java.time.@Nullable Instant finishedAt) {

        public boolean running() {
            return "queued".equals(status);
        }
    }

    /** Tokens and cost of one role's calls (cache hits cost nothing). */
    public record RoleUsage(long calls, long promptTokens, long completionTokens, BigDecimal cost) {}

    public int finished() {
        return done + errors;
    }
}
