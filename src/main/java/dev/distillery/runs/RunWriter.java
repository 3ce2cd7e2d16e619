package dev.distillery.runs;

import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the run engine: finished calls and item results of every item in flight go through one queue and
 * are written by one thread, a batch per transaction (per workspace), so an item never waits for a commit before
 * its next model call and the database sees one transaction per batch instead of one per call.
 *
 * <p>Order is kept (one queue, one writer): an item's result is written after its calls, in the same or a later
 * transaction, so an item never counts before its calls are stored. What is lost in a crash is only what was still
 * queued, a few milliseconds of finished calls, which are then made again; nothing is counted twice, because an
 * item's result is written only under its lease. The queue is bounded, so producers slow down to the database's
 * pace instead of filling memory.
 */
@Component
class RunWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunWriter.class);
    private static final int BATCH = 500;
    private static final int CAPACITY = 10_000;
    private static final Actor ACTOR = new Actor(null, null, "run worker");

    private final RunItems items;
    private final RunCalls calls;
    private final CurrentTenant currentTenant;
    private final DatabaseRetry retry;
    private final TransactionTemplate tx;
    private final BlockingQueue<Write> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private volatile boolean closing;

    RunWriter(
            RunItems items,
            RunCalls calls,
            CurrentTenant currentTenant,
            DatabaseRetry retry,
            PlatformTransactionManager transactions) {
        this.items = items;
        this.calls = calls;
        this.currentTenant = currentTenant;
        this.retry = retry;
        this.tx = new TransactionTemplate(transactions);
        this.writer = Thread.ofPlatform().daemon().name("run-writer").start(this::loop);
    }

    /** One queued write; {@code done} completes with whether it took effect (a result: whether it was counted). */
    private record Write(@Nullable UUID workspaceId, Object what, CompletableFuture<Boolean> done) {}

    /** Queues a finished call (and its response for the cache). */
    CompletableFuture<Boolean> call(UUID workspaceId, RunCalls.CallRecord call) {
        return submit(workspaceId, call);
    }

    /** Queues an item's result; completes with {@code false} when the item's lease had passed to another worker. */
    CompletableFuture<Boolean> result(UUID workspaceId, RunItems.ItemResult result) {
        return submit(workspaceId, result);
    }

    /** Waits until everything queued before this call is written (or has failed). */
    void flush() {
        submit(null, Boolean.TRUE).join();
    }

    private CompletableFuture<Boolean> submit(@Nullable UUID workspaceId, Object what) {
        Write write = new Write(workspaceId, what, new CompletableFuture<>());
        if (closing) {
            // Shutting down: the writer may have stopped already, so the caller writes for itself.
            write(List.of(write));
            return write.done();
        }
        try {
            queue.put(write);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            write(List.of(write));
        }
        return write.done();
    }

    private void loop() {
        List<Write> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                Write first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("The run writer failed on a batch of {}", batch.size(), e);
                batch.forEach(w -> w.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes a batch, a transaction per workspace; if one fails, its writes are retried one by one to isolate it. */
    private void write(List<Write> batch) {
        Map<UUID, List<Write>> byWorkspace = new LinkedHashMap<>();
        for (Write w : batch) {
            if (w.workspaceId() == null) {
                // A flush marker: everything before it in the queue is in this batch or an earlier one.
                continue;
            }
            byWorkspace
                    .computeIfAbsent(w.workspaceId(), id -> new ArrayList<>())
                    .add(w);
        }
        for (var group : byWorkspace.entrySet()) {
            try {
                // A database restart or failover holds the batch here, retried, rather than losing it.
                List<Boolean> outcomes = retry.call(() -> inTenant(group.getKey(), group.getValue()));
                for (int i = 0; i < outcomes.size(); i++) {
                    group.getValue().get(i).done().complete(outcomes.get(i));
                }
            } catch (RuntimeException e) {
                if (DatabaseRetry.isTransient(e)) {
                    // Out of retries: the items stay leased, nobody renews them, and they are claimed again.
                    group.getValue().forEach(w -> w.done().completeExceptionally(e));
                    continue;
                }
                log.warn(
                        "A batch of {} run writes failed ({}); writing them one by one",
                        group.getValue().size(),
                        e.toString());
                for (Write w : group.getValue()) {
                    writeAlone(group.getKey(), w);
                }
            }
        }
        batch.stream()
                .filter(w -> w.workspaceId() == null)
                .forEach(w -> w.done().complete(true));
    }

    /**
     * One write that failed in its batch. A result that cannot be stored becomes the item's internal error, so the item
     * ends instead of being processed again and again.
     */
    private void writeAlone(UUID workspaceId, Write w) {
        try {
            w.done()
                    .complete(
                            retry.call(() -> inTenant(workspaceId, List.of(w))).getFirst());
        } catch (RuntimeException single) {
            if (w.what() instanceof RunItems.ItemResult result && !DatabaseRetry.isTransient(single)) {
                log.error(
                        "The result of item {} of run {} could not be stored", result.itemId(), result.runId(), single);
                try {
                    Write error = new Write(
                            workspaceId, result.asInternalError("The result could not be stored: " + single), w.done());
                    w.done()
                            .complete(retry.call(() -> inTenant(workspaceId, List.of(error)))
                                    .getFirst());
                    return;
                } catch (RuntimeException alsoFailed) {
                    single.addSuppressed(alsoFailed);
                }
            }
            w.done().completeExceptionally(single);
        }
    }

    private List<Boolean> inTenant(UUID workspaceId, List<Write> writes) {
        List<RunCalls.CallRecord> finished = new ArrayList<>();
        List<RunItems.ItemResult> results = new ArrayList<>();
        for (Write w : writes) {
            switch (w.what()) {
                case RunCalls.CallRecord call -> finished.add(call);
                case RunItems.ItemResult result -> results.add(result);
                default -> throw new IllegalStateException("Unknown write " + w.what());
            }
        }
        var tenant = new TenantContext(workspaceId, Role.MEMBER, ACTOR);
        List<Boolean> counted = currentTenant.callAs(
                tenant,
                () -> tx.execute(s -> {
                    // Calls first: an item's result may sit in the same batch as its last call.
                    calls.saveCalls(workspaceId, finished);
                    return items.recordResults(results);
                }));
        List<Boolean> outcomes = new ArrayList<>(writes.size());
        int next = 0;
        for (Write w : writes) {
            outcomes.add(w.what() instanceof RunItems.ItemResult ? counted.get(next++) : Boolean.TRUE);
        }
        return outcomes;
    }

    @Override
    public void destroy() throws InterruptedException {
        closing = true;
        writer.join(TimeUnit.SECONDS.toMillis(30));
        // A write queued just as the writer stopped.
        List<Write> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            write(rest);
        }
    }
}
