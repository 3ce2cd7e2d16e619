package dev.distillery.runs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.methods.Method;
import dev.distillery.methods.Methods;
import dev.distillery.shared.AfterCommit;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Executes runs. Each run gets a few worker tasks in db-scheduler: an instance works a run with at most one of them
 * (the others come back every few seconds, so other instances can take them and share the run), and a crashed
 * instance's workers are revived elsewhere or after restart. A worker leases items in batches, processes them on
 * virtual threads within its instance's share of the run's concurrency, renews its leases while it works, and
 * completes the run when no item is left anywhere.
 */
@Component
class RunEngine {

    static final String TASK = "run-worker";
    private static final Logger log = LoggerFactory.getLogger(RunEngine.class);
    private static final String NODE = UUID.randomUUID().toString().substring(0, 8);

    private final Runs runs;
    private final DatasetService datasets;
    private final ItemProcessor processor;
    private final FairShare fairShare;
    private final RunWriter writer;
    private final CurrentTenant currentTenant;
    private final DatabaseRetry retry;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final ObjectProvider<Scheduler> scheduler;
    private final Clock clock;
    private final int workersPerRun;
    private final Duration lease;
    private static final Duration YIELD_DELAY = Duration.ofSeconds(2);
    /**
     * Items in flight per call slot. The run's concurrency bounds its model calls, not its items: with one item per
     * slot, a slot would sit idle while its item grades, renders the next prompt and looks it up in the cache. With
     * two, another item's call is ready and waiting whenever a call returns.
     */
    private static final int LANES_PER_SLOT = 2;

    /** Runs this instance is working on, with the shard doing it. */
    private final Map<UUID, Integer> active = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("run-lease-renewal").factory());

    RunEngine(Runs runs, DatasetService datasets, ItemProcessor processor, RunWriter writer, FairShare fairShare, CurrentTenant currentTenant,
            DatabaseRetry retry, PlatformTransactionManager transactions, ApplicationEventPublisher events, ObjectProvider<Scheduler> scheduler,
            Clock clock, RunsProperties properties) {
        int workersPerRun = properties.workersPerRun();
        Duration lease = properties.lease();
        this.runs = runs;
        this.datasets = datasets;
        this.processor = processor;
        this.fairShare = fairShare;
        this.writer = writer;
        this.currentTenant = currentTenant;
        this.retry = retry;
        this.tx = new TransactionTemplate(transactions);
        this.events = events;
        this.scheduler = scheduler;
        this.clock = clock;
        this.workersPerRun = Math.max(1, workersPerRun);
        if (lease.toSeconds() < 3) {
            throw new IllegalArgumentException("distillery.runs.lease must be at least 3 seconds");
        }
        this.lease = lease;
    }

    Optional<Duration> databaseUnavailableFor() {
        return retry.unavailableFor();
    }

    /** Runs this instance is working on (for the health endpoint). */
    int activeRuns() {
        return active.size();
    }

    /** What a worker task carries: the tenant is explicit, never taken from a thread. */
    record WorkerData(UUID workspaceId, UUID runId, int shard) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /** Schedules the run's workers (in the caller's transaction, so a launch and its workers commit together). */
    void start(UUID workspaceId, UUID runId) {
        for (int shard = 0; shard < workersPerRun; shard++) {
            scheduler.getObject().scheduleIfNotExists(new TaskInstance<>(TASK, runId + "-" + shard, new WorkerData(workspaceId, runId, shard)),
                    clock.instant());
        }
        // The scheduler's own wake-up happens before this transaction commits and finds nothing; wake it after, or
        // the workers wait for the next poll (a second).
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    @Configuration(proxyBeanMethods = false)
    static class WorkerTaskConfiguration {
        @Bean
        CustomTask<WorkerData> runWorkerTask(@Lazy RunEngine engine) {
            return Tasks.custom(TASK, WorkerData.class)
                    .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(2)))
                    .onDeadExecutionRevive()
                    .execute(engine::work);
        }
    }

    /** Outcome of one execution of a worker task. */
    private enum Outcome { FINISHED, YIELDED }

    CompletionHandler<WorkerData> work(TaskInstance<WorkerData> instance, ExecutionContext context) {
        WorkerData data = instance.getData();
        var tenant = new TenantContext(data.workspaceId(), Role.MEMBER, new Actor(null, null, "run worker"));
        Outcome outcome = currentTenant.callAs(tenant, () -> run(tenant, data, context));
        if (outcome == Outcome.FINISHED) {
            return new CompletionHandler.OnCompleteRemove<>();
        }
        // Another worker of this run is already busy on this instance (or we are shutting down): come back shortly,
        // so an idle instance can take this share of the run.
        return (complete, operations) -> operations.reschedule(complete, clock.instant().plus(YIELD_DELAY));
    }

    /** What a worker reads before it starts: the run, and this instance's share of its concurrency. */
    private record Start(RunSnapshot run, int share) {
    }

    private Outcome run(TenantContext tenant, WorkerData data, ExecutionContext context) {
        UUID runId = data.runId();
        Start start = retry.call(() -> tx.<@Nullable Start>execute(s -> runs.snapshot(runId)
                .filter(r -> !runs.status(runId).orElseThrow().finished())
                .map(r -> new Start(r, share(runId, fairShare.concurrency(r.concurrency()))))
                .orElse(null)));
        if (start == null) {
            return Outcome.FINISHED;
        }
        if (!Boolean.TRUE.equals(retry.call(() -> tx.execute(s -> admit(data.workspaceId(), runId))))) {
            // The workspace has as many runs running as it may: stay queued, and try again shortly.
            return Outcome.YIELDED;
        }
        // One worker per run per instance: a second one here would add nothing but contention.
        if (active.putIfAbsent(runId, data.shard()) != null) {
            return othersStillWorking(runId) ? Outcome.YIELDED : Outcome.FINISHED;
        }
        try {
            return work(tenant, data, start, context);
        } finally {
            active.remove(runId);
        }
    }

    private Outcome work(TenantContext tenant, WorkerData data, Start start, ExecutionContext context) {
        UUID runId = data.runId();
        RunSnapshot run = start.run();
        Method method = Methods.forRoles(Methods.byId(run.method())
                .orElseThrow(() -> new IllegalStateException("Unknown method " + run.method())), run.roles().keySet());
        String owner = NODE + "/" + data.shard() + "/" + UUID.randomUUID().toString().substring(0, 6);
        var job = new ItemProcessor.Job(data.workspaceId(), runId, run, method, run.presetSnapshot().toPreset(), owner);
        Slots slots = new Slots(start.share());
        Lanes lanes = new Lanes(job, slots, context);
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renew(tenant, runId, owner, lanes.held()),
                lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> rebalance = renewals.scheduleWithFixedDelay(() -> rebalance(tenant, runId, run, slots),
                2, 2, TimeUnit.SECONDS);
        try {
            while (true) {
                if (!lanes.runUntilNothingToClaim(tenant, LANES_PER_SLOT * fairShare.concurrency(run.concurrency()))) {
                    // no caller thread could start on this instance: let another instance (or a later turn) do it
                    lanes.stop();
                    break;
                }
                if (lanes.stopped() || lanes.cancelled()) {
                    break;
                }
                if (!othersStillWorking(runId)) {
                    break;
                }
                // Items are leased elsewhere (a live worker, or a dead one whose lease will expire and be claimed
                // here): wait rather than finish early.
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    lanes.stop();
                    break;
                }
            }
        } finally {
            renewal.cancel(false);
            rebalance.cancel(false);
            lanes.releaseUnstarted();
        }
        boolean stopped = lanes.stopped();
        writer.flush();
        if (stopped) {
            return Outcome.YIELDED;
        }
        // Published in the completing transaction: listeners can make their follow-up work part of it, and
        // after-commit listeners (@ApplicationModuleListener) run once it has committed.
        boolean completed = Boolean.TRUE.equals(retry.call(() -> tx.execute(s -> {
            boolean done = runs.completeIfDone(runId, clock.instant());
            if (done) {
                events.publishEvent(new RunCompleted(runId, data.workspaceId()));
            }
            return done;
        })));
        if (completed) {
            log.info("Run {} completed", runId);
        }
        return Outcome.FINISHED;
    }

    /**
     * The item loops of one worker: lanes (virtual threads) that each take the next claimed item, process it (its
     * model calls holding slots of this instance's share of the run's concurrency) and go on with the next on the
     * same thread, so moving from one item to the next costs no hand-off between threads. A lane that finds nothing
     * left to claim ends; so does every lane when the run is cancelled or the scheduler shuts down.
     */
    private final class Lanes {
        private final ItemProcessor.Job job;
        private final Slots slots;
        private final ExecutionContext context;
        private final Deque<Claim> queue = new ArrayDeque<>();
        /**
         * Items this worker holds: claimed and not yet ended (queued here, being processed, or with their result on
         * its way to the database). Only these leases are renewed, so an item whose processing ended any other way is
         * not kept leased by a live worker; its lease runs out and it is claimed again.
         */
        private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private int claims;
        private volatile boolean stopped;
        private volatile boolean cancelled;

        Lanes(ItemProcessor.Job job, Slots slots, ExecutionContext context) {
            this.job = job;
            this.slots = slots;
            this.context = context;
        }

        /**
         * Runs the lanes until none finds more to claim; an interrupt stops them after the items in flight. False when
         * this instance's callers are all taken, so the run cannot make calls here now.
         */
        boolean runUntilNothingToClaim(TenantContext tenant, int lanes) {
            var ended = new java.util.concurrent.CountDownLatch(lanes);
            CallQueue queue = new CallQueue(fairShare.callers(), slots, fairShare.concurrency(job.run().concurrency()),
                    loop -> () -> currentTenant.callAs(tenant, () -> {
                        loop.run();
                        return null;
                    }), call -> fairShare.call(job.workspaceId(), call));
            if (queue.callers() == 0) {
                queue.close();
                runs.setWaiting(job.runId(), "waiting for a slot: this server's " + fairShare.maxCallers()
                        + " model callers are all busy", tx);
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
                java.util.concurrent.CompletableFuture<Boolean> written;
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
                    log.warn("Run {}: item {} given back, the database is unavailable: {}", job.runId(), itemId, e.toString());
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

        java.util.List<String> held() {
            return List.copyOf(held);
        }

        /** Gives leases back at once, if the database lets us; otherwise they run out and are claimed again. */
        private void release(List<String> itemIds) {
            try {
                tx.executeWithoutResult(s -> runs.releaseLeases(job.runId(), job.owner(), itemIds));
            } catch (RuntimeException e) {
                log.warn("Run {}: could not give back {} item(s) now ({}); their leases will run out", job.runId(),
                        itemIds.size(), e.toString());
            }
        }

        /** The next claimed item, claiming a batch when none is left; null when there is nothing (more) to do. */
        private synchronized @org.jspecify.annotations.Nullable Claim next() {
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
                List<String> unstarted = queue.stream().map(c -> c.item().itemId()).toList();
                queue.clear();
                unstarted.forEach(held::remove);
                release(unstarted);
            }
        }
    }

    /**
     * Whether the run may run now: it is running already, or its workspace runs fewer runs than it may (then it is
     * marked running in this transaction, under a per-workspace lock, so two workers cannot both take the last place).
     * A run that must wait says why.
     */
    private boolean admit(UUID workspaceId, UUID runId) {
        if (runs.status(runId).orElseThrow() == RunStatus.RUNNING) {
            return true;
        }
        runs.lockWorkspaceAdmission(workspaceId);
        if (runs.runningRuns(runId) >= fairShare.maxRunningRuns()) {
            runs.setWaiting(runId, fairShare.runsLimitReason());
            return false;
        }
        runs.markStarted(runId, clock.instant());
        return true;
    }

    /**
     * This instance's share of the run's concurrency: the run's limit split among the instances working on it (in
     * the caller's transaction).
     */
    private int share(UUID runId, int concurrency) {
        int workers = Math.max(1, runs.activeWorkers(TASK, runId));
        return Math.max(1, (concurrency + workers - 1) / workers);
    }

    /**
     * Leases the next batch of items with their texts, and looks up the responses to their first calls, in one
     * transaction; a worker's {@code first} claim also marks a queued run as running. Null when the run has been
     * cancelled or has finished.
     */
    private @org.jspecify.annotations.Nullable List<Claim> claim(ItemProcessor.Job job, int batch, boolean first,
            List<String> held) {
        return retry.<@Nullable List<Claim>>call(() -> tx.<@Nullable List<Claim>>execute(s -> {
            if (runs.status(job.runId()).orElse(RunStatus.CANCELLED).finished()) {
                return null;
            }
            if (first) {
                runs.markStarted(job.runId(), clock.instant());
            }
            List<Runs.ClaimedItem> claimed = runs.claim(job.runId(), job.owner(), batch, lease, held);
            if (claimed.isEmpty()) {
                return List.of();
            }
            Map<String, DatasetItem> byId = datasets.itemsByIds(job.run().datasetVersionId(),
                            claimed.stream().map(Runs.ClaimedItem::itemId).toList())
                    .stream().collect(Collectors.toMap(DatasetItem::itemId, Function.identity()));
            Function<Runs.ClaimedItem, DatasetItem> item = c -> Objects.requireNonNull(byId.get(c.itemId()), c.itemId());
            var cache = processor.prefetch(job, claimed.stream().filter(c -> !c.resumed()).map(item).toList());
            return claimed.stream().map(c -> new Claim(item.apply(c), c.resumed(), cache)).toList();
        }));
    }

    private boolean othersStillWorking(UUID runId) {
        writer.flush(); // this instance's own finished items must not look unfinished
        return Boolean.TRUE.equals(retry.call(() -> tx.execute(s -> runs.hasUnfinishedItems(runId))));
    }

    /** Follows instances joining or leaving the run, so together they keep to its concurrency. */
    private void rebalance(TenantContext tenant, UUID runId, RunSnapshot run, Slots slots) {
        try {
            slots.resize(currentTenant.callAs(tenant, () -> tx.execute(s -> share(runId, run.concurrency()))));
        } catch (RuntimeException e) {
            log.warn("Could not rebalance run {}: {}", runId, e.getMessage());
        }
    }

    private void renew(TenantContext tenant, UUID runId, String owner, List<String> held) {
        if (held.isEmpty()) {
            return;
        }
        try {
            // Through an outage this waits and renews as soon as the database is back, before leases run out for long.
            currentTenant.callAs(tenant, () -> {
                retry.run(() -> tx.executeWithoutResult(s -> runs.renewLeases(runId, owner, held, lease)));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Could not renew the leases of run {}: {}", runId, e.getMessage());
        }
    }

    private record Claim(DatasetItem item, boolean resumed, ItemProcessor.CacheSnapshot cache) {
    }

}
