package dev.distillery.finetune;

import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.endpoints.FineTuning;
import dev.distillery.endpoints.ModelCallException;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fine-tuning jobs of the workspace: launch one on an endpoint's OpenAI-compatible fine-tuning API (the JSONL is
 * checked first, then uploaded and the job created), follow it in the background ({@link FineTuneJobPoller}),
 * cancel it; a job that succeeds gets its fine-tuned model registered as a new endpoint. Everyone in the workspace
 * may read jobs; MEMBER and above may launch and cancel. No method holds a database transaction while it talks to
 * the provider.
 */
@Service
public class FineTuneJobService {

    private static final Logger log = LoggerFactory.getLogger(FineTuneJobService.class);
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    /** A launch that has not created its provider job after this long was interrupted (a crash mid-upload). */
    private static final Duration UPLOAD_GIVE_UP = Duration.ofHours(2);

    private static final int EVENTS_PER_POLL = 100;

    private final FineTuneJobs jobs;
    private final FineTuning fineTuning;
    private final EndpointService endpoints;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final FineTuneJobPoller poller;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration pollInitial;
    private final Duration pollMax;

    FineTuneJobService(
            FineTuneJobs jobs,
            FineTuning fineTuning,
            EndpointService endpoints,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            FineTuneJobPoller poller,
            PlatformTransactionManager transactions,
            JsonMapper json,
            Clock clock,
            FineTuningProperties properties) {
        Duration pollInitial = properties.pollInitial();
        Duration pollMax = properties.pollMax();
        this.jobs = jobs;
        this.fineTuning = fineTuning;
        this.endpoints = endpoints;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.poller = poller;
        this.tx = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
        this.clock = clock;
        this.pollInitial = pollInitial;
        this.pollMax = pollMax.compareTo(pollInitial) < 0 ? pollInitial : pollMax;
    }

    /**
     * Checks the files and settings, uploads the files to the endpoint's provider, creates the job and starts
     * following it. A provider that refuses the files or the job leaves a {@link FineTuneJobStatus#FAILED} job
     * saying why.
     *
     * @param suffix added to the fine-tuned model's name (letters, digits, '-' and '_'), or null
     * @param validationJsonl a validation file, or null
     * @throws InvalidInputException naming the field, and for files the line, of every problem found
     * @throws NotFoundException when the endpoint is not one of the workspace's
     */
    public FineTuneJobSummary launch(
            UUID endpointId,
            String baseModel,
            @Nullable String suffix,
            String trainingFileName,
            byte[] trainingJsonl,
            byte @Nullable [] validationJsonl,
            FineTuning.Hyperparameters hyperparameters) {
        List<FieldError> errors = new ArrayList<>();
        String model = baseModel == null ? "" : baseModel.strip();
        if (model.isEmpty() || model.length() > 200) {
            errors.add(new FieldError("model", "Enter the base model to fine-tune, e.g. gpt-4o-mini-2024-07-18."));
        }
        String cleanSuffix = suffix == null || suffix.isBlank() ? null : suffix.strip();
        if (cleanSuffix != null && !SUFFIX.matcher(cleanSuffix).matches()) {
            errors.add(new FieldError(
                    "suffix", "Up to 40 letters, digits, '-' and '_' (it becomes part of the model name)."));
        }
        checkHyperparameters(hyperparameters, errors);
        int trainingExamples = FineTuneJobFiles.check("trainingFile", trainingJsonl, errors);
        Integer validationExamples =
                validationJsonl == null ? null : FineTuneJobFiles.check("validationFile", validationJsonl, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        String fileName = fileName(trainingFileName, "training.jsonl");
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
            EndpointDetails endpoint = endpoints.get(endpointId);
            jobs.insert(
                    new FineTuneJobs.NewJob(
                            id,
                            tenant.workspaceId(),
                            endpointId,
                            endpoint.name(),
                            model,
                            cleanSuffix,
                            json.writeValueAsString(hyperparametersJson(hyperparameters)),
                            fileName,
                            trainingExamples,
                            validationJsonl == null ? null : "validation.jsonl",
                            validationExamples,
                            tenant.actor().userId(),
                            tenant.actor().label()),
                    clock.instant());
            auditLog.record(
                    tenant,
                    "fine-tune.launched",
                    model + (cleanSuffix == null ? "" : " (" + cleanSuffix + ")"),
                    "on " + endpoint.name() + ", " + trainingExamples + " training examples");
        });
        try {
            FineTuning.ProviderFile training = fineTuning.upload(endpointId, fileName, trainingJsonl);
            FineTuning.ProviderFile validation = validationJsonl == null
                    ? null
                    : fineTuning.upload(endpointId, "validation-" + fileName, validationJsonl);
            FineTuning.ProviderJob created = fineTuning.create(
                    endpointId,
                    new FineTuning.JobRequest(
                            model,
                            training.id(),
                            validation == null ? null : validation.id(),
                            cleanSuffix,
                            hyperparameters));
            boolean stillWanted = Boolean.TRUE.equals(tx.execute(status -> {
                TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
                if (!jobs.started(
                        id, training.id(), validation == null ? null : validation.id(), created, clock.instant())) {
                    return false;
                }
                poller.schedule(tenant, id, clock.instant().plus(pollInitial));
                return true;
            }));
            if (!stillWanted) {
                // Cancelled while the files were uploading: the provider's job must not run on.
                fineTuning.cancel(endpointId, created.id());
            }
        } catch (ModelCallException e) {
            tx.executeWithoutResult(status -> {
                currentTenant.require(Permission.LAUNCH_RUNS);
                jobs.finish(
                        id,
                        FineTuneJobStatus.FAILED,
                        "The provider refused the launch: " + e.getMessage(),
                        clock.instant());
            });
        }
        return get(id).job();
    }

    /** The workspace's jobs, newest first (the latest 500). */
    public List<FineTuneJobSummary> list() {
        return Objects.requireNonNull(readOnly.execute(status -> {
            currentTenant.require(Permission.READ);
            return jobs.list(500);
        }));
    }

    /** @throws NotFoundException also for jobs of other workspaces */
    public FineTuneJobDetails get(UUID id) {
        return Objects.requireNonNull(readOnly.execute(status -> {
            currentTenant.require(Permission.READ);
            FineTuneJobSummary job = jobs.find(id).orElseThrow(() -> notFound(id));
            return new FineTuneJobDetails(job, jobs.events(id));
        }));
    }

    /**
     * Cancels the job at the provider (or, while it is still uploading, here).
     *
     * @throws ConflictException when it already finished
     */
    public FineTuneJobSummary cancel(UUID id) {
        FineTuneJobSummary job = Objects.requireNonNull(readOnly.execute(status -> {
            currentTenant.require(Permission.LAUNCH_RUNS);
            return jobs.find(id).orElseThrow(() -> notFound(id));
        }));
        if (job.status().finished()) {
            throw new ConflictException("The job has already " + job.status().label() + ".");
        }
        FineTuning.ProviderJob provider =
                job.providerJobId() == null ? null : fineTuning.cancel(job.endpointId(), job.providerJobId());
        tx.executeWithoutResult(status -> {
            TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
            if (provider != null && provider.status().finished() && provider.status() != FineTuning.Status.CANCELLED) {
                jobs.update(id, provider, job.eventsSeen(), clock.instant());
            } else {
                jobs.finish(id, FineTuneJobStatus.CANCELLED, null, clock.instant());
            }
            auditLog.record(tenant, "fine-tune.cancelled", job.baseModel(), job.providerJobId());
        });
        return get(id).job();
    }

    /**
     * One look at the provider for the poller, in the tenant it bound: stores new events and the status, and
     * registers the fine-tuned model once the job succeeded.
     *
     * @return when to look again, or empty when the job is finished
     */
    Optional<Duration> poll(UUID id) {
        FineTuneJobSummary job = readOnly.<@Nullable FineTuneJobSummary>execute(status -> {
            currentTenant.require(Permission.READ);
            return jobs.find(id).orElse(null);
        });
        if (job == null
                || (job.status().finished()
                        && (job.status() != FineTuneJobStatus.SUCCEEDED || job.createdEndpointId() != null))) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (job.providerJobId() == null) {
            if (Duration.between(job.createdAt(), now).compareTo(UPLOAD_GIVE_UP) > 0) {
                fail(id, "The launch was interrupted before the provider's job was created; launch it again.");
                return Optional.empty();
            }
            return Optional.of(pollMax);
        }
        FineTuning.ProviderJob provider;
        List<FineTuning.ProviderEvent> events;
        try {
            provider = fineTuning.retrieve(job.endpointId(), job.providerJobId());
            events = fineTuning.events(job.endpointId(), job.providerJobId(), EVENTS_PER_POLL);
        } catch (ModelCallException e) {
            if (e.kind().isTransient()) {
                log.info("Fine-tuning job {} could not be checked now, trying again: {}", id, e.getMessage());
                return Optional.of(pollMax);
            }
            fail(id, "Distillery could not follow the job at the provider: " + e.getMessage());
            return Optional.empty();
        } catch (NotFoundException e) {
            fail(id, "The endpoint the job was launched on was deleted.");
            return Optional.empty();
        }
        tx.executeWithoutResult(status -> record(job, provider, events));
        return provider.status().finished() ? Optional.empty() : Optional.of(nextPoll(job, now));
    }

    private void record(
            FineTuneJobSummary job, FineTuning.ProviderJob provider, List<FineTuning.ProviderEvent> events) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        int seen = jobs.addEvents(tenant.workspaceId(), job.id(), events);
        boolean changed = jobs.update(job.id(), provider, seen, clock.instant());
        FineTuneJobStatus status = FineTuneJobStatus.of(provider.status());
        if (changed && status.finished()) {
            auditLog.record(
                    tenant,
                    "fine-tune." + status.name().toLowerCase(java.util.Locale.ROOT),
                    job.baseModel(),
                    provider.fineTunedModel() != null ? provider.fineTunedModel() : provider.error());
        }
        if (status == FineTuneJobStatus.SUCCEEDED
                && provider.fineTunedModel() != null
                && job.createdEndpointId() == null) {
            // In the same transaction as the job's link to it: the model is registered exactly once.
            EndpointDetails created = endpoints.registerModelOf(
                    job.endpointId(),
                    job.endpointName() + " · " + provider.fineTunedModel(),
                    provider.fineTunedModel());
            jobs.createdEndpoint(job.id(), created.id(), clock.instant());
        }
    }

    private void fail(UUID id, String error) {
        tx.executeWithoutResult(status -> {
            TenantContext tenant = currentTenant.require(Permission.READ);
            if (jobs.finish(id, FineTuneJobStatus.FAILED, error, clock.instant())) {
                auditLog.record(tenant, "fine-tune.failed", id.toString(), error);
            }
        });
    }

    /** Often while a job is young, then less: a tenth of its age, between the configured bounds. */
    private Duration nextPoll(FineTuneJobSummary job, Instant now) {
        Duration tenth = Duration.between(job.createdAt(), now).dividedBy(10);
        return tenth.compareTo(pollInitial) < 0 ? pollInitial : tenth.compareTo(pollMax) > 0 ? pollMax : tenth;
    }

    private static void checkHyperparameters(FineTuning.Hyperparameters h, List<FieldError> errors) {
        if (h.epochs() != null && (h.epochs() < 1 || h.epochs() > 50)) {
            errors.add(new FieldError("epochs", "Epochs are between 1 and 50 (empty: the provider decides)."));
        }
        if (h.batchSize() != null && (h.batchSize() < 1 || h.batchSize() > 256)) {
            errors.add(
                    new FieldError("batchSize", "The batch size is between 1 and 256 (empty: the provider decides)."));
        }
        if (h.learningRateMultiplier() != null
                && !(h.learningRateMultiplier() > 0 && h.learningRateMultiplier() <= 10)) {
            errors.add(new FieldError(
                    "learningRateMultiplier", "The learning rate multiplier is above 0 and at most 10."));
        }
    }

    private static Map<String, Object> hyperparametersJson(FineTuning.Hyperparameters h) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (h.epochs() != null) {
            map.put("n_epochs", h.epochs());
        }
        if (h.batchSize() != null) {
            map.put("batch_size", h.batchSize());
        }
        if (h.learningRateMultiplier() != null) {
            map.put("learning_rate_multiplier", h.learningRateMultiplier());
        }
        return map;
    }

    private static String fileName(@Nullable String name, String fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).strip();
        return base.isEmpty() ? fallback : base.length() > 200 ? base.substring(0, 200) : base;
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("Fine-tuning job " + id + " not found.");
    }
}
