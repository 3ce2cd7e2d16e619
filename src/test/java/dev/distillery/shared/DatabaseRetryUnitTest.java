package dev.distillery.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseRetryUnitTest {

    @Test
    void connectionLossAdminShutdownSerializationAndDeadlockAreTransientOtherErrorsAreNot() {
        for (String state :
                new String[] {"08006", "08003", "08001", "57P01", "57P02", "57P03", "53300", "40001", "40P01"}) {
            assertThat(DatabaseRetry.isTransient(wrapped(state))).as(state).isTrue();
        }
        for (String state : new String[] {"23505", "42P01", "22P02", "42501"}) {
            assertThat(DatabaseRetry.isTransient(wrapped(state))).as(state).isFalse();
        }
        assertThat(DatabaseRetry.isTransient(new IllegalStateException("no"))).isFalse();
        assertThat(DatabaseRetry.isTransient(null)).isFalse();
    }

    @Test
    void aRollbackThatFailsOnTheLostConnectionIsTransientWhenWhatCausedItWas() {
        var rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        rollback.initApplicationException(wrapped("08006"));
        assertThat(DatabaseRetry.isTransient(rollback)).isTrue();

        var afterABug =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        afterABug.initApplicationException(new IllegalStateException("a bug"));
        assertThat(DatabaseRetry.isTransient(afterABug)).isFalse();
    }

    @Test
    void transientFailuresAreRetriedUntilTheWorkGoesThroughAndOthersAreNot() {
        DatabaseRetry retry = new DatabaseRetry(Clock.systemUTC(), Duration.ofSeconds(10));
        AtomicInteger attempts = new AtomicInteger();
        String result = retry.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                assertThat(retry.unavailableFor().isPresent())
                        .as("failing since the first failure")
                        .isEqualTo(attempts.get() > 1);
                throw new DataAccessResourceFailureException("terminating connection due to administrator command");
            }
            assertThat(retry.unavailableFor()).as("failing while retried").isPresent();
            return "stored";
        });
        assertThat(result).isEqualTo("stored");
        assertThat(attempts).hasValue(3);
        assertThat(retry.unavailableFor()).as("recovered").isEmpty();

        AtomicInteger once = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(() -> {
                    once.incrementAndGet();
                    throw new DataIntegrityViolationException("duplicate key");
                }))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(once).as("not retried").hasValue(1);
    }

    private static RuntimeException wrapped(String sqlState) {
        return new UncategorizedSQLException("work", "SELECT 1", new SQLException("failed", sqlState));
    }
}
