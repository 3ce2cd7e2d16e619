package dev.distillery.experiments.api;

import dev.distillery.experiments.Experiment;
import dev.distillery.experiments.ExperimentDraft;
import dev.distillery.experiments.ExperimentEstimate;
import dev.distillery.experiments.ExperimentService;
import dev.distillery.experiments.ExperimentStage;
import dev.distillery.experiments.ExperimentSummary;
import dev.distillery.experiments.ExperimentTable;
import dev.distillery.experiments.ExperimentTemplateService;
import dev.distillery.experiments.ExperimentTraceExportService;
import dev.distillery.review.ExportTarget;
import dev.distillery.review.TraceExportRequest;
import dev.distillery.review.TraceFormat;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Experiments of the API key's workspace. */
@RestController
@RequestMapping("/api/v1/experiments")
@Tag(name = "Experiments")
@SecurityRequirement(name = "apiKey")
class ExperimentController {

    private final ExperimentService experiments;
    private final ExperimentTraceExportService traceExports;
    private final ExperimentTemplateService templates;

    ExperimentController(
            ExperimentService experiments,
            ExperimentTemplateService templates,
            ExperimentTraceExportService traceExports) {
        this.traceExports = traceExports;
        this.experiments = experiments;
        this.templates = templates;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Launch an experiment: one run per cell, all or none",
            description = "Either a grid — methods [{method, preset, params}] × teachers [endpoint ids] × students "
                    + "[endpoint ids]; a method without a teacher role (a baseline) runs once per student — or an "
                    + "explicit list of cells [{method, preset, params, teacher, student}]. The dataset version, split, "
                    + "item range (offset, limit), decoding, seed and concurrency are shared by every run. A refused "
                    + "cell refuses the experiment with 400 and errors naming it (methods[1].method, "
                    + "cells[2].roles.teacher). When the estimate (POST /estimate) is above the workspace's threshold, "
                    + "the launch is refused with 400 on the field confirm unless the draft says \"confirm\": true.")
    ResponseEntity<ExperimentJson> launch(@RequestBody ExperimentDraft draft) {
        Experiment experiment = experiments.launch(requireDataset(draft));
        return ResponseEntity.created(URI.create("/api/v1/experiments/" + experiment.id()))
                .body(ExperimentJson.of(experiment));
    }

    @PostMapping(path = "/estimate", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Estimate an experiment without launching it",
            description = "The same draft as a launch. Per cell: the model calls its method's protocol makes on the "
                    + "item range and their prompt and completion tokens, measured on up to 20 of the range's "
                    + "questions (each completion as long as its call's token cap, else the endpoint's default cap, "
                    + "else 512 tokens), the cost at the endpoints' prices (null when one has none) and a rough "
                    + "duration from their declared limits; the totals, the workspace's threshold in tokens and "
                    + "whether a launch must be confirmed.")
    ExperimentEstimate estimate(@RequestBody ExperimentDraft draft) {
        return experiments.estimate(requireDataset(draft));
    }

    @GetMapping("/settings")
    @Operation(summary = "The workspace's experiment settings: the tokens above which a launch must be confirmed")
    Settings settings() {
        return new Settings(experiments.confirmationThreshold());
    }

    @PutMapping(path = "/settings", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Set the tokens above which launching an experiment must be confirmed (admins; 0: always)")
    Settings updateSettings(@RequestBody Settings settings) {
        if (settings.confirmAboveTokens() == null) {
            throw new InvalidInputException("confirmAboveTokens", "Give the threshold in tokens (0 or more).");
        }
        return new Settings(experiments.setConfirmationThreshold(settings.confirmAboveTokens()));
    }

    /** @param confirmAboveTokens an estimate above this many tokens must be confirmed to launch */
    record Settings(@Nullable Long confirmAboveTokens) {}

    @GetMapping
    @Operation(summary = "The workspace's experiments, newest first")
    List<ExperimentSummary> list() {
        return experiments.list();
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "An experiment and its cells: each cell's run, status and, once the run has completed, its "
                    + "accuracy with the 95% Wilson interval and the gain in points over the student's baseline on the same "
                    + "items with McNemar's exact p (the figures of the run's leaderboard row); a pipeline's stages in "
                    + "stages")
    ExperimentJson get(@PathVariable UUID id) {
        return ExperimentJson.of(experiments.get(id), templates.stages(id));
    }

    @GetMapping("/{id}/table")
    @Operation(
            summary = "The experiment as a table: rows are students, columns methods and teachers",
            description = "format=csv (one line per cell with every figure), markdown or latex (booktabs)")
    ResponseEntity<String> table(
            @PathVariable UUID id,
            @Parameter(description = "csv, markdown or latex") @RequestParam(defaultValue = "csv") String format) {
        ExperimentTable table = ExperimentTable.of(experiments.get(id));
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "csv" -> file(table.csv(), "text/csv", "experiment-" + id + ".csv");
            case "markdown", "md" -> file(table.markdown(), "text/markdown", "experiment-" + id + ".md");
            case "latex", "tex" -> file(table.latex(), "application/x-tex", "experiment-" + id + ".tex");
            default ->
                throw new InvalidInputException(
                        "format", "The format is csv, markdown or latex, not '" + format + "'.");
        };
    }

    @GetMapping("/{id}/traces/export")
    @Operation(
            summary = "Every trace of every cell in one file, streamed: JSON Lines or CSV",
            description = "As GET /api/v1/runs/{id}/traces/export (format=jsonl|csv, verdict, state, edited, q), the "
                    + "cells' runs one after the other; each line or row starts with its cell: method, preset, teacher, "
                    + "student and runId (run_id in CSV).")
    void exportTraces(
            @PathVariable UUID id, @ParameterObject TraceExportRequest request, HttpServletResponse response) {
        TraceFormat format = request.chosenFormat();
        traceExports.export(id, request.filter(), format, ExportTarget.attachment(response));
    }

    @PostMapping("/{id}/pause")
    @Operation(summary = "Stop the experiment's unfinished runs, keeping their finished items (resume continues them)")
    ExperimentJson pause(@PathVariable UUID id) {
        return ExperimentJson.of(experiments.pause(id));
    }

    @PostMapping("/{id}/resume")
    @Operation(summary = "Continue the paused (and failed) runs where they stopped; 409 when there is none")
    ExperimentJson resume(@PathVariable UUID id) {
        return ExperimentJson.of(experiments.resume(id));
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel the experiment for good: unfinished runs stop, and it can no longer be resumed")
    ExperimentJson cancel(@PathVariable UUID id) {
        return ExperimentJson.of(experiments.cancel(id));
    }

    private static ExperimentDraft requireDataset(ExperimentDraft draft) {
        // JSON may leave it out although the record says otherwise.
        if (draft.datasetId() == null) {
            throw new InvalidInputException("datasetId", "Give the dataset's id.");
        }
        return draft;
    }

    private static ResponseEntity<String> file(String body, String type, String name) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(type + ";charset=UTF-8"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .body(body);
    }

    record ExperimentJson(
            UUID id,
            String name,
            UUID datasetId,
            String datasetName,
            int datasetVersion,
            String split,
            int offset,
            @Nullable Integer limit,
            @Nullable Integer seed,
            String status,
            Instant createdAt,
            @Nullable Instant cancelledAt,
            List<CellJson> cells,
            List<ExperimentStage> stages) {

        static ExperimentJson of(Experiment e) {
            return of(e, List.of());
        }

        /** With a pipeline's stages (an empty list for a grid). */
        static ExperimentJson of(Experiment e, List<ExperimentStage> stages) {
            return new ExperimentJson(
                    e.id(),
                    e.name(),
                    e.datasetId(),
                    e.datasetName(),
                    e.datasetVersion(),
                    e.split(),
                    e.offset(),
                    e.limit(),
                    e.seed(),
                    e.status(),
                    e.createdAt(),
                    e.cancelledAt(),
                    e.cells().stream().map(CellJson::of).toList(),
                    stages);
        }
    }

    record CellJson(
            int position,
            UUID runId,
            String runName,
            String status,
            String method,
            String preset,
            Map<String, Object> params,
            @Nullable UUID teacherId,
            @Nullable String teacher,
            @Nullable UUID studentId,
            @Nullable String student,
            int total,
            int done,
            int errors,
            @Nullable Double accuracy,
            @Nullable Double ciLow,
            @Nullable Double ciHigh,
            @Nullable Double gainPoints,
            @Nullable Double pValue,
            @Nullable String baselineNote) {

        static CellJson of(Experiment.Cell c) {
            return new CellJson(
                    c.position(),
                    c.runId(),
                    c.runName(),
                    c.runStatus(),
                    c.method(),
                    c.preset(),
                    c.params(),
                    c.teacherId(),
                    c.teacher(),
                    c.studentId(),
                    c.student(),
                    c.total(),
                    c.done(),
                    c.errors(),
                    c.accuracy(),
                    c.ciLow(),
                    c.ciHigh(),
                    c.gainPoints(),
                    c.pValue(),
                    c.baselineNote());
        }
    }
}
