package dev.distillery.runs.api;

import dev.distillery.endpoints.Pacing;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.Method;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.ParamSpec;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunDraft;
import dev.distillery.runs.RunImportDraft;
import dev.distillery.runs.RunImportService;
import dev.distillery.runs.RunProgress;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunSummary;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Runs of the API key's workspace. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Runs")
@SecurityRequirement(name = "apiKey")
class RunController {

    private final RunService runs;
    private final RunImportService imports;

    RunController(RunService runs, RunImportService imports) {
        this.runs = runs;
        this.imports = imports;
    }

    @GetMapping("/methods")
    @Operation(summary = "The methods a run can use, with their roles, parameters and presets")
    List<MethodJson> methods() {
        return runs.methods().stream().map(MethodJson::of).toList();
    }

    @PostMapping("/runs")
    @Operation(
            summary = "Launch a run",
            description = "roles maps teacher/student/decomposer/solver to endpoint ids; "
                    + "an extractor endpoint (optional, any method) adds model-based answer extraction: one greedy call per "
                    + "prediction with \"Therefore, the answer is\" whose answer is graded. decoding (temperature, topP, "
                    + "maxTokens, stop, seed) overrides the preset for the method's calls.")
    ResponseEntity<RunJson> launch(@RequestBody LaunchRequest body) {
        Map<ModelRole, UUID> roles = new EnumMap<>(ModelRole.class);
        if (body.roles() != null) {
            body.roles().forEach((role, id) -> {
                try {
                    roles.put(ModelRole.fromId(role), id);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException(
                            "roles." + role, "Unknown role; use teacher, student, decomposer, solver or extractor.");
                }
            });
        }
        if (body.datasetId() == null) {
            throw new InvalidInputException("datasetId", "Choose the dataset to run on.");
        }
        DecodingJson d = body.decoding() == null ? new DecodingJson(null, null, null, null, null) : body.decoding();
        RunDetails run = runs.launch(new RunDraft(
                body.name(),
                body.method() == null ? "" : body.method(),
                body.preset(),
                body.datasetId(),
                body.datasetVersion(),
                body.split() == null ? null : body.split(),
                body.offset() == null ? 0 : body.offset(),
                body.limit(),
                roles,
                body.params() == null ? Map.of() : body.params(),
                new Decoding(
                        d.temperature(),
                        d.topP(),
                        d.maxTokens(),
                        d.stop() == null ? List.of() : d.stop(),
                        d.seed() != null ? d.seed() : body.seed(),
                        1),
                body.concurrency() == null ? 16 : body.concurrency(),
                body.seed()));
        return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id())).body(json(run));
    }

    @PostMapping(value = "/runs/import", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(
            summary =
                    "Import a run produced elsewhere: its outputs are graded and it joins the leaderboards as imported",
            description =
                    "file: JSON Lines of {\"itemId\" or \"question\", \"output\", optional \"teacherTrace\"}, or a CSV "
                            + "(name ending in .csv) with a header of the same names. A question is matched to an item of the split "
                            + "by its text (case and whitespace ignored). datasetVersionId defaults to the latest version, split to "
                            + "test, method to \"imported\" (\"standard\" makes it the student's baseline). student names the model "
                            + "that wrote the outputs; teacher the one that wrote the traces. answerType overrides the items' own. "
                            + "Any problem stores nothing and answers 400 with an errors array of {line, field, message}.")
    ResponseEntity<RunJson> importRun(
            @RequestParam("file") MultipartFile file,
            @RequestParam(value = "name", required = false) @Nullable String name,
            @RequestParam(value = "datasetId", required = false) @Nullable UUID datasetId,
            @RequestParam(value = "datasetVersionId", required = false) @Nullable UUID datasetVersionId,
            @RequestParam(value = "split", required = false) @Nullable String split,
            @RequestParam(value = "method", required = false) @Nullable String method,
            @RequestParam(value = "student", required = false) @Nullable String student,
            @RequestParam(value = "teacher", required = false) @Nullable String teacher,
            @RequestParam(value = "answerType", required = false) @Nullable String answerType)
            throws IOException {
        Path temp = Files.createTempFile("distillery-run-import-", ".part");
        try {
            file.transferTo(temp);
            String fileName = file.getOriginalFilename() == null
                            || file.getOriginalFilename().isBlank()
                    ? "upload.jsonl"
                    : Path.of(file.getOriginalFilename()).getFileName().toString();
            RunDetails run = imports.importRun(
                    new RunImportDraft(name, datasetId, datasetVersionId, split, method, student, teacher, answerType),
                    temp,
                    fileName);
            return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id()))
                    .body(json(run));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A run as the API shows it: configuration, progress and, while it runs, how its providers pace it. */
    private RunJson json(RunDetails run) {
        RunProgress progress = runs.progress(run.id());
        return RunJson.of(run, progress, progress.status().finished() ? Map.of() : runs.pacing(run));
    }

    @GetMapping("/runs/{id}")
    RunJson get(@PathVariable UUID id) {
        return json(runs.get(id));
    }

    @GetMapping("/runs")
    List<RunSummary> list(
            @RequestParam(required = false) @Nullable UUID datasetId,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        int clamped = Math.clamp(size, 1, 500);
        return runs.list(datasetId, Math.max(0, page) * clamped, clamped);
    }

    @PostMapping("/runs/{id}/cancel")
    RunJson cancel(@PathVariable UUID id) {
        return json(runs.cancel(id));
    }

    @PostMapping("/runs/{id}/resume")
    RunJson resume(@PathVariable UUID id) {
        return json(runs.resume(id));
    }

    @PostMapping("/runs/{id}/retry-failed")
    RunJson retryFailed(@PathVariable UUID id) {
        return json(runs.retryFailed(id));
    }

    @PostMapping("/runs/{id}/regrade")
    @Operation(
            summary = "Grade the run's stored outputs again with the current grader (no model is called)",
            description =
                    "Answers 202 at once; the re-grade runs in the background and the run's regrade field follows it "
                            + "(status queued, then done; regraded of items). Accuracy, the no-answer count, leaderboards and "
                            + "review outcomes follow when it is done. 409 while the run is queued or running.")
    ResponseEntity<RunJson> regrade(@PathVariable UUID id) {
        RunProgress progress = runs.regrade(id);
        RunDetails run = runs.get(id);
        return ResponseEntity.accepted().body(RunJson.of(run, progress, Map.of()));
    }

    record LaunchRequest(
            @Nullable String name,
            @Nullable String method,
            @Nullable String preset,
            @Nullable UUID datasetId,
            @Nullable Integer datasetVersion,
            @Nullable String split,
            @Nullable Integer offset,
            @Nullable Integer limit,
            @Nullable Map<String, UUID> roles,
            @Nullable Map<String, Object> params,
            @Nullable DecodingJson decoding,
            @Nullable Integer concurrency,
            @Nullable Integer seed) {}

    record DecodingJson(
            @Nullable Double temperature,
            @Nullable Double topP,
            @Nullable Integer maxTokens,
            @Nullable List<String> stop,
            @Nullable Integer seed) {}

    record RunJson(
            UUID id,
            String name,
            String status,
            String method,
            String preset,
            int presetVersion,
            UUID datasetId,
            String datasetName,
            int datasetVersion,
            String split,
            int offset,
            @Nullable Integer limit,
            Map<String, RunDetails.RoleEndpoint> roles,
            Map<String, Object> params,
            Decoding decoding,
            int concurrency,
            @Nullable Integer seed,
            int total,
            int done,
            int correct,
            int errors,
            @Nullable Double accuracy,
            Map<String, Long> tokens,
            BigDecimal cost,
            Map<String, RunProgress.RoleUsage> byRole,
            double itemsPerSecond,
            @Nullable Long etaSeconds,
            @Nullable String error,
            Instant createdAt,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt,
            boolean imported,
            int noAnswer,
            Map<String, Integer> graderVersions,
            RunProgress.@Nullable Regrade regrade,
            @Nullable String waiting,
            Map<String, Pacing> pacing) {

        static RunJson of(RunDetails r, RunProgress p, Map<String, Pacing> pacing) {
            return new RunJson(
                    r.id(),
                    r.name(),
                    p.status().id(),
                    r.method(),
                    r.preset(),
                    r.presetVersion(),
                    r.datasetId(),
                    r.datasetName(),
                    r.datasetVersion(),
                    r.split(),
                    r.offset(),
                    r.limit(),
                    r.roles(),
                    r.params(),
                    r.decoding(),
                    r.concurrency(),
                    r.seed(),
                    r.total(),
                    p.done(),
                    p.correct(),
                    p.errors(),
                    p.accuracy(),
                    Map.of(
                            "prompt",
                            p.promptTokens(),
                            "completion",
                            p.completionTokens(),
                            "total",
                            p.promptTokens() + p.completionTokens()),
                    p.cost(),
                    p.byRole(),
                    p.itemsPerSecond(),
                    p.etaSeconds(),
                    r.error(),
                    r.createdAt(),
                    r.startedAt(),
                    r.finishedAt(),
                    r.imported(),
                    p.noAnswer(),
                    p.graderVersions(),
                    p.regrade(),
                    p.waiting(),
                    pacing);
        }
    }

    record MethodJson(
            String id,
            String label,
            String description,
            List<String> roles,
            List<ParamSpec> params,
            List<PresetJson> presets,
            String defaultSplit) {

        static MethodJson of(Method m) {
            return new MethodJson(
                    m.id(),
                    m.label(),
                    m.description(),
                    m.roles().stream().map(ModelRole::id).sorted().toList(),
                    m.params(),
                    m.presets().stream()
                            .map(p -> new PresetJson(p.id(), p.version(), p.label(), p.description(), p.templates()))
                            .toList(),
                    m.defaultSplit());
        }
    }

    record PresetJson(String id, int version, String label, String description, Map<String, String> templates) {}
}
