package dev.distillery.campaigns;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An item's consensus: its state (OPEN, FINAL, ADJUDICATION), the posterior that its answer is correct, the final
 * verdict and trace, why it was decided, and the votes with their weights.
 *
 * @param traceChanged whether the final trace differs from the one contributors were shown
 * @param appliedRevision the trace revision the decision was saved as, once saved
 */
public record ItemDecision(
        String itemId,
        int position,
        boolean gold,
        @Nullable Boolean goldVerdict,
        String state,
        int answers,
        @Nullable Double posterior,
        @Nullable Boolean finalVerdict,
        boolean traceChanged,
        @Nullable String finalTrace,
        @Nullable String reason,
        @Nullable Integer appliedRevision,
        List<Vote> votes) {

    /**
     * One contributor's answer on the item, with the weight the consensus gave it (log-odds of their reliability).
     *
     * @param contributor the name they chose, which two contributors may share
     * @param contributorId their user id, as the campaign's contributors are listed and paused by
     */
    public record Vote(String contributor, UUID contributorId, boolean verdict, boolean corrected, double weight) {}
}
