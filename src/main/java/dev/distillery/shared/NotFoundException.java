package dev.distillery.shared;

/**
 * A resource does not exist in the caller's workspace. Resources of other workspaces are reported the same way,
 * so their existence never leaks.
 */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String what) {
        super(what);
    }
}
