package dev.distillery.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Decides which fault, if any, the next eligible request gets: queued faults first, in order, then random
 * ones. Synchronized because requests draw concurrently; the critical sections never block.
 */
final class FaultSchedule {

    private final Deque<Fault> queued = new ArrayDeque<>();
    private double probability;
    private Random random;
    private List<Fault> randomFaults = List.of();
    private int injected;

    synchronized void failNext(int count, Fault fault) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < count; i++) {
            queued.add(fault);
        }
    }

    synchronized void failRandomly(double probability, long seed, Fault... faults) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
        }
        if (faults.length == 0) {
            throw new IllegalArgumentException("at least one fault is needed");
        }
        this.probability = probability;
        this.random = new Random(seed);
        this.randomFaults = List.of(faults);
    }

    /** The fault for the next request, or {@code null} to answer normally. */
    synchronized Fault next() {
        if (!queued.isEmpty()) {
            injected++;
            return queued.poll();
        }
        if (random != null && random.nextDouble() < probability) {
            injected++;
            return randomFaults.get(random.nextInt(randomFaults.size()));
        }
        return null;
    }

    /** How many requests got a fault so far. */
    synchronized int injected() {
        return injected;
    }

    synchronized void clear() {
        queued.clear();
        random = null;
        randomFaults = List.of();
    }
}
