package dev.distillery.review;

import dev.distillery.runs.RunService;
import dev.distillery.tenancy.CurrentTenant;
import java.util.concurrent.Executor;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A {@link TracePageService} that keeps nothing yet, as after a start: for a benchmark of what a query's first page
 * costs the first time it is asked. Not a Spring proxy, so its caller opens the transaction.
 */
public final class FreshTracePages {

    private FreshTracePages() {}

    /** A service as the application's, counting large runs' totals on {@code counting}. */
    public static TracePageService create(ApplicationContext context, Executor counting) {
        return new TracePageService(
                context.getBean(RunService.class),
                context.getBean(Revisions.class),
                context.getBean(SearchIndex.class),
                context.getBean(CurrentTenant.class),
                context.getBean(PlatformTransactionManager.class),
                10_000,
                counting);
    }
}
