package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.EndpointDraft;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Everything needed to call an endpoint, secrets decrypted; lives only in memory, never logged. */
public record EndpointConfig(
        UUID id,
        UUID workspaceId,
        long version,
        String baseUrl,
        String model,
        @Nullable String apiKey,
        Map<String, String> headers,
        ApiStyle apiStyle,
        EndpointDraft.Decoding defaults,
        EndpointDraft.Limits limits,
        Duration timeout) {

    @Override
    public String toString() {
        return "EndpointConfig[" + id + " " + model + " at " + baseUrl + "]";
    }
}
