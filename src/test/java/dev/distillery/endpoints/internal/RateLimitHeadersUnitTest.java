package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersUnitTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void readsOpenAisHeadersWithGoStyleResets() {
        var h = RateLimitHeaders.of(
                Map.of(
                        "x-ratelimit-limit-requests", "500",
                        "x-ratelimit-remaining-requests", "20",
                        "x-ratelimit-reset-requests", "57.6s",
                        "x-ratelimit-limit-tokens", "30000",
                        "x-ratelimit-remaining-tokens", "29000",
                        "x-ratelimit-reset-tokens", "2ms")::get,
                NOW);
        assertThat(h.requests()).isEqualTo(new RateLimitHeaders.Window(500, 20, Duration.ofMillis(57_600)));
        assertThat(h.requests().low()).isTrue();
        assertThat(h.tokens().reset()).isEqualTo(Duration.ofMillis(2));
        assertThat(h.tokens().low()).isFalse();
        assertThat(RateLimitHeaders.duration("6m0s", NOW)).isEqualTo(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.duration("1h2m3.5s", NOW)).isEqualTo(Duration.ofMillis(3_723_500));
    }

    @Test
    void readsAnthropicsInstantsAndGenericSecondsOrEpochResets() {
        var anthropic = RateLimitHeaders.of(
                Map.of(
                        "anthropic-ratelimit-requests-limit", "50",
                        "anthropic-ratelimit-requests-remaining", "0",
                        "anthropic-ratelimit-requests-reset", "2026-12-07T10:00:30Z")::get,
                NOW);
        assertThat(anthropic.requests()).isEqualTo(new RateLimitHeaders.Window(50, 0, Duration.ofSeconds(30)));

        var generic = RateLimitHeaders.of(
                Map.of("x-ratelimit-limit", "60", "x-ratelimit-remaining", "59", "x-ratelimit-reset", "12")::get, NOW);
        assertThat(generic.requests()).isEqualTo(new RateLimitHeaders.Window(60, 59, Duration.ofSeconds(12)));
        var epoch = RateLimitHeaders.of(
                Map.of(
                        "ratelimit-limit",
                        "100, 100;w=60",
                        "ratelimit-remaining",
                        "7",
                        "ratelimit-reset",
                        String.valueOf(NOW.getEpochSecond() + 9))::get,
                NOW);
        assertThat(epoch.requests()).isEqualTo(new RateLimitHeaders.Window(100, 7, Duration.ofSeconds(9)));
    }

    @Test
    void incompleteOrNonsenseHeadersAreNoInformation() {
        assertThat(RateLimitHeaders.of(Map.<String, String>of()::get, NOW).present())
                .isFalse();
        assertThat(RateLimitHeaders.of(
                                Map.of("x-ratelimit-limit-requests", "500", "x-ratelimit-remaining-requests", "20")
                                        ::get,
                                NOW)
                        .present())
                .isFalse();
        assertThat(RateLimitHeaders.of(
                                Map.of(
                                        "x-ratelimit-limit-requests",
                                        "lots",
                                        "x-ratelimit-remaining-requests",
                                        "20",
                                        "x-ratelimit-reset-requests",
                                        "1s")::get,
                                NOW)
                        .present())
                .isFalse();
        assertThat(RateLimitHeaders.duration("soon", NOW)).isNull();
    }
}
