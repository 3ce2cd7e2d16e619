package dev.distillery.runs.ui;

import com.vaadin.flow.component.UI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Periodic server-side refreshes pushed to the browser. The update runs inside {@code UI.access}, so it has the
 * user's session and security context, and reads through the same services (and tenant checks) as a click would.
 */
final class LivePush {

    private static final ScheduledExecutorService TICKS = Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().daemon().name("ui-live-push").factory());

    private LivePush() {}

    static ScheduledFuture<?> every(UI ui, int seconds, Runnable update) {
        return TICKS.scheduleWithFixedDelay(() -> ui.access(update::run), seconds, seconds, TimeUnit.SECONDS);
    }
}
