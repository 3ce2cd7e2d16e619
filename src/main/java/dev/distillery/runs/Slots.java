package dev.distillery.runs;

/**
 * A counting limit whose size can change while work is in flight (a run's share of concurrency shrinks when
 * another instance joins); a semaphore cannot shrink below the permits already handed out.
 */
final class Slots {

    private int limit;
    private int inUse;

    Slots(int limit) {
        this.limit = Math.max(1, limit);
    }

    synchronized void acquire() throws InterruptedException {
        while (inUse >= limit) {
            wait();
        }
        inUse++;
    }

    synchronized void release() {
        inUse--;
        notify(); // one permit: one waiter
    }

    synchronized void resize(int newLimit) {
        limit = Math.max(1, newLimit);
        notifyAll();
    }

    synchronized int limit() {
        return limit;
    }
}
