package dev.distillery.endpoints;

import dev.distillery.endpoints.internal.EndpointRuntime;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.Permission;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * The OpenAI-compatible fine-tuning API of an endpoint (files and fine-tuning jobs), called with the endpoint's
 * base URL, extra headers and decrypted key, which never leave this module. Every failure is a
 * {@link ModelCallException} whose kind and message a user understands. Uploading, creating and cancelling need
 * {@link Permission#LAUNCH_RUNS}; reading a job needs {@link Permission#READ}. Never call it inside a database
 * transaction: uploads and provider calls are slow. Uploads and job creation are not retried (a retried create
 * could start, and bill, a second job); reads are retried on transient failures.
 */
@Service
public class FineTuning {

    private final ModelInvoker invoker;

    FineTuning(ModelInvoker invoker) {
        this.invoker = invoker;
    }

    /** A file stored at the provider. */
    public record ProviderFile(String id, String fileName, long bytes) {}

    /** Optional training settings; null leaves the provider's choice ("auto"). */
    public record Hyperparameters(
            @Nullable Integer epochs,
            @Nullable Integer batchSize,
            @Nullable Double learningRateMultiplier) {

        public static Hyperparameters auto() {
            return new Hyperparameters(null, null, null);
        }
    }

    /** What to fine-tune: a base model on uploaded files. */
    public record JobRequest(
            String baseModel,
            String trainingFileId,
            @Nullable String validationFileId,
            @Nullable String suffix,
            Hyperparameters hyperparameters) {}

    /** A provider's fine-tuning job as last seen. */
    public record ProviderJob(
            String id,
            String baseModel,
            Status status,
            @Nullable String fineTunedModel,
            @Nullable String error,
            @Nullable Long trainedTokens,
            @Nullable Instant finishedAt) {}

    /** One line of a job's log at the provider. */
    public record ProviderEvent(String id, Instant createdAt, String level, String message) {}

    /** OpenAI's job states. */
    public enum Status {
        VALIDATING_FILES,
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED,
        CANCELLED;

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }

        /** The provider's word for it, e.g. {@code validating_files}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Reads the provider's status; states this app does not know (e.g. {@code paused}) count as running. */
        public static Status fromProvider(String value) {
            for (Status s : values()) {
                if (s.id().equalsIgnoreCase(value)) {
                    return s;
                }
            }
            return RUNNING;
        }
    }

    /**
     * Uploads a JSONL file with purpose {@code fine-tune}.
     *
     * @throws NotFoundException when the endpoint is not one of the current workspace's
     */
    public ProviderFile upload(UUID endpointId, String fileName, byte[] content) {
        return runtime(endpointId, Permission.LAUNCH_RUNS).fineTuning().upload(fileName, content);
    }

    /** Creates a fine-tuning job on uploaded files. */
    public ProviderJob create(UUID endpointId, JobRequest request) {
        return runtime(endpointId, Permission.LAUNCH_RUNS).fineTuning().create(request);
    }

    public ProviderJob retrieve(UUID endpointId, String jobId) {
        return runtime(endpointId, Permission.READ).fineTuning().retrieve(jobId);
    }

    /** The job's most recent events (up to {@code limit}, at most 100), oldest first. */
    public List<ProviderEvent> events(UUID endpointId, String jobId, int limit) {
        return runtime(endpointId, Permission.READ).fineTuning().events(jobId, Math.clamp(limit, 1, 100));
    }

    public ProviderJob cancel(UUID endpointId, String jobId) {
        return runtime(endpointId, Permission.LAUNCH_RUNS).fineTuning().cancel(jobId);
    }

    private EndpointRuntime runtime(UUID endpointId, Permission permission) {
        return invoker.runtime(endpointId, permission);
    }
}
