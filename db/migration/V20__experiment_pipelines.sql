-- A pipeline experiment's stages (Fine-tune-CoT, Socratic CoT): each starts when the one before it has finished. A stage
-- launches runs (its cells join experiment_cells) or a fine-tuning job on an export of an earlier stage's run. A stage
-- leaves 'waiting' once, by a conditional UPDATE, so a repeated event or a revived task never starts it twice.
CREATE TABLE experiment_stages (
    workspace_id  uuid        NOT NULL,
    experiment_id uuid        NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    position      integer     NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('runs', 'fine-tune')),
    title         text        NOT NULL,
    status        text        NOT NULL DEFAULT 'waiting'
        CHECK (status IN ('waiting', 'starting', 'running', 'done', 'failed', 'cancelled')),
    -- What the stage does: its cells (endpoints given, or named by the earlier stage whose fine-tuned model they use),
    -- or the export and the fine-tuning job's settings.
    spec          jsonb       NOT NULL,
    run_ids       uuid[]      NOT NULL DEFAULT '{}',
    job_id        uuid,
    -- The endpoint of the model a fine-tuning stage produced, which later stages evaluate.
    endpoint_id   uuid,
    -- Why a stage failed or what it waits for, in words a user can act on.
    message       text,
    started_at    timestamptz,
    finished_at   timestamptz,
    PRIMARY KEY (experiment_id, position)
);
CREATE INDEX experiment_stages_runs_idx ON experiment_stages USING gin (run_ids);

ALTER TABLE experiment_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiment_stages FORCE ROW LEVEL SECURITY;
CREATE POLICY experiment_stages_tenant ON experiment_stages
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT, UPDATE ON experiment_stages TO ${appUser};
