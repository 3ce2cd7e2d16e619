package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.Pacing;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The pace an endpoint's provider admits, learned while calling it and shared by every run and worker of this
 * instance that calls the endpoint. Calls go freely until the provider pushes back; then:
 * <ul>
 *   <li><b>With rate-limit headers</b> (requests and/or tokens remaining): a budget. A call may start while the
 *       remaining reported by the latest answer, less the calls started since the request of that answer, is
 *       positive (the tokens remaining are counted in calls through the tokens a call uses). With none left, one
 *       probe goes every window ÷ limit (the window is the longest reset seen); a refused probe closes the endpoint
 *       until its {@code Retry-After}. This spends a provider's burst as it comes back, whether it refills a bucket
 *       or slides a window. The remaining counts what others spend too (another endpoint or app instance on the same
 *       key): a call refused although the account said there was room cuts the part of the remaining this pacer
 *       takes to 70 %, which grows back by 2 % a second.</li>
 *   <li><b>Without headers</b>: additive increase, multiplicative decrease of the admitted rate, calls spread evenly
 *       (a Bucket4j bucket of one token refilled at the pace). A refusal cuts the pace to 90 % of what was admitted
 *       in the last five seconds; refusals within a second of a cut belong to the same burst and do not cut again;
 *       in between, the pace grows by 3 % of the cut pace per second.</li>
 * </ul>
 * Either way a refusal closes the endpoint to every caller for as long as its {@code Retry-After} says, or, without
 * one, for a backoff that doubles with each refusal in a row. Declared RPM/TPM limits stay a separate ceiling
 * ({@link EndpointRuntime}).
 */
public final class Pacer {

    private static final double DECREASE = 0.9;
    private static final double INCREASE_PER_SECOND = 0.03;
    private static final double MIN_RATE = 1.0 / 60;
    private static final long SECOND = 1_000_000_000L;
    private static final long ADMITTED_WINDOW = 5 * SECOND;
    private static final long REFUSALS_WINDOW = 60 * SECOND;
    private static final long SAME_BURST = SECOND;
    /** Which call of this pacer the current thread is making, so its answer's headers can be placed in order. */
    private static final ThreadLocal<long[]> CALL = ThreadLocal.withInitial(() -> new long[2]);

    private final LongSupplier nanos;
    private final Bucket bucket;
    private final ArrayDeque<Long> admitted = new ArrayDeque<>();
    private final ArrayDeque<Long> refusals = new ArrayDeque<>();
    /** The pace found from refusals (AIMD) without headers, calls per second; 0 while unpaced. */
    private double rate;

    private double step;
    private long lastIncrease;
    private long lastDecrease = Long.MIN_VALUE / 2;
    private double bucketRate;
    private String source = "";
    private double tokensPerCall;
    /** No call starts before this (nanos), after a refusal. */
    private long closedUntil = Long.MIN_VALUE / 2;

    private int refusedInARow;
    private long firstAdmitted = Long.MIN_VALUE;

    // The header budget: calls started, and the newest answer (by its call's start) that reported what remains.
    private boolean budgeted;
    private long started;
    private long reportedBy;
    private long requestsRemaining = Long.MAX_VALUE;
    private long tokensRemaining = Long.MAX_VALUE;
    private long requestsWindow;
    private long requestsLimit;
    private long reportSentAt;
    /** When this pacer's requests went out (nanos), oldest first, for as long as they may count in a window. */
    private final ArrayDeque<Long> sends = new ArrayDeque<>();

    private long nextProbe = Long.MIN_VALUE / 2;
    /** The probe under way, if any (its call number): one at a time, its answer says what came back. */
    private long probe;

    private long lastExhausted = Long.MIN_VALUE / 2;
    /**
     * The part of the reported remaining this pacer takes: cut when a call refused had budget by the account (others
     * spend the same limit: another endpoint or instance on the key), grown back by 2 % a second.
     */
    private double share = 1.0;

    private long lastShareCut = Long.MIN_VALUE / 2;
    private long lastShareGrowth;

    Pacer(LongSupplier nanos) {
        this.nanos = nanos;
        this.bucket = Bucket.builder()
                .withNanosecondPrecision()
                .addLimit(bandwidth(1))
                .build();
    }

    public Pacer() {
        this(System::nanoTime);
    }

    /** An OkHttp interceptor that shows every response of the endpoint's clients to this pacer. */
    okhttp3.Interceptor observer() {
        return chain -> {
            long sentAt = sent();
            okhttp3.Response response = chain.proceed(chain.request());
            observe(
                    response.code(),
                    RateLimitHeaders.of(response::header, java.time.Instant.now()),
                    response.code() == 429
                            ? Failures.retryAfter(response.headers().toMultimap())
                            : null,
                    sentAt);
            return response;
        };
    }

    /** Waits for this call's turn while the endpoint is paced; returns at once while it is not. */
    void acquire() throws InterruptedException {
        while (true) {
            boolean paced;
            long closedFor;
            synchronized (this) {
                long now = nanos.getAsLong();
                closedFor = closedUntil - now;
                if (closedFor <= 0 && budgeted) {
                    share = Math.min(1.0, share + 0.02 * Math.min(now - lastShareGrowth, SECOND) / SECOND);
                    lastShareGrowth = now;
                    Credit own = credit(now);
                    long budget = budget(own.count());
                    // A probe finds room the account does not show (a slot left unused, others' requests gone), but
                    // not while one of this pacer's own requests is about to leave the window: that is news enough.
                    long credit = own.next();
                    boolean probeDue = probe == 0 && now - nextProbe >= 0 && credit - now > 2 * probeInterval();
                    if (budget > 0 || probeDue) {
                        ++started;
                        if (budget <= 0) {
                            nextProbe = now + probeInterval();
                            lastExhausted = now;
                            probe = started;
                        }
                        CALL.get()[0] = started;
                        CALL.get()[1] = budget > 0 ? 1 : 0;
                        return;
                    }
                    // Woken early by any answer that reports more remaining.
                    long until = probe == 0 && credit - nextProbe > 2 * probeInterval() ? nextProbe : credit;
                    wait(Math.clamp((until - now) / 1_000_000, 1, 1000));
                    continue;
                }
                if (closedFor <= 0 && rate > 0) {
                    // Grows only while calls are being made, and at most by one second's worth at a time.
                    rate += step * Math.min(now - lastIncrease, SECOND) / SECOND;
                    lastIncrease = now;
                    configure(rate);
                }
                paced = rate > 0;
            }
            if (closedFor > 0) {
                Thread.sleep(Duration.ofNanos(closedFor));
                continue;
            }
            if (paced) {
                bucket.asBlocking().consume(1);
            }
            synchronized (this) {
                // A refusal may have closed the endpoint while this call waited for its turn: then wait again.
                if (closedUntil - nanos.getAsLong() <= 0) {
                    CALL.get()[0] = ++started;
                    CALL.get()[1] = 0;
                    return;
                }
            }
        }
    }

    /** A request is going out now: remembered so its place in the provider's window is known. */
    synchronized long sent() {
        long now = nanos.getAsLong();
        sends.addLast(now);
        // Kept for two windows: the credit reaches back one window before the latest report.
        trim(sends, now - 2 * Math.max(requestsWindow, SECOND) - SECOND);
        return now;
    }

    /**
     * Calls that may start now by the latest answer's account: what it said remained, less the calls started since,
     * plus {@code credit}, this pacer's own requests that have left the provider's window since it was counted.
     */
    private long budget(long credit) {
        long since = started - reportedBy - credit;
        long byRequests =
                requestsRemaining == Long.MAX_VALUE ? Long.MAX_VALUE : (long) (requestsRemaining * share) - since;
        long byTokens = tokensRemaining == Long.MAX_VALUE || tokensPerCall <= 0
                ? Long.MAX_VALUE
                : (long) (tokensRemaining * share / tokensPerCall) - since;
        return Math.min(byRequests, byTokens);
    }

    /**
     * This pacer's own requests counted in the latest report (sent within the window before it) that have left the
     * provider's window by {@code now} (a window and a margin after they went), and when the next of them leaves it
     * ({@link Long#MAX_VALUE}: none will). The credit is what lets a sliding window or a refilling bucket be used as
     * it comes back, without probing. Requests sent about a window before the report may have left the window
     * before the report was counted: they get no credit, or they would count twice.
     */
    private Credit credit(long now) {
        if (requestsWindow <= 0) {
            return new Credit(0, Long.MAX_VALUE);
        }
        long margin = margin();
        long expiredBy = now - requestsWindow - margin;
        long windowStart = reportSentAt - requestsWindow + margin;
        long count = 0;
        for (long sentAt : sends) {
            if (sentAt <= windowStart) {
                continue;
            }
            if (sentAt > expiredBy) {
                return new Credit(count, sentAt + requestsWindow + margin);
            }
            count++;
        }
        return new Credit(count, Long.MAX_VALUE);
    }

    private record Credit(long count, long next) {}

    /**
     * Slack after a request leaves the provider's window by this instance's clock: the provider counts the arrival,
     * a little after the send, and latencies vary.
     */
    private long margin() {
        return 50_000_000L + requestsWindow / 100;
    }

    private long probeInterval() {
        return requestsLimit > 0 && requestsWindow > 0
                ? Math.max(requestsWindow / requestsLimit, 1_000_000)
                : SECOND / 10;
    }

    /** A response arrived: its status (429 is a refusal) and the limits its headers reported. */
    synchronized void observe(int status, RateLimitHeaders headers) {
        observe(status, headers, null);
    }

    /** As {@link #observe(int, RateLimitHeaders)}, with the refusal's {@code Retry-After} when it had one. */
    synchronized void observe(int status, RateLimitHeaders headers, @Nullable Duration retryAfter) {
        observe(status, headers, retryAfter, nanos.getAsLong());
    }

    /** As above, for the request sent at {@code sentAt} (nanos). */
    synchronized void observe(int status, RateLimitHeaders headers, @Nullable Duration retryAfter, long sentAt) {
        long now = nanos.getAsLong();
        // The call this thread started (a stale number from another pacer is never beyond this one's count).
        long call = CALL.get()[0] == 0 || CALL.get()[0] > started ? started : CALL.get()[0];
        if (call == probe) {
            probe = 0;
            notifyAll();
        }
        if (headers.present()) {
            budgeted = true;
            if (call >= reportedBy) {
                reportedBy = call;
                reportSentAt = sentAt;
                requestsRemaining = headers.requests() == null
                        ? Long.MAX_VALUE
                        : headers.requests().remaining();
                tokensRemaining = headers.tokens() == null
                        ? Long.MAX_VALUE
                        : headers.tokens().remaining();
            }
            if (headers.requests() != null) {
                requestsWindow =
                        Math.max(requestsWindow, headers.requests().reset().toNanos());
                requestsLimit = headers.requests().limit();
            }
            notifyAll();
        }
        if (status == 429) {
            // Refused requests hold no place in the provider's window.
            sends.removeLastOccurrence(sentAt);
            refusals.addLast(now);
            trim(refusals, now - REFUSALS_WINDOW);
            if (!budgeted) {
                cut(now);
            } else if (CALL.get()[1] == 1 && now - lastShareCut >= SAME_BURST) {
                // Refused although the account said there was room: someone else spends this limit too.
                share = Math.max(0.1, share * 0.7);
                lastShareCut = now;
            }
            if (now - closedUntil < 0 && retryAfter == null) {
                // Sent before the endpoint closed: the same refusal, which must not double the backoff again.
                return;
            }
            refusedInARow++;
            long closed = retryAfter != null
                    ? retryAfter.toNanos()
                    : Math.min(
                            (long) ((rate > 0 ? SECOND / rate : SECOND / 10.0)
                                    * (1L << Math.min(refusedInARow - 1, 10))),
                            30 * SECOND);
            closedUntil = Math.max(closedUntil, now + closed);
        } else if (status < 400) {
            refusedInARow = 0;
            if (firstAdmitted == Long.MIN_VALUE) {
                firstAdmitted = now;
            }
            admitted.addLast(now);
            trim(admitted, now - ADMITTED_WINDOW);
        }
    }

    /** The tokens a finished call used, so token limits can be turned into a number of calls. */
    synchronized void used(long tokens) {
        if (tokens > 0) {
            tokensPerCall = tokensPerCall == 0 ? tokens : 0.9 * tokensPerCall + 0.1 * tokens;
        }
    }

    private void cut(long now) {
        if (now - lastDecrease < SAME_BURST) {
            return;
        }
        trim(admitted, now - ADMITTED_WINDOW);
        // Over the last five seconds, or since calls began if that is shorter (but a second at least): a burst at
        // the start of a run says little about a five-second average.
        long span = Math.clamp(now - firstAdmitted, SECOND, ADMITTED_WINDOW);
        double measured = firstAdmitted == Long.MIN_VALUE ? 0 : admitted.size() / (span / (double) SECOND);
        double base =
                rate > 0 && measured > 0 ? Math.min(rate, measured) : measured > 0 ? measured : rate > 0 ? rate : 1;
        lastDecrease = now;
        rate = Math.max(MIN_RATE, base * DECREASE);
        step = Math.max(rate * INCREASE_PER_SECOND, MIN_RATE / 10);
        lastIncrease = now;
        source = "refusals (429)";
        configure(rate);
    }

    private void configure(double newRate) {
        // Reconfiguring costs a little: only when the pace moved by more than 1 %.
        if (bucketRate == 0 || Math.abs(newRate - bucketRate) > bucketRate * 0.01) {
            bucketRate = newRate;
            bucket.replaceConfiguration(
                    BucketConfiguration.builder().addLimit(bandwidth(newRate)).build(),
                    TokensInheritanceStrategy.AS_IS);
        }
    }

    /** One call of burst, refilled continuously at {@code perSecond} (in thousandths, so fractional paces work). */
    private static Bandwidth bandwidth(double perSecond) {
        long perThousandSeconds = Math.max(1, Math.round(perSecond * 1000));
        return Bandwidth.builder()
                .capacity(1)
                .refillGreedy(perThousandSeconds, Duration.ofSeconds(1000))
                .build();
    }

    /**
     * How the endpoint is paced now, if it is: by the headers' budget (run out in the last minute: the pace shown is
     * what was admitted in the last five seconds) or by refusals (the AIMD pace), with refusals in the last minute.
     */
    public synchronized Optional<Pacing> pacing() {
        long now = nanos.getAsLong();
        trim(refusals, now - REFUSALS_WINDOW);
        trim(admitted, now - ADMITTED_WINDOW);
        if (budgeted && now - lastExhausted < REFUSALS_WINDOW) {
            return Optional.of(new Pacing(
                    admitted.size() / (ADMITTED_WINDOW / (double) SECOND), refusals.size(), "rate-limit headers"));
        }
        if (rate == 0 && refusals.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Pacing(rate, refusals.size(), rate > 0 ? source : "refusals (429)"));
    }

    /** For tests: the AIMD pace in calls per second (0 while unpaced by refusals). */
    synchronized double rate() {
        return rate;
    }

    /** For tests: how long the endpoint stays closed after a refusal (0 when open). */
    synchronized long closedFor() {
        return Math.max(0, closedUntil - nanos.getAsLong());
    }

    /** For tests: calls that may start now by the headers' account. */
    synchronized long budgetNow() {
        return budget(credit(nanos.getAsLong()).count());
    }

    /** The provider's request window as its headers have shown it (the longest reset seen), 0 while unknown. */
    synchronized long requestsWindow() {
        return requestsWindow;
    }

    private static void trim(ArrayDeque<Long> times, long before) {
        while (!times.isEmpty() && times.peekFirst() < before) {
            times.pollFirst();
        }
    }
}
