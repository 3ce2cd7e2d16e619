package dev.distillery.datasets.formats;

import java.io.Serial;
import java.util.Objects;

/**
 * Thrown while turning one record into an item when a field is missing or unusable; the parse loop reports it as an
 * {@link ImportProblem} on the record's line and moves on to the next record.
 */
final class FieldProblem extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;

    FieldProblem(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    static FieldProblem missing(String field) {
        return new FieldProblem(field, "the field '" + field + "' is missing");
    }

    String field() {
        return field;
    }

    /** Never null: every constructor takes the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
