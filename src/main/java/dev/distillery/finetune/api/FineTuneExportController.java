package dev.distillery.finetune.api;

import dev.distillery.finetune.ExportFile;
import dev.distillery.finetune.ExportFormat;
import dev.distillery.finetune.ExportRecord;
import dev.distillery.finetune.FineTuneExportRequest;
import dev.distillery.finetune.FineTuneExportService;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Training data from the API key's workspace's runs. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Fine-tuning exports")
@SecurityRequirement(name = "apiKey")
class FineTuneExportController {

    private final FineTuneExportService exports;

    FineTuneExportController(FineTuneExportService exports) {
        this.exports = exports;
    }

    @GetMapping("/export-formats")
    @Operation(
            summary = "The training-data formats of each method's runs",
            description = "kind: base (samples of the "
                    + "method), wrapper (openai-chat and trl-sft carry a base format's prompt and completion) or preference "
                    + "(DPO pairs from corrected traces, any method).")
    Map<String, List<FormatJson>> formats() {
        return exports.formats().entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> e.getValue().stream().map(FormatJson::of).toList(),
                        (a, b) -> a,
                        java.util.LinkedHashMap::new));
    }

    // No "produces": the file's type is set on the response, so a client asking for JSON still gets it (or a problem).
    @PostMapping("/runs/{runId}/exports")
    @Operation(
            summary = "Export a completed run's training data",
            description = "One JSON Lines file, or with a "
                    + "validationFraction above 0 a zip of train.jsonl and validation.jsonl split by item with the seed "
                    + "(default 0). applyCorrections uses reviewers' latest revisions. An export that would carry test items "
                    + "(a test split, or a question equal to a test item's of any dataset in the workspace after lower-casing, "
                    + "removing punctuation and collapsing whitespace) is refused with 409 and contaminatedItems, "
                    + "testSplitItems, duplicateQuestionItems and examples, unless override.reason says why; the reason is "
                    + "stored and audited. MEMBER and above.",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The file",
                        content = {@Content(mediaType = "application/x-ndjson"), @Content(mediaType = "application/zip")
                        }),
                @ApiResponse(
                        responseCode = "409",
                        description = "Contaminated, not completed, or nothing to export",
                        content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE))
            })
    ResponseEntity<byte[]> export(@PathVariable UUID runId, @RequestBody ExportRequest body) {
        if (body.format() == null || body.format().isBlank()) {
            throw new InvalidInputException("format", "Choose a format; GET /api/v1/export-formats lists them.");
        }
        ExportFile file = exports.export(
                runId,
                new FineTuneExportRequest(
                        body.format(),
                        body.baseFormat(),
                        body.validationFraction() == null ? 0 : body.validationFraction(),
                        body.seed() == null ? 0 : body.seed(),
                        Boolean.TRUE.equals(body.applyCorrections()),
                        body.override() == null ? null : body.override().reason()));
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(file.contentType()))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(file.fileName())
                                .build()
                                .toString())
                .header("X-Export-Id", file.record().id().toString())
                .body(file.content());
    }

    @GetMapping("/runs/{runId}/exports")
    @Operation(summary = "A run's exports, newest first, with their settings and any contamination override reason")
    List<ExportRecord> history(@PathVariable UUID runId) {
        return exports.history(runId);
    }

    /** {@code override} with a reason allows an export that carries test items. */
    record ExportRequest(
            @Nullable String format,
            @Nullable String baseFormat,
            @Nullable Double validationFraction,
            @Nullable Long seed,
            @Nullable Boolean applyCorrections,
            @Nullable OverrideJson override) {}

    record OverrideJson(@Nullable String reason) {}

    record FormatJson(String id, String label, String kind, String layout) {

        static FormatJson of(ExportFormat f) {
            return new FormatJson(f.id(), f.label(), f.kind().name().toLowerCase(java.util.Locale.ROOT), f.layout());
        }
    }
}
