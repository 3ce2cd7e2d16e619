package dev.distillery.endpoints.internal;

import com.openai.client.OpenAIClient;
import com.openai.core.MultipartField;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import dev.distillery.endpoints.FineTuning;
import dev.distillery.endpoints.ModelCallException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The files and fine-tuning jobs API through the official OpenAI SDK, with the endpoint's URL, key and headers.
 * Reads are retried by the SDK on transient failures; uploads and creates are not, so a timeout never starts (and
 * bills) a second job. Whatever fails becomes a {@link ModelCallException}.
 */
public final class OpenAiFineTuningClient {

    /** Uploads of training files take longer than a completion; never less than this. */
    private static final Duration MIN_UPLOAD_TIMEOUT = Duration.ofMinutes(5);

    private static final int READ_RETRIES = 2;

    private final EndpointConfig config;
    private final OpenAIClient client;

    OpenAiFineTuningClient(EndpointConfig config, EgressPolicy policy) {
        this.config = config;
        // uploads may take longer than a completion: the connection allows the longer of the two
        this.client = OpenAiSdkClient.sdk(config, policy, longest(config.timeout(), MIN_UPLOAD_TIMEOUT), null);
    }

    public FineTuning.ProviderFile upload(String fileName, byte[] content) {
        return call(() -> {
            FileObject file = client.withOptions(o -> o.timeout(longest(config.timeout(), MIN_UPLOAD_TIMEOUT)))
                    .files()
                    .create(FileCreateParams.builder()
                            .file(MultipartField.<InputStream>builder()
                                    .value(new ByteArrayInputStream(content))
                                    .filename(fileName)
                                    .contentType("application/jsonl")
                                    .build())
                            .purpose(FilePurpose.FINE_TUNE)
                            .build());
            return new FineTuning.ProviderFile(file.id(), file.filename(), file.bytes());
        });
    }

    public FineTuning.ProviderJob create(FineTuning.JobRequest request) {
        return call(() -> {
            var params = JobCreateParams.builder().model(request.baseModel()).trainingFile(request.trainingFileId());
            if (request.validationFileId() != null) {
                params.validationFile(request.validationFileId());
            }
            if (request.suffix() != null && !request.suffix().isBlank()) {
                params.suffix(request.suffix());
            }
            var h = request.hyperparameters();
            if (h.epochs() != null || h.batchSize() != null || h.learningRateMultiplier() != null) {
                var hyper = JobCreateParams.Hyperparameters.builder();
                if (h.epochs() != null) {
                    hyper.nEpochs(h.epochs());
                }
                if (h.batchSize() != null) {
                    hyper.batchSize(h.batchSize());
                }
                if (h.learningRateMultiplier() != null) {
                    hyper.learningRateMultiplier(h.learningRateMultiplier());
                }
                params.hyperparameters(hyper.build());
            }
            return job(client.fineTuning().jobs().create(params.build()));
        });
    }

    public FineTuning.ProviderJob retrieve(String jobId) {
        return call(() -> job(reads().fineTuning().jobs().retrieve(jobId)));
    }

    /** The most recent events, oldest first. */
    public List<FineTuning.ProviderEvent> events(String jobId, int limit) {
        return call(() ->
                reads()
                        .fineTuning()
                        .jobs()
                        .listEvents(
                                jobId,
                                JobListEventsParams.builder().limit(limit).build())
                        .data()
                        .stream()
                        .map(e -> new FineTuning.ProviderEvent(
                                e.id(),
                                Instant.ofEpochSecond(e.createdAt()),
                                e.level().asString(),
                                e.message()))
                        .sorted(Comparator.comparing(FineTuning.ProviderEvent::createdAt))
                        .toList());
    }

    public FineTuning.ProviderJob cancel(String jobId) {
        return call(() -> job(client.fineTuning().jobs().cancel(jobId)));
    }

    private OpenAIClient reads() {
        return client.withOptions(o -> o.maxRetries(READ_RETRIES));
    }

    private static FineTuning.ProviderJob job(FineTuningJob job) {
        String error = job.error()
                .map(e -> e.message() + (e.code().isBlank() ? "" : " (" + e.code() + ")"))
                .orElse(null);
        return new FineTuning.ProviderJob(
                job.id(),
                job.model(),
                FineTuning.Status.fromProvider(job.status().asString()),
                job.fineTunedModel().orElse(null),
                error,
                job.trainedTokens().orElse(null),
                job.finishedAt().map(Instant::ofEpochSecond).orElse(null));
    }

    private <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (ModelCallException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Failures.classify(e);
        }
    }

    private static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
