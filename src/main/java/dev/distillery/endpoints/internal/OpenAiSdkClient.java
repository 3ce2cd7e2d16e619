package dev.distillery.endpoints.internal;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls LangChain4j does not cover, through the official OpenAI SDK: the legacy completions API (with max_tokens,
 * stop and n) and chat requests for several samples at once ({@code n}).
 */
final class OpenAiSdkClient implements ModelClient {

    private final OpenAIClient client;
    private final EndpointConfig config;

    OpenAiSdkClient(
            EndpointConfig config,
            EgressPolicy policy,
            okhttp3.@org.jspecify.annotations.Nullable Interceptor observer) {
        this.config = config;
        this.client = sdk(config, policy, config.timeout(), observer);
    }

    /**
     * An SDK client for the endpoint's URL, key, headers and timeout, without retries of its own, on an HTTP client
     * that keeps to the egress policy.
     */
    static OpenAIClient sdk(
            EndpointConfig config,
            EgressPolicy policy,
            java.time.Duration callTimeout,
            okhttp3.@org.jspecify.annotations.Nullable Interceptor observer) {
        var builder = OpenAIOkHttpClient.builder()
                .okHttpClient(policy.client(java.time.Duration.ofSeconds(10), callTimeout, observer))
                .baseUrl(config.baseUrl())
                .apiKey(config.apiKey() == null ? "none" : config.apiKey())
                .timeout(config.timeout())
                .maxRetries(0); // retries belong to the endpoint's Resilience4j policy
        if (!config.headers().isEmpty()) {
            builder.headers(config.headers().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
        }
        return builder.build();
    }

    @Override
    public ModelResponse call(ModelRequest request) {
        long start = System.nanoTime();
        try {
            return config.apiStyle() == ApiStyle.COMPLETIONS ? complete(request, start) : chat(request, start);
        } catch (ModelCallException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Failures.classify(e);
        }
    }

    /** Sets the decoding values the request has; absent ones stay the provider's default. */
    private static void decoding(
            ModelRequest request,
            java.util.function.LongConsumer maxTokens,
            java.util.function.DoubleConsumer temperature,
            java.util.function.DoubleConsumer topP,
            java.util.function.LongConsumer seed) {
        if (request.maxTokens() != null) {
            maxTokens.accept(request.maxTokens());
        }
        if (request.temperature() != null) {
            temperature.accept(request.temperature());
        }
        if (request.topP() != null) {
            topP.accept(request.topP());
        }
        if (request.seed() != null) {
            seed.accept(request.seed());
        }
    }

    private ModelResponse complete(ModelRequest request, long start) {
        var params = CompletionCreateParams.builder().model(config.model()).prompt(request.prompt());
        decoding(request, params::maxTokens, params::temperature, params::topP, params::seed);
        if (!request.stop().isEmpty()) {
            params.stop(CompletionCreateParams.Stop.ofStrings(request.stop()));
        }
        if (request.samples() > 1) {
            params.n((long) request.samples());
        }
        Completion completion = client.completions().create(params.build());
        if (completion.choices().isEmpty()) {
            throw new ModelCallException(ModelCallException.Kind.EMPTY_RESPONSE, "", null, null, null);
        }
        return new ModelResponse(
                completion.choices().stream().map(c -> c.text()).toList(),
                completion.choices().getFirst().finishReason().asString(),
                completion.usage().map(u -> (int) u.promptTokens()).orElse(0),
                completion.usage().map(u -> (int) u.completionTokens()).orElse(0),
                (System.nanoTime() - start) / 1_000_000,
                1);
    }

    private ModelResponse chat(ModelRequest request, long start) {
        var params = ChatCompletionCreateParams.builder().model(config.model()).addUserMessage(request.prompt());
        decoding(request, params::maxTokens, params::temperature, params::topP, params::seed);
        if (!request.stop().isEmpty()) {
            params.stop(ChatCompletionCreateParams.Stop.ofStrings(request.stop()));
        }
        params.n((long) request.samples());
        ChatCompletion completion = client.chat().completions().create(params.build());
        if (completion.choices().isEmpty()) {
            throw new ModelCallException(ModelCallException.Kind.EMPTY_RESPONSE, "", null, null, null);
        }
        return new ModelResponse(
                completion.choices().stream()
                        .map(c -> c.message().content().orElse(""))
                        .toList(),
                completion.choices().getFirst().finishReason().asString(),
                completion.usage().map(u -> (int) u.promptTokens()).orElse(0),
                completion.usage().map(u -> (int) u.completionTokens()).orElse(0),
                (System.nanoTime() - start) / 1_000_000,
                1);
    }
}
