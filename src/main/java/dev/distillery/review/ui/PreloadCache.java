package dev.distillery.review.ui;

import com.vaadin.flow.component.UI;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.TraceReview;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The item the reviewer will most likely open next (the grid's next or previous row), loaded after the shown one so
 * that opening it needs no query. It is used once, and dropped by any save, since traces may have changed.
 */
final class PreloadCache {

    /** Another reviewer may save meanwhile: an older preload is loaded again (a late save is a 409 anyway). */
    private static final Duration MAX_AGE = Duration.ofSeconds(30);

    private final CorrectionService corrections;
    private final Clock clock;
    private @Nullable Preloaded preloaded;

    private record Preloaded(UUID runId, String itemId, TraceReview review, Instant loadedAt) {

        boolean fresh(UUID run, String item, Instant now) {
            Duration age = Duration.between(loadedAt, now);
            return runId.equals(run) && itemId.equals(item) && !age.isNegative() && age.compareTo(MAX_AGE) < 0;
        }
    }

    PreloadCache(CorrectionService corrections, Clock clock) {
        this.corrections = corrections;
        this.clock = clock;
    }

    /** The item's review: the preloaded one when it is that item's and fresh, else loaded now; the preload is used up. */
    TraceReview load(UUID runId, String itemId) {
        Preloaded next = preloaded;
        preloaded = null;
        return next != null && next.fresh(runId, itemId, clock.instant())
                ? next.review()
                : corrections.review(runId, itemId);
    }

    /**
     * Loads an item in the background: the load is queued with {@code UI.access}, so it runs once this request is
     * handled (under the session's lock, with the user's security context, like any other UI work) rather than
     * delaying the item being shown now. It is skipped when, by then, {@code stillWanted} says no (the reviewer
     * moved to another run, or the item is already shown).
     */
    void preload(UUID runId, String itemId, BooleanSupplier stillWanted) {
        UI ui = UI.getCurrent();
        if (ui == null || (preloaded != null && preloaded.fresh(runId, itemId, clock.instant()))) {
            return;
        }
        preloaded = null;
        ui.access(() -> {
            if (!stillWanted.getAsBoolean()) {
                return;
            }
            try {
                preloaded = new Preloaded(runId, itemId, corrections.review(runId, itemId), clock.instant());
            } catch (RuntimeException e) {
                // Nothing lost: showing the item loads it, and reports what is wrong then.
                preloaded = null;
            }
        });
    }

    /** Drops the preloaded item: after a save traces may have changed. */
    void forget() {
        preloaded = null;
    }
}
