package dev.distillery.shared;

import java.util.List;
import java.util.Objects;

/** User input failed validation; each {@link FieldError} says which field (or line) and why. */
public class InvalidInputException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidInputException(List<FieldError> errors) {
        super(errors.isEmpty() ? "Invalid input" : errors.getFirst().describe());
        this.errors = List.copyOf(errors);
    }

    public InvalidInputException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Never null: every constructor takes the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    /** One problem with one field; {@code line} is set when the input is a file. */
    public record FieldError(
            String field,
            String message,
            @org.jspecify.annotations.Nullable Integer line) {

        public FieldError(String field, String message) {
            this(field, message, null);
        }

        public String describe() {
            return (line != null ? "line " + line + ", " : "") + field + ": " + message;
        }
    }
}
