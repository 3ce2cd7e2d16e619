package dev.distillery.runs;

import com.github.kagkarlsson.scheduler.SchedulerClient;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
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
    private final CurrentTenant currentTenant;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final SchedulerClient scheduler;
    private final Clock clock;
    private final int workersPerRun;
    private final Duration lease;
    private static final Duration YIELD_DELAY = Duration.ofSeconds(2);

    /** Runs this instance is working on, with the shard doing it. */
    private final Map<UUID, Integer> active = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("run-lease-renewal").factory());

    RunEngine(Runs runs, DatasetService datasets, ItemProcessor processor, CurrentTenant currentTenant,
            PlatformTransactionManager transactions, ApplicationEventPublisher events, @Lazy SchedulerClient scheduler,
            Clock clock, @Value("${distillery.runs.workers-per-run:2}") int workersPerRun,
            @Value("${distillery.runs.lease:30s}") Duration lease) {
        this.runs = runs;
        this.datasets = datasets;
        this.processor = processor;
        this.currentTenant = currentTenant;
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

    /** What a worker task carries: the tenant is explicit, never taken from a thread. */
    record WorkerData(UUID workspaceId, UUID runId, int shard) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /** Schedules the run's workers (in the caller's transaction, so a launch and its workers commit together). */
    void start(UUID workspaceId, UUID runId) {
        for (int shard = 0; shard < workersPerRun; shard++) {
            scheduler.scheduleIfNotExists(new TaskInstance<>(TASK, runId + "-" + shard, new WorkerData(workspaceId, runId, shard)),
                    clock.instant());
        }
        // The scheduler's own wake-up happens before this transaction commits and finds nothing; wake it after.
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && scheduler instanceof com.github.kagkarlsson.scheduler.Scheduler local) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    local.triggerCheckForDueExecutions();
                }
            });
        }
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

    private Outcome run(TenantContext tenant, WorkerData data, ExecutionContext context) {
        UUID runId = data.runId();
        RunSnapshot run = tx.execute(s -> runs.snapshot(runId)).orElse(null);
        if (run == null || tx.execute(s -> runs.status(runId)).orElseThrow().finished()) {
            return Outcome.FINISHED;
        }
        // One worker per run per instance: a second one here would add nothing but contention.
        if (active.putIfAbsent(runId, data.shard()) != null) {
            return othersStillWorking(runId) ? Outcome.YIELDED : Outcome.FINISHED;
        }
        try {
            return work(tenant, data, run, context);
        } finally {
            active.remove(runId);
        }
    }

    private Outcome work(TenantContext tenant, WorkerData data, RunSnapshot run, ExecutionContext context) {
        UUID runId = data.runId();
        tx.executeWithoutResult(s -> runs.markStarted(runId, clock.instant()));
        Method method = Methods.byId(run.method()).orElseThrow(() -> new IllegalStateException("Unknown method " + run.method()));
        String owner = NODE + "/" + data.shard() + "/" + UUID.randomUUID().toString().substring(0, 6);
        var job = new ItemProcessor.Job(data.workspaceId(), runId, run, method, run.presetSnapshot().toPreset(), owner);
        Slots slots = new Slots(share(runId, run.concurrency()));
        Deque<Claim> queue = new ArrayDeque<>();
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renew(tenant, runId, owner),
                lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> rebalance = renewals.scheduleWithFixedDelay(() -> rebalance(tenant, runId, run, slots),
                2, 2, TimeUnit.SECONDS);
        boolean stopped = false;
        try (ExecutorService items = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                slots.acquire();
                if (queue.isEmpty()) {
                    if (context.getSchedulerState().isShuttingDown()) {
                        slots.release();
                        stopped = true;
                        break;
                    }
                    if (tx.execute(s -> runs.status(runId)).orElse(RunStatus.CANCELLED).finished()) {
                        slots.release();
                        break;
                    }
                    List<Claim> claimed = claim(run, runId, owner, Math.min(500, Math.max(8, slots.limit() * 2)));
                    if (claimed.isEmpty()) {
                        slots.release();
                        if (slots.inUse() == 0 && !othersStillWorking(runId)) {
                            break;
                        }
                        // Items are in flight here or leased elsewhere (a live worker, or a dead one whose lease will
                        // expire and be claimed here): wait rather than finish early.
                        Thread.sleep(slots.inUse() > 0 ? 20 : 500);
                        continue;
                    }
                    queue.addAll(claimed);
                }
                Claim next = queue.poll();
                items.submit(() -> {
                    try {
                        currentTenant.callAs(tenant, () -> {
                            processor.process(job, next.item(), next.resumed());
                            return null;
                        });
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            renewal.cancel(false);
            rebalance.cancel(false);
            if (!queue.isEmpty()) {
                List<String> unstarted = queue.stream().map(c -> c.item().itemId()).toList();
                tx.executeWithoutResult(s -> runs.releaseLeases(runId, owner, unstarted));
            }
        }
        if (stopped) {
            return Outcome.YIELDED;
        }
        if (Boolean.TRUE.equals(tx.execute(s -> runs.completeIfDone(runId, clock.instant())))) {
            log.info("Run {} completed", runId);
            events.publishEvent(new RunCompleted(runId, data.workspaceId()));
        }
        return Outcome.FINISHED;
    }

    /** This instance's share of the run's concurrency: the run's limit split among the instances working on it. */
    private int share(UUID runId, int concurrency) {
        int workers = Math.max(1, tx.execute(s -> runs.activeWorkers(TASK, runId)));
        return Math.max(1, (concurrency + workers - 1) / workers);
    }

    private List<Claim> claim(RunSnapshot run, UUID runId, String owner, int batch) {
        List<Runs.ClaimedItem> claimed = tx.execute(s -> runs.claim(runId, owner, batch, lease));
        if (claimed.isEmpty()) {
            return List.of();
        }
        Map<String, DatasetItem> byId = datasets.itemsByIds(run.datasetVersionId(),
                        claimed.stream().map(Runs.ClaimedItem::itemId).toList())
                .stream().collect(Collectors.toMap(DatasetItem::itemId, Function.identity()));
        return claimed.stream().map(c -> new Claim(byId.get(c.itemId()), c.resumed())).toList();
    }

    private boolean othersStillWorking(UUID runId) {
        return Boolean.TRUE.equals(tx.execute(s -> runs.hasUnfinishedItems(runId)));
    }

    /** Follows instances joining or leaving the run, so together they keep to its concurrency. */
    private void rebalance(TenantContext tenant, UUID runId, RunSnapshot run, Slots slots) {
        try {
            slots.resize(currentTenant.callAs(tenant, () -> share(runId, run.concurrency())));
        } catch (RuntimeException e) {
            log.warn("Could not rebalance run {}: {}", runId, e.getMessage());
        }
    }

    private void renew(TenantContext tenant, UUID runId, String owner) {
        try {
            currentTenant.callAs(tenant, () -> {
                tx.executeWithoutResult(s -> runs.renewLeases(runId, owner, lease));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Could not renew the leases of run {}: {}", runId, e.getMessage());
        }
    }

    private record Claim(DatasetItem item, boolean resumed) {
    }

}
