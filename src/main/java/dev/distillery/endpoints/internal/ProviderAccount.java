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
        /** The slot this thread's call holds until its request goes out, when it is moved to the send's time. */
        private static final ThreadLocal<Reservation> RESERVED = new ThreadLocal<>();
        /** The slot of this thread's latest request that went out, released if the provider refuses it. */
        private static final ThreadLocal<Reservation> LAST_SENT = new ThreadLocal<>();

        private final int perMinute;
        private final Bucket bucket;
        /** When admitted calls' requests went out (or, until they have, when they were admitted), oldest first. */
        private final ArrayDeque<long[]> admitted = new ArrayDeque<>();

        private long window;
        /** Slack learned from refusals on top of the pacer's starting margin, nanos. */
        private long extraMargin;

        private record Reservation(DeclaredRequests limiter, long[] slot) {}

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

        /**
         * The request of the call this thread was admitted for goes out now: its slot is timed from here. The
         * provider counts arrivals, and a call may wait between its admission and its send (the pacer, the tokens
         * limit, the connection pool); timed from the admission, the window would free the slot too early.
         */
        static void sent(long at) {
            Reservation reservation = RESERVED.get();
            if (reservation != null) {
                RESERVED.remove();
                reservation.limiter().moveTo(reservation.slot(), at);
                LAST_SENT.set(reservation);
            }
        }

        /**
         * The provider refused this thread's latest request, saying to retry after {@code retryAfter} (if it said).
         * A refused request holds no place in the provider's window, so its slot is given back: kept, it would push
         * a run that fills its windows exactly into one more. And it went too early: the slot it took freed that much
         * later by the provider's clock than by this one, so the margin grows by as much (and 5 ms), up to a second.
         * A wrong limit is not corrected here: the pacer takes over when refusals persist.
         */
        synchronized void refused(@Nullable Duration retryAfter) {
            Reservation last = LAST_SENT.get();
            if (last != null && last.limiter() == this) {
                LAST_SENT.remove();
                admitted.removeIf(slot -> slot == last.slot());
            }
            if (retryAfter != null) {
                long early = retryAfter.toNanos() + 5_000_000L;
                if (early < Duration.ofSeconds(1).toNanos()) {
                    extraMargin = Math.max(extraMargin, early);
                }
            }
        }

        private synchronized void moveTo(long[] slot, long at) {
            slot[0] = Math.max(slot[0], at);
        }

        private synchronized void admit(long now) {
            long[] slot = {now};
            admitted.addLast(slot);
            RESERVED.set(new Reservation(this, slot));
        }

        void acquire(long providerWindow) throws InterruptedException {
            if (providerWindow <= Duration.ofSeconds(1).toNanos()) {
                bucket.asBlocking().consume(1);
                synchronized (this) {
                    // Remembered for the window the headers may yet show (a minute at most is kept).
                    long now = System.nanoTime();
                    admit(now);
                    while (admitted.peekFirst()[0]
                            <= now - Duration.ofMinutes(1).toNanos()) {
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
                    // The provider counts arrivals, a little after the request goes out; the next call travels as
                    // far, so the slack covers only the difference: the pacer's starting margin.
                    long span = window + Pacer.BASE_MARGIN + window / 500 + extraMargin;
                    while (!admitted.isEmpty() && admitted.peekFirst()[0] <= now - span) {
                        admitted.pollFirst();
                    }
                    if (admitted.size() < capacity) {
                        admit(now);
                        return;
                    }
                    wait = admitted.peekFirst()[0] + span - now;
                }
                Thread.sleep(Duration.ofNanos(Math.max(wait, 1_000_000)));
            }
        }
    }
}
