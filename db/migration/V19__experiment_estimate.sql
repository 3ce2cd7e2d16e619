-- What a workspace counts as a large experiment: launching one whose estimate exceeds this many tokens (prompt and
-- completion, every call of every cell) must be confirmed. No row: the default (1,000,000 tokens).
CREATE TABLE experiment_settings (
    workspace_id         uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    confirm_above_tokens bigint NOT NULL CHECK (confirm_above_tokens >= 0)
);

ALTER TABLE experiment_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiment_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY experiment_settings_tenant ON experiment_settings
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT, UPDATE ON experiment_settings TO ${appUser};
