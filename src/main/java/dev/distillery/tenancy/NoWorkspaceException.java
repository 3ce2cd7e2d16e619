package dev.distillery.tenancy;

/** The user belongs to no workspace (any more), so there is nothing to act in. */
public class NoWorkspaceException extends RuntimeException {

    NoWorkspaceException() {
        super("You are not a member of any workspace. Create one, or open an invitation link.");
    }
}
