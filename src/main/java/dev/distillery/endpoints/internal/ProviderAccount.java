package dev.distillery.endpoints.internal;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * The rate limits endpoints of one workspace share because they call one provider account: the same base URL with
 * the same API key. Providers count requests and tokens per key (a gateway, a hosted vLLM, the simulator) or per
 * server, so a teacher and a student registered as two endpoints on one key spend one limit: they get one
 * {@link Pacer} and, for each declared RPM/TPM value, one bucket. Where a provider limits each model separately
 * (OpenAI's per-model limits) the shared pace is conservative: a model near its limit slows the others of the key.
 * Lives as long as calls keep coming, across versions of the endpoints' settings.
 */
public final class ProviderAccount {

    private static final Duration LONG_WAIT = Duration.ofMinutes(30);

    private final Pacer pacer = new Pacer();
    private final ConcurrentMap<Integer, DeclaredRequests> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, RateLimiter> tokens = new ConcurrentHashMap<>();

    /** Which account an endpoint calls: workspace, base URL as the provider sees it, and a digest of the key. */
    public record Key(UUID workspaceId, String baseUrl, String keyDigest) {

        public static Key of(EndpointConfig config) {
            return new Key(config.workspaceId(), normalized(config.baseUrl()), digest(config.apiKey()));
        }

        @Override
        public String toString() {
            // The digest stays out of logs and messages.
            return "ProviderAccount[" + baseUrl + "]";
        }
    }

    Pacer pacer() {
        return pacer;
    }

    /** How the provider is pacing the account's calls on this instance, if it is. */
    public java.util.Optional<dev.distillery.endpoints.Pacing> pacing() {
        return pacer.pacing();
    }

    /** The bucket for a declared requests-per-minute limit, shared by every endpoint of the account declaring it. */
    @Nullable
    DeclaredRequests requests(@Nullable Integer perMinute) {
        return perMinute == null || perMinute <= 0 ? null : requests.computeIfAbsent(perMinute, DeclaredRequests::new);
    }

    /**
     * The limiter for a declared tokens-per-minute limit: a per-minute budget refilled every second, so a burst
     * cannot spend a whole minute's allowance at once.
     */
    @Nullable
    RateLimiter tokens(@Nullable Integer perMinute) {
        if (perMinute == null || perMinute <= 0) {
            return null;
        }
        return tokens.computeIfAbsent(
                perMinute,
                tpm -> RateLimiter.of(
                        "tpm-" + tpm,
                        RateLimiterConfig.custom()
                                .limitForPeriod(Math.max(1, tpm / 60))
                                .limitRefreshPeriod(
                                        tpm >= 60 ? Duration.ofSeconds(1) : Duration.ofMillis(60_000L / tpm))
                                .timeoutDuration(LONG_WAIT)
                                .build()));
    }

    private static String normalized(String baseUrl) {
        String trimmed = baseUrl.strip().replaceAll("/+$", "");
        try {
            URI uri = URI.create(trimmed);
            if (uri.getScheme() != null && uri.getHost() != null) {
                int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                return uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                        + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port
                        + (uri.getRawPath() == null ? "" : uri.getRawPath());
            }
        } catch (IllegalArgumentException e) {
            // An unparsable URL never reaches a provider; the raw text is key enough.
        }
        return trimmed;
    }

    private static String digest(@Nullable String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return "";
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(apiKey.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A declared requests-per-minute limit. Until the provider's headers have shown its window, a Bucket4j bucket
     * refilled evenly at the declared rate and holding one second's worth. Once the window is known, at most the
     * declared rate over that window in any window (a provider allowing 100 per 5 s, declared as 1,200 RPM, takes 100
     * and then each slot as it frees): a token bucket would take its capacity and a window's refill in the first
     * window, twice what a sliding window admits, and neither Bucket4j nor Resilience4j keeps a sliding window.
     */
    static final class DeclaredRequests {
        private final int perMinute;
        private final Bucket bucket;
        private final ArrayDeque<Long> admitted = new ArrayDeque<>();
        private long window;

        DeclaredRequests(int perMinute) {
            this.perMinute = perMinute;
            long capacity = Math.max(1, Math.round(perMinute / 60.0));
            this.bucket = Bucket.builder()
                    .withNanosecondPrecision()
                    .addLimit(Bandwidth.builder()
                            .capacity(capacity)
                            .refillGreedy(perMinute, Duration.ofMinutes(1))
                            .initialTokens(capacity)
                            .build())
                    .build();
        }

        void acquire(long providerWindow) throws InterruptedException {
            if (providerWindow <= Duration.ofSeconds(1).toNanos()) {
                bucket.asBlocking().consume(1);
                synchronized (this) {
                    // Remembered for the window the headers may yet show (a minute at most is kept).
                    long now = System.nanoTime();
                    admitted.addLast(now);
                    while (admitted.peekFirst() <= now - Duration.ofMinutes(1).toNanos()) {
                        admitted.pollFirst();
                    }
                }
                return;
            }
            while (true) {
                long wait;
                synchronized (this) {
                    window = Math.max(window, providerWindow);
                    long capacity = Math.max(1, Math.round(perMinute * (window / 60e9)));
                    long now = System.nanoTime();
                    // The provider counts arrivals, a little after this instance lets a call go.
                    long span = window + 25_000_000L + window / 200;
                    while (!admitted.isEmpty() && admitted.peekFirst() <= now - span) {
                        admitted.pollFirst();
                    }
                    if (admitted.size() < capacity) {
                        admitted.addLast(now);
                        return;
                    }
                    wait = admitted.peekFirst() + span - now;
                }
                Thread.sleep(Duration.ofNanos(Math.max(wait, 1_000_000)));
            }
        }
    }
}
