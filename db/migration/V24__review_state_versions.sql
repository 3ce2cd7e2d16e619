-- The total of a run's traces under a review filter (state, edited, text) is kept between walks of the REST list
-- (TracePageService), as the run's own counts are while its items are settled; it must be dropped when a review state
-- changes. Counting the run's states to notice that would cost as much as the total: this row counts the changes
-- instead. Every save that writes a review state bumps it in the same transaction, and saves of one run take turns on
-- it, so a total counted after its version was read is never kept under that version past a later save.
CREATE TABLE review_state_versions (
    workspace_id uuid   NOT NULL,
    run_id       uuid   PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    version      bigint NOT NULL
);

ALTER TABLE review_state_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_state_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY review_state_versions_tenant ON review_state_versions
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT, UPDATE ON review_state_versions TO ${appUser};
