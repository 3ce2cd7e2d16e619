package dev.distillery.runs;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * Live counters of a run, computed from its items.
 *
 * @param accuracy correct ÷ done, or null before the first finished item
 * @param itemsPerSecond finished items per second since the run started
 * @param etaSeconds time left at that pace, or null when unknown
 */
public record RunProgress(RunStatus status, int total, int done, int correct, int errors, int pending,
        @Nullable Double accuracy, long promptTokens, long completionTokens, BigDecimal cost,
        double itemsPerSecond, @Nullable Long etaSeconds, java.util.Map<String, RoleUsage> byRole) {

    /** Tokens and cost of one role's calls (cache hits cost nothing). */
    public record RoleUsage(long calls, long promptTokens, long completionTokens, BigDecimal cost) {
    }

    public int finished() {
        return done + errors;
    }
}
