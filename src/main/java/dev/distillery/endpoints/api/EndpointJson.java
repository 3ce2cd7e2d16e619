package dev.distillery.endpoints.api;

import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointDraft;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The endpoint JSON of the API: what clients send (apiKey write-only) and what they get back (a key hint only). */
final class EndpointJson {

    private EndpointJson() {}

    /** Request body of create and (merged) update. Only name, baseUrl and model are required. */
    record Input(
            @Nullable String name,
            @Nullable String baseUrl,
            @Nullable String model,
            @Nullable String apiKey,
            @Nullable String apiStyle,
            @Nullable Map<String, String> headers,
            @Nullable Decoding defaults,
            @Nullable Limits limits,
            @Nullable Integer timeoutSeconds,
            @Nullable Pricing pricing,
            @Nullable String sizeLabel,
            @Nullable Double parameterCountBillions) {

        EndpointDraft toDraft() {
            Decoding d = defaults == null ? new Decoding(null, null, null, null) : defaults;
            Limits l = limits == null ? new Limits(null, null, null) : limits;
            Pricing p = pricing == null ? new Pricing(null, null) : pricing;
            return new EndpointDraft(
                    nonNull(name),
                    nonNull(baseUrl),
                    nonNull(model),
                    apiKey,
                    apiStyle == null ? ApiStyle.CHAT : ApiStyle.fromId(apiStyle),
                    headers == null ? Map.of() : new LinkedHashMap<>(headers),
                    new EndpointDraft.Decoding(
                            d.temperature(), d.topP(), d.maxTokens(), d.stop() == null ? List.of() : d.stop()),
                    new EndpointDraft.Limits(
                            l.maxConcurrency() == null
                                    ? EndpointDraft.Limits.defaults().maxConcurrency()
                                    : l.maxConcurrency(),
                            l.rpm(),
                            l.tpm()),
                    timeoutSeconds == null ? EndpointDraft.DEFAULT_TIMEOUT_SECONDS : timeoutSeconds,
                    new EndpointDraft.Pricing(p.inputPerMillion(), p.outputPerMillion()),
                    sizeLabel,
                    parameterCountBillions);
        }

        /** The stored endpoint in input form, as the base a PATCH is merged onto (no key, no header values). */
        static Input of(EndpointDetails e) {
            return new Input(
                    e.name(),
                    e.baseUrl(),
                    e.model(),
                    null,
                    e.apiStyle().id(),
                    null,
                    new Decoding(
                            e.defaults().temperature(),
                            e.defaults().topP(),
                            e.defaults().maxTokens(),
                            e.defaults().stop()),
                    new Limits(
                            e.limits().maxConcurrency(),
                            e.limits().rpm(),
                            e.limits().tpm()),
                    e.timeoutSeconds(),
                    new Pricing(e.pricing().inputPerMillion(), e.pricing().outputPerMillion()),
                    e.sizeLabel(),
                    e.parameterCountBillions());
        }

        private static String nonNull(@Nullable String s) {
            return s == null ? "" : s;
        }
    }

    record Decoding(
            @Nullable Double temperature,
            @Nullable Double topP,
            @Nullable Integer maxTokens,
            @Nullable List<String> stop) {}

    record Limits(
            @Nullable Integer maxConcurrency,
            @Nullable Integer rpm,
            @Nullable Integer tpm) {}

    record Pricing(
            @Nullable BigDecimal inputPerMillion, @Nullable BigDecimal outputPerMillion) {}

    /** Response body: never the key, only "••••" and its last four characters; header names without values. */
    record Output(
            UUID id,
            String name,
            String baseUrl,
            String model,
            @Nullable String apiKeyHint,
            String apiStyle,
            Set<String> headerNames,
            Decoding defaults,
            Limits limits,
            int timeoutSeconds,
            Pricing pricing,
            @Nullable String sizeLabel,
            @Nullable Double parameterCountBillions,
            Instant createdAt,
            Instant updatedAt) {

        static Output of(EndpointDetails e) {
            return new Output(
                    e.id(),
                    e.name(),
                    e.baseUrl(),
                    e.model(),
                    e.apiKeyHint(),
                    e.apiStyle().id(),
                    e.headerNames(),
                    new Decoding(
                            e.defaults().temperature(),
                            e.defaults().topP(),
                            e.defaults().maxTokens(),
                            e.defaults().stop()),
                    new Limits(
                            e.limits().maxConcurrency(),
                            e.limits().rpm(),
                            e.limits().tpm()),
                    e.timeoutSeconds(),
                    new Pricing(e.pricing().inputPerMillion(), e.pricing().outputPerMillion()),
                    e.sizeLabel(),
                    e.parameterCountBillions(),
                    e.createdAt(),
                    e.updatedAt());
        }
    }
}
