package dev.distillery.experiments;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stage of a pipeline experiment as it stands.
 *
 * @param position from 1, in the order the stages run
 * @param kind {@code runs} or {@code fine-tune}
 * @param status waiting, starting, running, done, failed or cancelled
 * @param message why it failed or what holds it, else null
 * @param runIds the runs it launched (its cells)
 * @param jobId the fine-tuning job it launched
 * @param endpointId the endpoint of the model it fine-tuned, once the job succeeded
 */
public record ExperimentStage(
        int position,
        String kind,
        String title,
        String status,
        @Nullable String message,
        List<UUID> runIds,
        @Nullable UUID jobId,
        @Nullable UUID endpointId,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {

    public boolean active() {
        return status.equals("waiting") || status.equals("starting") || status.equals("running");
    }
}
