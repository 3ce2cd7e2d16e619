package dev.distillery.experiments;

import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.leaderboards.LeaderboardFilter;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.LeaderboardService;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.Method;
import dev.distillery.methods.MethodItem;
import dev.distillery.methods.Methods;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.Preset;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunDraft;
import dev.distillery.runs.RunProgress;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunStatus;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Launches an experiment's cells as runs in one transaction (all or none), and reads it back with each cell's
 * figures from its run's leaderboard row, so the experiment's table and the leaderboard never disagree.
 */
@Service
public class ExperimentService {

    /** More cells than a paper's largest table (2 teachers × 6 students × 4 methods × 2 datasets is 96 runs). */
    static final int MAX_CELLS = 200;

    private static final Set<ModelRole> GRID_ROLES = Set.of(ModelRole.TEACHER, ModelRole.STUDENT);
    private static final int DEFAULT_CONCURRENCY = 8;

    /** Tokens above which a launch must be confirmed, until the workspace sets its own threshold. */
    static final long DEFAULT_CONFIRM_ABOVE_TOKENS = 1_000_000;

    private final Experiments experiments;
    private final ExperimentStages stages;
    private final RunService runs;
    private final DatasetService datasets;
    private final EndpointService endpointService;
    private final LeaderboardService leaderboards;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;
    private final TransactionTemplate tx;

    ExperimentService(
            Experiments experiments,
            ExperimentStages stages,
            RunService runs,
            DatasetService datasets,
            EndpointService endpointService,
            LeaderboardService leaderboards,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.tx = new TransactionTemplate(transactions);
        this.experiments = experiments;
        this.stages = stages;
        this.runs = runs;
        this.datasets = datasets;
        this.endpointService = endpointService;
        this.leaderboards = leaderboards;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** A cell before it is launched. */
    record PlannedCell(
            String field,
            Method method,
            Preset preset,
            Map<String, Object> params,
            @Nullable UUID teacher,
            @Nullable UUID student) {}

    /**
     * Validates the experiment and launches one run per cell; nothing is launched when any cell is refused.
     *
     * @throws InvalidInputException naming each wrong field ({@code methods[1].method}, {@code cells[3].roles.teacher},
     *     {@code students}, …)
     */
    @Transactional
    public Experiment launch(ExperimentDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        List<PlannedCell> planned = plan(draft);
        Range range = range(draft);
        DatasetDetails dataset = range.dataset();
        VersionSummary version = range.version();
        String split = range.split();
        int concurrency = concurrency(draft);
        Decoding decoding = decoding(draft);
        if (!Boolean.TRUE.equals(draft.confirm())) {
            ExperimentEstimate estimate = estimate(draft, planned, range);
            if (estimate.confirmationRequired()) {
                throw new InvalidInputException(
                        "confirm",
                        "The estimate is " + String.format(Locale.ROOT, "%,d", estimate.tokens()) + " tokens in "
                                + String.format(Locale.ROOT, "%,d", estimate.calls()) + " calls, above this "
                                + "workspace's threshold of " + String.format(Locale.ROOT, "%,d", estimate.threshold())
                                + " tokens: confirm the launch (\"confirm\": true) or choose fewer items or cells.");
            }
        }
        String name = draft.name() == null || draft.name().isBlank()
                ? "Experiment · " + dataset.name() + " " + split
                : draft.name().strip();

        UUID id = UUID.randomUUID();
        experiments.insert(
                id,
                tenant.workspaceId(),
                name,
                dataset.id(),
                version.id(),
                split,
                draft.offset(),
                draft.limit(),
                draft.seed(),
                decoding,
                concurrency,
                tenant.actor().userId(),
                clock.instant());
        List<FieldError> errors = new ArrayList<>();
        int position = 0;
        for (PlannedCell cell : planned) {
            Map<ModelRole, UUID> roles = new EnumMap<>(ModelRole.class);
            if (cell.teacher() != null) {
                roles.put(ModelRole.TEACHER, cell.teacher());
            }
            if (cell.student() != null) {
                roles.put(ModelRole.STUDENT, cell.student());
            }
            RunDetails run;
            try {
                run = runs.launch(new RunDraft(
                        name + " · " + cell.method().label(),
                        cell.method().id(),
                        cell.preset().id(),
                        dataset.id(),
                        version.version(),
                        split,
                        draft.offset(),
                        draft.limit(),
                        roles,
                        cell.params(),
                        decoding,
                        concurrency,
                        draft.seed()));
            } catch (InvalidInputException e) {
                e.errors()
                        .forEach(error ->
                                errors.add(new FieldError(cell.field() + "." + error.field(), error.message())));
                continue;
            }
            experiments.insertCell(
                    id,
                    tenant.workspaceId(),
                    new Experiments.StoredCell(
                            position++,
                            cell.method().id(),
                            cell.preset().id(),
                            cell.params(),
                            cell.teacher(),
                            cell.student(),
                            run.id()));
        }
        if (!errors.isEmpty()) {
            // The transaction rolls back: the runs already launched and the experiment go with it.
            throw new InvalidInputException(errors);
        }
        auditLog.record(
                tenant,
                "experiment.launched",
                name,
                planned.size() + " runs on " + dataset.name() + " v" + version.version() + " " + split);
        return get(id);
    }

    /**
     * What the experiment is expected to use before it is launched: per cell the calls of its method's protocol on the
     * item range, measured on up to {@value CostEstimator#SAMPLE_ITEMS} of its questions, with tokens, cost at the
     * endpoints' prices and a rough duration; and whether a launch must be confirmed.
     *
     * @throws InvalidInputException naming each wrong field, as {@link #launch} would
     */
    @Transactional(readOnly = true)
    public ExperimentEstimate estimate(ExperimentDraft draft) {
        currentTenant.require(Permission.READ);
        List<PlannedCell> planned = plan(draft);
        return estimate(draft, planned, range(draft));
    }

    private ExperimentEstimate estimate(ExperimentDraft draft, List<PlannedCell> planned, Range range) {
        Map<UUID, EndpointDetails> endpoints =
                endpointService.list().stream().collect(Collectors.toMap(EndpointDetails::id, Function.identity()));
        List<FieldError> errors = new ArrayList<>();
        List<CostEstimator.Planned> cells = new ArrayList<>();
        for (PlannedCell cell : planned) {
            Map<ModelRole, EndpointDetails> roles = new EnumMap<>(ModelRole.class);
            for (ModelRole role : GRID_ROLES) {
                UUID id = role == ModelRole.TEACHER ? cell.teacher() : cell.student();
                if (id == null) {
                    continue;
                }
                EndpointDetails endpoint = endpoints.get(id);
                if (endpoint == null) {
                    errors.add(new FieldError(
                            cell.field() + ".roles." + role.id(), "Endpoint " + id + " not found in this workspace."));
                } else {
                    roles.put(role, endpoint);
                }
            }
            try {
                cells.add(new CostEstimator.Planned(
                        cell.method(),
                        cell.preset(),
                        Methods.resolveParams(cell.method(), cell.preset(), cell.params()),
                        roles));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(cell.field() + ".params", String.valueOf(e.getMessage())));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        int available = Math.max(0, range.version().splitCounts().getOrDefault(range.split(), 0) - draft.offset());
        int items = draft.limit() == null ? available : Math.min(available, draft.limit());
        List<MethodItem> sample = sample(range, draft.offset(), items);
        long threshold = experiments.confirmAboveTokens().orElse(DEFAULT_CONFIRM_ABOVE_TOKENS);
        return CostEstimator.estimate(cells, sample, items, decoding(draft), concurrency(draft), threshold);
    }

    /** Up to {@value CostEstimator#SAMPLE_ITEMS} items spread evenly over the range, so long and short parts count. */
    private List<MethodItem> sample(Range range, int offset, int items) {
        if (items <= 0) {
            return List.of();
        }
        List<DatasetItem.Ref> refs = datasets.itemRefs(range.version().id(), range.split(), offset, items);
        int n = Math.min(CostEstimator.SAMPLE_ITEMS, refs.size());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(refs.get((int) ((long) i * refs.size() / n)).itemId());
        }
        return datasets.itemsByIds(range.version().id(), ids).stream()
                .map(item -> new MethodItem(
                        item.itemId(),
                        item.question(),
                        item.choices().stream()
                                .map(c -> new MethodItem.Choice(c.label(), c.text()))
                                .toList(),
                        item.gold(),
                        item.answerType(),
                        item.decomposition()))
                .toList();
    }

    /** The tokens above which launching an experiment must be confirmed in this workspace. */
    @Transactional(readOnly = true)
    public long confirmationThreshold() {
        currentTenant.require(Permission.READ);
        return experiments.confirmAboveTokens().orElse(DEFAULT_CONFIRM_ABOVE_TOKENS);
    }

    /** Sets the tokens above which launching an experiment must be confirmed (0: always). */
    @Transactional
    public long setConfirmationThreshold(long tokens) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_WORKSPACE);
        if (tokens < 0) {
            throw new InvalidInputException(
                    "confirmAboveTokens", "The threshold is a number of tokens, 0 or more (0: confirm every launch).");
        }
        experiments.setConfirmAboveTokens(tenant.workspaceId(), tokens);
        auditLog.record(
                tenant, "experiment.threshold", String.valueOf(tokens), "tokens above which a launch is confirmed");
        return tokens;
    }

    /** The dataset version and split an experiment runs on. */
    private record Range(DatasetDetails dataset, VersionSummary version, String split) {}

    private Range range(ExperimentDraft draft) {
        DatasetDetails dataset;
        try {
            dataset = datasets.get(draft.datasetId());
        } catch (NotFoundException e) {
            throw new InvalidInputException(
                    "datasetId", "Dataset " + draft.datasetId() + " not found in this workspace.");
        }
        VersionSummary version = draft.datasetVersion() == null
                ? dataset.latest()
                : dataset.versions().stream()
                        .filter(v -> v.version() == draft.datasetVersion())
                        .findFirst()
                        .orElseThrow(() -> new InvalidInputException(
                                "datasetVersion",
                                "Dataset " + dataset.name() + " has no version " + draft.datasetVersion() + "."));
        String split = draft.split() == null || draft.split().isBlank()
                ? "test"
                : draft.split().strip();
        return new Range(dataset, version, split);
    }

    private static int concurrency(ExperimentDraft draft) {
        return draft.concurrency() == null ? DEFAULT_CONCURRENCY : draft.concurrency();
    }

    private static Decoding decoding(ExperimentDraft draft) {
        return draft.decoding() == null ? Decoding.providerDefault() : draft.decoding();
    }

    /** The methods an experiment can put in its grid: those whose models are teachers and students only. */
    public List<Method> methods() {
        return Methods.all().stream()
                .filter(m -> GRID_ROLES.containsAll(m.roles()))
                .toList();
    }

    /** The cells a draft asks for, validated; no run is launched. */
    List<PlannedCell> plan(ExperimentDraft draft) {
        boolean grid = !draft.methods().isEmpty();
        if (grid == !draft.cells().isEmpty()) {
            throw new InvalidInputException(
                    "methods",
                    grid
                            ? "Give either a grid (methods, teachers, students) or a list of cells, not both."
                            : "Give a grid (methods × teachers × students) or a list of cells.");
        }
        List<FieldError> errors = new ArrayList<>();
        List<PlannedCell> cells = new ArrayList<>();
        if (grid) {
            if (draft.students().isEmpty() && draft.teachers().isEmpty()) {
                errors.add(new FieldError("students", "Choose at least one student endpoint."));
            }
            for (int i = 0; i < draft.methods().size(); i++) {
                ExperimentDraft.MethodChoice choice = draft.methods().get(i);
                String field = "methods[" + i + "]";
                Resolved resolved = resolve(field, choice.method(), choice.preset(), choice.params(), errors);
                if (resolved == null) {
                    continue;
                }
                Set<ModelRole> roles = resolved.method().roles();
                boolean teacher = roles.contains(ModelRole.TEACHER);
                boolean student = roles.contains(ModelRole.STUDENT);
                if (teacher && draft.teachers().isEmpty()) {
                    errors.add(new FieldError(
                            "teachers", resolved.method().label() + " needs a teacher: choose at least one."));
                    continue;
                }
                if (student && draft.students().isEmpty()) {
                    errors.add(new FieldError(
                            "students", resolved.method().label() + " needs a student: choose at least one."));
                    continue;
                }
                // A method without a teacher runs once per student, not once per teacher (and likewise for students).
                for (int si = 0; si < (student ? draft.students().size() : 1); si++) {
                    for (int ti = 0; ti < (teacher ? draft.teachers().size() : 1); ti++) {
                        @Nullable UUID s = student ? draft.students().get(si) : null;
                        @Nullable UUID t = teacher ? draft.teachers().get(ti) : null;
                        cells.add(
                                new PlannedCell(field, resolved.method(), resolved.preset(), resolved.params(), t, s));
                    }
                }
            }
        } else {
            for (int i = 0; i < draft.cells().size(); i++) {
                ExperimentDraft.CellDraft cell = draft.cells().get(i);
                String field = "cells[" + i + "]";
                Resolved resolved = resolve(field, cell.method(), cell.preset(), cell.params(), errors);
                if (resolved == null) {
                    continue;
                }
                Set<ModelRole> roles = resolved.method().roles();
                if (roles.contains(ModelRole.TEACHER) != (cell.teacher() != null)) {
                    errors.add(new FieldError(
                            field + ".teacher",
                            roles.contains(ModelRole.TEACHER)
                                    ? resolved.method().label() + " needs a teacher."
                                    : resolved.method().label() + " takes no teacher."));
                    continue;
                }
                if (roles.contains(ModelRole.STUDENT) != (cell.student() != null)) {
                    errors.add(new FieldError(
                            field + ".student",
                            roles.contains(ModelRole.STUDENT)
                                    ? resolved.method().label() + " needs a student."
                                    : resolved.method().label() + " takes no student."));
                    continue;
                }
                cells.add(new PlannedCell(
                        field,
                        resolved.method(),
                        resolved.preset(),
                        resolved.params(),
                        cell.teacher(),
                        cell.student()));
            }
        }
        if (errors.isEmpty() && cells.isEmpty()) {
            errors.add(new FieldError(grid ? "methods" : "cells", "The experiment has no cells."));
        }
        if (cells.size() > MAX_CELLS) {
            errors.add(new FieldError(
                    grid ? "methods" : "cells",
                    "The experiment has " + cells.size() + " cells; at most " + MAX_CELLS
                            + " are launched together. Split it in two."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return cells;
    }

    private record Resolved(Method method, Preset preset, Map<String, Object> params) {}

    private static @Nullable Resolved resolve(
            String field,
            @Nullable String methodId,
            @Nullable String presetId,
            @Nullable Map<String, Object> params,
            List<FieldError> errors) {
        Method method = methodId == null ? null : Methods.byId(methodId.strip()).orElse(null);
        if (method == null) {
            errors.add(new FieldError(
                    field + ".method",
                    "Unknown method '" + methodId + "'. Use one of "
                            + Methods.all().stream().map(Method::id).collect(Collectors.joining(", ")) + "."));
            return null;
        }
        Set<ModelRole> other =
                method.roles().stream().filter(r -> !GRID_ROLES.contains(r)).collect(Collectors.toSet());
        if (!other.isEmpty()) {
            errors.add(new FieldError(
                    field + ".method",
                    method.label() + " needs "
                            + other.stream().map(ModelRole::id).sorted().collect(Collectors.joining(" and "))
                            + " endpoints; an experiment maps only teachers and students. Launch it as a run."));
            return null;
        }
        Preset preset = Methods.preset(method.id(), presetId).orElse(null);
        if (preset == null) {
            errors.add(new FieldError(
                    field + ".preset",
                    "Method " + method.id() + " has no preset '" + presetId + "'. Use one of "
                            + method.presets().stream().map(Preset::id).collect(Collectors.joining(", ")) + "."));
            return null;
        }
        return new Resolved(method, preset, params == null ? Map.of() : Map.copyOf(params));
    }

    @Transactional(readOnly = true)
    public List<ExperimentSummary> list() {
        currentTenant.require(Permission.READ);
        return experiments.list();
    }

    /** The experiment with each cell's run status and, once its run finished, its leaderboard figures. */
    @Transactional(readOnly = true)
    public Experiment get(UUID id) {
        currentTenant.require(Permission.READ);
        Experiments.Header header = experiments
                .header(id)
                .orElseThrow(() -> new NotFoundException("Experiment " + id + " not found in this workspace."));
        Map<UUID, LeaderboardRow> board =
                leaderboards.rows(LeaderboardFilter.of(header.datasetId(), header.split())).stream()
                        .collect(Collectors.toMap(LeaderboardRow::runId, Function.identity(), (a, b) -> a));
        List<Experiment.Cell> cells = new ArrayList<>();
        boolean active = false;
        boolean stopped = false;
        for (Experiments.StoredCell stored : experiments.cells(id)) {
            RunDetails run = runs.get(stored.runId());
            active |= !run.status().finished();
            stopped |= run.status() == RunStatus.CANCELLED || run.status() == RunStatus.FAILED;
            cells.add(cell(stored, run, board.get(stored.runId())));
        }
        // A pipeline is under way while a stage is yet to start or finish, and stops where a stage failed.
        List<ExperimentStage> pipeline = stages.list(id).stream()
                .map(ExperimentStages.StoredStage::stage)
                .toList();
        active |= !stopped && pipeline.stream().anyMatch(ExperimentStage::active);
        boolean failed = pipeline.stream().anyMatch(s -> s.status().equals("failed"));
        String status = failed && !active && header.cancelledAt() == null
                ? "failed"
                : Experiments.status(header.cancelledAt() != null, active, stopped);
        return new Experiment(
                header.id(),
                header.name(),
                header.datasetId(),
                header.datasetName(),
                header.datasetVersion(),
                header.split(),
                header.offset(),
                header.limit(),
                header.seed(),
                status,
                header.createdAt(),
                header.cancelledAt(),
                cells);
    }

    private Experiment.Cell cell(Experiments.StoredCell stored, RunDetails run, @Nullable LeaderboardRow row) {
        // Socratic inference has neither role: its decomposer guides as a teacher does and its solver is the small
        // model evaluated, so the table puts it in the solver's row, under the decomposer.
        RunDetails.RoleEndpoint teacher = role(run, ModelRole.TEACHER, ModelRole.DECOMPOSER);
        RunDetails.RoleEndpoint student = role(run, ModelRole.STUDENT, ModelRole.SOLVER);
        String teacherName = teacher == null ? null : teacher.name();
        String studentName = student == null ? null : student.name();
        UUID teacherId =
                stored.teacherId() != null ? stored.teacherId() : teacher == null ? null : teacher.endpointId();
        UUID studentId =
                stored.studentId() != null ? stored.studentId() : student == null ? null : student.endpointId();
        if (row != null && run.status() == RunStatus.COMPLETED) {
            return new Experiment.Cell(
                    stored.position(),
                    run.id(),
                    run.name(),
                    stored.method(),
                    stored.preset(),
                    stored.params(),
                    teacherId,
                    teacherName,
                    studentId,
                    studentName,
                    run.status().id(),
                    run.total(),
                    row.n(),
                    row.errors(),
                    row.accuracy(),
                    row.ciLow(),
                    row.ciHigh(),
                    row.gainPoints(),
                    row.pValue(),
                    row.baselineNote());
        }
        RunProgress progress = runs.progress(run.id());
        return new Experiment.Cell(
                stored.position(),
                run.id(),
                run.name(),
                stored.method(),
                stored.preset(),
                stored.params(),
                teacherId,
                teacherName,
                studentId,
                studentName,
                run.status().id(),
                progress.total(),
                progress.done(),
                progress.errors(),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private static RunDetails.@Nullable RoleEndpoint role(RunDetails run, ModelRole role, ModelRole otherwise) {
        RunDetails.RoleEndpoint endpoint = run.roles().get(role.id());
        return endpoint != null ? endpoint : run.roles().get(otherwise.id());
    }

    // Pause, resume and cancel act on each run in its own transaction (RunService's): a run that finishes meanwhile
    // refuses its cancel, which must not undo the others.

    /** Stops the experiment's unfinished runs, keeping their finished items; {@link #resume} continues them. */
    public Experiment pause(UUID id) {
        Experiment experiment = inTransaction(() -> requireForChange(id));
        for (Experiment.Cell cell : experiment.cells()) {
            if (!RunStatus.valueOf(cell.runStatus().toUpperCase(java.util.Locale.ROOT))
                    .finished()) {
                cancelQuietly(cell.runId());
            }
        }
        auditLog.record("experiment.paused", experiment.name(), null);
        return inTransaction(() -> get(id));
    }

    /** Continues the runs a pause stopped (and any that failed), where they stopped. */
    public Experiment resume(UUID id) {
        Experiment experiment = inTransaction(() -> requireForChange(id));
        int resumed = 0;
        for (Experiment.Cell cell : experiment.cells()) {
            if (cell.runStatus().equals(RunStatus.CANCELLED.id())
                    || cell.runStatus().equals(RunStatus.FAILED.id())) {
                runs.resume(cell.runId());
                resumed++;
            }
        }
        if (resumed == 0) {
            throw new ConflictException("Nothing to resume: no run of the experiment is paused or failed.");
        }
        auditLog.record("experiment.resumed", experiment.name(), resumed + " runs");
        return inTransaction(() -> get(id));
    }

    /** Stops the experiment for good: its unfinished runs are cancelled and it can no longer be resumed. */
    public Experiment cancel(UUID id) {
        Experiment experiment = inTransaction(() -> requireForChange(id));
        tx.executeWithoutResult(s -> experiments.cancel(id, clock.instant()));
        for (Experiment.Cell cell : experiment.cells()) {
            if (!RunStatus.valueOf(cell.runStatus().toUpperCase(java.util.Locale.ROOT))
                    .finished()) {
                cancelQuietly(cell.runId());
            }
        }
        auditLog.record("experiment.cancelled", experiment.name(), null);
        return inTransaction(() -> get(id));
    }

    private Experiment requireForChange(UUID id) {
        currentTenant.require(Permission.LAUNCH_RUNS);
        Experiment experiment = get(id);
        if (experiment.cancelledAt() != null) {
            throw new ConflictException("The experiment was cancelled; launch it again to run it.");
        }
        return experiment;
    }

    /** The tenant is bound when a transaction starts, so even a read for a change made run by run needs one. */
    private Experiment inTransaction(java.util.function.Supplier<Experiment> work) {
        return java.util.Objects.requireNonNull(tx.execute(s -> work.get()));
    }

    private void cancelQuietly(UUID runId) {
        try {
            runs.cancel(runId);
        } catch (ConflictException e) {
            // It finished between the read and the cancel: nothing to stop.
        }
    }
}
