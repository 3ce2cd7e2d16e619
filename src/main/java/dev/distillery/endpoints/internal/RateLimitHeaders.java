package dev.distillery.endpoints.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a provider says about its rate limits in response headers, in the spellings in use: OpenAI's
 * {@code x-ratelimit-{limit,remaining,reset}-{requests,tokens}} (resets as {@code 6m0s}, {@code 20ms}), Anthropic's
 * {@code anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}} (resets as RFC 3339 instants), and the generic
 * {@code x-ratelimit-*} and IETF {@code ratelimit-*} triples (resets in seconds, or epoch seconds). The generic triple
 * counts requests.
 *
 * @param requests the request limit, when the provider gave one
 * @param tokens the token limit, when the provider gave one
 */
record RateLimitHeaders(@Nullable Window requests, @Nullable Window tokens) {

    /**
     * One limit as last reported: {@code limit} per window, {@code remaining} now, full again after {@code reset}.
     */
    record Window(long limit, long remaining, Duration reset) {

        /** Close to exhausted: the point from which calls are paced by the headers rather than sent freely. */
        boolean low() {
            return remaining <= Math.max(2, limit / 5);
        }
    }

    static final RateLimitHeaders NONE = new RateLimitHeaders(null, null);

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    boolean present() {
        return requests != null || tokens != null;
    }

    /** Reads the headers through {@code header} (a case-insensitive look-up of one value), {@code now} for instants. */
    static RateLimitHeaders of(Function<String, @Nullable String> header, Instant now) {
        Window requests = window(
                header,
                now,
                "x-ratelimit-limit-requests",
                "x-ratelimit-remaining-requests",
                "x-ratelimit-reset-requests");
        if (requests == null) {
            requests = window(
                    header,
                    now,
                    "anthropic-ratelimit-requests-limit",
                    "anthropic-ratelimit-requests-remaining",
                    "anthropic-ratelimit-requests-reset");
        }
        if (requests == null) {
            requests = window(header, now, "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset");
        }
        if (requests == null) {
            requests = window(header, now, "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset");
        }
        Window tokens = window(
                header, now, "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");
        if (tokens == null) {
            tokens = window(
                    header,
                    now,
                    "anthropic-ratelimit-tokens-limit",
                    "anthropic-ratelimit-tokens-remaining",
                    "anthropic-ratelimit-tokens-reset");
        }
        return requests == null && tokens == null ? NONE : new RateLimitHeaders(requests, tokens);
    }

    private static @Nullable Window window(
            Function<String, @Nullable String> header,
            Instant now,
            String limitName,
            String remainingName,
            String resetName) {
        Long limit = number(header.apply(limitName));
        Long remaining = number(header.apply(remainingName));
        Duration reset = duration(header.apply(resetName), now);
        if (limit == null || remaining == null || reset == null || limit <= 0) {
            return null;
        }
        return new Window(limit, Math.clamp(remaining, 0, limit), reset);
    }

    private static @Nullable Long number(@Nullable String value) {
        if (value == null) {
            return null;
        }
        // IETF drafts allow a policy after the value ("100, 100;w=60"): the first number is the one in force.
        String first = value.split("[,;]", 2)[0].strip();
        try {
            return (long) Double.parseDouble(first);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A reset as providers write it: Go-style durations ({@code 1m30s}, {@code 20ms}, {@code 0.5s}), plain seconds,
     * epoch seconds, or an RFC 3339 instant.
     */
    static @Nullable Duration duration(@Nullable String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.matches("\\d+(\\.\\d+)?")) {
            double number = Double.parseDouble(v);
            if (number > 1_000_000_000) {
                // Epoch seconds: the moment it resets.
                return nonNegative(Duration.between(now, Instant.ofEpochMilli((long) (number * 1000))));
            }
            return Duration.ofNanos((long) (number * 1e9));
        }
        if (GO_DURATION.matcher(v).replaceAll("").isEmpty()) {
            Matcher m = GO_DURATION.matcher(v);
            double seconds = 0;
            while (m.find()) {
                double n = Double.parseDouble(m.group(1));
                seconds += switch (m.group(2)) {
                    case "h" -> n * 3600;
                    case "m" -> n * 60;
                    case "ms" -> n / 1000;
                    default -> n;
                };
            }
            return Duration.ofNanos((long) (seconds * 1e9));
        }
        try {
            return nonNegative(
                    Duration.between(now, OffsetDateTime.parse(value.strip()).toInstant()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
