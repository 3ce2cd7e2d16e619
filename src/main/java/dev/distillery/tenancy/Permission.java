package dev.distillery.tenancy;

/** What an action needs; {@link Role} says who has it. Checked in services, not only in views. */
public enum Permission {
    /** See the workspace's data. */
    READ,
    /** Review and correct traces. */
    REVIEW,
    /** Settle reviewers' disagreements with a final version. */
    ADJUDICATE,
    /** Launch, cancel and re-run runs. */
    LAUNCH_RUNS,
    /** Download training data built from runs (fine-tuning exports). */
    EXPORT_TRAINING_DATA,
    /** Manage endpoints and datasets. */
    MANAGE_RESOURCES,
    /** Invite, change roles, remove members. */
    MANAGE_MEMBERS,
    /** Create and revoke API keys. */
    MANAGE_API_KEYS,
    /** Rename the workspace, publish pages. */
    MANAGE_WORKSPACE,
    /** Open review work to people outside the workspace (campaigns), and manage their contributors. */
    RUN_CAMPAIGNS,
    /** Read the audit log. */
    VIEW_AUDIT
}
