package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelCallException.Kind;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Turns whatever a client library threw into a {@link ModelCallException} with a kind a user understands. */
final class Failures {

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    private Failures() {}

    static ModelCallException classify(Throwable thrown) {
        if (thrown instanceof ModelCallException known) {
            return known;
        }
        Integer status = null;
        Duration retryAfter = null;
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ModelCallException known) {
                return known;
            }
            if (t instanceof StatusException http) {
                status = http.status();
                retryAfter = http.retryAfter();
                break;
            }
            if (t instanceof com.openai.errors.OpenAIServiceException service) {
                status = service.statusCode();
                retryAfter = retryAfter(
                        service.headers().values("retry-after-ms"),
                        service.headers().values("retry-after"));
                break;
            }
            if (t instanceof dev.langchain4j.exception.HttpException http) {
                status = http.statusCode();
                break;
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof EgressPolicy.RefusedException refused) {
                return new ModelCallException(Kind.REFUSED_BY_POLICY, refused.getMessage(), null, null, thrown);
            }
        }
        String detail = detail(thrown);
        if (status != null && status >= 300 && status < 400) {
            return new ModelCallException(
                    Kind.REDIRECTED,
                    "HTTP " + status + (detail.isBlank() ? "" : " — " + detail)
                            + "; set the endpoint's base URL to where the server points instead",
                    status,
                    null,
                    thrown);
        }
        if (status != null) {
            String raw = detail;
            detail = providerMessage(detail);
            Kind kind = switch (status) {
                case 401, 403 -> Kind.UNAUTHORIZED;
                case 404 -> Kind.MODEL_NOT_FOUND;
                case 408 -> Kind.TIMEOUT;
                // OpenAI answers an exhausted quota with 429 too, but waiting does not help there.
                case 429 ->
                    raw.contains("insufficient_quota") || detail.contains("exceeded your current quota")
                            ? Kind.QUOTA_EXCEEDED
                            : Kind.RATE_LIMITED;
                default -> status >= 500 ? Kind.SERVER_ERROR : Kind.BAD_REQUEST;
            };
            return new ModelCallException(
                    kind, "HTTP " + status + (detail.isBlank() ? "" : " — " + detail), status, retryAfter, thrown);
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            // Valid as far as it goes, then the end: a body cut short on the way, worth asking again. Looked for
            // through the whole chain first, because client libraries wrap it in their own "invalid data" errors.
            if (t instanceof com.fasterxml.jackson.core.io.JsonEOFException
                    || t instanceof tools.jackson.core.exc.UnexpectedEndOfInputException
                    || (t.getMessage() != null && t.getMessage().startsWith("Unexpected end-of-input"))) {
                return new ModelCallException(Kind.TRUNCATED_RESPONSE, detail(t), null, null, thrown);
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException
                    || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof dev.langchain4j.exception.UnresolvedModelServerException) {
                return new ModelCallException(Kind.DNS, detail(t), null, null, thrown);
            }
            if (t instanceof ConnectException && !(t instanceof HttpConnectTimeoutException)) {
                return new ModelCallException(Kind.CONNECTION_REFUSED, detail(t), null, null, thrown);
            }
            if (t instanceof SSLException) {
                return new ModelCallException(Kind.TLS, detail(t), null, null, thrown);
            }
            if (t instanceof HttpTimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.io.InterruptedIOException
                    || t instanceof dev.langchain4j.exception.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return new ModelCallException(Kind.TIMEOUT, detail(t), null, null, thrown);
            }
            if (t instanceof com.fasterxml.jackson.core.JacksonException
                    || t instanceof tools.jackson.core.JacksonException
                    || t instanceof com.openai.errors.OpenAIInvalidDataException) {
                return new ModelCallException(Kind.MALFORMED_RESPONSE, detail(t), null, null, thrown);
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            // Any other I/O failure once connected: reset, unexpected end of stream, a stream the server closed.
            if (t instanceof java.io.IOException) {
                return new ModelCallException(Kind.CONNECTION_LOST, detail(t), null, null, thrown);
            }
        }
        if (detail.contains("no choices")) {
            // LangChain4j reports an empty choices array only in words.
            return new ModelCallException(Kind.EMPTY_RESPONSE, "", null, null, thrown);
        }
        return new ModelCallException(Kind.OTHER, detail, null, null, thrown);
    }

    /** The "message" of an OpenAI error body, which says more than the raw JSON around it. */
    private static String providerMessage(String body) {
        int start = body.indexOf('{');
        if (start < 0) {
            return body;
        }
        try {
            var node = JSON.readTree(body.substring(start));
            var message = node.path("error").path("message");
            if (message.isString() && !message.asString().isBlank()) {
                return message.asString();
            }
        } catch (RuntimeException notJson) {
            // Keep the body as it is.
        }
        return body;
    }

    static @Nullable Duration retryAfter(List<String> millis, List<String> seconds) {
        try {
            if (!millis.isEmpty()) {
                return Duration.ofMillis(
                        (long) Double.parseDouble(millis.getFirst().strip()));
            }
            if (!seconds.isEmpty()) {
                return Duration.ofMillis(
                        (long) (Double.parseDouble(seconds.getFirst().strip()) * 1000));
            }
        } catch (NumberFormatException httpDate) {
            // An HTTP-date Retry-After is rare for APIs; the default backoff applies.
        }
        return null;
    }

    static @Nullable Duration retryAfter(Map<String, List<String>> headers) {
        List<String> ms = List.of();
        List<String> s = List.of();
        for (var entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase("retry-after-ms")) {
                ms = entry.getValue();
            } else if (entry.getKey().equalsIgnoreCase("retry-after")) {
                s = entry.getValue();
            }
        }
        return retryAfter(ms, s);
    }

    private static String detail(Throwable t) {
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        String firstLine = message.lines().findFirst().orElse("").strip();
        return firstLine.length() > 300 ? firstLine.substring(0, 300) + "…" : firstLine;
    }

    /** An HTTP error status seen by our own transport, with the Retry-After the server sent. */
    static final class StatusException extends dev.langchain4j.exception.HttpException {

        private final @Nullable Duration retryAfter;

        StatusException(int status, String body, @Nullable Duration retryAfter) {
            super(status, body);
            this.retryAfter = retryAfter;
        }

        int status() {
            return statusCode();
        }

        @Nullable
        Duration retryAfter() {
            return retryAfter;
        }
    }
}
