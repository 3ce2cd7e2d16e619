package dev.distillery.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The model calls of one worker's items, made by a fixed set of caller threads. An item hands its call in and waits
 * for the answer; a caller whose call has returned takes the next waiting call at once, on the same thread, so a
 * call slot never waits for another thread to be scheduled (with every call of a round returning at the same moment,
 * those hand-offs queued behind each other). Among waiting calls, those of items with fewer calls made go first
 * (highest level first, which is optimal for chains of equal calls): the rounds stay full until the last, and no
 * item is left with two calls to make when the others are done.
 */
final class CallQueue implements AutoCloseable {

    private final PriorityBlockingQueue<Pending<?>> waiting = new PriorityBlockingQueue<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final List<Future<?>> callers = new ArrayList<>();

    /**
     * Starts {@code callers} caller loops on {@code threads}, each holding one of {@code slots} while its call is in
     * flight; {@code context} wraps each loop in what the calls need from their thread (the run's tenant).
     */
    CallQueue(ExecutorService threads, Slots slots, int callers, UnaryOperator<Runnable> context) {
        this(threads, slots, callers, context, Supplier::get);
    }

    /**
     * As above, each call also made through {@code share} (the workspace's calls in flight). A pool that refuses more
     * loops (its threads are all taken) leaves fewer callers, possibly none: see {@link #callers()}.
     */
    CallQueue(
            ExecutorService threads,
            Slots slots,
            int callers,
            UnaryOperator<Runnable> context,
            java.util.function.Function<Supplier<Object>, Object> share) {
        Runnable loop = () -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Pending<?> next = waiting.take();
                    slots.hold(() -> share.apply(() -> {
                        next.run();
                        return null;
                    }));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed: every item has had its answers
            }
        };
        for (int i = 0; i < callers; i++) {
            try {
                this.callers.add(threads.submit(context.apply(loop)));
            } catch (java.util.concurrent.RejectedExecutionException full) {
                break;
            }
        }
    }

    /** How many caller loops run. */
    int callers() {
        return callers.size();
    }

    /**
     * Makes {@code call} on a caller thread and returns its answer, or throws what it threw.
     *
     * @param made calls the item has made so far: fewer means more of its chain is still ahead
     */
    <T> T call(int made, Supplier<T> call) {
        var pending = new Pending<>(made, arrivals.getAndIncrement(), call);
        waiting.add(pending);
        try {
            return pending.answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** How many calls are waiting for a caller. */
    int waiting() {
        return waiting.size();
    }

    /** Stops the callers; only once no item waits for an answer. */
    @Override
    public void close() {
        callers.forEach(caller -> caller.cancel(true));
    }

    private static final class Pending<T> implements Comparable<Pending<?>> {
        private final int made;
        private final long arrival;
        private final Supplier<T> call;
        private final CompletableFuture<T> answer = new CompletableFuture<>();

        Pending(int made, long arrival, Supplier<T> call) {
            this.made = made;
            this.arrival = arrival;
            this.call = call;
        }

        void run() {
            try {
                answer.complete(call.get());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            }
        }

        @Override
        public int compareTo(Pending<?> other) {
            int byLevel = Integer.compare(made, other.made);
            return byLevel != 0 ? byLevel : Long.compare(arrival, other.arrival);
        }
    }
}
