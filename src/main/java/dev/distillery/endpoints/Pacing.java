package dev.distillery.endpoints;

/**
 * How an endpoint's calls are being paced on this instance because its provider pushed back.
 *
 * @param callsPerSecond the pace calls are spread at (0 when refusals were seen but no pace is set)
 * @param refusalsLastMinute rate-limit refusals (429) in the last minute
 * @param source what set the pace: "rate-limit headers" or "refusals (429)"
 */
public record Pacing(double callsPerSecond, int refusalsLastMinute, String source) {

    /** For pages: "paced by provider: 19.6 req/s, 3 refusals in the last minute". */
    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "paced by provider: %.1f req/s, %d refusal%s in the last minute",
                callsPerSecond,
                refusalsLastMinute,
                refusalsLastMinute == 1 ? "" : "s");
    }
}
