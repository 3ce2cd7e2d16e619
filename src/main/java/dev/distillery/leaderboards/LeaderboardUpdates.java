package dev.distillery.leaderboards;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.review.StudentRerunRecorded;
import dev.distillery.runs.RunCompleted;
import dev.distillery.runs.RunRegraded;
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
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;

/**
 * Keeps entries current: a completed or re-graded run or a recorded student re-run schedules the db-scheduler task
 * {@value #TASK} once the change has committed. The events come through Spring Modulith's publication registry,
 * stored with the change itself, so a crash before this listener ran publishes them again at the next start. Events
 * within one {@link #BUCKET_SECONDS}-second window share one task (the task reads the state as it is then), so
 * re-running a whole run's corrections refreshes its entry a few times, not per item.
 */
@Component
class LeaderboardUpdates {

    static final String TASK = "leaderboard-update";
    static final long BUCKET_SECONDS = 2;

    private final ObjectProvider<Scheduler> scheduler;
    private final Clock clock;

    private final DatabaseRetry retry;

    LeaderboardUpdates(ObjectProvider<Scheduler> scheduler, Clock clock, DatabaseRetry retry) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.retry = retry;
    }

    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(RunCompleted event) {
        schedule(event.workspaceId(), event.runId());
    }

    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(RunRegraded event) {
        schedule(event.workspaceId(), event.runId());
    }

    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(StudentRerunRecorded event) {
        schedule(event.workspaceId(), event.runId());
    }

    private void schedule(UUID workspaceId, UUID runId) {
        long bucket = clock.instant().getEpochSecond() / BUCKET_SECONDS;
        Instant due = Instant.ofEpochSecond((bucket + 1) * BUCKET_SECONDS);
        // Outside any transaction (the task row commits at once), retried through a database restart.
        retry.run(() -> scheduler
                .getObject()
                .scheduleIfNotExists(
                        new TaskInstance<>(TASK, runId + "-" + bucket, new UpdateData(workspaceId, runId)), due));
        scheduler.getObject().triggerCheckForDueExecutions();
    }

    /** The task's data: whose run to refresh. */
    record UpdateData(UUID workspaceId, UUID runId) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfiguration {
        @Bean
        OneTimeTask<UpdateData> leaderboardUpdateTask(
                @Lazy LeaderboardService leaderboards, CurrentTenant currentTenant, DatabaseRetry retry) {
            return Tasks.oneTime(TASK, UpdateData.class).execute((instance, context) -> {
                UpdateData data = instance.getData();
                // A refresh reads the state as it is and writes it whole: repeatable through a database restart.
                retry.run(() ->
                        currentTenant.callAs(new TenantContext(data.workspaceId(), Role.VIEWER, Actor.system()), () -> {
                            leaderboards.refresh(data.runId());
                            return null;
                        }));
            });
        }
    }
}
