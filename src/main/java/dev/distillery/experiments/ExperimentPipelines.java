package dev.distillery.experiments;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.endpoints.FineTuning;
import dev.distillery.finetune.ExportFile;
import dev.distillery.finetune.FineTuneExportRequest;
import dev.distillery.finetune.FineTuneExportService;
import dev.distillery.finetune.FineTuneJobService;
import dev.distillery.finetune.FineTuneJobStatus;
import dev.distillery.finetune.FineTuneJobSummary;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.Methods;
import dev.distillery.methods.ModelRole;
import dev.distillery.runs.RunCompleted;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunDraft;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunStatus;
import dev.distillery.shared.AfterCommit;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves pipeline experiments on: each has a db-scheduler task instance ({@value #TASK}, instance = the experiment id,
 * stored with the launch) that looks at its stages, ends the running one when its runs or its fine-tuning job have
 * finished and starts the next, then looks again after {@code pipelinePoll}; a completed run of a stage brings the look
 * forward. Every start is a conditional UPDATE out of {@code waiting}, so a revived task, two instances or a repeated
 * event start a stage at most once. Runs are launched in the transaction that claims their stage (all or none); a
 * fine-tuning job, which talks to its provider, is launched after the claim has committed, from a {@code starting}
 * stage that a later look adopts the job of (by its training file's name) if the process died meanwhile.
 */
@Component
class ExperimentPipelines {

    static final String TASK = "experiment-pipeline";
    private static final Logger log = LoggerFactory.getLogger(ExperimentPipelines.class);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
    /** A stage still starting after this long was interrupted before its job was created, so it may start again. */
    private static final Duration START_GIVE_UP = Duration.ofMinutes(10);

    private final Experiments experiments;
    private final ExperimentStages stages;
    private final RunService runs;
    private final FineTuneExportService exports;
    private final FineTuneJobService jobs;
    private final EndpointService endpoints;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final ObjectProvider<Scheduler> scheduler;
    private final DatabaseRetry retry;
    private final Clock clock;
    private final Duration poll;
    private final TransactionTemplate tx;

    ExperimentPipelines(
            Experiments experiments,
            ExperimentStages stages,
            RunService runs,
            FineTuneExportService exports,
            FineTuneJobService jobs,
            EndpointService endpoints,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            ObjectProvider<Scheduler> scheduler,
            DatabaseRetry retry,
            Clock clock,
            ExperimentProperties properties,
            PlatformTransactionManager transactions) {
        this.experiments = experiments;
        this.stages = stages;
        this.runs = runs;
        this.exports = exports;
        this.jobs = jobs;
        this.endpoints = endpoints;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.scheduler = scheduler;
        this.retry = retry;
        this.clock = clock;
        this.poll = properties.pipelinePoll();
        this.tx = new TransactionTemplate(transactions);
    }

    /** The task's data: the pipeline, and who launched it in which workspace (later stages are launched for them). */
    record PipelineData(
            UUID workspaceId, String role, @Nullable UUID userId, String actor, UUID experimentId)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        TenantContext launcher() {
            return new TenantContext(workspaceId, Role.valueOf(role), new Actor(userId, null, actor));
        }
    }

    /**
     * Stores the stages of a new experiment, starts the first (its runs are launched in the caller's transaction, so a
     * refused cell refuses the launch) and schedules the task that starts the others.
     */
    void launch(TenantContext tenant, UUID experimentId, PipelinePlan plan) {
        int position = 1;
        for (PipelinePlan.Stage stage : plan.stages()) {
            stages.insert(experimentId, tenant.workspaceId(), position++, stage);
        }
        List<ExperimentStages.StoredStage> stored = stages.list(experimentId);
        Experiments.Header header = experiments.header(experimentId).orElseThrow();
        startRuns(header, stored, stored.getFirst());
        scheduler
                .getObject()
                .scheduleIfNotExists(
                        new TaskInstance<>(
                                TASK,
                                experimentId.toString(),
                                new PipelineData(
                                        tenant.workspaceId(),
                                        tenant.role().name(),
                                        tenant.actor().userId(),
                                        tenant.actor().label(),
                                        experimentId)),
                        clock.instant().plus(poll));
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    /** A stage's run finished: look at its pipeline now rather than at the next poll. */
    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(RunCompleted event) {
        Optional<UUID> experiment = retry.call(() -> currentTenant.callAs(
                new TenantContext(event.workspaceId(), Role.VIEWER, Actor.system()),
                () -> Objects.requireNonNull(tx.execute(s -> stages.experimentOfRun(event.runId())))));
        experiment.ifPresent(this::lookNow);
    }

    void lookNow(UUID experimentId) {
        for (int attempt = 1; ; attempt++) {
            try {
                retry.run(() -> scheduler
                        .getObject()
                        .reschedule(TaskInstanceId.of(TASK, experimentId.toString()), clock.instant()));
                scheduler.getObject().triggerCheckForDueExecutions();
                return;
            } catch (TaskInstanceCurrentlyExecutingException e) {
                // It is looking right now and will look again.
                return;
            } catch (TaskInstanceNotFoundException e) {
                // The pipeline has ended (its task completed): a late or repeated event has nothing left to move on.
                return;
            } catch (ExecutionException e) {
                // A look was picked or rescheduled itself between the scheduler's read of the task and its update,
                // which then matched no row: read again, and find it looking, due later or gone. Failing instead
                // would leave the event's publication incomplete and the next stage waiting for the next poll.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** What one look decided. */
    private sealed interface Next {}

    private record Finished() implements Next {}

    private record Later() implements Next {}

    private record Again() implements Next {}

    private record LaunchJob(int position, PipelinePlan.FineTune spec, ExportFile file, String model) implements Next {}

    private record Failed(int position, String from, String message) implements Next {}

    /**
     * Moves the pipeline on as far as it can now; for the task, as the launcher.
     *
     * @return when to look again, or empty when nothing is left to start
     */
    Optional<Duration> advance(UUID experimentId) {
        // Each step is its own transaction, and none is open while a fine-tuning job is launched at its provider.
        for (int steps = 0; steps < 100; steps++) {
            Next next;
            try {
                next = Objects.requireNonNull(tx.execute(s -> decide(experimentId)));
            } catch (StageRefused refused) {
                next = new Failed(refused.position, refused.from, refused.reason);
            }
            switch (next) {
                case Finished f -> {
                    return Optional.empty();
                }
                case Later l -> {
                    return Optional.of(poll);
                }
                case Again a -> {}
                case Failed f -> fail(experimentId, f);
                case LaunchJob job -> launchJob(experimentId, job);
            }
        }
        return Optional.of(poll);
    }

    private Next decide(UUID experimentId) {
        currentTenant.require(Permission.READ);
        Experiments.Header header = experiments.header(experimentId).orElse(null);
        if (header == null) {
            return new Finished();
        }
        List<ExperimentStages.StoredStage> all = stages.list(experimentId);
        for (ExperimentStages.StoredStage stored : all) {
            ExperimentStage stage = stored.stage();
            switch (stage.status()) {
                case "done" -> {
                    continue;
                }
                case "failed", "cancelled" -> {
                    return new Finished();
                }
                case "waiting" -> {
                    if (header.cancelledAt() != null) {
                        stages.cancelWaiting(experimentId, clock.instant());
                        return new Finished();
                    }
                    return switch (stored.spec()) {
                        case PipelinePlan.Runs r -> startRuns(header, all, stored);
                        case PipelinePlan.FineTune f -> startJob(header, all, stored, f);
                    };
                }
                case "starting" -> {
                    return adopt(header, stored);
                }
                case "running" -> {
                    return stage.jobId() != null ? followJob(header, stage) : followRuns(header, stage);
                }
                default -> throw new IllegalStateException("Unknown stage status " + stage.status());
            }
        }
        return new Finished();
    }

    /** Claims the stage and launches its runs in the caller's transaction: all of them, or none and the stage fails. */
    private Next startRuns(
            Experiments.Header header, List<ExperimentStages.StoredStage> all, ExperimentStages.StoredStage stored) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        ExperimentStage stage = stored.stage();
        if (!stages.move(header.id(), stage.position(), "waiting", "running", clock.instant())) {
            return new Again();
        }
        PipelinePlan.Runs spec = (PipelinePlan.Runs) stored.spec();
        int position = experiments.cells(header.id()).size();
        List<UUID> launched = new ArrayList<>();
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < spec.cells().size(); i++) {
            PipelinePlan.Cell cell = spec.cells().get(i);
            String field = "stages[" + stage.position() + "].cells[" + i + "]";
            Map<ModelRole, UUID> roles = new EnumMap<>(ModelRole.class);
            cell.roles().forEach((role, ref) -> roles.put(ModelRole.fromId(role), endpoint(all, ref)));
            RunDetails run;
            try {
                run = runs.launch(new RunDraft(
                        header.name() + " · " + stage.position() + " · "
                                + Methods.byId(cell.method()).orElseThrow().label(),
                        cell.method(),
                        cell.preset(),
                        header.datasetId(),
                        header.datasetVersion(),
                        cell.split(),
                        0,
                        cell.limit(),
                        roles,
                        cell.params(),
                        Decoding.providerDefault(),
                        stages.concurrency(header.id()),
                        header.seed()));
            } catch (InvalidInputException e) {
                e.errors()
                        .forEach(error -> errors.add(
                                new InvalidInputException.FieldError(field + "." + error.field(), error.message())));
                continue;
            }
            launched.add(run.id());
            experiments.insertCell(
                    header.id(),
                    tenant.workspaceId(),
                    new Experiments.StoredCell(
                            position++,
                            cell.method(),
                            cell.preset(),
                            cell.params(),
                            roles.get(ModelRole.TEACHER),
                            roles.get(ModelRole.STUDENT),
                            run.id()));
        }
        if (!errors.isEmpty()) {
            // Rolls back the claim and the runs launched so far; the stage then fails saying why.
            throw new StageRefused(
                    stage.position(),
                    "waiting",
                    new InvalidInputException(errors),
                    "The runs of stage " + stage.position() + " were refused: "
                            + errors.stream()
                                    .map(e -> e.field() + ": " + e.message())
                                    .collect(Collectors.joining("; ")));
        }
        stages.runs(header.id(), stage.position(), launched);
        auditLog.record(
                tenant,
                "experiment.stage-started",
                header.name(),
                "stage " + stage.position() + " (" + stage.title() + "): " + launched.size() + " runs");
        return new Again();
    }

    private static UUID endpoint(List<ExperimentStages.StoredStage> all, String ref) {
        if (ref.startsWith(PipelinePlan.STAGE_MODEL)) {
            int position = Integer.parseInt(ref.substring(PipelinePlan.STAGE_MODEL.length()));
            UUID endpoint = all.get(position - 1).stage().endpointId();
            if (endpoint == null) {
                throw new IllegalStateException("Stage " + position + " has no fine-tuned model yet");
            }
            return endpoint;
        }
        return UUID.fromString(ref);
    }

    /** Claims the stage and builds its training file; the job is launched once this has committed. */
    private Next startJob(
            Experiments.Header header,
            List<ExperimentStages.StoredStage> all,
            ExperimentStages.StoredStage stored,
            PipelinePlan.FineTune spec) {
        currentTenant.require(Permission.LAUNCH_RUNS);
        int position = stored.stage().position();
        if (!stages.move(header.id(), position, "waiting", "starting", clock.instant())) {
            return new Again();
        }
        List<UUID> source = all.get(spec.sourceStage() - 1).stage().runIds();
        try {
            ExportFile file = exports.export(
                    source.getFirst(), new FineTuneExportRequest(spec.format(), spec.baseFormat(), 0, 0, true, null));
            String model = spec.baseModel() != null
                    ? spec.baseModel()
                    : endpoints.get(spec.endpointId()).model();
            return new LaunchJob(position, spec, file, model);
        } catch (ConflictException | InvalidInputException | NotFoundException e) {
            throw new StageRefused(
                    position,
                    "waiting",
                    e,
                    "The training data of stage " + position + " could not be exported from run " + source.getFirst()
                            + ": " + e.getMessage());
        }
    }

    /** The name the stage's training file is uploaded under, by which a later look finds a job it launched. */
    static String trainingFileName(UUID experimentId, int position) {
        return "experiment-" + experimentId + "-stage-" + position + ".jsonl";
    }

    private void launchJob(UUID experimentId, LaunchJob launch) {
        FineTuneJobSummary job;
        try {
            job = jobs.launch(
                    launch.spec().endpointId(),
                    launch.model(),
                    launch.spec().suffix(),
                    trainingFileName(experimentId, launch.position()),
                    launch.file().content(),
                    null,
                    FineTuning.Hyperparameters.auto());
        } catch (InvalidInputException | NotFoundException e) {
            fail(
                    experimentId,
                    new Failed(
                            launch.position(),
                            "starting",
                            "The fine-tuning job of stage " + launch.position() + " was refused: " + e.getMessage()));
            return;
        }
        tx.executeWithoutResult(s -> {
            TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
            if (stages.job(experimentId, launch.position(), job.id())) {
                auditLog.record(
                        tenant,
                        "experiment.stage-started",
                        experimentId.toString(),
                        "stage " + launch.position() + ": fine-tuning job " + job.id() + " of " + launch.model()
                                + " on " + job.trainingExamples() + " examples");
            }
        });
    }

    /** A stage left starting: adopts the job it launched, or starts it again once its launch has surely died. */
    private Next adopt(Experiments.Header header, ExperimentStages.StoredStage stored) {
        int position = stored.stage().position();
        String fileName = trainingFileName(header.id(), position);
        Optional<FineTuneJobSummary> launched = jobs.list().stream()
                .filter(j -> j.trainingFileName().equals(fileName))
                .findFirst();
        if (launched.isPresent()) {
            stages.job(header.id(), position, launched.get().id());
            return new Again();
        }
        Instant started = stored.stage().startedAt();
        if (started != null && started.plus(START_GIVE_UP).isBefore(clock.instant())) {
            log.warn(
                    "Stage {} of experiment {} was interrupted before its job was created; starting it again",
                    position,
                    header.id());
            stages.move(header.id(), position, "starting", "waiting", clock.instant());
            return new Again();
        }
        return new Later();
    }

    private Next followJob(Experiments.Header header, ExperimentStage stage) {
        FineTuneJobSummary job = jobs.get(Objects.requireNonNull(stage.jobId())).job();
        if (job.status() == FineTuneJobStatus.SUCCEEDED && job.createdEndpointId() != null) {
            stages.succeeded(header.id(), stage.position(), job.createdEndpointId(), clock.instant());
            return new Again();
        }
        if (job.status() == FineTuneJobStatus.SUCCEEDED && job.fineTunedModel() == null) {
            stages.end(
                    header.id(),
                    stage.position(),
                    "running",
                    "failed",
                    "The fine-tuning job " + job.id() + " succeeded without naming a model to evaluate.",
                    clock.instant());
            return new Finished();
        }
        if (job.status() == FineTuneJobStatus.FAILED || job.status() == FineTuneJobStatus.CANCELLED) {
            stages.end(
                    header.id(),
                    stage.position(),
                    "running",
                    "failed",
                    "The fine-tuning job " + job.id() + " " + job.status().label()
                            + (job.error() == null ? "." : ": " + job.error()),
                    clock.instant());
            return new Finished();
        }
        return new Later();
    }

    private Next followRuns(Experiments.Header header, ExperimentStage stage) {
        List<RunDetails> launched = stage.runIds().stream().map(runs::get).toList();
        if (launched.stream().anyMatch(r -> !r.status().finished())) {
            stages.note(header.id(), stage.position(), null);
            return new Later();
        }
        List<RunDetails> stopped =
                launched.stream().filter(r -> r.status() != RunStatus.COMPLETED).toList();
        if (stopped.isEmpty()) {
            stages.succeeded(header.id(), stage.position(), null, clock.instant());
            return new Again();
        }
        if (header.cancelledAt() != null) {
            stages.end(
                    header.id(),
                    stage.position(),
                    "running",
                    "cancelled",
                    "The experiment was cancelled.",
                    clock.instant());
            stages.cancelWaiting(header.id(), clock.instant());
            return new Finished();
        }
        // A paused or failed run may be resumed with the experiment, so the stage waits for it rather than failing.
        stages.note(
                header.id(),
                stage.position(),
                "Waiting for "
                        + stopped.stream()
                                .map(r -> r.name() + " (" + r.status().id() + ")")
                                .collect(Collectors.joining(", "))
                        + ": resume the experiment to go on.");
        return new Later();
    }

    private void fail(UUID experimentId, Failed failed) {
        tx.executeWithoutResult(s -> {
            TenantContext tenant = currentTenant.require(Permission.READ);
            if (stages.end(
                    experimentId, failed.position(), failed.from(), "failed", failed.message(), clock.instant())) {
                auditLog.record(tenant, "experiment.stage-failed", experimentId.toString(), failed.message());
            }
        });
    }

    /** A stage that cannot start; thrown inside its transaction so that the claim and anything launched roll back. */
    static final class StageRefused extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        final int position;
        final String from;
        final String reason;

        StageRefused(int position, String from, RuntimeException cause, String reason) {
            super(reason, cause);
            this.position = position;
            this.from = from;
            this.reason = reason;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfiguration {
        @Bean
        CustomTask<PipelineData> experimentPipelineTask(
                @Lazy ExperimentPipelines pipelines, CurrentTenant currentTenant, DatabaseRetry retry, Clock clock) {
            return Tasks.custom(TASK, PipelineData.class)
                    .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_AFTER_FAILURE))
                    .onDeadExecutionRevive()
                    .execute((instance, context) -> {
                        PipelineData data = instance.getData();
                        // A look only changes what it finds unchanged, so a database restart under it means looking
                        // again.
                        Optional<Duration> next = retry.call(() ->
                                currentTenant.callAs(data.launcher(), () -> pipelines.advance(data.experimentId())));
                        if (next.isEmpty()) {
                            return new CompletionHandler.OnCompleteRemove<>();
                        }
                        return (complete, operations) ->
                                operations.reschedule(complete, clock.instant().plus(next.get()));
                    });
        }
    }
}
