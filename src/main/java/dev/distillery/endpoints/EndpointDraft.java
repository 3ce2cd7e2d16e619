package dev.distillery.endpoints;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a user enters to register or change an endpoint. Only name, base URL and model are required.
 *
 * @param apiKey the key in clear, write-only: stored encrypted, never returned (null or blank: no key)
 * @param headers extra HTTP headers sent with every request (stored encrypted, values never returned)
 */
public record EndpointDraft(
        String name,
        String baseUrl,
        String model,
        @Nullable String apiKey,
        ApiStyle apiStyle,
        Map<String, String> headers,
        Decoding defaults,
        Limits limits,
        int timeoutSeconds,
        Pricing pricing,
        @Nullable String sizeLabel,
        @Nullable Double parameterCountBillions) {

    public static final int DEFAULT_TIMEOUT_SECONDS = 60;

    /** Default decoding, used where a run does not set its own; null means the provider's default. */
    public record Decoding(
            @Nullable Double temperature,
            @Nullable Double topP,
            @Nullable Integer maxTokens,
            List<String> stop) {

        public static Decoding none() {
            return new Decoding(null, null, null, List.of());
        }
    }

    /** Limits this app keeps to when calling the endpoint; null rpm/tpm means unlimited. */
    public record Limits(
            int maxConcurrency,
            @Nullable Integer rpm,
            @Nullable Integer tpm) {

        public static Limits defaults() {
            return new Limits(16, null, null);
        }
    }

    /** Prices in the workspace's currency per million tokens, for cost reports; null when unknown. */
    public record Pricing(
            @Nullable BigDecimal inputPerMillion, @Nullable BigDecimal outputPerMillion) {

        public static Pricing unknown() {
            return new Pricing(null, null);
        }
    }

    public EndpointDraft withHeaders(Map<String, String> newHeaders) {
        return new EndpointDraft(
                name,
                baseUrl,
                model,
                apiKey,
                apiStyle,
                newHeaders,
                defaults,
                limits,
                timeoutSeconds,
                pricing,
                sizeLabel,
                parameterCountBillions);
    }

    /** A draft with defaults for everything optional. */
    public static EndpointDraft of(String name, String baseUrl, String model) {
        return new EndpointDraft(
                name,
                baseUrl,
                model,
                null,
                ApiStyle.CHAT,
                Map.of(),
                Decoding.none(),
                Limits.defaults(),
                DEFAULT_TIMEOUT_SECONDS,
                Pricing.unknown(),
                null,
                null);
    }
}
