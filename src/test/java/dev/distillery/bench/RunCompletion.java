package dev.distillery.bench;

import dev.distillery.TestDatabase;
import dev.distillery.runs.RunCompleted;
import java.sql.Connection;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Completes a generated run as the run engine does, so that review's listener puts its texts in the search table. */
final class RunCompletion {

    private RunCompletion() {}

    /**
     * The run's status, then {@code RunCompleted} published in that transaction; returns the milliseconds until the
     * run's search index is committed.
     */
    static double complete(ApplicationEventPublisher events, PlatformTransactionManager transactions, UUID ws, UUID run)
            throws Exception {
        try (Connection owner = TestDatabase.ownerConnection()) {
            owner.createStatement()
                    .execute(
                            "UPDATE runs SET status = 'COMPLETED', finished_at = now() WHERE id = '%s'".formatted(run));
            long start = System.nanoTime();
            new TransactionTemplate(transactions)
                    .executeWithoutResult(s -> events.publishEvent(new RunCompleted(run, ws)));
            while (true) {
                try (var rs = owner.createStatement()
                        .executeQuery("SELECT texts FROM trace_search_runs WHERE run_id = '%s' AND texts > 0"
                                .formatted(run))) {
                    if (rs.next()) {
                        return (System.nanoTime() - start) / 1e6;
                    }
                }
                if (System.nanoTime() - start > 300_000_000_000L) {
                    throw new IllegalStateException("The run was not indexed for search within 5 minutes");
                }
                Thread.sleep(20);
            }
        }
    }
}
