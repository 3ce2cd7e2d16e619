package dev.distillery.shared;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Durable work's way through a database restart or failover: a unit of work that fails because the database is
 * briefly unavailable (connection lost, administrator shutdown, failover, serialization failure, deadlock) is run
 * again with backoff (Resilience4j), never turned into the failure of what it was working on. Each unit must be one
 * transaction, so a failed attempt left nothing behind. While attempts fail, {@link #unavailableFor()} says for how
 * long, for pages to show.
 */
public class DatabaseRetry {

    /** What a user is told when a request meets a database restart or failover. */
    public static final String UNAVAILABLE =
            "The database is unavailable for a moment (a restart or failover). Try again in a few seconds.";

    private final Retry retry;
    private final Clock clock;
    private final AtomicReference<@Nullable Instant> failingSince = new AtomicReference<>();

    public DatabaseRetry(Clock clock, Duration retryFor) {
        this.clock = clock;
        Duration first = Duration.ofMillis(200);
        Duration most = Duration.ofSeconds(5);
        // Attempts enough to span retryFor at the longest interval, plus the short ones at the start.
        int attempts = (int) Math.max(3, retryFor.toMillis() / most.toMillis() + 6);
        this.retry = Retry.of(
                "database",
                RetryConfig.custom()
                        .maxAttempts(attempts)
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(first, 2, most))
                        .retryOnException(DatabaseRetry::isTransient)
                        .failAfterMaxAttempts(false)
                        .build());
        retry.getEventPublisher().onRetry(event -> failingSince.compareAndSet(null, clock.instant()));
    }

    /** Runs {@code work} (one transaction), again while the database is briefly unavailable. */
    public <T extends @Nullable Object> T call(Supplier<T> work) {
        T result = retry.executeSupplier(work);
        failingSince.set(null);
        return result;
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** How long the database has been failing this instance's work, while it is. */
    public Optional<Duration> unavailableFor() {
        Instant since = failingSince.get();
        return since == null ? Optional.empty() : Optional.of(Duration.between(since, clock.instant()));
    }

    /**
     * Whether {@code failure} says the database was briefly unavailable rather than the work being wrong: connection
     * failures (SQLSTATE class 08), administrator shutdown and crash recovery (57P01–57P03), too many connections
     * (53300), serialization failures (40001) and deadlocks (40P01), as JDBC or Spring reports them.
     */
    public static boolean isTransient(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientDataAccessException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            // A rollback that fails on the lost connection hides the failure that asked for the rollback.
            if (t instanceof TransactionSystemException rollback
                    && rollback.getApplicationException() != null
                    && rollback.getApplicationException() != t
                    && isTransient(rollback.getApplicationException())) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")
                        || state.equals("57P01")
                        || state.equals("57P02")
                        || state.equals("57P03")
                        || state.equals("53300")
                        || state.equals("40001")
                        || state.equals("40P01")) {
                    return true;
                }
            }
        }
        return false;
    }
}
