package dev.distillery.runs;

import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The item loops of run workers: a worker's {@link Lanes} claim its items in batches (with their texts and the cache
 * look-up of their first calls) and process them concurrently, on virtual threads, their model calls going through one
 * {@link CallQueue} within the worker's share of the run's concurrency.
 */
@Component
class ItemLanes {

    private static final Logger log = LoggerFactory.getLogger(ItemLanes.class);
    /**
     * Items in flight per call slot. The run's concurrency bounds its model calls, not its items: with one item per
     * slot, a slot would sit idle while its item grades, renders the next prompt and looks it up in the cache. With
     * two, another item's call is ready and waiting whenever a call returns.
     */
    private static final int LANES_PER_SLOT = 2;

    private final Runs runs;
    private final RunItems items;
    private final DatasetService datasets;
    private final ItemProcessor processor;
    private final FairShare fairShare;
    private final LeaseKeeper leases;
    private final CurrentTenant currentTenant;
    private final DatabaseRetry retry;
    private final TransactionTemplate tx;
    private final Clock clock;

    ItemLanes(
            Runs runs,
            RunItems items,
            DatasetService datasets,
            ItemProcessor processor,
            FairShare fairShare,
            LeaseKeeper leases,
            CurrentTenant currentTenant,
            DatabaseRetry retry,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.runs = runs;
        this.items = items;
        this.datasets = datasets;
        this.processor = processor;
        this.fairShare = fairShare;
        this.leases = leases;
        this.currentTenant = currentTenant;
        this.retry = retry;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** The lanes of one worker of {@code job}'s run, whose model calls hold {@code slots}. */
    Lanes open(ItemProcessor.Job job, Slots slots, ExecutionContext context) {
        return new Lanes(job, slots, context);
    }

    /**
     * The item loops of one worker: lanes (virtual threads) that each take the next claimed item, process it (its
     * model calls holding slots of this instance's share of the run's concurrency) and go on with the next on the
     * same thread, so moving from one item to the next costs no hand-off between threads. A lane that finds nothing
     * left to claim ends; so does every lane when the run is cancelled or the scheduler shuts down.
     */
    final class Lanes {
        private final ItemProcessor.Job job;
        private final Slots slots;
        private final ExecutionContext context;
        private final Deque<Claim> queue = new ArrayDeque<>();
        /**
         * Items this worker holds: claimed and not yet ended (queued here, being processed, or with their result on
         * its way to the database). Only these leases are renewed, so an item whose processing ended any other way is
         * not kept leased by a live worker; its lease runs out and it is claimed again.
         */
        private final Set<String> held = ConcurrentHashMap.newKeySet();

        private int claims;
        private volatile boolean stopped;
        private volatile boolean cancelled;

        private Lanes(ItemProcessor.Job job, Slots slots, ExecutionContext context) {
            this.job = job;
            this.slots = slots;
            this.context = context;
        }

        /**
         * Runs the lanes (two per call slot of the run on this instance) until none finds more to claim; an interrupt
         * stops them after the items in flight. False when this instance's callers are all taken, so the run cannot
         * make calls here now.
         */
        boolean runUntilNothingToClaim(TenantContext tenant) {
            int lanes = LANES_PER_SLOT * fairShare.concurrency(job.run().concurrency());
            var ended = new CountDownLatch(lanes);
            CallQueue queue = new CallQueue(
                    fairShare.callers(),
                    slots,
                    fairShare.concurrency(job.run().concurrency()),
                    loop -> () -> currentTenant.callAs(tenant, () -> {
                        loop.run();
                        return null;
                    }),
                    call -> fairShare.call(job.workspaceId(), call));
            if (queue.callers() == 0) {
                queue.close();
                runs.setWaiting(
                        job.runId(),
                        "waiting for a slot: this server's " + fairShare.maxCallers() + " model callers are all busy",
                        tx);
                return false;
            }
            try (CallQueue calls = queue;
                    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < lanes; i++) {
                    threads.submit(() -> {
                        try {
                            currentTenant.callAs(tenant, () -> {
                                lane(calls);
                                return null;
                            });
                        } finally {
                            ended.countDown();
                        }
                    });
                }
                try {
                    ended.await();
                } catch (InterruptedException e) {
                    // Shutting down: no new items; the ones in flight finish (closing the executor waits for them).
                    stop();
                }
            }
            return true;
        }

        private void lane(CallQueue calls) {
            while (!stopped) {
                Claim next = next();
                if (next == null) {
                    return;
                }
                String itemId = next.item().itemId();
                CompletableFuture<Boolean> written;
                try {
                    written = processor.process(job, next.item(), next.resumed(), next.cache(), calls);
                } catch (RuntimeException | Error e) {
                    // Not the item's fault (the database stayed away past its retries, or worse): give it back and
                    // let this worker yield; its finished calls are kept, so nothing is asked of the model twice.
                    held.remove(itemId);
                    release(List.of(itemId));
                    stop();
                    if (e instanceof Error error) {
                        throw error;
                    }
                    log.warn(
                            "Run {}: item {} given back, the database is unavailable: {}",
                            job.runId(),
                            itemId,
                            e.toString());
                    return;
                }
                written.whenComplete((counted, failure) -> {
                    held.remove(itemId);
                    if (failure != null) {
                        release(List.of(itemId));
                    }
                });
            }
        }

        /** The items this worker holds now: the leases to renew. */
        List<String> held() {
            return List.copyOf(held);
        }

        private void release(List<String> itemIds) {
            leases.release(job.runId(), job.owner(), itemIds);
        }

        /** The next claimed item, claiming a batch when none is left; null when there is nothing (more) to do. */
        private synchronized @Nullable Claim next() {
            if (stopped || cancelled) {
                return null;
            }
            if (queue.isEmpty()) {
                if (context.getSchedulerState().isShuttingDown()) {
                    stopped = true;
                    return null;
                }
                // The first batch fills the call slots and no more, so the first calls start as early as they can;
                // later batches keep every lane busy.
                boolean first = claims++ == 0;
                int batch = first ? slots.limit() : LANES_PER_SLOT * slots.limit();
                List<Claim> claimed = claim(job, Math.min(500, Math.max(8, batch)), first, held());
                if (claimed == null) {
                    cancelled = true;
                    return null;
                }
                claimed.forEach(c -> held.add(c.item().itemId()));
                queue.addAll(claimed);
            }
            return queue.poll();
        }

        void stop() {
            stopped = true;
        }

        boolean stopped() {
            return stopped;
        }

        boolean cancelled() {
            return cancelled;
        }

        /** Gives back leased items no lane started (cancel, shutdown). */
        synchronized void releaseUnstarted() {
            if (!queue.isEmpty()) {
                List<String> unstarted =
                        queue.stream().map(c -> c.item().itemId()).toList();
                queue.clear();
                unstarted.forEach(held::remove);
                release(unstarted);
            }
        }
    }

    /**
     * Leases the next batch of items with their texts, and looks up the responses to their first calls, in one
     * transaction; a worker's {@code first} claim also marks a queued run as running. Null when the run has been
     * cancelled or has finished.
     */
    private @Nullable List<Claim> claim(ItemProcessor.Job job, int batch, boolean first, List<String> held) {
        return retry.<@Nullable List<Claim>>call(() -> tx.<@Nullable List<Claim>>execute(s -> {
            if (runs.status(job.runId()).orElse(RunStatus.CANCELLED).finished()) {
                return null;
            }
            if (first) {
                runs.markStarted(job.runId(), clock.instant());
            }
            List<RunItems.ClaimedItem> claimed = items.claim(job.runId(), job.owner(), batch, leases.lease(), held);
            if (claimed.isEmpty()) {
                return List.of();
            }
            Map<String, DatasetItem> byId = datasets
                    .itemsByIds(
                            job.run().datasetVersionId(),
                            claimed.stream().map(RunItems.ClaimedItem::itemId).toList())
                    .stream()
                    .collect(Collectors.toMap(DatasetItem::itemId, Function.identity()));
            Function<RunItems.ClaimedItem, DatasetItem> item =
                    c -> Objects.requireNonNull(byId.get(c.itemId()), c.itemId());
            var cache = processor.prefetch(
                    job, claimed.stream().filter(c -> !c.resumed()).map(item).toList());
            return claimed.stream()
                    .map(c -> new Claim(item.apply(c), c.resumed(), cache))
                    .toList();
        }));
    }

    private record Claim(DatasetItem item, boolean resumed, ItemProcessor.CacheSnapshot cache) {}
}
