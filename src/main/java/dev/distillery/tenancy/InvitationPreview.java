package dev.distillery.tenancy;

/** What an invitation link offers, shown before the user accepts it. */
public record InvitationPreview(
        String workspaceName, Role role, String invitedBy, InvitationSummary.State state, boolean alreadyMember) {}
