package dev.distillery.runs;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * A run's share of concurrency on this instance: how many of its model calls may be in flight at once. Callers are
 * served in arrival order, and the size can change while calls are in flight (the share shrinks when another
 * instance joins the run): shrinking takes permits back as calls return them.
 */
final class Slots {

    private final Resizable permits;
    private int limit;

    Slots(int limit) {
        this.limit = Math.max(1, limit);
        this.permits = new Resizable(this.limit);
    }

    /** Runs {@code call} holding a slot; waiting for one is not interruptible, so an item in flight can finish. */
    <T> T hold(Supplier<T> call) {
        permits.acquireUninterruptibly();
        try {
            return call.get();
        } finally {
            permits.release();
        }
    }

    synchronized void resize(int newLimit) {
        int target = Math.max(1, newLimit);
        if (target > limit) {
            permits.release(target - limit);
        } else if (target < limit) {
            permits.shrink(limit - target);
        }
        limit = target;
    }

    synchronized int limit() {
        return limit;
    }

    /** A fair semaphore that can also give up permits it has handed out (they are not returned when released). */
    private static final class Resizable extends Semaphore {
        Resizable(int permits) {
            super(permits, true);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }
}
