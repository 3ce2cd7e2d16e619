package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint ready to call: its clients plus Resilience4j's concurrency cap (bulkhead), request and token rate
 * limiters, and a retry policy with exponential jittered backoff that waits as long as a {@code Retry-After} asks.
 * One instance per endpoint version, shared by every caller so the limits hold across runs.
 */
public final class EndpointRuntime {

    private static final Duration LONG_WAIT = Duration.ofMinutes(30);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final int DEFAULT_OUTPUT_ESTIMATE = 256;

    private final EndpointConfig config;
    private final EgressPolicy policy;
    private final ModelClient single;
    private final java.util.function.Supplier<ModelClient> multi;
    private final Bulkhead bulkhead;
    private final @Nullable RateLimiter requests;
    private final @Nullable RateLimiter tokens;
    private final Retry retry;
    private final java.util.concurrent.atomic.AtomicReference<OpenAiFineTuningClient> fineTuning =
            new java.util.concurrent.atomic.AtomicReference<>();

    private EndpointRuntime(EndpointConfig config, EgressPolicy policy, ModelClient single,
            java.util.function.Supplier<ModelClient> multi, RetrySettings settings) {
        this.config = config;
        this.policy = policy;
        this.single = single;
        this.multi = multi;
        String name = config.id().toString();
        this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(Math.max(1, config.limits().maxConcurrency()))
                .maxWaitDuration(LONG_WAIT)
                .build());
        this.requests = perSecond(name + "-rpm", config.limits().rpm());
        this.tokens = perSecond(name + "-tpm", config.limits().tpm());
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.5,
                settings.maxBackoff());
        this.retry = Retry.of(name, RetryConfig.<ModelResponse>custom()
                .maxAttempts(Math.max(1, settings.maxAttempts()))
                .retryOnException(e -> e instanceof ModelCallException m && m.kind().isTransient())
                .intervalBiFunction((attempt, outcome) -> outcome.isLeft()
                        && outcome.getLeft() instanceof ModelCallException m && m.retryAfter() != null
                        ? Math.min(m.retryAfter().toMillis(), MAX_RETRY_AFTER.toMillis())
                        : backoff.apply(attempt))
                .failAfterMaxAttempts(false)
                .build());
    }

    /** Retry policy settings: how many attempts, and the backoff when the server gives no Retry-After. */
    public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    }

    /** The endpoint's clients, every connection of which keeps to {@code policy}. */
    public static EndpointRuntime create(EndpointConfig config, RetrySettings settings, EgressPolicy policy) {
        // The OpenAI SDK is heavy to start; chat endpoints only need it for several samples per prompt.
        if (config.apiStyle() == ApiStyle.COMPLETIONS) {
            ModelClient sdk = new OpenAiSdkClient(config, policy);
            return new EndpointRuntime(config, policy, sdk, () -> sdk, settings);
        }
        var sdk = new java.util.concurrent.atomic.AtomicReference<ModelClient>();
        return new EndpointRuntime(config, policy, new LangChainChatClient(config, policy),
                () -> sdk.updateAndGet(existing -> existing != null ? existing : new OpenAiSdkClient(config, policy)), settings);
    }

    public EndpointConfig config() {
        return config;
    }

    /** The endpoint's files and fine-tuning API, created on first use (the SDK is heavy to start). */
    public OpenAiFineTuningClient fineTuning() {
        return fineTuning.updateAndGet(existing -> existing != null ? existing : new OpenAiFineTuningClient(config, policy));
    }

    /** Calls the model within the endpoint's limits, retrying transient failures. */
    public ModelResponse invoke(ModelRequest request) {
        ModelRequest resolved = withDefaults(request);
        AtomicInteger attempts = new AtomicInteger();
        Supplier<ModelResponse> guarded = Retry.decorateSupplier(retry, () -> {
            attempts.incrementAndGet();
            return attempt(resolved);
        });
        ModelResponse response = guarded.get();
        return new ModelResponse(response.texts(), response.finishReason(), response.promptTokens(),
                response.completionTokens(), response.latencyMillis(), attempts.get());
    }

    /** One attempt, no retries (for "Test connection", where the user wants to see the first failure). */
    public ModelResponse invokeOnce(ModelRequest request) {
        return attempt(withDefaults(request));
    }

    private ModelResponse attempt(ModelRequest request) {
        if (requests != null) {
            RateLimiter.waitForPermission(requests, 1);
        }
        if (tokens != null) {
            int estimate = (request.prompt().length() / 4
                    + (request.maxTokens() == null ? DEFAULT_OUTPUT_ESTIMATE : request.maxTokens())) * request.samples();
            RateLimiter.waitForPermission(tokens, Math.min(estimate, tokens.getRateLimiterConfig().getLimitForPeriod()));
        }
        bulkhead.acquirePermission();
        try {
            return (request.samples() > 1 ? multi.get() : single).call(request);
        } finally {
            bulkhead.onComplete();
        }
    }

    private ModelRequest withDefaults(ModelRequest request) {
        var d = config.defaults();
        return new ModelRequest(request.prompt(),
                request.temperature() != null ? request.temperature() : d.temperature(),
                request.topP() != null ? request.topP() : d.topP(),
                request.maxTokens() != null ? request.maxTokens() : d.maxTokens(),
                !request.stop().isEmpty() ? request.stop() : d.stop(),
                request.seed(),
                Math.max(1, request.samples()));
    }

    /** A per-minute budget refilled every second, so a burst cannot spend a whole minute's allowance at once. */
    private static @Nullable RateLimiter perSecond(String name, @Nullable Integer perMinute) {
        if (perMinute == null || perMinute <= 0) {
            return null;
        }
        return RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, perMinute / 60))
                .limitRefreshPeriod(perMinute >= 60 ? Duration.ofSeconds(1) : Duration.ofMillis(60_000L / perMinute))
                .timeoutDuration(LONG_WAIT)
                .build());
    }
}
