package dev.distillery.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the simulator can inject instead of (or around) a normal completion; see
 * {@link OpenAiSimulator#failNext(int, Fault)} and {@link OpenAiSimulator#failRandomly(double, long, Fault...)}.
 * Faults only hit valid chat and completions requests: authentication, validation and {@code /v1/models}
 * behave normally, so a client's set-up calls do not use up the faults meant for its generation calls.
 */
public sealed interface Fault {

    /** 429 with {@code Retry-After} (whole seconds, rounded up), {@code retry-after-ms} and an error body. */
    static Fault rateLimited(Duration retryAfter) {
        return new RateLimited(retryAfter);
    }

    /** 500 with an OpenAI {@code server_error} body. */
    static Fault serverError() {
        return new ServerError();
    }

    /** Holds the request for {@code hold}, then answers normally with 200; a client with a shorter timeout gives up. */
    static Fault timeout(Duration hold) {
        return new Timeout(hold);
    }

    /** 200 with {@code application/json} content that is not valid JSON (also on streaming requests). */
    static Fault malformedJson() {
        return new MalformedJson();
    }

    /** 200 with a well-formed completion whose {@code choices} array is empty. */
    static Fault emptyChoices() {
        return new EmptyChoices();
    }

    /**
     * 200 whose headers promise the whole completion, then half of it and the connection closed: the client reads an
     * unexpected end of stream, as when a connection is reset mid-response.
     */
    static Fault connectionReset() {
        return new ConnectionReset();
    }

    /** 200 with chunked encoding that ends cleanly after half of the completion's JSON: a body cut short. */
    static Fault truncatedBody() {
        return new TruncatedBody();
    }

    /** Any status with an OpenAI error body carrying {@code message}. */
    static Fault status(int code, String message) {
        return new Status(code, message);
    }

    record RateLimited(Duration retryAfter) implements Fault {
        public RateLimited {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    record ServerError() implements Fault {}

    record Timeout(Duration hold) implements Fault {
        public Timeout {
            Objects.requireNonNull(hold, "hold");
        }
    }

    record MalformedJson() implements Fault {}

    record EmptyChoices() implements Fault {}

    record ConnectionReset() implements Fault {}

    record TruncatedBody() implements Fault {}

    record Status(int code, String message) implements Fault {
        public Status {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("not an HTTP status: " + code);
            }
            Objects.requireNonNull(message, "message");
        }
    }
}
