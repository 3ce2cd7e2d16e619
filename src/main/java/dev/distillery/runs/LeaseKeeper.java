package dev.distillery.runs;

import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.TenantContext;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The leases of the items workers hold: how long one lasts, renewing a worker's every lease/3 while it works (on one
 * platform thread for the instance, waiting through a database outage and renewing as soon as it is back), and giving
 * leases back at once when a worker will not process its items. An item whose worker dies is not renewed: its lease
 * runs out and another worker claims it.
 */
@Component
class LeaseKeeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final RunItems items;
    private final CurrentTenant currentTenant;
    private final DatabaseRetry retry;
    private final TransactionTemplate tx;
    private final Duration lease;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("run-lease-renewal").factory());

    LeaseKeeper(
            RunItems items,
            CurrentTenant currentTenant,
            DatabaseRetry retry,
            PlatformTransactionManager transactions,
            RunsProperties properties) {
        Duration lease = properties.lease();
        if (lease.toSeconds() < 3) {
            throw new IllegalArgumentException("distillery.runs.lease must be at least 3 seconds");
        }
        this.items = items;
        this.currentTenant = currentTenant;
        this.retry = retry;
        this.tx = new TransactionTemplate(transactions);
        this.lease = lease;
    }

    /** How long a claimed item stays leased without a renewal. */
    Duration lease() {
        return lease;
    }

    /**
     * Renews the leases of the items a worker holds ({@code held}, asked each time) every lease/3, first after lease/3,
     * until the returned future is cancelled.
     */
    ScheduledFuture<?> keep(TenantContext tenant, UUID runId, String owner, Supplier<List<String>> held) {
        return renewals.scheduleAtFixedRate(
                () -> renew(tenant, runId, owner, held.get()),
                lease.toMillis() / 3,
                lease.toMillis() / 3,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Runs a worker's other upkeep every {@code period} (first after one), on the same thread as the renewals, until
     * the returned future is cancelled.
     */
    ScheduledFuture<?> alongside(Runnable upkeep, Duration period) {
        return renewals.scheduleWithFixedDelay(upkeep, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Gives leases back at once, if the database lets us; otherwise they run out and are claimed again. */
    void release(UUID runId, String owner, List<String> itemIds) {
        try {
            tx.executeWithoutResult(s -> items.releaseLeases(runId, owner, itemIds));
        } catch (RuntimeException e) {
            log.warn(
                    "Run {}: could not give back {} item(s) now ({}); their leases will run out",
                    runId,
                    itemIds.size(),
                    e.toString());
        }
    }

    private void renew(TenantContext tenant, UUID runId, String owner, List<String> held) {
        if (held.isEmpty()) {
            return;
        }
        try {
            // Through an outage this waits and renews as soon as the database is back, before leases run out for long.
            currentTenant.callAs(tenant, () -> {
                retry.run(() -> tx.executeWithoutResult(s -> items.renewLeases(runId, owner, held, lease)));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Could not renew the leases of run {}: {}", runId, e.getMessage());
        }
    }
}
