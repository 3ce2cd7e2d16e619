package dev.distillery.finetune;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A fine-tuning job as listed.
 *
 * @param endpointId the endpoint it was launched on
 * @param providerJobId the provider's id (e.g. {@code ftjob-…}); null while uploading or when the launch failed
 * @param createdEndpointId the endpoint registered for the fine-tuned model once the job succeeded
 * @param error why it failed, in the provider's words where it gave them
 */
public record FineTuneJobSummary(
        UUID id,
        UUID endpointId,
        String endpointName,
        String baseModel,
        @Nullable String suffix,
        FineTuneJobStatus status,
        String trainingFileName,
        int trainingExamples,
        @Nullable String validationFileName,
        @Nullable Integer validationExamples,
        @Nullable String providerJobId,
        @Nullable String fineTunedModel,
        @Nullable Long trainedTokens,
        @Nullable UUID createdEndpointId,
        @Nullable String error,
        int eventsSeen,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant finishedAt) {}
