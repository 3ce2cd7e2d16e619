package dev.distillery.runs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.endpoints.ModelInvoker;
import dev.distillery.endpoints.Pacing;
import dev.distillery.grading.Grade;
import dev.distillery.grading.Grader;
import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Method;
import dev.distillery.methods.Methods;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.Preset;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Launches runs and answers about them. A launch validates everything (method, preset, parameters, endpoints per
 * role, dataset slice), stores the run's full configuration and its items, and schedules its workers, all in one
 * transaction; the run is immutable afterwards. Cancel, resume and retry-failed change only its state.
 */
@Service
public class RunService {

    private static final Set<String> SPLITS = Set.of("train", "test", "dev");
    private static final int LAUNCH_CHUNK = 50_000;

    private final Runs runs;
    private final RunItems runItems;
    private final RunCalls runCalls;
    private final RunQueries queries;
    private final RunTasks tasks;
    private final RunEngine engine;
    private final ItemProcessor processor;
    private final RunRegrades regrades;
    private final FairShare fairShare;
    private final TransactionTemplate readOnly;
    private final EndpointService endpoints;
    private final DatasetService datasets;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;
    private final ModelInvoker invoker;
    private final Cache<CountKey, Integer> traceCounts = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();

    RunService(
            Runs runs,
            RunItems runItems,
            RunCalls runCalls,
            RunQueries queries,
            RunTasks tasks,
            RunEngine engine,
            ItemProcessor processor,
            RunRegrades regrades,
            FairShare fairShare,
            EndpointService endpoints,
            DatasetService datasets,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock,
            PlatformTransactionManager transactions,
            ModelInvoker invoker) {
        this.invoker = invoker;
        this.runs = runs;
        this.runItems = runItems;
        this.runCalls = runCalls;
        this.processor = processor;
        this.regrades = regrades;
        this.fairShare = fairShare;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.queries = queries;
        this.tasks = tasks;
        this.engine = engine;
        this.endpoints = endpoints;
        this.datasets = datasets;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** How many model calls one workspace may have in flight on this instance: a run's concurrency is capped by it. */
    public int workspaceCallLimit() {
        return fairShare.maxCallsPerWorkspace();
    }

    /**
     * Per role, how the provider is pacing the endpoint's calls on this instance (for "paced by provider: 19.6 req/s,
     * 3 refusals in the last minute"); roles whose endpoint is not being pushed back are left out.
     */
    public Map<String, Pacing> pacing(RunDetails run) {
        Map<String, Pacing> pacing = new java.util.TreeMap<>();
        run.roles()
                .forEach((role, endpoint) ->
                        invoker.pacing(endpoint.endpointId()).ifPresent(p -> pacing.put(role, p)));
        return pacing;
    }

    /** How long the database has been failing this instance's run work, while it is (retried, never an item's error). */
    public java.util.Optional<java.time.Duration> databaseUnavailableFor() {
        return engine.databaseUnavailableFor();
    }

    /** The version of the grader that grades new items and re-grades (see docs/GRADING.md). */
    public String graderVersion() {
        return Grader.VERSION;
    }

    /** The methods a run can use, for forms and the API. */
    public List<Method> methods() {
        return Methods.all();
    }

    /**
     * Validates and launches a run; its workers start within about a second.
     *
     * @throws InvalidInputException naming each field that is wrong (roles.teacher, split, limit, params.samples, ...)
     */
    @Transactional
    public RunDetails launch(RunDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        List<FieldError> errors = new ArrayList<>();
        Method method =
                Methods.byId(draft.method() == null ? "" : draft.method()).orElse(null);
        if (method == null) {
            throw new InvalidInputException(
                    "method",
                    "Unknown method '" + draft.method() + "'. Use one of "
                            + Methods.all().stream().map(Method::id).collect(Collectors.joining(", ")) + ".");
        }
        if (draft.roles() != null) {
            method = Methods.forRoles(method, draft.roles().keySet());
        }
        Preset preset = Methods.preset(method.id(), draft.preset()).orElse(null);
        if (preset == null) {
            throw new InvalidInputException(
                    "preset",
                    "Method " + method.id() + " has no preset '" + draft.preset() + "'. Use one of "
                            + method.presets().stream().map(Preset::id).collect(Collectors.joining(", ")) + ".");
        }
        Map<String, Object> params = Map.of();
        try {
            params = Methods.resolveParams(method, preset, draft.params() == null ? Map.of() : draft.params());
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("params", Objects.requireNonNullElse(e.getMessage(), "Invalid parameters.")));
        }
        Map<ModelRole, RunSnapshot.RoleEndpoint> roles = new EnumMap<>(ModelRole.class);
        for (ModelRole role : method.roles()) {
            UUID endpointId = draft.roles() == null ? null : draft.roles().get(role);
            if (endpointId == null) {
                errors.add(new FieldError("roles." + role.id(), "Choose an endpoint for the " + role.id() + " role."));
                continue;
            }
            try {
                EndpointDetails e = endpoints.get(endpointId);
                roles.put(
                        role,
                        new RunSnapshot.RoleEndpoint(
                                e.id(),
                                e.name(),
                                e.model(),
                                e.pricing().inputPerMillion(),
                                e.pricing().outputPerMillion()));
            } catch (NotFoundException e) {
                errors.add(new FieldError(
                        "roles." + role.id(), "Endpoint " + endpointId + " not found in this workspace."));
            }
        }
        String split = draft.split() == null
                ? method.defaultSplit()
                : draft.split().strip().toLowerCase(java.util.Locale.ROOT);
        if (!SPLITS.contains(split)) {
            errors.add(new FieldError("split", "The split is train, test or dev."));
        } else if (!"test".equals(method.defaultSplit())
                && !method.defaultSplit().equals(split)) {
            errors.add(new FieldError(
                    "split",
                    method.label() + " generates training data: run it on the " + method.defaultSplit()
                            + " split, never on test items."));
        }
        if (draft.offset() < 0) {
            errors.add(new FieldError("offset", "The offset is 0 or more."));
        }
        if (draft.limit() != null && draft.limit() < 1) {
            errors.add(new FieldError("limit", "The limit is at least 1 (leave it empty for all items)."));
        }
        if (draft.concurrency() < 1 || draft.concurrency() > 1024) {
            errors.add(new FieldError("concurrency", "Concurrency is between 1 and 1024."));
        }
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
                        .orElse(null);
        if (version == null) {
            throw new InvalidInputException(
                    "datasetVersion", "Dataset " + dataset.name() + " has no version " + draft.datasetVersion() + ".");
        }
        int inSplit = version.splitCounts().getOrDefault(split, 0);
        if (errors.isEmpty() && draft.offset() >= inSplit) {
            errors.add(new FieldError(
                    "offset",
                    "The " + split + " split of " + dataset.name() + " v" + version.version() + " has " + inSplit
                            + " items; offset " + draft.offset() + " leaves none."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        int count =
                draft.limit() == null ? inSplit - draft.offset() : Math.min(draft.limit(), inSplit - draft.offset());

        UUID runId = UUID.randomUUID();
        String name = draft.name() == null || draft.name().isBlank()
                ? method.label() + " · " + dataset.name() + " " + split
                : draft.name().strip();
        var snapshot = new RunSnapshot(
                method.id(),
                preset.id(),
                preset.version(),
                RunSnapshot.PresetSnapshot.of(preset),
                params,
                draft.decoding(),
                roles,
                dataset.id(),
                version.id(),
                split,
                draft.offset(),
                draft.limit(),
                draft.concurrency(),
                draft.seed());
        runs.insertRun(
                runId, tenant.workspaceId(), name, snapshot, tenant.actor().userId(), clock.instant());
        // Ids and positions only (the workers read the texts, a batch at a time), in one statement for any usual
        // split and in chunks for a huge one, so memory stays bounded.
        int inserted = 0;
        for (int from = draft.offset(); from < draft.offset() + count; from += LAUNCH_CHUNK) {
            List<DatasetItem.Ref> refs =
                    datasets.itemRefs(version.id(), split, from, Math.min(LAUNCH_CHUNK, draft.offset() + count - from));
            inserted += runItems.insertItems(
                    runId,
                    tenant.workspaceId(),
                    refs.stream().map(DatasetItem.Ref::itemId).toList(),
                    refs.stream().map(DatasetItem.Ref::position).toList());
        }
        runs.setTotal(runId, inserted);
        tasks.start(tenant.workspaceId(), runId);
        auditLog.record(
                tenant,
                "run.launched",
                name,
                method.id() + "/" + preset.id() + " on " + inserted + " items of " + dataset.name() + " v"
                        + version.version() + " " + split);
        return queries.details(runId).orElseThrow();
    }

    @Transactional(readOnly = true)
    public RunDetails get(UUID runId) {
        currentTenant.require(Permission.READ);
        return queries.details(runId).orElseThrow(() -> notFound(runId));
    }

    @Transactional(readOnly = true)
    public RunProgress progress(UUID runId) {
        currentTenant.require(Permission.READ);
        return runs.progress(runId).orElseThrow(() -> notFound(runId));
    }

    /** Runs of the workspace, newest first, optionally of one dataset. */
    @Transactional(readOnly = true)
    public List<RunSummary> list(@Nullable UUID datasetId, int offset, int limit) {
        currentTenant.require(Permission.READ);
        return queries.list(datasetId, false, Math.max(0, offset), Math.clamp(limit, 1, 500));
    }

    /** The workspace's queued and running runs, newest first. */
    @Transactional(readOnly = true)
    public List<RunSummary> live(int limit) {
        currentTenant.require(Permission.READ);
        return queries.list(null, true, 0, Math.clamp(limit, 1, 500));
    }

    /** Whether the workspace has launched or imported a run. */
    @Transactional(readOnly = true)
    public boolean hasAny() {
        currentTenant.require(Permission.READ);
        return queries.any();
    }

    /** A page of traces in source order; {@code outcome} filters on correct, incorrect or error (null: all). */
    @Transactional(readOnly = true)
    public List<Trace> traces(UUID runId, @Nullable String outcome, int offset, int limit) {
        return offsetPage(runId, TraceQuery.outcome(outcome), offset, limit);
    }

    /**
     * A page of traces in {@code query}'s order: the one after the cursor {@code after} (a previous page's
     * {@link TracePage#next()}), or the first. A cursor page enters the order's index where the last one ended, so
     * every page of a large run costs the same. Not counted here ({@link TracePage#total()} is null): a count costs
     * more than a page at 100,000 items, so the caller decides whether to count ({@link #countTraces}) or wait.
     *
     * @throws InvalidInputException naming {@code after} when the cursor is not one of this order's
     */
    @Transactional(readOnly = true)
    public TracePage tracePage(UUID runId, TraceQuery query, @Nullable String after, int limit) {
        RunDetails run = get(runId);
        TraceCursor cursor = TraceCursor.decode(after, query.sort().id(), query.descending());
        int size = Math.clamp(limit, 1, 500);
        // One more than asked says whether there is a next page without counting.
        List<RunQueries.KeyedRow> rows = queries.page(runId, query, cursor, 0, size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            RunQueries.KeyedRow last = rows.getLast();
            next = new TraceCursor(
                            query.sort().id(),
                            query.descending(),
                            Long.toString(last.sortKey()),
                            last.row().position())
                    .encode();
        }
        return new TracePage(
                withTexts(run, rows.stream().map(RunQueries.KeyedRow::row).toList()), next, null);
    }

    /** A page of traces in {@code query}'s order from {@code offset}, for clients of offset pages. */
    @Transactional(readOnly = true)
    public List<Trace> offsetPage(UUID runId, TraceQuery query, int offset, int limit) {
        RunDetails run = get(runId);
        return withTexts(
                run,
                queries.page(runId, query, null, Math.max(0, offset), Math.clamp(limit, 1, 500)).stream()
                        .map(RunQueries.KeyedRow::row)
                        .toList());
    }

    /**
     * The traces of these items of the run, in the order given (ids not in the run are left out): for a reader that
     * chose the items itself, as review's export does, a batch at a time.
     */
    @Transactional(readOnly = true)
    public List<Trace> traces(UUID runId, List<String> itemIds) {
        RunDetails run = get(runId);
        if (itemIds.isEmpty()) {
            return List.of();
        }
        Map<String, RunQueries.ItemRow> rows = queries.items(runId, itemIds).stream()
                .collect(Collectors.toMap(RunQueries.ItemRow::itemId, Function.identity()));
        return withTexts(
                run, itemIds.stream().map(rows::get).filter(Objects::nonNull).toList());
    }

    /** The most model calls any item of the run made: how many call columns a table of its traces needs. */
    @Transactional(readOnly = true)
    public int mostCallsPerItem(UUID runId) {
        get(runId);
        return queries.mostCallsPerItem(runId);
    }

    /** The rows with their dataset items' texts and their calls, in the rows' order. */
    private List<Trace> withTexts(RunDetails run, List<RunQueries.ItemRow> rows) {
        List<String> ids = rows.stream().map(RunQueries.ItemRow::itemId).toList();
        Map<String, DatasetItem> items = datasets.itemsByIds(run.datasetVersionId(), ids).stream()
                .collect(Collectors.toMap(DatasetItem::itemId, Function.identity()));
        Map<String, List<Trace.Call>> calls = ids.isEmpty() ? Map.of() : queries.calls(run.id(), ids);
        return rows.stream()
                .map(r -> r.toTrace(items.get(r.itemId()), calls.getOrDefault(r.itemId(), List.of())))
                .toList();
    }

    /** The verdict of every finished item, in item-id order: what leaderboards compare runs by. */
    @Transactional(readOnly = true)
    public List<ItemOutcome> outcomes(UUID runId) {
        get(runId);
        return queries.outcomes(runId);
    }

    /** One trace of the run. */
    @Transactional(readOnly = true)
    public Trace trace(UUID runId, String itemId) {
        RunDetails run = get(runId);
        RunQueries.ItemRow row = queries.item(runId, itemId)
                .orElseThrow(() -> new NotFoundException("Item " + itemId + " is not in run " + runId + "."));
        DatasetItem item = datasets.itemsByIds(run.datasetVersionId(), List.of(itemId)).stream()
                .findFirst()
                .orElse(null);
        return row.toTrace(item, queries.calls(runId, List.of(itemId)).getOrDefault(itemId, List.of()));
    }

    /** What the rest of an item's method produced from a corrected call, graded by grader {@code graderVersion}. */
    public record Rerun(
            String output,
            String rule,
            @Nullable String extracted,
            boolean correct,
            List<Trace.Call> calls,
            String graderVersion) {}

    /**
     * Runs the rest of an item's method again from a corrected call (the student on a reviewer's edited teacher
     * steps, say) and grades the new prediction; the run's own trace is not changed. The calls after the corrected
     * one are made again (from the response cache when the same request was answered before). Makes model calls, so
     * it opens no transaction around them: never call it inside one.
     *
     * @throws InvalidInputException when the item has no call {@code callKey}
     * @throws ConflictException when the run was imported (it has no endpoints to call)
     * @throws dev.distillery.endpoints.ModelCallException when a model call fails
     */
    public Rerun rerunFrom(UUID runId, String itemId, String callKey, String correctedOutput) {
        record Loaded(UUID workspaceId, RunSnapshot run, DatasetItem item, List<CompletedCall> history) {}
        Loaded loaded = readOnly.execute(s -> {
            TenantContext tenant = currentTenant.require(Permission.REVIEW);
            RunSnapshot run = runs.snapshot(runId).orElseThrow(() -> notFound(runId));
            if (runs.imported(runId)) {
                throw new ConflictException(
                        "This run was imported: its student ran elsewhere, so it cannot be re-run here.");
            }
            DatasetItem item = datasets.itemsByIds(run.datasetVersionId(), List.of(itemId)).stream()
                    .findFirst()
                    .orElseThrow(() -> new NotFoundException("Item " + itemId + " is not in run " + runId + "."));
            List<CompletedCall> history = new ArrayList<>();
            for (CompletedCall call : runCalls.calls(runId, itemId)) {
                if (call.key().equals(callKey)) {
                    history.add(new CompletedCall(call.key(), call.role(), call.prompt(), List.of(correctedOutput)));
                    return new Loaded(tenant.workspaceId(), run, item, history);
                }
                history.add(call);
            }
            throw new InvalidInputException("callKey", "The item has no call '" + callKey + "'.");
        });
        Method method = Methods.forRoles(
                Methods.byId(loaded.run().method()).orElseThrow(),
                loaded.run().roles().keySet());
        var job = new ItemProcessor.Job(
                loaded.workspaceId(),
                runId,
                loaded.run(),
                method,
                loaded.run().presetSnapshot().toPreset(),
                "rerun");
        return processor.continueFrom(job, loaded.item(), loaded.history());
    }

    /**
     * How many traces have {@code outcome}. Once a run's items are settled (finished, not re-grading) the count is
     * kept, so paging through a large finished run by offset does not count it again for every page; anything that
     * changes the items (a retry, a re-grade) changes the key it is kept under.
     */
    @Transactional(readOnly = true)
    public int countTraces(UUID runId, @Nullable String outcome) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        get(runId);
        String normalised = TraceQuery.outcome(outcome).outcome();
        String stamp = queries.settledItemsStamp(runId);
        if (stamp == null) {
            return queries.countItems(runId, normalised);
        }
        return traceCounts.get(
                new CountKey(tenant.workspaceId(), runId, Objects.toString(normalised, ""), stamp),
                k -> queries.countItems(runId, normalised));
    }

    private record CountKey(UUID workspaceId, UUID runId, String outcome, String stamp) {}

    /**
     * What changes whenever the run's items may have (its status, finish and re-grade); null while they are being
     * written. What a reader computes from the items can be kept under it, as the counts here are.
     */
    @Transactional(readOnly = true)
    public @Nullable String settledItemsStamp(UUID runId) {
        currentTenant.require(Permission.READ);
        return queries.settledItemsStamp(runId);
    }

    @Transactional
    public RunDetails cancel(UUID runId) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        RunDetails run = get(runId);
        if (!runs.cancel(runId, clock.instant())) {
            throw new ConflictException("The run is already " + run.status().id() + ".");
        }
        auditLog.record(tenant, "run.cancelled", run.name(), null);
        return get(runId);
    }

    /** Continues a cancelled or failed run where it stopped (finished items and calls are kept). */
    @Transactional
    public RunDetails resume(UUID runId) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        RunDetails run = get(runId);
        if (run.status() != RunStatus.CANCELLED && run.status() != RunStatus.FAILED) {
            throw new ConflictException("Only a cancelled or failed run can be resumed; this one is "
                    + run.status().id() + ".");
        }
        runs.setStatus(runId, run.status(), RunStatus.QUEUED);
        tasks.start(tenant.workspaceId(), runId);
        auditLog.record(tenant, "run.resumed", run.name(), null);
        return get(runId);
    }

    /** Puts the items that ended in an error back in the queue and runs them again. */
    @Transactional
    public RunDetails retryFailed(UUID runId) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        RunDetails run = get(runId);
        int reset = runItems.resetErrors(runId);
        if (reset == 0) {
            throw new ConflictException("The run has no failed items.");
        }
        if (run.status().finished()) {
            runs.setStatus(runId, run.status(), RunStatus.QUEUED);
        }
        tasks.start(tenant.workspaceId(), runId);
        auditLog.record(tenant, "run.retry-failed", run.name(), reset + " items");
        return get(runId);
    }

    /**
     * Grades the run's stored outputs again with the current grader, in the background (no model is called); the
     * run's figures, leaderboards and review outcomes follow when it is done. Idempotent: asking again while a
     * re-grade is queued changes nothing.
     *
     * @throws ConflictException when the run is queued or running: its items are still being graded
     */
    @Transactional
    public RunProgress regrade(UUID runId) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        RunDetails run = get(runId);
        if (!runs.requestRegrade(runId, Grader.VERSION, clock.instant())) {
            throw new ConflictException(
                    "The run is " + run.status().id() + ": re-grade it once it has finished, or cancel it first.");
        }
        regrades.schedule(tenant, runId);
        auditLog.record(tenant, "run.regrade-requested", run.name(), "grader version " + Grader.VERSION);
        return runs.progress(runId).orElseThrow();
    }

    /**
     * Grades {@code output} (a student's answer re-run on a corrected trace) the way the item's own prediction is
     * graded, with the current grader: for the review module when a run is re-graded. In the caller's transaction.
     */
    public Grade gradeLikeItem(UUID runId, String itemId, String output) {
        currentTenant.require(Permission.READ);
        RunSnapshot run = runs.snapshot(runId).orElseThrow(() -> notFound(runId));
        DatasetItem item = datasets.itemsByIds(run.datasetVersionId(), List.of(itemId)).stream()
                .findFirst()
                .orElseThrow(() -> new NotFoundException("Item " + itemId + " is not in run " + runId + "."));
        boolean imported = runs.imported(runId);
        return regrades.gradeLike(
                regrades.ways(run, imported), item, imported ? List.of() : runCalls.calls(runId, itemId), output);
    }

    private static NotFoundException notFound(UUID runId) {
        return new NotFoundException("Run " + runId + " not found.");
    }
}
