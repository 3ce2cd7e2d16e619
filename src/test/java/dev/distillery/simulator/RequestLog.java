package dev.distillery.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Thread-safe record of received requests and of how many were in flight at once. */
final class RequestLog {

    // A lock rather than synchronized: awaitRequests blocks, and a blocked virtual thread must not pin its carrier.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<SimRequest> requests = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    /** Marks a request as in flight; pair with {@link #exited()}. */
    void entered() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    void exited() {
        inFlight.decrementAndGet();
    }

    void record(SimRequest request) {
        lock.lock();
        try {
            requests.add(request);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    List<SimRequest> snapshot() {
        lock.lock();
        try {
            return List.copyOf(requests);
        } finally {
            lock.unlock();
        }
    }

    int count() {
        lock.lock();
        try {
            return requests.size();
        } finally {
            lock.unlock();
        }
    }

    int maxConcurrency() {
        return maxInFlight.get();
    }

    /** Waits until at least {@code count} requests were recorded; returns whether that happened in time. */
    boolean await(int count, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (requests.size() < count) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = arrived.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets all requests; the concurrency high-water mark restarts from what is in flight now. */
    void clear() {
        lock.lock();
        try {
            requests.clear();
            maxInFlight.set(inFlight.get());
        } finally {
            lock.unlock();
        }
    }
}
