package dev.distillery.endpoints;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of "Test connection": either the model's reply and the latency, or what went wrong in plain words.
 */
public record ConnectionTestResult(
        boolean ok,
        long latencyMillis,
        @Nullable String reply,
        @Nullable String error,
        ModelCallException.@Nullable Kind errorKind) {}
