package dev.distillery.shared;

/** The request is valid but clashes with the current state (a duplicate, a used invitation, the last owner). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
