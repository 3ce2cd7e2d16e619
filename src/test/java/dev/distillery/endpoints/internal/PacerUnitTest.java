package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PacerUnitTest {

    private static final long MS = 1_000_000;
    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final Pacer pacer = new Pacer(clock::get);

    @Test
    void unpacedUntilTheProviderPushesBack() {
        for (int i = 0; i < 100; i++) {
            pacer.observe(200, RateLimitHeaders.NONE);
            clock.addAndGet(10 * MS);
        }
        assertThat(pacer.rate()).isZero();
        assertThat(pacer.pacing()).isEmpty();
    }

    @Test
    void aRefusalCutsThePaceToNinetyPercentOfWhatWasAdmittedAndItsBurstDoesNotCutAgain() {
        // 100 admitted in the last five seconds: 20 per second.
        for (int i = 0; i < 100; i++) {
            pacer.observe(200, RateLimitHeaders.NONE);
            clock.addAndGet(50 * MS);
        }
        pacer.observe(429, RateLimitHeaders.NONE);
        assertThat(pacer.rate()).isCloseTo(18, within(0.01));
        clock.addAndGet(300 * MS);
        pacer.observe(429, RateLimitHeaders.NONE);
        pacer.observe(429, RateLimitHeaders.NONE);
        assertThat(pacer.rate()).as("same burst").isCloseTo(18, within(0.01));
        assertThat(pacer.pacing()).hasValueSatisfying(p -> {
            assertThat(p.refusalsLastMinute()).isEqualTo(3);
            assertThat(p.source()).isEqualTo("refusals (429)");
            assertThat(p.describe()).isEqualTo("paced by provider: 18.0 req/s, 3 refusals in the last minute");
        });
    }

    @Test
    void thePaceGrowsByThreePercentOfTheCutPacePerSecondOfCalls() throws Exception {
        for (int i = 0; i < 100; i++) {
            pacer.observe(200, RateLimitHeaders.NONE);
            clock.addAndGet(50 * MS);
        }
        pacer.observe(429, RateLimitHeaders.NONE);
        assertThat(pacer.rate()).isCloseTo(18, within(0.01));
        clock.addAndGet(1000 * MS); // past the refusal's backoff
        pacer.acquire();
        for (int second = 0; second < 2; second++) {
            clock.addAndGet(1000 * MS);
            pacer.acquire();
        }
        assertThat(pacer.rate()).isCloseTo(18 + 3 * 0.54, within(0.01));
        clock.addAndGet(60_000 * MS);
        pacer.acquire();
        assertThat(pacer.rate()).as("an idle minute counts as one second").isCloseTo(18 + 4 * 0.54, within(0.01));
    }

    @Test
    void withHeadersTheLimitLessOwnRequestsAndOthersSpendingIsTheBudgetThenOneProbeAtATime() throws Exception {
        // Nothing of this pacer's in the window, 3 of 100 left: others spend 97.
        pacer.observe(200, headers(100, 3, Duration.ofSeconds(5)));
        assertThat(pacer.budgetNow()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            pacer.acquire();
        }
        assertThat(pacer.budgetNow())
                .as("calls that took their turn count before they go")
                .isZero();
        pacer.acquire(); // the probe: none left by the account, none probed yet
        assertThat(pacer.budgetNow()).isEqualTo(-1);
        assertThat(pacer.pacing())
                .hasValueSatisfying(p -> assertThat(p.source()).isEqualTo("rate-limit headers"));
        long sentAt = 0;
        for (int i = 0; i < 4; i++) {
            sentAt = pacer.sent();
        }
        assertThat(pacer.budgetNow())
                .as("gone out, they count as this pacer's own")
                .isEqualTo(-1);
        // Answers say 40 are left with this pacer's 4 in the window: others spend 56 now. One report is not taken
        // at its word (the median of the latest five), two agreeing are.
        pacer.observe(200, headers(100, 40, Duration.ofSeconds(5)), null, sentAt);
        pacer.observe(200, headers(100, 40, Duration.ofSeconds(5)), null, sentAt);
        assertThat(pacer.budgetNow()).isEqualTo(40);
        assertThat(pacer.requestsWindow()).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(pacer.rate()).as("no AIMD with headers").isZero();
    }

    @Test
    void aRefusalClosesTheEndpointForItsRetryAfterOrADoublingBackoff() {
        pacer.observe(429, headers(100, 0, Duration.ofSeconds(5)), Duration.ofMillis(1200));
        assertThat(pacer.closedFor()).isEqualTo(1200 * MS);
        clock.addAndGet(1300 * MS);
        assertThat(pacer.closedFor()).isZero();

        Pacer bare = new Pacer(clock::get);
        bare.observe(429, RateLimitHeaders.NONE, null);
        long first = bare.closedFor();
        clock.addAndGet(first);
        bare.observe(429, RateLimitHeaders.NONE, null);
        long second = bare.closedFor();
        assertThat(second).as("doubled (and the pace cut)").isGreaterThanOrEqualTo(2 * first);
        bare.observe(429, RateLimitHeaders.NONE, null);
        assertThat(bare.closedFor())
                .as("sent before it closed: not doubled again")
                .isEqualTo(second);
    }

    @Test
    void tokensRemainingAreCountedInCallsThroughTheTokensACallUses() {
        pacer.used(1000);
        pacer.observe(
                200, new RateLimitHeaders(null, new RateLimitHeaders.Window(60_000, 5_000, Duration.ofSeconds(59))));
        assertThat(pacer.budgetNow()).isEqualTo(5);
    }

    @Test
    void ownRequestsLeavingTheProvidersWindowComeBackAsBudgetWithoutProbing() throws Exception {
        // Ten requests sent 100 ms apart into a window of 10 per 5 s; the last answer says none remain.
        long firstSent = clock.get();
        for (int i = 0; i < 10; i++) {
            pacer.acquire();
            long sentAt = pacer.sent();
            pacer.observe(200, headers(10, 9 - i, Duration.ofSeconds(5)), null, sentAt);
            clock.addAndGet(100 * MS);
        }
        assertThat(pacer.budgetNow()).isZero();
        // The margin for a 5 s window starts at 35 ms: the first request counts as gone 5.035 s after it was sent.
        clock.set(firstSent + 5034 * MS);
        assertThat(pacer.budgetNow()).isZero();
        clock.set(firstSent + 5035 * MS);
        assertThat(pacer.budgetNow()).isEqualTo(1);
        clock.set(firstSent + 5335 * MS);
        assertThat(pacer.budgetNow()).isEqualTo(4);
        pacer.acquire();
        assertThat(pacer.budgetNow()).as("a call started since spends one").isEqualTo(3);
    }

    @Test
    void aCallLetThroughByTheModelAndRefusedWidensTheMarginByItsRetryAfter() throws Exception {
        long firstSent = clock.get();
        for (int i = 0; i < 10; i++) {
            pacer.acquire();
            pacer.observe(200, headers(10, 9 - i, Duration.ofSeconds(5)), null, pacer.sent());
            clock.addAndGet(100 * MS);
        }
        assertThat(pacer.marginNanos()).isEqualTo(35 * MS);
        clock.set(firstSent + 5035 * MS);
        pacer.acquire();
        pacer.observe(429, headers(10, 0, Duration.ofSeconds(5)), Duration.ofMillis(20), pacer.sent());
        assertThat(pacer.marginNanos())
                .as("35 ms, and the 20 ms it went early, and 5")
                .isEqualTo(60 * MS);
    }

    @Test
    void aRefusedRequestHoldsNoPlaceInTheWindow() throws Exception {
        long firstSent = clock.get();
        pacer.acquire();
        pacer.observe(200, headers(10, 0, Duration.ofSeconds(5)), null, pacer.sent());
        clock.addAndGet(10 * MS);
        long refusedAt = pacer.sent();
        pacer.observe(429, headers(10, 0, Duration.ofSeconds(5)), Duration.ofMillis(1), refusedAt);
        clock.set(firstSent + 6000 * MS);
        assertThat(pacer.budgetNow()).as("only the admitted request comes back").isEqualTo(1);
    }

    private static RateLimitHeaders headers(long limit, long remaining, Duration reset) {
        return RateLimitHeaders.of(
                Map.of(
                        "x-ratelimit-limit-requests",
                        String.valueOf(limit),
                        "x-ratelimit-remaining-requests",
                        String.valueOf(remaining),
                        "x-ratelimit-reset-requests",
                        reset.toMillis() + "ms")::get,
                java.time.Instant.now());
    }
}
