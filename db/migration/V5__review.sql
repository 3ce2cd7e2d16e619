-- Corrections of traces: every save is a new revision; the original (revision 0) is the run's own stored calls and
-- is never overwritten. A revision holds the whole corrected state (teacher trace and verdict override), so any two
-- can be compared without replaying the ones between.
CREATE TABLE trace_revisions (
    workspace_id    uuid        NOT NULL,
    run_id          uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_id         text        NOT NULL,
    revision        integer     NOT NULL CHECK (revision >= 1),
    base_revision   integer     NOT NULL CHECK (base_revision >= 0 AND base_revision < revision),
    call_key        text,
    teacher_output  text,
    verdict         boolean,
    reason          text,
    comment         text,
    author_id       uuid REFERENCES app_users (id),
    author          text        NOT NULL,
    created_at      timestamptz NOT NULL,
    rerun_status    text CHECK (rerun_status IN ('QUEUED', 'DONE', 'ERROR')),
    rerun_output    text,
    rerun_rule      text,
    rerun_extracted text,
    rerun_correct   boolean,
    rerun_error     text,
    rerun_at        timestamptz,
    -- The primary key is the optimistic lock: two saves on the same base race for the same revision number.
    PRIMARY KEY (run_id, item_id, revision),
    CHECK (verdict IS NULL OR reason IS NOT NULL)
);

-- The review state of each corrected or reviewed trace, kept with every save so the review grid filters and sorts
-- with one join instead of aggregating revisions.
CREATE TABLE review_states (
    workspace_id     uuid        NOT NULL,
    run_id           uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_id          text        NOT NULL,
    latest_revision  integer     NOT NULL,
    edited           boolean     NOT NULL,
    verdict          boolean,
    last_reviewer    text        NOT NULL,
    updated_at       timestamptz NOT NULL,
    outcome          text CHECK (outcome IN ('FIXED', 'NO_CHANGE', 'WORSE')),
    PRIMARY KEY (run_id, item_id)
);
CREATE INDEX review_states_edited_idx ON review_states (run_id, edited);

ALTER TABLE trace_revisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY trace_revisions_tenant ON trace_revisions
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE review_states ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_states_tenant ON review_states
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

-- Revisions are history: they are added to (and their student re-run recorded), never deleted.
GRANT SELECT, INSERT, UPDATE ON trace_revisions, review_states TO ${appUser};
