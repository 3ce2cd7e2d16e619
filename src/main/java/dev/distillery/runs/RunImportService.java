package dev.distillery.runs;

import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.grading.Choice;
import dev.distillery.grading.Grade;
import dev.distillery.grading.Grader;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.ModelRole;
import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Imports a run produced elsewhere: a JSON Lines or CSV file of (item id or question, output[, teacher trace]) is
 * matched to the items of one split of a dataset version, graded exactly as the engine grades, and stored as a
 * completed run marked imported, so its traces, the review grid and leaderboards treat it like any other run.
 * Everything is checked first; any problem refuses the whole import, naming each bad line (up to 50).
 */
@Service
public class RunImportService {

    static final String DEFAULT_METHOD = "imported";
    static final String PRESET = "external";
    static final int MAX_PROBLEMS = 50;
    private static final Set<String> SPLITS = Set.of("train", "test", "dev");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final int MAX_NAME = 200;
    private static final int MAX_TEXT = 200_000;

    private final Runs runs;
    private final RunItems runItems;
    private final RunCalls runCalls;
    private final RunQueries queries;
    private final DatasetService datasets;
    private final Grader grader;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;
    private final Clock clock;
    private final long maxBytes;
    private final int maxRows;

    RunImportService(
            Runs runs,
            RunItems runItems,
            RunCalls runCalls,
            RunQueries queries,
            DatasetService datasets,
            Grader grader,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            ApplicationEventPublisher events,
            JsonMapper json,
            PlatformTransactionManager transactions,
            Clock clock,
            RunsProperties properties) {
        long maxBytes = properties.importMaxBytes();
        int maxRows = properties.importMaxRows();
        this.runs = runs;
        this.runItems = runItems;
        this.runCalls = runCalls;
        this.queries = queries;
        this.datasets = datasets;
        this.grader = grader;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.events = events;
        this.json = json;
        this.tx = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.maxRows = maxRows;
    }

    /** The largest file an import accepts, in bytes. */
    public long maxFileBytes() {
        return maxBytes;
    }

    /**
     * Validates, grades and stores an imported run in one transaction, and publishes {@link RunCompleted} in it.
     * Grading is pure, so it happens between reading the dataset and writing the run, in neither transaction.
     *
     * @param fileName the uploaded file's name: {@code .csv} is read as CSV, anything else as JSON Lines
     * @throws InvalidInputException with every problem found: fields, and lines of the file (each with its number)
     * @throws NotFoundException when the dataset or version is not in this workspace
     */
    public RunDetails importRun(RunImportDraft draft, Path file, String fileName) {
        readOnly.executeWithoutResult(s -> currentTenant.require(Permission.LAUNCH_RUNS));
        List<FieldError> errors = new ArrayList<>();
        String student = text(draft.student());
        String teacher = text(draft.teacher());
        if (student == null) {
            errors.add(new FieldError("student", "Name the student model that wrote the outputs."));
        } else if (student.length() > MAX_NAME) {
            errors.add(new FieldError("student", "Keep the student's name under " + MAX_NAME + " characters."));
        }
        if (teacher != null && teacher.length() > MAX_NAME) {
            errors.add(new FieldError("teacher", "Keep the teacher's name under " + MAX_NAME + " characters."));
        }
        String name = text(draft.name());
        if (name != null && name.length() > MAX_NAME) {
            errors.add(new FieldError("name", "Keep the name under " + MAX_NAME + " characters."));
        }
        String method =
                Objects.requireNonNullElse(text(draft.method()), DEFAULT_METHOD).toLowerCase(Locale.ROOT);
        if (!LABEL.matcher(method).matches()) {
            errors.add(new FieldError(
                    "method", "The method label is up to 64 lower-case letters, digits, '.', '_' or '-'."));
        }
        String split = Objects.requireNonNullElse(text(draft.split()), "test").toLowerCase(Locale.ROOT);
        if (!SPLITS.contains(split)) {
            errors.add(new FieldError("split", "The split is train, test or dev."));
        }
        AnswerType answerType = null;
        if (draft.answerType() instanceof String answerTypeId && text(answerTypeId) != null) {
            try {
                answerType = AnswerType.fromId(answerTypeId);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(
                        "answerType", Objects.requireNonNullElse(e.getMessage(), "Unknown answer type.")));
            }
        }
        UUID datasetId = draft.datasetId();
        if (datasetId == null) {
            errors.add(new FieldError("datasetId", "Choose the dataset the outputs answer."));
        }
        if (!errors.isEmpty() || student == null || datasetId == null) {
            throw new InvalidInputException(errors);
        }

        record Loaded(DatasetDetails dataset, VersionSummary version, List<DatasetItem> items) {}
        Loaded loaded = Objects.requireNonNull(readOnly.execute(s -> {
            currentTenant.require(Permission.LAUNCH_RUNS);
            DatasetDetails dataset = datasets.get(datasetId);
            VersionSummary version = draft.datasetVersionId() == null
                    ? dataset.latest()
                    : dataset.versions().stream()
                            .filter(v -> v.id().equals(draft.datasetVersionId()))
                            .findFirst()
                            .orElseThrow(() -> new NotFoundException(
                                    "Dataset " + dataset.name() + " has no version " + draft.datasetVersionId() + "."));
            List<DatasetItem> items = new ArrayList<>();
            int inSplit = version.splitCounts().getOrDefault(split, 0);
            for (int from = 0; from < inSplit; from += 1000) {
                items.addAll(datasets.items(version.id(), split, null, from, 1000));
            }
            return new Loaded(dataset, version, items);
        }));
        if (loaded.items().isEmpty()) {
            throw new InvalidInputException(
                    "split",
                    "The " + split + " split of " + loaded.dataset().name() + " v"
                            + loaded.version().version() + " has no items.");
        }

        ImportFile.Parsed parsed = ImportFile.read(file, fileName, maxBytes, maxRows, MAX_PROBLEMS, json);
        List<FieldError> problems = new ArrayList<>(parsed.problems());
        List<Matched> matched = match(parsed.rows(), loaded.items(), split, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(
                    problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
        }

        Map<ModelRole, RunSnapshot.RoleEndpoint> roles = new EnumMap<>(ModelRole.class);
        RunSnapshot.RoleEndpoint studentEndpoint = endpoint(student);
        RunSnapshot.RoleEndpoint teacherEndpoint = teacher == null ? null : endpoint(teacher);
        roles.put(ModelRole.STUDENT, studentEndpoint);
        if (teacherEndpoint != null) {
            roles.put(ModelRole.TEACHER, teacherEndpoint);
        }
        List<RunItems.ImportedItem> graded = new ArrayList<>(matched.size());
        int correct = 0;
        for (Matched m : matched) {
            RunItems.ImportedItem item = grade(m, answerType, studentEndpoint, teacherEndpoint);
            correct += item.correct() ? 1 : 0;
            graded.add(item);
        }

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("file", fileName);
        if (answerType != null) {
            params.put("answerType", answerType.id());
        }
        var preset = new RunSnapshot.PresetSnapshot(
                PRESET,
                method,
                1,
                "External",
                "Outputs produced outside Distillery and imported from " + fileName + ".",
                Map.of(),
                Map.of(),
                Map.of());
        var snapshot = new RunSnapshot(
                method,
                PRESET,
                1,
                preset,
                params,
                Decoding.providerDefault(),
                roles,
                loaded.dataset().id(),
                loaded.version().id(),
                split,
                0,
                null,
                1,
                null);
        String runName = name != null
                ? name
                : student + " · " + method + " · " + loaded.dataset().name() + " " + split;
        UUID runId = UUID.randomUUID();
        int total = graded.size();
        int right = correct;
        tx.executeWithoutResult(s -> {
            TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
            Instant now = clock.instant();
            runs.insertImportedRun(
                    runId,
                    tenant.workspaceId(),
                    runName,
                    snapshot,
                    total,
                    tenant.actor().userId(),
                    now);
            for (int from = 0; from < total; from += 1000) {
                List<RunItems.ImportedItem> chunk = graded.subList(from, Math.min(total, from + 1000));
                runItems.insertImported(runId, tenant.workspaceId(), chunk, now);
                runCalls.insertImported(runId, tenant.workspaceId(), chunk, now);
            }
            auditLog.record(
                    tenant,
                    "run.imported",
                    runName,
                    method + " by " + student
                            + (teacher == null ? "" : " with " + teacher) + ": " + right + "/" + total + " correct on "
                            + loaded.dataset().name() + " v" + loaded.version().version() + " " + split + " from "
                            + fileName);
            // In the storing transaction, like the engine's completion: leaderboards schedule their update with it.
            events.publishEvent(new RunCompleted(runId, tenant.workspaceId()));
        });
        return Objects.requireNonNull(readOnly.execute(s -> {
            currentTenant.require(Permission.READ);
            return queries.details(runId).orElseThrow();
        }));
    }

    /** A row of the file and the dataset item it answers. */
    private record Matched(ImportFile.Row row, DatasetItem item) {}

    /** Finds each row's item by id or by its question's text; records a problem for each row that has none. */
    private static List<Matched> match(
            List<ImportFile.Row> rows, List<DatasetItem> items, String split, List<FieldError> problems) {
        Map<String, DatasetItem> byId = new HashMap<>();
        Map<String, List<DatasetItem>> byQuestion = new HashMap<>();
        for (DatasetItem item : items) {
            byId.put(item.itemId(), item);
            byQuestion
                    .computeIfAbsent(normalise(item.question()), q -> new ArrayList<>(1))
                    .add(item);
        }
        Map<String, Integer> seen = new HashMap<>();
        List<Matched> matched = new ArrayList<>(rows.size());
        for (ImportFile.Row row : rows) {
            if (problems.size() >= MAX_PROBLEMS) {
                break;
            }
            DatasetItem item = null;
            String itemId = text(row.itemId());
            String question = text(row.question());
            if (itemId != null) {
                item = byId.get(itemId);
                if (item == null) {
                    problems.add(new FieldError(
                            "itemId", "No item '" + abbreviate(itemId) + "' in the " + split + " split.", row.line()));
                }
            } else if (question != null) {
                List<DatasetItem> found = byQuestion.getOrDefault(normalise(question), List.of());
                if (found.isEmpty()) {
                    problems.add(new FieldError(
                            "question",
                            "No item of the " + split + " split has this question: \"" + abbreviate(question) + "\".",
                            row.line()));
                } else if (found.size() > 1) {
                    problems.add(new FieldError(
                            "question",
                            found.size() + " items of the " + split
                                    + " split have this question ("
                                    + String.join(
                                            ", ",
                                            found.stream()
                                                    .limit(3)
                                                    .map(DatasetItem::itemId)
                                                    .toList())
                                    + "): give the itemId instead.",
                            row.line()));
                } else {
                    item = found.getFirst();
                }
            } else {
                problems.add(new FieldError("itemId", "Give the item's itemId or its question.", row.line()));
            }
            if (row.output() == null || row.output().isBlank()) {
                problems.add(new FieldError("output", "The output is missing.", row.line()));
            } else if (row.output().length() > MAX_TEXT
                    || (row.teacherTrace() != null && row.teacherTrace().length() > MAX_TEXT)) {
                problems.add(new FieldError(
                        "output", "Keep outputs and teacher traces under " + MAX_TEXT + " characters.", row.line()));
            }
            if (item != null) {
                Integer first = seen.putIfAbsent(item.itemId(), row.line());
                if (first != null) {
                    problems.add(new FieldError(
                            itemId != null ? "itemId" : "question",
                            "Item " + item.itemId() + " is given twice (first on line " + first + ").",
                            row.line()));
                } else if (row.output() != null && !row.output().isBlank()) {
                    matched.add(new Matched(row, item));
                }
            }
        }
        return matched;
    }

    /** Grades a row as the engine grades a prediction, with the calls that would have produced it. */
    private RunItems.ImportedItem grade(
            Matched m,
            @Nullable AnswerType override,
            RunSnapshot.RoleEndpoint student,
            RunSnapshot.@Nullable RoleEndpoint teacher) {
        DatasetItem item = m.item();
        String output = Objects.requireNonNull(m.row().output(), "match() keeps only rows with an output");
        String trace = m.row().teacherTrace() == null || m.row().teacherTrace().isBlank()
                ? null
                : m.row().teacherTrace();
        Grade grade = grader.grade(
                override != null ? override : item.answerType(),
                null,
                output,
                item.gold(),
                item.choices().stream()
                        .map(c -> new Choice(c.label(), c.text()))
                        .toList());
        Map<String, String> artifacts = trace == null ? Map.of() : Map.of("steps", trace);
        var prediction = Trace.GradedPrediction.of("prediction", output, grade, artifacts);
        List<RunCalls.StoredCall> calls = new ArrayList<>(2);
        // The keys of Trace-of-Thought's calls, so the review grid finds the teacher's steps where it looks for them.
        if (trace != null) {
            RunSnapshot.RoleEndpoint by = teacher != null ? teacher : student;
            calls.add(call("teacher", ModelRole.TEACHER, by, item.question(), trace));
        }
        calls.add(call("student", ModelRole.STUDENT, student, item.question(), output));
        return new RunItems.ImportedItem(
                item.itemId(),
                item.position(),
                grade.correct(),
                json.writeValueAsString(List.of(prediction)),
                calls,
                grade.graderVersion(),
                grade.answerFound());
    }

    private static RunCalls.StoredCall call(
            String key, ModelRole role, RunSnapshot.RoleEndpoint endpoint, String prompt, String output) {
        return new RunCalls.StoredCall(
                key, role, endpoint.endpointId(), prompt, List.of(output), null, 0, 0, BigDecimal.ZERO, 0, 0, false);
    }

    /** The same name is the same student in every import, so leaderboards find its baseline. */
    static RunSnapshot.RoleEndpoint endpoint(String model) {
        UUID id = UUID.nameUUIDFromBytes(("imported:" + model).getBytes(StandardCharsets.UTF_8));
        return new RunSnapshot.RoleEndpoint(id, model, model, null, null);
    }

    /** Lower case with whitespace collapsed: how a question in a file is matched to an item's. */
    static String normalise(String question) {
        return SPACE.matcher(question.strip().toLowerCase(Locale.ROOT)).replaceAll(" ");
    }

    private static @Nullable String text(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 79) + "…";
    }
}
