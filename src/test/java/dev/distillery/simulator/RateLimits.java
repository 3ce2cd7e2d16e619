package dev.distillery.simulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A provider's rate limits as the simulator enforces them: sliding windows of requests and of tokens (prompt plus
 * {@code max_tokens}, as OpenAI counts them when a request arrives). A request over either limit gets 429; admitted
 * requests count. With headers on, every answer carries OpenAI's {@code x-ratelimit-{limit,remaining,reset}-
 * {requests,tokens}} and a refusal its {@code Retry-After}/{@code retry-after-ms}; with headers off a refusal is a
 * bare 429, the hardest case for a client.
 */
final class RateLimits {

    private int requestLimit;
    private long tokenLimit;
    private long windowNanos;
    private boolean headers;
    private final ArrayDeque<long[]> admitted = new ArrayDeque<>(); // {time, tokens}
    private long tokensInWindow;
    private int refusals;

    synchronized void set(int requests, long tokens, Duration window, boolean withHeaders) {
        this.requestLimit = requests;
        this.tokenLimit = tokens;
        this.windowNanos = window.toNanos();
        this.headers = withHeaders;
        refusals = 0;
        admitted.clear();
        tokensInWindow = 0;
    }

    synchronized void clear() {
        refusals = 0;
        requestLimit = 0;
        tokenLimit = 0;
        admitted.clear();
        tokensInWindow = 0;
    }

    synchronized int refusals() {
        return refusals;
    }

    /** Admits the request (recording it) or throws the 429 a provider would send; returns the headers to send. */
    synchronized Map<String, String> admit(long tokens) {
        if (requestLimit <= 0 && tokenLimit <= 0) {
            return Map.of();
        }
        long now = System.nanoTime();
        while (!admitted.isEmpty() && admitted.peekFirst()[0] <= now - windowNanos) {
            tokensInWindow -= admitted.pollFirst()[1];
        }
        boolean overRequests = requestLimit > 0 && admitted.size() >= requestLimit;
        boolean overTokens = tokenLimit > 0 && !admitted.isEmpty() && tokensInWindow + tokens > tokenLimit;
        if (overRequests || overTokens) {
            refusals++;
            long waitNanos = overRequests ? admitted.peekFirst()[0] + windowNanos - now : tokenWait(now, tokens);
            Duration wait = Duration.ofNanos(Math.max(waitNanos, 1_000_000));
            throw headers
                    ? ApiError.rateLimited(wait).withHeaders(headers(now))
                    : ApiError.status(429, "Rate limit reached (simulated).");
        }
        admitted.addLast(new long[] {now, tokens});
        tokensInWindow += tokens;
        return headers ? headers(now) : Map.of();
    }

    /** Until enough tokens have left the window for this request. */
    private long tokenWait(long now, long tokens) {
        long freed = 0;
        for (long[] entry : admitted) {
            freed += entry[1];
            if (tokensInWindow - freed + tokens <= tokenLimit) {
                return entry[0] + windowNanos - now;
            }
        }
        return windowNanos;
    }

    private Map<String, String> headers(long now) {
        Map<String, String> h = new LinkedHashMap<>();
        // Full again when the newest admitted request leaves the window.
        long resetNanos = admitted.isEmpty() ? 0 : Math.max(0, admitted.peekLast()[0] + windowNanos - now);
        String reset = millis(resetNanos);
        if (requestLimit > 0) {
            h.put("x-ratelimit-limit-requests", String.valueOf(requestLimit));
            h.put("x-ratelimit-remaining-requests", String.valueOf(Math.max(0, requestLimit - admitted.size())));
            h.put("x-ratelimit-reset-requests", reset);
        }
        if (tokenLimit > 0) {
            h.put("x-ratelimit-limit-tokens", String.valueOf(tokenLimit));
            h.put("x-ratelimit-remaining-tokens", String.valueOf(Math.max(0, tokenLimit - tokensInWindow)));
            h.put("x-ratelimit-reset-tokens", reset);
        }
        return h;
    }

    /** A Go-style duration as OpenAI writes it ("20ms", "1.5s", "6m0s"). */
    private static String millis(long nanos) {
        long ms = Math.ceilDiv(nanos, 1_000_000);
        return ms < 1000
                ? ms + "ms"
                : ms < 60_000
                        ? String.format(java.util.Locale.ROOT, "%.3fs", ms / 1000.0)
                        : (ms / 60_000) + "m" + String.format(java.util.Locale.ROOT, "%.3fs", (ms % 60_000) / 1000.0);
    }
}
