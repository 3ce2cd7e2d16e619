package dev.distillery.runs;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * How one app instance shares its capacity between workspaces, so that one busy workspace cannot starve the others:
 * a workspace may have at most {@link #maxRunningRuns} runs running at once (across instances; the others wait,
 * queued, and say so), at most {@link #maxCallsPerWorkspace} model calls in flight on this instance (a run's
 * concurrency is capped by it), and the threads that make model calls are a bounded pool of
 * {@link #maxCallers}. The run workers themselves are db-scheduler's fixed pool; the running-runs cap keeps one
 * workspace from holding all of it.
 */
@Component
class FairShare {

    private final int maxRunningRuns;
    private final int maxCallsPerWorkspace;
    private final int maxCallers;
    private final Map<UUID, Semaphore> workspaceCalls = new ConcurrentHashMap<>();
    /**
     * Threads that make model calls for every run here. Platform threads: one woken by its response is scheduled by
     * the kernel at once, where a virtual one would queue behind the items' own work (grading, the next prompt,
     * look-ups) on the few carrier threads; and that path is the run's wall time. Idle ones are kept a while for the
     * next run: starting dozens of threads would delay its first calls.
     */
    private final ThreadPoolExecutor callers;

    FairShare(RunsProperties properties) {
        this.maxRunningRuns = properties.workspaceMaxRunningRuns();
        this.maxCallsPerWorkspace = properties.workspaceMaxCalls();
        this.maxCallers = properties.maxCallers();
        this.callers = new ThreadPoolExecutor(
                0,
                this.maxCallers,
                10,
                TimeUnit.MINUTES,
                new SynchronousQueue<>(),
                Thread.ofPlatform().daemon().name("run-caller-", 0).factory());
    }

    int maxRunningRuns() {
        return maxRunningRuns;
    }

    int maxCallsPerWorkspace() {
        return maxCallsPerWorkspace;
    }

    int maxCallers() {
        return maxCallers;
    }

    /** The pool caller loops run on; a loop it cannot start is refused ({@link java.util.concurrent.RejectedExecutionException}). */
    ExecutorService callers() {
        return callers;
    }

    /** A run's concurrency on this instance: its own, capped by the workspace's calls in flight. */
    int concurrency(int requested) {
        return Math.min(requested, maxCallsPerWorkspace);
    }

    /** Makes a model call within the workspace's calls in flight on this instance (waiting, in arrival order, when full). */
    <T> T call(UUID workspaceId, Supplier<T> call) {
        Semaphore permits =
                workspaceCalls.computeIfAbsent(workspaceId, id -> new Semaphore(maxCallsPerWorkspace, true));
        permits.acquireUninterruptibly();
        try {
            return call.get();
        } finally {
            permits.release();
        }
    }

    /** Why a queued run waits for its workspace's running runs, in the words the run page shows. */
    String runsLimitReason() {
        return "waiting for a slot: workspace limit of " + maxRunningRuns + " running runs";
    }
}
