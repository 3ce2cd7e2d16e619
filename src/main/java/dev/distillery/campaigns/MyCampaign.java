package dev.distillery.campaigns;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A campaign as one of its contributors sees it: its title and instructions, whether they may go on, and their own
 * progress. Their gold accuracy shows once they have answered enough gold items for it to mean something.
 */
public record MyCampaign(
        UUID id,
        String title,
        String instructions,
        boolean campaignOpen,
        String status,
        @Nullable String statusReason,
        int answered,
        int skipped,
        @Nullable Integer cap,
        @Nullable Double goldAccuracy) {

    public boolean active() {
        return campaignOpen && "ACTIVE".equals(status) && (cap == null || answered + skipped < cap);
    }
}
