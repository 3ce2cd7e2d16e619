package dev.distillery.finetune;

import dev.distillery.finetune.ExportSources.ContaminatedItem;
import dev.distillery.finetune.ExportSources.LatestRevision;
import dev.distillery.finetune.ExportSources.RunItem;
import dev.distillery.finetune.ExportSources.StoredPrediction;
import dev.distillery.finetune.FineTuneExportFormats.CotItem;
import dev.distillery.finetune.FineTuneExportFormats.ExportItem;
import dev.distillery.finetune.FineTuneExportFormats.PreferenceItem;
import dev.distillery.finetune.FineTuneExportFormats.SocraticItem;
import dev.distillery.methods.Methods;
import dev.distillery.methods.TrainingText;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunStatus;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Builds training data from a completed run: Fine-tune-CoT samples from the rationales whose answer was graded
 * correct (METHODS.md §2), Socratic CoT unified, decomposer and solver sets from correct decompositions (§3), and DPO
 * pairs from corrected traces of any method. With corrections applied, the latest revision of a reviewed trace
 * replaces the teacher's output it corrects. Before anything is written the export is checked for test items; an
 * export that carries some is refused unless the user overrides with a reason, which is stored and audited.
 */
@Service
public class FineTuneExportService {

    static final int MAX_REASON = 1_000;
    static final double MAX_VALIDATION_FRACTION = 0.9;

    private final RunService runs;
    private final ExportSources sources;
    private final FineTuneExports exports;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    FineTuneExportService(
            RunService runs,
            ExportSources sources,
            FineTuneExports exports,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock) {
        this.runs = runs;
        this.sources = sources;
        this.exports = exports;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** The formats of each method's runs (methods without their own samples still have DPO), in the run form's order. */
    public Map<String, List<ExportFormat>> formats() {
        Map<String, List<ExportFormat>> formats = new LinkedHashMap<>();
        Methods.all().forEach(m -> formats.put(m.id(), ExportFormat.forMethod(m.id())));
        return formats;
    }

    /** Whether the current user's role may export (MEMBER and above). */
    @Transactional(readOnly = true)
    public boolean canExport() {
        return currentTenant.require().role().can(Permission.EXPORT_TRAINING_DATA);
    }

    /** The formats a run can be exported in; also checks that it exists in the workspace. */
    @Transactional(readOnly = true)
    public List<ExportFormat> formatsFor(UUID runId) {
        currentTenant.require(Permission.READ);
        return ExportFormat.forMethod(runs.get(runId).method());
    }

    /**
     * Builds the export and records it.
     *
     * @throws InvalidInputException naming the field (format, baseFormat, validationFraction, override.reason)
     * @throws ContaminationException (409) when it would carry test items and no override reason is given
     * @throws ConflictException (409) when the run has not completed or nothing in it makes a sample
     */
    @Transactional
    public ExportFile export(UUID runId, FineTuneExportRequest request) {
        TenantContext tenant = currentTenant.require(Permission.EXPORT_TRAINING_DATA);
        RunDetails run = runs.get(runId);
        List<ExportFormat> allowed = ExportFormat.forMethod(run.method());
        ExportFormat format = ExportFormat.byId(request.format())
                .filter(allowed::contains)
                .orElseThrow(() -> new InvalidInputException(
                        "format",
                        "A " + run.method() + " run exports as "
                                + allowed.stream().map(ExportFormat::id).collect(Collectors.joining(", ")) + ", not '"
                                + request.format() + "'."));
        ExportFormat base = base(run.method(), format, request.baseFormat());
        String reason = validate(request);
        if (run.status() != RunStatus.COMPLETED) {
            throw new ConflictException("The run is " + run.status().id() + ": export it once it has completed.");
        }

        Map<String, List<String>> linesByItem = new LinkedHashMap<>();
        for (ExportItem item : items(run, format, request.applyCorrections())) {
            List<String> lines = FineTuneExportFormats.lines(format, base, item);
            if (!lines.isEmpty()) {
                linesByItem
                        .computeIfAbsent(item.itemId(), id -> new ArrayList<>())
                        .addAll(lines);
            }
        }
        if (linesByItem.isEmpty()) {
            throw new ConflictException(
                    format == ExportFormat.DPO
                            ? "The run has no corrected traces: DPO pairs come from traces whose teacher output a reviewer edited."
                            : "No item of the run makes a " + base.id() + " sample: none was graded correct.");
        }

        List<ContaminatedItem> contaminated =
                sources.contaminated(run.datasetVersionId(), List.copyOf(linesByItem.keySet()));
        List<String> examples = contaminated.stream()
                .limit(ContaminationException.EXAMPLES)
                .map(FineTuneExportService::describe)
                .toList();
        if (!contaminated.isEmpty() && reason == null) {
            int testSplit = (int)
                    contaminated.stream().filter(ContaminatedItem::testSplit).count();
            throw new ContaminationException(testSplit, contaminated.size() - testSplit, examples);
        }

        Set<String> validation = FineTuneExportFormats.validationItems(
                List.copyOf(linesByItem.keySet()), request.validationFraction(), request.seed());
        List<String> train = new ArrayList<>();
        List<String> held = new ArrayList<>();
        linesByItem.forEach((itemId, lines) -> (validation.contains(itemId) ? held : train).addAll(lines));

        var record = new ExportRecord(
                UUID.randomUUID(),
                runId,
                format.id(),
                format.kind() == ExportFormat.Kind.WRAPPER ? base.id() : null,
                request.validationFraction(),
                request.seed(),
                request.applyCorrections(),
                linesByItem.size(),
                train.size(),
                held.size(),
                contaminated.size(),
                examples,
                contaminated.isEmpty() ? null : reason,
                tenant.actor().label(),
                clock.instant());
        exports.insert(tenant.workspaceId(), tenant.actor().userId(), record);
        auditLog.record(
                tenant,
                "finetune.exported",
                run.name(),
                format.id()
                        + (record.baseFormat() == null ? "" : " (" + record.baseFormat() + ")") + ": " + train.size()
                        + " train"
                        + (validation.isEmpty() ? "" : " and " + held.size() + " validation") + " samples from "
                        + linesByItem.size() + " items" + (request.applyCorrections() ? ", corrections applied" : ""));
        if (!contaminated.isEmpty()) {
            auditLog.record(
                    tenant,
                    "finetune.contamination-overridden",
                    run.name(),
                    contaminated.size() + " contaminated items exported (" + String.join(", ", examples) + "); reason: "
                            + reason);
        }

        String name = run.name().replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + format.id()
                + (record.baseFormat() == null ? "" : "-" + record.baseFormat());
        if (validation.isEmpty()) {
            return new ExportFile(name + ".jsonl", "application/x-ndjson", FineTuneExportFormats.jsonl(train), record);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train.jsonl", FineTuneExportFormats.jsonl(train));
        files.put("validation.jsonl", FineTuneExportFormats.jsonl(held));
        return new ExportFile(name + ".zip", "application/zip", FineTuneExportFormats.zip(files), record);
    }

    /** A run's exports, newest first, with the override reasons given. */
    @Transactional(readOnly = true)
    public List<ExportRecord> history(UUID runId) {
        currentTenant.require(Permission.READ);
        runs.get(runId);
        return exports.list(runId);
    }

    private static ExportFormat base(String method, ExportFormat format, @Nullable String requested) {
        if (format.kind() != ExportFormat.Kind.WRAPPER) {
            return format;
        }
        List<ExportFormat> bases = ExportFormat.basesOf(method);
        if (requested == null || requested.isBlank()) {
            return bases.getFirst();
        }
        return ExportFormat.byId(requested)
                .filter(bases::contains)
                .orElseThrow(() -> new InvalidInputException(
                        "baseFormat",
                        format.id() + " carries one of "
                                + bases.stream().map(ExportFormat::id).collect(Collectors.joining(", ")) + ", not '"
                                + requested + "'."));
    }

    /** The override reason, stripped, or null when none is given. */
    private static @Nullable String validate(FineTuneExportRequest request) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        double fraction = request.validationFraction();
        if (!(fraction >= 0 && fraction <= MAX_VALIDATION_FRACTION)) {
            errors.add(new InvalidInputException.FieldError(
                    "validationFraction",
                    "The validation fraction is between 0 (one file) and " + MAX_VALIDATION_FRACTION + "."));
        }
        String reason =
                request.overrideReason() == null || request.overrideReason().isBlank()
                        ? null
                        : request.overrideReason().strip();
        if (reason != null && reason.length() > MAX_REASON) {
            errors.add(new InvalidInputException.FieldError(
                    "override.reason", "Keep the reason under " + MAX_REASON + " characters."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return reason;
    }

    private List<ExportItem> items(RunDetails run, ExportFormat format, boolean applyCorrections) {
        if (format == ExportFormat.DPO) {
            return sources.editedTraces(run.id()).stream()
                    .map(t -> (ExportItem) new PreferenceItem(t.itemId(), t.prompt(), t.corrected(), t.original()))
                    .toList();
        }
        String choices = sources.choicesTemplate(run.id()).orElse(TrainingText.CHOICES_ON_SAME_LINE);
        Map<String, LatestRevision> revisions = applyCorrections ? sources.latestRevisions(run.id()) : Map.of();
        List<ExportItem> items = new ArrayList<>();
        for (RunItem item : sources.items(run.id(), run.datasetVersionId())) {
            String question = TrainingText.question(choices, item.question(), item.choices());
            List<String> kept = kept(item.predictions(), revisions.get(item.itemId()));
            if ("socratic-cot".equals(run.method())) {
                kept.stream()
                        .findFirst()
                        .ifPresent(k ->
                                items.add(new SocraticItem(item.itemId(), question, TrainingText.decomposition(k))));
            } else {
                items.add(new CotItem(item.itemId(), question, item.gold(), kept));
            }
        }
        return items;
    }

    /**
     * The teacher outputs kept of an item's predictions: those graded correct, in order. With a correction, the first
     * prediction (the sample the review page shows and corrects) takes the revision's output, and its verdict is the
     * reviewer's override if any, else the student re-run's on the correction, else the original grade.
     */
    private static List<String> kept(List<StoredPrediction> predictions, @Nullable LatestRevision revision) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            StoredPrediction p = predictions.get(i);
            String text = teacherText(p);
            boolean correct = p.correct();
            if (i == 0 && revision != null) {
                if (revision.edited() && revision.teacherOutput() != null) {
                    text = revision.teacherOutput();
                    correct = revision.rerunCorrect() != null ? revision.rerunCorrect() : correct;
                }
                correct = revision.verdict() != null ? revision.verdict() : correct;
            }
            if (correct && text != null) {
                kept.add(text);
            }
        }
        return kept;
    }

    private static @Nullable String teacherText(StoredPrediction p) {
        String rationale = p.artifacts().get("rationale");
        return rationale != null ? rationale : p.artifacts().get("decomposition");
    }

    private static String describe(ContaminatedItem item) {
        if (item.testSplit() || item.matchItemId() == null) {
            return item.itemId() + " (test split)";
        }
        return item.itemId() + " (= " + item.matchItemId() + " of " + item.matchDataset() + " v" + item.matchVersion()
                + ")";
    }
}
