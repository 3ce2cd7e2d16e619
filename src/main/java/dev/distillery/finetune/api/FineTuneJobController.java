package dev.distillery.finetune.api;

import dev.distillery.endpoints.FineTuning;
import dev.distillery.finetune.FineTuneJobDetails;
import dev.distillery.finetune.FineTuneJobEvent;
import dev.distillery.finetune.FineTuneJobService;
import dev.distillery.finetune.FineTuneJobSummary;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Fine-tuning jobs of the API key's workspace. */
@RestController
@RequestMapping("/api/v1/fine-tuning/jobs")
@Tag(name = "Fine-tuning")
@SecurityRequirement(name = "apiKey")
class FineTuneJobController {

    private final FineTuneJobService jobs;

    FineTuneJobController(FineTuneJobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(
            summary = "Launch a fine-tuning job on an endpoint's OpenAI-compatible fine-tuning API",
            description = "trainingFile (and optionally validationFile): JSON Lines, each line {\"messages\": [...]} "
                    + "or {\"prompt\": \"...\", \"completion\": \"...\"}, one format per file. Bad files are refused "
                    + "with 400 and an errors array of {line, field, message}. If the provider refuses the upload or "
                    + "the job, the job is still created, with status failed and the provider's reason in error. "
                    + "When the job succeeds, its model is registered as a new endpoint (fineTunedEndpointId).")
    ResponseEntity<JobJson> launch(
            @Parameter(description = "The endpoint whose server fine-tunes (its base URL and key are used)")
                    @RequestParam("endpointId")
                    UUID endpointId,
            @Parameter(description = "The base model to fine-tune") @RequestParam("model") String model,
            @Parameter(description = "Added to the fine-tuned model's name")
                    @RequestParam(value = "suffix", required = false)
                    @Nullable
                    String suffix,
            @RequestParam(value = "epochs", required = false) @Nullable Integer epochs,
            @RequestParam(value = "batchSize", required = false) @Nullable Integer batchSize,
            @RequestParam(value = "learningRateMultiplier", required = false) @Nullable Double learningRateMultiplier,
            @RequestPart("trainingFile") MultipartFile trainingFile,
            @RequestPart(value = "validationFile", required = false) @Nullable MultipartFile validationFile)
            throws IOException {
        if (trainingFile.isEmpty()) {
            throw new InvalidInputException("trainingFile", "The training file is empty.");
        }
        FineTuneJobSummary job = jobs.launch(
                endpointId,
                model,
                suffix,
                trainingFile.getOriginalFilename() == null ? "training.jsonl" : trainingFile.getOriginalFilename(),
                trainingFile.getBytes(),
                validationFile == null || validationFile.isEmpty() ? null : validationFile.getBytes(),
                new FineTuning.Hyperparameters(epochs, batchSize, learningRateMultiplier));
        return ResponseEntity.created(URI.create("/api/v1/fine-tuning/jobs/" + job.id()))
                .body(JobJson.of(job, null));
    }

    @GetMapping
    @Operation(summary = "The workspace's fine-tuning jobs, newest first")
    List<JobJson> list() {
        return jobs.list().stream().map(job -> JobJson.of(job, null)).toList();
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "A job with its status, the provider's events (oldest first) and, once it succeeded, the "
                    + "fine-tuned model and the endpoint registered for it")
    JobJson get(@PathVariable UUID id) {
        FineTuneJobDetails details = jobs.get(id);
        return JobJson.of(details.job(), details.events());
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a job that has not finished (409 when it has)")
    JobJson cancel(@PathVariable UUID id) {
        return JobJson.of(jobs.cancel(id), null);
    }

    /**
     * @param status uploading, validating_files, queued, running, succeeded, failed or cancelled
     * @param endpointId the endpoint the job was launched on
     * @param fineTunedEndpointId the endpoint registered for the fine-tuned model
     * @param events only in a single job's answer
     */
    record JobJson(
            UUID id,
            String status,
            UUID endpointId,
            String endpointName,
            String model,
            @Nullable String suffix,
            FileJson trainingFile,
            @Nullable FileJson validationFile,
            @Nullable String providerJobId,
            @Nullable String fineTunedModel,
            @Nullable UUID fineTunedEndpointId,
            @Nullable Long trainedTokens,
            @Nullable String error,
            String createdBy,
            Instant createdAt,
            Instant updatedAt,
            @Nullable Instant finishedAt,
            @Nullable List<EventJson> events) {

        static JobJson of(FineTuneJobSummary j, @Nullable List<FineTuneJobEvent> events) {
            return new JobJson(
                    j.id(),
                    j.status().name().toLowerCase(Locale.ROOT),
                    j.endpointId(),
                    j.endpointName(),
                    j.baseModel(),
                    j.suffix(),
                    new FileJson(j.trainingFileName(), j.trainingExamples()),
                    j.validationFileName() == null
                            ? null
                            : new FileJson(
                                    j.validationFileName(),
                                    j.validationExamples() == null ? 0 : j.validationExamples()),
                    j.providerJobId(),
                    j.fineTunedModel(),
                    j.createdEndpointId(),
                    j.trainedTokens(),
                    j.error(),
                    j.createdBy(),
                    j.createdAt(),
                    j.updatedAt(),
                    j.finishedAt(),
                    events == null
                            ? null
                            : events.stream()
                                    .map(e -> new EventJson(e.createdAt(), e.level(), e.message()))
                                    .toList());
        }
    }

    record FileJson(String name, int examples) {}

    record EventJson(Instant createdAt, String level, String message) {}
}
