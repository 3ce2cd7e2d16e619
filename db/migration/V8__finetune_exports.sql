-- Fine-tuning data exports. Every export is recorded with its settings and what it wrote; one that carries test items
-- (contaminated) is only allowed with an explicit override, whose reason is kept here (and in the audit log).
CREATE TABLE finetune_exports (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid             NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    run_id              uuid             NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    format              text             NOT NULL,
    base_format         text,
    validation_fraction double precision NOT NULL CHECK (validation_fraction >= 0 AND validation_fraction < 1),
    seed                bigint           NOT NULL,
    apply_corrections   boolean          NOT NULL,
    items               integer          NOT NULL,
    train_samples       integer          NOT NULL,
    validation_samples  integer          NOT NULL,
    contaminated_items  integer          NOT NULL,
    contaminated_examples text[]         NOT NULL,
    override_reason     text,
    created_by          uuid REFERENCES app_users (id),
    actor               text             NOT NULL,
    created_at          timestamptz      NOT NULL,
    CHECK (contaminated_items = 0 OR override_reason IS NOT NULL)
);
CREATE INDEX finetune_exports_run_idx ON finetune_exports (run_id, created_at DESC);

ALTER TABLE finetune_exports ENABLE ROW LEVEL SECURITY;
CREATE POLICY finetune_exports_tenant ON finetune_exports
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
-- History: added to, never changed.
GRANT SELECT, INSERT ON finetune_exports TO ${appUser};

-- The contamination guard compares questions after normalisation: lower-case, punctuation removed, whitespace
-- collapsed and trimmed; the key is the MD5 of that text, as a uuid (16 bytes). An index over the test items' keys
-- lets an export look up each of its items instead of normalising every question of the workspace; only test
-- items are indexed, so imports of training data pay nothing for it.
CREATE FUNCTION export_question_key(question text) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT md5(btrim(regexp_replace(regexp_replace(lower(question), '[[:punct:]]+', '', 'g'), '[[:space:]]+', ' ', 'g')))::uuid $$;
GRANT EXECUTE ON FUNCTION export_question_key(text) TO ${appUser};

CREATE INDEX dataset_items_test_question_key_idx ON dataset_items (workspace_id, export_question_key(question))
    WHERE split = 'test';
