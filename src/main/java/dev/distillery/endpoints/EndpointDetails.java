package dev.distillery.endpoints;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint as shown and returned: never the key or header values.
 *
 * @param apiKeyHint "••••" and the key's last four characters, or null when there is no key
 * @param headerNames names of the extra headers (their values may be secrets)
 */
public record EndpointDetails(
        UUID id,
        String name,
        String baseUrl,
        String model,
        @Nullable String apiKeyHint,
        ApiStyle apiStyle,
        Set<String> headerNames,
        EndpointDraft.Decoding defaults,
        EndpointDraft.Limits limits,
        int timeoutSeconds,
        EndpointDraft.Pricing pricing,
        @Nullable String sizeLabel,
        @Nullable Double parameterCountBillions,
        Instant createdAt,
        Instant updatedAt) {}
