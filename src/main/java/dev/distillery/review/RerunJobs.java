package dev.distillery.review;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.shared.AfterCommit;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The background job that re-runs the student on many corrected traces: a db-scheduler task (durable, picked up by
 * any instance, revived after a crash). It carries the requester explicitly and re-runs item by item; an item whose
 * revision already has a re-run is skipped, so a revived job repeats no finished re-run.
 */
@Component
class RerunJobs {

    static final String TASK = "review-rerun";
    private static final Logger log = LoggerFactory.getLogger(RerunJobs.class);

    private final ObjectProvider<Scheduler> scheduler;
    private final Clock clock;

    RerunJobs(ObjectProvider<Scheduler> scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The job's data: who asked, in which workspace, for which run and items. */
    record RerunData(
            UUID workspaceId, String role, @Nullable UUID userId, String actor, UUID runId, List<String> itemIds)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        TenantContext requester() {
            return new TenantContext(workspaceId, Role.valueOf(role), new Actor(userId, null, actor));
        }
    }

    /** Schedules the job in the caller's transaction and wakes the scheduler once it commits. */
    void schedule(TenantContext requester, UUID runId, List<String> itemIds) {
        scheduler
                .getObject()
                .schedule(
                        new TaskInstance<>(
                                TASK,
                                runId + "-" + UUID.randomUUID(),
                                new RerunData(
                                        requester.workspaceId(),
                                        requester.role().name(),
                                        requester.actor().userId(),
                                        requester.actor().label(),
                                        runId,
                                        List.copyOf(itemIds))),
                        clock.instant());
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfiguration {
        @Bean
        OneTimeTask<RerunData> reviewRerunTask(@Lazy CorrectionService corrections, CurrentTenant currentTenant) {
            return Tasks.oneTime(TASK, RerunData.class).execute((instance, context) -> {
                RerunData data = instance.getData();
                currentTenant.callAs(data.requester(), () -> {
                    for (String itemId : data.itemIds()) {
                        try {
                            corrections.rerunLatestUnlessDone(data.runId(), itemId);
                        } catch (RuntimeException e) {
                            if (DatabaseRetry.isTransient(e)) {
                                // The database stayed away longer than retries wait: fail the job, so db-scheduler
                                // runs it again later; finished re-runs are skipped then.
                                throw e;
                            }
                            log.warn("Re-run of item {} of run {} failed: {}", itemId, data.runId(), e.toString());
                        }
                    }
                    return null;
                });
            });
        }
    }
}
