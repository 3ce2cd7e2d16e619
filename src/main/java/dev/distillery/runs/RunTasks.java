package dev.distillery.runs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.shared.AfterCommit;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The run workers as db-scheduler tasks: the task {@value #TASK} (retried later on failure, revived when its instance
 * died), scheduling a run's workers (instance {@code <run>-<shard>}), and what becomes of an execution once the
 * {@link RunEngine} has worked it: removed when finished, back in a few seconds when it yielded.
 */
@Component
class RunTasks {

    static final String TASK = "run-worker";
    private static final Duration YIELD_DELAY = Duration.ofSeconds(2);

    private final RunEngine engine;
    private final ObjectProvider<Scheduler> scheduler;
    private final Clock clock;
    private final int workersPerRun;

    RunTasks(RunEngine engine, ObjectProvider<Scheduler> scheduler, Clock clock, RunsProperties properties) {
        this.engine = engine;
        this.scheduler = scheduler;
        this.clock = clock;
        this.workersPerRun = Math.max(1, properties.workersPerRun());
    }

    /** Schedules the run's workers (in the caller's transaction, so a launch and its workers commit together). */
    void start(UUID workspaceId, UUID runId) {
        for (int shard = 0; shard < workersPerRun; shard++) {
            scheduler
                    .getObject()
                    .scheduleIfNotExists(
                            new TaskInstance<>(
                                    TASK, runId + "-" + shard, new RunEngine.WorkerData(workspaceId, runId, shard)),
                            clock.instant());
        }
        // The scheduler's own wake-up happens before this transaction commits and finds nothing; wake it after, or
        // the workers wait for the next poll (a second).
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    /** One execution of a worker task. */
    CompletionHandler<RunEngine.WorkerData> execute(
            TaskInstance<RunEngine.WorkerData> instance, ExecutionContext context) {
        if (engine.work(instance.getData(), context) == RunEngine.Outcome.FINISHED) {
            return new CompletionHandler.OnCompleteRemove<>();
        }
        // Another worker of this run is already busy on this instance (or we are shutting down): come back shortly,
        // so an idle instance can take this share of the run.
        return (complete, operations) ->
                operations.reschedule(complete, clock.instant().plus(YIELD_DELAY));
    }

    @Configuration(proxyBeanMethods = false)
    static class WorkerTaskConfiguration {
        @Bean
        CustomTask<RunEngine.WorkerData> runWorkerTask(@Lazy RunTasks tasks) {
            return Tasks.custom(TASK, RunEngine.WorkerData.class)
                    .onFailure(new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(2)))
                    .onDeadExecutionRevive()
                    .execute(tasks::execute);
        }
    }
}
