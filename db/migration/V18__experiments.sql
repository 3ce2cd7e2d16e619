-- An experiment: one dataset version, split and item range, and a grid of cells (method with preset and parameters ×
-- teacher × student, or an explicit list), each cell one run, launched together with a shared seed and decoding.
CREATE TABLE experiments (
    id                 uuid PRIMARY KEY,
    workspace_id       uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name               text        NOT NULL,
    dataset_id         uuid        NOT NULL REFERENCES datasets (id),
    dataset_version_id uuid        NOT NULL REFERENCES dataset_versions (id),
    split              text        NOT NULL,
    item_offset        integer     NOT NULL,
    item_limit         integer,
    seed               integer,
    decoding           jsonb       NOT NULL,
    concurrency        integer     NOT NULL,
    created_by         uuid REFERENCES app_users (id),
    created_at         timestamptz NOT NULL,
    -- Set when the experiment is cancelled: its runs stop and it cannot be resumed (a paused one can).
    cancelled_at       timestamptz
);
CREATE INDEX experiments_workspace_idx ON experiments (workspace_id, created_at DESC);

-- A cell: its place in the grid and the run that computes it. A student-only method (a baseline) has no teacher; a
-- teacher-only one (Fine-tune-CoT's rationale generation) no student.
CREATE TABLE experiment_cells (
    workspace_id  uuid    NOT NULL,
    experiment_id uuid    NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    position      integer NOT NULL,
    method        text    NOT NULL,
    preset        text    NOT NULL,
    params        jsonb   NOT NULL,
    teacher_id    uuid,
    student_id    uuid,
    run_id        uuid    NOT NULL REFERENCES runs (id),
    PRIMARY KEY (experiment_id, position)
);
CREATE UNIQUE INDEX experiment_cells_run_idx ON experiment_cells (run_id);

ALTER TABLE experiments ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiments FORCE ROW LEVEL SECURITY;
CREATE POLICY experiments_tenant ON experiments
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE experiment_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiment_cells FORCE ROW LEVEL SECURITY;
CREATE POLICY experiment_cells_tenant ON experiment_cells
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT, UPDATE ON experiments TO ${appUser};
GRANT SELECT, INSERT ON experiment_cells TO ${appUser};
