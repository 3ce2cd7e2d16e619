package dev.distillery.shared;

import java.util.Objects;

/**
 * A resource does not exist in the caller's workspace. Resources of other workspaces are reported the same way,
 * so their existence never leaks.
 */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String what) {
        super(what);
    }

    /** Never null: every constructor takes the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
