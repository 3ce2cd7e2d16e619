package dev.distillery.endpoints;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How model calls are retried ({@code distillery.models}).
 *
 * @param maxAttempts attempts per call for failures (5xx, timeouts, refused or broken connections, bodies cut short)
 * @param initialBackoff the first wait before a retry when the server gives no Retry-After; doubles, with jitter
 * @param maxBackoff the longest wait between two attempts
 * @param rateLimitPatience how long one call waits out a provider's refusals (429) before it fails as rate limited
 */
@Validated
@ConfigurationProperties("distillery.models")
record ModelCallProperties(
        @Min(1) int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration rateLimitPatience) {}
