package dev.distillery.leaderboards;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.review.StudentRerunRecorded;
import dev.distillery.runs.RunCompleted;
import dev.distillery.runs.RunRegraded;
import dev.distillery.shared.AfterCommit;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Keeps entries current: a completed or re-graded run or a recorded student re-run schedules the db-scheduler task
 * {@value #TASK} in the same transaction, so the update is as durable as the change that asks for it and runs once
 * that change has committed. Events within one {@link #BUCKET_SECONDS}-second window share one task (the task reads
 * the state as it is then), so re-running a whole run's corrections refreshes its entry a few times, not per item.
 */
@Component
class LeaderboardUpdates {

    static final String TASK = "leaderboard-update";
    static final long BUCKET_SECONDS = 2;

    private final ObjectProvider<Scheduler> scheduler;
    private final Clock clock;

    LeaderboardUpdates(ObjectProvider<Scheduler> scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void on(RunCompleted event) {
        schedule(event.workspaceId(), event.runId());
    }

    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void on(RunRegraded event) {
        schedule(event.workspaceId(), event.runId());
    }

    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void on(StudentRerunRecorded event) {
        schedule(event.workspaceId(), event.runId());
    }

    private void schedule(UUID workspaceId, UUID runId) {
        long bucket = clock.instant().getEpochSecond() / BUCKET_SECONDS;
        Instant due = Instant.ofEpochSecond((bucket + 1) * BUCKET_SECONDS);
        scheduler.getObject().scheduleIfNotExists(
                new TaskInstance<>(TASK, runId + "-" + bucket, new UpdateData(workspaceId, runId)), due);
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    /** The task's data: whose run to refresh. */
    record UpdateData(UUID workspaceId, UUID runId) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfiguration {
        @Bean
        OneTimeTask<UpdateData> leaderboardUpdateTask(@Lazy LeaderboardService leaderboards, CurrentTenant currentTenant,
                DatabaseRetry retry) {
            return Tasks.oneTime(TASK, UpdateData.class).execute((instance, context) -> {
                UpdateData data = instance.getData();
                // A refresh reads the state as it is and writes it whole: repeatable through a database restart.
                retry.run(() -> currentTenant.callAs(new TenantContext(data.workspaceId(), Role.VIEWER, Actor.system()), () -> {
                    leaderboards.refresh(data.runId());
                    return null;
                }));
            });
        }
    }
}
