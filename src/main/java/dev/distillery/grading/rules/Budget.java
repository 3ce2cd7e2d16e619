package dev.distillery.grading.rules;

/**
 * The computer-algebra time one math check may spend, shared by all the symbolic comparisons it needs (a tuple's
 * elements, a set's pairings). Only time spent computing counts, not time queued for a worker, so a busy server
 * does not turn correct answers into flagged ones. Used by one thread at a time.
 */
final class Budget {

    private long remainingNanos;

    Budget(long nanos) {
        this.remainingNanos = nanos;
    }

    long remainingNanos() {
        return remainingNanos;
    }

    boolean exhausted() {
        return remainingNanos <= 0;
    }

    void spend(long nanos) {
        remainingNanos -= nanos;
    }
}
