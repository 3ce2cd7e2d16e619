package dev.distillery.finetune;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Follows a fine-tuning job at its provider: one db-scheduler task instance per job ({@value #TASK}, instance = the
 * job id), stored with the launch, so it survives restarts and runs on one instance at a time. Each execution looks
 * once (outside any transaction while it calls the provider) and reschedules itself until the job is finished and
 * its model registered; a revived or repeated execution only stores what it has not stored yet.
 */
@Component
class FineTuneJobPoller {

    static final String TASK = "fine-tune-job-poll";
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final ObjectProvider<Scheduler> scheduler;

    FineTuneJobPoller(ObjectProvider<Scheduler> scheduler) {
        this.scheduler = scheduler;
    }

    /** The task's data: the job, and who launched it in which workspace (the poller acts for them). */
    record PollData(UUID workspaceId, String role, @Nullable UUID userId, String actor, UUID jobId)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        TenantContext launcher() {
            return new TenantContext(workspaceId, Role.valueOf(role), new Actor(userId, null, actor));
        }
    }

    /** Schedules the first look in the caller's transaction; the scheduler is woken once it commits. */
    void schedule(TenantContext launcher, UUID jobId, Instant first) {
        scheduler
                .getObject()
                .scheduleIfNotExists(
                        new TaskInstance<>(
                                TASK,
                                jobId.toString(),
                                new PollData(
                                        launcher.workspaceId(),
                                        launcher.role().name(),
                                        launcher.actor().userId(),
                                        launcher.actor().label(),
                                        jobId)),
                        first);
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfiguration {
        @Bean
        CustomTask<PollData> fineTuneJobPollTask(
                @Lazy FineTuneJobService service, CurrentTenant currentTenant, DatabaseRetry retry, Clock clock) {
            return Tasks.custom(TASK, PollData.class)
                    .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_AFTER_FAILURE))
                    .onDeadExecutionRevive()
                    .execute((instance, context) -> {
                        PollData data = instance.getData();
                        // A look is repeatable (it stores only what is new), so a database restart under it just means
                        // looking again.
                        Optional<Duration> next = retry.call(
                                () -> currentTenant.callAs(data.launcher(), () -> service.poll(data.jobId())));
                        if (next.isEmpty()) {
                            return new CompletionHandler.OnCompleteRemove<>();
                        }
                        return (complete, operations) ->
                                operations.reschedule(complete, clock.instant().plus(next.get()));
                    });
        }
    }
}
