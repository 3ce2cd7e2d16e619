package dev.distillery.runs;

import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import dev.distillery.methods.Method;
import dev.distillery.methods.Methods;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Executes runs. Each run gets a few worker tasks in db-scheduler ({@link RunTasks}): an instance works a run with at
 * most one of them (the others come back every few seconds, so other instances can take them and share the run), and
 * a crashed instance's workers are revived elsewhere or after restart. A worker is admitted (the workspace's running
 * runs are capped), leases items in batches and processes them on virtual threads within its instance's share of the
 * run's concurrency ({@link ItemLanes}), has its leases renewed while it works ({@link LeaseKeeper}), and completes
 * the run when no item is left anywhere.
 */
@Component
class RunEngine {

    private static final Logger log = LoggerFactory.getLogger(RunEngine.class);
    private static final String NODE = UUID.randomUUID().toString().substring(0, 8);
    private static final Duration REBALANCE_EVERY = Duration.ofSeconds(2);

    private final Runs runs;
    private final RunItems items;
    private final ItemLanes itemLanes;
    private final LeaseKeeper leases;
    private final FairShare fairShare;
    private final RunWriter writer;
    private final CurrentTenant currentTenant;
    private final DatabaseRetry retry;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    /** Runs this instance is working on, with the shard doing it. */
    private final Map<UUID, Integer> active = new ConcurrentHashMap<>();

    RunEngine(
            Runs runs,
            RunItems items,
            ItemLanes itemLanes,
            LeaseKeeper leases,
            FairShare fairShare,
            RunWriter writer,
            CurrentTenant currentTenant,
            DatabaseRetry retry,
            PlatformTransactionManager transactions,
            ApplicationEventPublisher events,
            Clock clock) {
        this.runs = runs;
        this.items = items;
        this.itemLanes = itemLanes;
        this.leases = leases;
        this.fairShare = fairShare;
        this.writer = writer;
        this.currentTenant = currentTenant;
        this.retry = retry;
        this.tx = new TransactionTemplate(transactions);
        this.events = events;
        this.clock = clock;
    }

    Optional<Duration> databaseUnavailableFor() {
        return retry.unavailableFor();
    }

    /** Runs this instance is working on (for the health endpoint). */
    int activeRuns() {
        return active.size();
    }

    /**
     * What a worker task carries: the tenant is explicit, never taken from a thread. db-scheduler stores it
     * Java-serialized, under this class's name: it stays here, so workers scheduled before an upgrade still run after.
     */
    record WorkerData(UUID workspaceId, UUID runId, int shard) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /** Outcome of one execution of a worker task. */
    enum Outcome {
        FINISHED,
        YIELDED
    }

    /** Works the run of one worker task in the task's workspace until it is finished here, or yields it. */
    Outcome work(WorkerData data, ExecutionContext context) {
        var tenant = new TenantContext(data.workspaceId(), Role.MEMBER, new Actor(null, null, "run worker"));
        return currentTenant.callAs(tenant, () -> run(tenant, data, context));
    }

    /** What a worker reads before it starts: the run, and this instance's share of its concurrency. */
    private record Start(RunSnapshot run, int share) {}

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
        Method method = Methods.forRoles(
                Methods.byId(run.method())
                        .orElseThrow(() -> new IllegalStateException("Unknown method " + run.method())),
                run.roles().keySet());
        String owner =
                NODE + "/" + data.shard() + "/" + UUID.randomUUID().toString().substring(0, 6);
        var job = new ItemProcessor.Job(
                data.workspaceId(), runId, run, method, run.presetSnapshot().toPreset(), owner);
        Slots slots = new Slots(start.share());
        ItemLanes.Lanes lanes = itemLanes.open(job, slots, context);
        ScheduledFuture<?> renewal = leases.keep(tenant, runId, owner, lanes::held);
        ScheduledFuture<?> rebalance = leases.alongside(() -> rebalance(tenant, runId, run, slots), REBALANCE_EVERY);
        try {
            while (true) {
                if (!lanes.runUntilNothingToClaim(tenant)) {
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
        int workers = Math.max(1, runs.activeWorkers(RunTasks.TASK, runId));
        return Math.max(1, (concurrency + workers - 1) / workers);
    }

    private boolean othersStillWorking(UUID runId) {
        writer.flush(); // this instance's own finished items must not look unfinished
        return Boolean.TRUE.equals(retry.call(() -> tx.execute(s -> items.hasUnfinishedItems(runId))));
    }

    /** Follows instances joining or leaving the run, so together they keep to its concurrency. */
    private void rebalance(TenantContext tenant, UUID runId, RunSnapshot run, Slots slots) {
        try {
            slots.resize(currentTenant.callAs(tenant, () -> tx.execute(s -> share(runId, run.concurrency()))));
        } catch (RuntimeException e) {
            log.warn("Could not rebalance run {}: {}", runId, e.getMessage());
        }
    }
}
