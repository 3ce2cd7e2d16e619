package dev.distillery.simulator;

import java.time.Duration;
import java.util.Map;

/**
 * An error answer in OpenAI's shape ({@code {"error":{"message","type","param","code"}}}). Thrown from anywhere
 * in request handling so that every error path, real or injected, is rendered by the same code.
 */
final class ApiError extends RuntimeException {

    final int status;
    final String type;
    final String code;
    final Map<String, String> headers;

    private ApiError(int status, String message, String type, String code, Map<String, String> headers) {
        super(message, null, false, false); // control flow, not a bug: no stack trace needed
        this.status = status;
        this.type = type;
        this.code = code;
        this.headers = headers;
    }

    /** The same error with {@code more} headers (a limiter's x-ratelimit-* on its refusal). */
    ApiError withHeaders(Map<String, String> more) {
        var all = new java.util.LinkedHashMap<>(headers);
        all.putAll(more);
        return new ApiError(status, getMessage(), type, code, all);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message, "invalid_request_error", null, Map.of());
    }

    static ApiError invalidApiKey() {
        return new ApiError(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key", Map.of());
    }

    static ApiError modelNotFound(String model) {
        return new ApiError(
                404, "The model '" + model + "' does not exist", "invalid_request_error", "model_not_found", Map.of());
    }

    static ApiError unknownUrl(String method, String path) {
        return new ApiError(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, Map.of());
    }

    static ApiError rateLimited(Duration retryAfter) {
        long millis = retryAfter.toMillis();
        return new ApiError(
                429,
                "Rate limit reached (simulated). Please try again in " + millis + "ms.",
                "requests",
                "rate_limit_exceeded",
                Map.of(
                        "Retry-After", String.valueOf(Math.ceilDiv(millis, 1000)),
                        "retry-after-ms", String.valueOf(millis)));
    }

    static ApiError serverError() {
        return new ApiError(
                500,
                "The server had an error while processing your request. Sorry about that!",
                "server_error",
                null,
                Map.of());
    }

    /** An arbitrary status, typed the way OpenAI types that class of status. */
    static ApiError status(int status, String message) {
        String type = status >= 500 ? "server_error" : status == 429 ? "requests" : "invalid_request_error";
        return new ApiError(status, message, type, null, Map.of());
    }
}
