package dev.distillery.experiments;

import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.methods.Decoding;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Launches the papers' templates ({@link ExperimentTemplates}): Trace-of-Thought as a grid through {@link
 * ExperimentService}, Fine-tune-CoT and Socratic CoT as pipelines whose first stage starts with the launch and whose
 * later stages start as the earlier ones finish ({@link ExperimentPipelines}).
 */
@Service
public class ExperimentTemplateService {

    private static final int DEFAULT_CONCURRENCY = 8;

    private final ExperimentService experiments;
    private final Experiments store;
    private final ExperimentStages stages;
    private final ExperimentPipelines pipelines;
    private final DatasetService datasets;
    private final EndpointService endpoints;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    ExperimentTemplateService(
            ExperimentService experiments,
            Experiments store,
            ExperimentStages stages,
            ExperimentPipelines pipelines,
            DatasetService datasets,
            EndpointService endpoints,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock) {
        this.experiments = experiments;
        this.store = store;
        this.stages = stages;
        this.pipelines = pipelines;
        this.datasets = datasets;
        this.endpoints = endpoints;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    public List<ExperimentTemplate> templates() {
        return ExperimentTemplates.all();
    }

    public Optional<ExperimentTemplate> template(String key) {
        return ExperimentTemplates.byKey(key);
    }

    /**
     * What the filled template is expected to use, as {@link ExperimentService#estimate} says of a grid; empty for a
     * pipeline, whose later stages depend on what the earlier ones produce.
     *
     * @throws InvalidInputException naming each missing or wrong slot, as {@link #launch} would
     */
    @Transactional(readOnly = true)
    public Optional<ExperimentEstimate> estimate(String key, TemplateLaunch launch) {
        currentTenant.require(Permission.READ);
        return switch (ExperimentTemplates.instantiate(key, launch)) {
            case ExperimentTemplates.Grid grid -> Optional.of(experiments.estimate(grid.draft()));
            case ExperimentTemplates.Pipeline pipeline -> Optional.empty();
        };
    }

    /**
     * Fills the template and launches it: the grid's runs, or the pipeline's stages with its first stage's runs, in one
     * transaction (nothing is launched when anything is refused).
     *
     * @throws NotFoundException when no template has the key
     * @throws InvalidInputException naming each missing or wrong slot ({@code slots.teacher}), the dataset or a split
     *     the template needs
     */
    @Transactional
    public Experiment launch(String key, TemplateLaunch launch) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        ExperimentTemplates.Instance instance = ExperimentTemplates.instantiate(key, launch);
        checkEndpoints(key, launch);
        return switch (instance) {
            case ExperimentTemplates.Grid grid -> experiments.launch(grid.draft());
            case ExperimentTemplates.Pipeline pipeline -> launchPipeline(tenant, launch, pipeline.plan());
        };
    }

    /** The stages of a pipeline experiment, in order; empty for a grid. */
    @Transactional(readOnly = true)
    public List<ExperimentStage> stages(UUID experimentId) {
        currentTenant.require(Permission.READ);
        return stages.list(experimentId).stream()
                .map(ExperimentStages.StoredStage::stage)
                .toList();
    }

    private Experiment launchPipeline(TenantContext tenant, TemplateLaunch launch, PipelinePlan plan) {
        DatasetDetails dataset;
        try {
            dataset = datasets.get(launch.datasetId());
        } catch (NotFoundException e) {
            throw new InvalidInputException(
                    "datasetId", "Dataset " + launch.datasetId() + " not found in this workspace.");
        }
        VersionSummary version = launch.datasetVersion() == null
                ? dataset.latest()
                : dataset.versions().stream()
                        .filter(v -> v.version() == launch.datasetVersion())
                        .findFirst()
                        .orElseThrow(() -> new InvalidInputException(
                                "datasetVersion",
                                "Dataset " + dataset.name() + " has no version " + launch.datasetVersion() + "."));
        // A pipeline runs for hours before its last stage: a split it lacks must be said now, not then.
        Set<String> splits = new LinkedHashSet<>();
        plan.stages().stream()
                .filter(PipelinePlan.Runs.class::isInstance)
                .flatMap(s -> ((PipelinePlan.Runs) s).cells().stream())
                .forEach(c -> splits.add(c.split()));
        List<FieldError> errors = new ArrayList<>();
        for (String split : splits) {
            if (version.splitCounts().getOrDefault(split, 0) == 0) {
                errors.add(new FieldError(
                        "datasetId",
                        "The template needs a " + split + " split; " + dataset.name() + " v" + version.version()
                                + " has "
                                + String.join(", ", version.splitCounts().keySet()) + "."));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        int concurrency = launch.concurrency() == null ? DEFAULT_CONCURRENCY : launch.concurrency();
        if (concurrency < 1) {
            throw new InvalidInputException("concurrency", "The concurrency is at least 1.");
        }
        String name = plan.name() + " · " + dataset.name();
        UUID id = UUID.randomUUID();
        store.insert(
                id,
                tenant.workspaceId(),
                name,
                dataset.id(),
                version.id(),
                plan.split(),
                0,
                plan.limit(),
                launch.seed(),
                Decoding.providerDefault(),
                concurrency,
                tenant.actor().userId(),
                clock.instant());
        try {
            pipelines.launch(tenant, id, plan);
        } catch (ExperimentPipelines.StageRefused refused) {
            throw refused.getCause() instanceof InvalidInputException invalid
                    ? invalid
                    : new InvalidInputException("slots", refused.reason);
        }
        auditLog.record(
                tenant,
                "experiment.launched",
                name,
                plan.stages().size() + " stages on " + dataset.name() + " v" + version.version());
        return experiments.get(id);
    }

    /** Each endpoint a slot names must be the workspace's, said with the slot's name rather than a run's role. */
    private void checkEndpoints(String key, TemplateLaunch launch) {
        ExperimentTemplate template = ExperimentTemplates.byKey(key).orElseThrow();
        List<FieldError> errors = new ArrayList<>();
        for (ExperimentTemplate.Slot slot : template.slots()) {
            Object value = launch.slots().get(slot.name());
            if (value == null || !slot.type().startsWith("endpoint")) {
                continue;
            }
            // The template has checked these are ids.
            for (Object v : value instanceof List<?> list ? list : List.of(value)) {
                if (v.toString().isBlank()) {
                    continue;
                }
                UUID id = UUID.fromString(v.toString().strip());
                try {
                    endpoints.get(id);
                } catch (NotFoundException e) {
                    errors.add(
                            new FieldError("slots." + slot.name(), "Endpoint " + id + " not found in this workspace."));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }
}
