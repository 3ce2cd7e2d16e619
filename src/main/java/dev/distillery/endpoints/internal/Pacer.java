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
 *   <li><b>With rate-limit headers</b> (requests and/or tokens remaining): a budget. Once the headers have shown
 *       the limit and the window (the longest reset seen), the account is modelled: a call may start while the
 *       limit, less this pacer's own requests sent within the window, less what the reports show others spend of it,
 *       is positive. Before that, and for tokens, the latest answer's remaining less the calls started since its
 *       request (tokens counted in calls through the tokens a call uses). With none left, one probe goes every
 *       window ÷ limit unless an own request leaves the window sooner; a refused probe closes the endpoint until its
 *       {@code Retry-After}. This spends a provider's burst as it comes back, whether it refills a bucket or slides
 *       a window. A call refused although others were seen spending (another endpoint or app instance on the same
 *       key) cuts the part of the free room this pacer takes to 70 %, which grows back by 2 % a second; one refused
 *       with nobody else seen widens the margin after each own request leaves the window by its Retry-After.</li>
 *   <li><b>Without headers</b>: additive increase, multiplicative decrease of the admitted rate, calls spread evenly
 *       (a Bucket4j bucket of one token refilled at the pace). A refusal cuts the pace to 90 % of what was admitted
 *       in the last five seconds; refusals within a second of a cut belong to the same burst and do not cut again;
 *       in between, the pace grows by 3 % of the cut pace per second.</li>
 * </ul>
 * Either way a refusal closes the endpoint to every caller for as long as its {@code Retry-After} says, or, without
 * one, for a backoff that doubles with each refusal in a row. A declared RPM limit paces alone while the provider
 * refuses nothing, and stays a ceiling after ({@link EndpointRuntime}).
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
    /** Calls that have taken their turn and not yet gone out (when they took it), oldest first. */
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    /** What others spent of the window by the latest reports, newest last ({@link #others()}). */
    private final ArrayDeque<Long> othersSamples = new ArrayDeque<>();
    /** When this pacer's requests went out (nanos), oldest first, for as long as they may count in a window. */
    private final ArrayDeque<Long> sends = new ArrayDeque<>();

    private long nextProbe = Long.MIN_VALUE / 2;
    /** The probe under way, if any (its call number): one at a time, its answer says what came back. */
    private long probe;

    private long lastExhausted = Long.MIN_VALUE / 2;
    /** Slack learned from refusals of calls the model let through ({@link #margin()}), nanos. */
    private long extraMargin;

    private static final long MAX_EXTRA_MARGIN = SECOND;
    /** The fixed part of the starting margin, nanos ({@link #margin()}). */
    static final long BASE_MARGIN = 25_000_000L;
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
                    Own own = own(now);
                    long budget = budget(now, own.count());
                    // A probe finds room the account does not show (a slot left unused, others' requests gone), but
                    // not while one of this pacer's own requests is about to leave the window: that is news enough.
                    long credit = own.next();
                    boolean probeDue = probe == 0 && now - nextProbe >= 0 && credit - now > 2 * probeInterval();
                    if (budget > 0 || probeDue) {
                        ++started;
                        pending.addLast(now);
                        if (budget <= 0) {
                            nextProbe = now + probeInterval();
                            lastExhausted = now;
                            probe = started;
                        }
                        CALL.get()[0] = started;
                        CALL.get()[1] = budget <= 0 ? 0 : modelled() && others() == 0 ? 2 : 1;
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
        ProviderAccount.DeclaredRequests.sent(now);
        sends.addLast(now);
        pending.pollFirst();
        // A call that took its turn and never went (it failed before sending) stops counting after a while.
        trim(pending, now - 10 * SECOND);
        // Kept for two windows: a report is placed against the window before its own request.
        trim(sends, now - 2 * Math.max(requestsWindow, SECOND) - SECOND);
        return now;
    }

    /**
     * Calls that may start now. Once the headers have shown the provider's limit and window, the account is modelled:
     * the limit, less this pacer's own requests within the window (a margin after they went), less what others spend
     * of it (another endpoint or instance on the key, as the reports show), of which this pacer takes its share, less
     * the calls that have taken their turn and not yet gone. Until then, the latest report's remaining less the calls
     * started since. Token limits always count from the latest report, through the tokens a call uses.
     */
    private long budget(long now, long ownInWindow) {
        long since = started - reportedBy;
        trim(pending, now - 10 * SECOND);
        long byRequests;
        if (modelled()) {
            byRequests = (long) ((requestsLimit - ownInWindow - others()) * share) - pending.size();
        } else {
            byRequests =
                    requestsRemaining == Long.MAX_VALUE ? Long.MAX_VALUE : (long) (requestsRemaining * share) - since;
        }
        long byTokens = tokensRemaining == Long.MAX_VALUE || tokensPerCall <= 0
                ? Long.MAX_VALUE
                : (long) (tokensRemaining * share / tokensPerCall) - since;
        return Math.min(byRequests, byTokens);
    }

    private boolean modelled() {
        return requestsWindow > 0 && requestsLimit > 0;
    }

    /**
     * This pacer's own requests still in the provider's window by {@code now} (sent less than a window and a margin
     * ago), and when the oldest of them leaves it ({@link Long#MAX_VALUE}: none is in it). Counting its own sends
     * rather than subtracting from each report is what lets a sliding window or a refilling bucket be used as it
     * comes back, slot by slot, without probing and without losing a slot to a report's timing.
     */
    private Own own(long now) {
        if (!modelled()) {
            return new Own(0, Long.MAX_VALUE);
        }
        long margin = margin();
        Sends inWindow = sends(now - requestsWindow - margin, now);
        return new Own(
                inWindow.count(), inWindow.count() == 0 ? Long.MAX_VALUE : inWindow.oldest() + requestsWindow + margin);
    }

    /** This pacer's requests sent after {@code after} and by {@code upTo}, and the oldest of them. */
    private Sends sends(long after, long upTo) {
        long count = 0;
        long oldest = Long.MAX_VALUE;
        for (java.util.Iterator<Long> it = sends.descendingIterator(); it.hasNext(); ) {
            long sentAt = it.next();
            if (sentAt <= after) {
                break;
            }
            if (sentAt <= upTo) {
                count++;
                oldest = sentAt;
            }
        }
        return new Sends(count, oldest);
    }

    private record Sends(long count, long oldest) {}

    private record Own(long count, long next) {}

    /**
     * What others spend of the account's window: the median of the latest reports' used requests less this pacer's
     * own within the window before each report's request. One report is noisy (a request of this pacer that arrived
     * before it, one that left the window just before it); the median of five is not.
     */
    private long others() {
        if (othersSamples.isEmpty()) {
            return 0;
        }
        long[] sorted =
                othersSamples.stream().mapToLong(Long::longValue).sorted().toArray();
        // The lower median: room others give back is taken a report sooner, a share cut covers the rest.
        return sorted[(sorted.length - 1) / 2];
    }

    private void sampleOthers(long used, long sentAt) {
        long ownAt = sends(sentAt - requestsWindow, sentAt).count();
        othersSamples.addLast(Math.max(0, used - ownAt));
        while (othersSamples.size() > 5) {
            othersSamples.pollFirst();
        }
    }

    /**
     * Slack after a request leaves the provider's window by this instance's clock: the provider counts the arrival,
     * a little after the send, and latencies vary. It starts small (35 ms for a 5 s window: every window of a run
     * pays it once, so it is most of the distance to the provider's floor) and grows to what a refusal of a call the
     * model let through, with nobody else spending, shows: how long the provider asked it to wait.
     */
    private long margin() {
        return BASE_MARGIN + requestsWindow / 500 + extraMargin;
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
        if (status == 429) {
            // Refused requests hold no place in the provider's window.
            sends.removeLastOccurrence(sentAt);
        }
        if (headers.present()) {
            budgeted = true;
            if (call >= reportedBy) {
                reportedBy = call;
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
                if (modelled()) {
                    sampleOthers(requestsLimit - headers.requests().remaining(), sentAt);
                }
            }
            notifyAll();
        }
        if (status == 429) {
            refusals.addLast(now);
            trim(refusals, now - REFUSALS_WINDOW);
            if (!budgeted) {
                cut(now);
            } else if (CALL.get()[1] == 2) {
                // Room by the model with nobody else spending: it went before the provider saw the slot free, by
                // as much as the provider asks to wait (without a Retry-After, by the margin again). Distance or
                // clocks need more slack, not a smaller share.
                long early = retryAfter != null ? retryAfter.toNanos() + 5_000_000L : margin();
                if (early < MAX_EXTRA_MARGIN) {
                    extraMargin = Math.max(extraMargin, early);
                }
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

    /** This thread's next call goes without {@link #acquire()}: its answer is news, but of no call of the budget. */
    void unpaced() {
        CALL.get()[0] = 0;
        CALL.get()[1] = 0;
    }

    /** How many calls the provider refused in the last minute. */
    synchronized int refusalsLastMinute() {
        trim(refusals, nanos.getAsLong() - REFUSALS_WINDOW);
        return refusals.size();
    }

    /** For tests: the slack after a request leaves the provider's window, in nanos. */
    synchronized long marginNanos() {
        return margin();
    }

    /** For tests: calls that may start now by the headers' account. */
    synchronized long budgetNow() {
        long now = nanos.getAsLong();
        return budget(now, own(now).count());
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
