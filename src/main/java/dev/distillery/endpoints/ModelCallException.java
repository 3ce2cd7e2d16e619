package dev.distillery.endpoints;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A model call that failed, classified so callers and users know what happened and whether to retry. */
public class ModelCallException extends RuntimeException {

    /** What went wrong, in the words a user sees. */
    public enum Kind {
        INVALID_URL("The base URL is not valid", false),
        REFUSED_BY_POLICY("The server may not connect there (egress policy)", false),
        REDIRECTED("The server answered with a redirect, which is not followed", false),
        DNS("The host name could not be resolved (DNS)", false),
        CONNECTION_REFUSED("The server refused the connection (is it running, and is the port right?)", true),
        TLS("The TLS/HTTPS handshake failed (certificate or protocol problem)", false),
        TIMEOUT("The server did not answer in time", true),
        UNAUTHORIZED("The server refused the API key (401/403)", false),
        MODEL_NOT_FOUND("The server does not know this model (404)", false),
        RATE_LIMITED("The server is rate limiting requests (429)", true),
        QUOTA_EXCEEDED("The account's quota or credit at the provider is used up (429 insufficient_quota)", false),
        SERVER_ERROR("The server failed (5xx)", true),
        BAD_REQUEST("The server rejected the request (4xx)", false),
        CONNECTION_LOST("The connection broke before the answer was complete", true),
        TRUNCATED_RESPONSE("The server's answer was cut off before its end", true),
        MALFORMED_RESPONSE("The server's answer was not valid OpenAI JSON", false),
        EMPTY_RESPONSE("The server answered with no choices", false),
        OTHER("The call failed", false);

        private final String description;
        private final boolean transientFailure;

        Kind(String description, boolean transientFailure) {
            this.description = description;
            this.transientFailure = transientFailure;
        }

        public String description() {
            return description;
        }

        /** Whether retrying the same call later may succeed. */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final Kind kind;
    private final @Nullable Integer status;
    private final @Nullable Duration retryAfter;

    public ModelCallException(
            Kind kind,
            String detail,
            @Nullable Integer status,
            @Nullable Duration retryAfter,
            @Nullable Throwable cause) {
        super(kind.description() + (detail.isBlank() ? "" : ": " + detail), cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public @Nullable Integer status() {
        return status;
    }

    /** How long the server asked us to wait (Retry-After), when it said. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /** Never null: every constructor takes the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
