package dev.distillery.runs;

import dev.distillery.methods.Decoding;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A run's configuration as launched (immutable) and its state.
 *
 * @param roles role id (teacher, student, ...) to the endpoint used, with the endpoint's name and model at launch
 * @param imported whether the outputs were produced elsewhere and imported (then the roles name the models, not
 *     endpoints of the workspace)
 */
public record RunDetails(
        UUID id,
        String name,
        String method,
        String preset,
        int presetVersion,
        Map<String, Object> params,
        Decoding decoding,
        Map<String, RoleEndpoint> roles,
        UUID datasetId,
        String datasetName,
        UUID datasetVersionId,
        int datasetVersion,
        String split,
        int offset,
        @Nullable Integer limit,
        int concurrency,
        @Nullable Integer seed,
        int total,
        RunStatus status,
        @Nullable String error,
        @Nullable String createdBy,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        boolean imported) {

    /** An endpoint in a role, as it was when the run was launched. */
    public record RoleEndpoint(UUID endpointId, String name, String model) {}
}
