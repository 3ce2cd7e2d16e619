package dev.distillery.shared;

import java.util.Map;
import java.util.Objects;

/** The request is valid but clashes with the current state (a duplicate, a used invitation, the last owner). */
public class ConflictException extends RuntimeException {

    private final Map<String, Object> details;

    public ConflictException(String message) {
        this(message, Map.of());
    }

    /** With facts a client needs to resolve the clash (the newer version it lost to, say), sent with the problem. */
    public ConflictException(String message, Map<String, Object> details) {
        super(message);
        this.details = Map.copyOf(details);
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Never null: every constructor takes the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
