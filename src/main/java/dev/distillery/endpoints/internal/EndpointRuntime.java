package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint ready to call: its clients plus Resilience4j's concurrency cap (bulkhead), request and token rate
 * limiters for declared limits, the endpoint's {@link Pacer} (the pace its provider admits, learned from rate-limit
 * headers and refusals), and a retry policy with exponential jittered backoff for failures. A refusal (429) is not a
 * failure: it is waited out as long as {@code Retry-After} asks and the pace slows, without spending an attempt,
 * for up to the rate-limit patience. One instance per endpoint version, shared by every caller so the limits hold
 * across runs.
 */
public final class EndpointRuntime {

    private static final Duration LONG_WAIT = Duration.ofMinutes(30);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final EndpointConfig config;
    private final EgressPolicy policy;
    private final ModelClient single;
    private final java.util.function.Supplier<ModelClient> multi;
    private final Bulkhead bulkhead;
    private final ProviderAccount.@Nullable DeclaredRequests requests;
    private final @Nullable RateLimiter tokens;
    private final Retry retry;
    private final Pacer pacer;
    private final TokenEstimator tokenEstimator;
    private final Duration rateLimitPatience;
    private final java.util.concurrent.atomic.AtomicReference<OpenAiFineTuningClient> fineTuning =
            new java.util.concurrent.atomic.AtomicReference<>();

    private EndpointRuntime(
            EndpointConfig config,
            EgressPolicy policy,
            ModelClient single,
            java.util.function.Supplier<ModelClient> multi,
            RetrySettings settings,
            ProviderAccount account) {
        this.config = config;
        this.pacer = account.pacer();
        this.tokenEstimator = new TokenEstimator(config.model());
        this.rateLimitPatience = settings.rateLimitPatience();
        this.policy = policy;
        this.single = single;
        this.multi = multi;
        String name = config.id().toString();
        this.bulkhead = Bulkhead.of(
                name,
                BulkheadConfig.custom()
                        .maxConcurrentCalls(Math.max(1, config.limits().maxConcurrency()))
                        .maxWaitDuration(LONG_WAIT)
                        .build());
        this.requests = account.requests(config.limits().rpm());
        this.tokens = account.tokens(config.limits().tpm());
        IntervalFunction backoff =
                IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.5, settings.maxBackoff());
        this.retry = Retry.of(
                name,
                RetryConfig.<ModelResponse>custom()
                        .maxAttempts(Math.max(1, settings.maxAttempts()))
                        .retryOnException(e -> e instanceof ModelCallException m
                                && m.kind().isTransient()
                                && m.kind() != ModelCallException.Kind.RATE_LIMITED)
                        .intervalBiFunction((attempt, outcome) -> outcome.isLeft()
                                        && outcome.getLeft() instanceof ModelCallException m
                                        && m.retryAfter() != null
                                ? Math.min(m.retryAfter().toMillis(), MAX_RETRY_AFTER.toMillis())
                                : backoff.apply(attempt))
                        .failAfterMaxAttempts(false)
                        .build());
    }

    /**
     * Retry policy settings: how many attempts a failure may take, the backoff when the server gives no
     * Retry-After, and how long refusals (429) are waited out before the call fails as rate limited.
     */
    public record RetrySettings(
            int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration rateLimitPatience) {}

    /**
     * The endpoint's clients, every connection of which keeps to {@code policy} and shows its responses to the
     * pace of its provider {@code account} (which outlives this runtime and is shared with the account's other
     * endpoints).
     */
    public static EndpointRuntime create(
            EndpointConfig config, RetrySettings settings, EgressPolicy policy, ProviderAccount account) {
        okhttp3.Interceptor observer = account.pacer().observer();
        // The OpenAI SDK is heavy to start; chat endpoints only need it for several samples per prompt.
        if (config.apiStyle() == ApiStyle.COMPLETIONS) {
            ModelClient sdk = new OpenAiSdkClient(config, policy, observer);
            return new EndpointRuntime(config, policy, sdk, () -> sdk, settings, account);
        }
        var sdk = new java.util.concurrent.atomic.AtomicReference<ModelClient>();
        return new EndpointRuntime(
                config,
                policy,
                new LangChainChatClient(config, policy, observer),
                () -> sdk.updateAndGet(
                        existing -> existing != null ? existing : new OpenAiSdkClient(config, policy, observer)),
                settings,
                account);
    }

    public EndpointConfig config() {
        return config;
    }

    /** The endpoint's files and fine-tuning API, created on first use (the SDK is heavy to start). */
    public OpenAiFineTuningClient fineTuning() {
        return fineTuning.updateAndGet(
                existing -> existing != null ? existing : new OpenAiFineTuningClient(config, policy));
    }

    /** Calls the model within the endpoint's limits and pace, retrying transient failures and waiting out refusals. */
    /** Refusals in a minute past which a declared limit no longer paces alone. */
    private static final int DECLARED_TRUSTED_REFUSALS = 3;

    public ModelResponse invoke(ModelRequest request) {
        ModelRequest resolved = withDefaults(request);
        AtomicInteger attempts = new AtomicInteger();
        Supplier<ModelResponse> guarded = Retry.decorateSupplier(retry, () -> {
            attempts.incrementAndGet();
            return attempt(resolved);
        });
        long giveUpAt = System.nanoTime() + rateLimitPatience.toNanos();
        while (true) {
            try {
                ModelResponse response = guarded.get();
                pacer.used(response.promptTokens() + response.completionTokens());
                if (tokens != null) {
                    tokenEstimator.observe(
                            resolved.prompt(),
                            response.promptTokens(),
                            response.completionTokens(),
                            resolved.samples());
                }
                return new ModelResponse(
                        response.texts(),
                        response.finishReason(),
                        response.promptTokens(),
                        response.completionTokens(),
                        response.latencyMillis(),
                        attempts.get());
            } catch (ModelCallException e) {
                if (e.kind() != ModelCallException.Kind.RATE_LIMITED || System.nanoTime() - giveUpAt > 0) {
                    throw e;
                }
                if (requests != null) {
                    requests.refused(e.retryAfter());
                }
                // The provider's pace, not the call's fault: no attempt is spent. Wait as long as it asks (the pacer
                // has slowed meanwhile and spaces the next try).
                pause(e.retryAfter() == null ? Duration.ZERO : min(e.retryAfter(), MAX_RETRY_AFTER));
            }
        }
    }

    /** How the provider is pacing this endpoint's calls now, if it is. */
    public java.util.Optional<dev.distillery.endpoints.Pacing> pacing() {
        return pacer.pacing();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void pause(Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted("waiting out a rate limit", e);
        }
    }

    /** The failure of a call whose thread was interrupted while {@code waiting}; the interrupt is kept. */
    private static ModelCallException interrupted(String waiting, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ModelCallException(ModelCallException.Kind.OTHER, "Interrupted while " + waiting, null, null, e);
    }

    /** One attempt, no retries (for "Test connection", where the user wants to see the first failure). */
    public ModelResponse invokeOnce(ModelRequest request) {
        return attempt(withDefaults(request));
    }

    private ModelResponse attempt(ModelRequest request) {
        if (requests != null) {
            try {
                requests.acquire(pacer.requestsWindow());
            } catch (InterruptedException e) {
                throw interrupted("waiting for the declared rate limit", e);
            }
        }
        try {
            // A declared limit is the user's word for the provider's: it alone paces the calls while the provider
            // refuses no more than its timing explains (a refusal teaches the limit a wider margin), and the pacer
            // joins when refusals persist (the declared limit is wrong). Both gates at once would pay two margins
            // per window. After the declared limit, so the pacer counts as about to go only calls that are.
            if (requests == null || pacer.refusalsLastMinute() >= DECLARED_TRUSTED_REFUSALS) {
                pacer.acquire();
            } else {
                pacer.unpaced();
            }
        } catch (InterruptedException e) {
            throw interrupted("waiting for the provider's pace", e);
        }
        if (tokens != null) {
            int estimate = tokenEstimator.estimate(request.prompt(), request.maxTokens(), request.samples());
            RateLimiter.waitForPermission(
                    tokens, Math.min(estimate, tokens.getRateLimiterConfig().getLimitForPeriod()));
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
        return new ModelRequest(
                request.prompt(),
                request.temperature() != null ? request.temperature() : d.temperature(),
                request.topP() != null ? request.topP() : d.topP(),
                request.maxTokens() != null ? request.maxTokens() : d.maxTokens(),
                !request.stop().isEmpty() ? request.stop() : d.stop(),
                request.seed(),
                Math.max(1, request.samples()));
    }
}
