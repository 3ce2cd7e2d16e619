-- One leaderboard entry per finished run, kept up to date by events (a run completes, a student re-run on a
-- correction is recorded), so a board is read from here and never recomputed from traces. The paired comparison with
-- the student's baseline run on the same items is stored with the entry because it needs both runs' verdicts.
CREATE TABLE leaderboard_entries (
    workspace_id         uuid             NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    run_id               uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    run_name             text             NOT NULL,
    dataset_id           uuid             NOT NULL,
    dataset_name         text             NOT NULL,
    dataset_version_id   uuid             NOT NULL,
    dataset_version      integer          NOT NULL,
    split                text             NOT NULL,
    method               text             NOT NULL,
    preset               text             NOT NULL,
    -- A student-only method (standard, zero-shot, …): the baseline other methods' gains are measured against.
    is_baseline          boolean          NOT NULL,
    teacher_id           uuid,
    teacher_name         text,
    student_id           uuid,
    student_name         text,
    student_model        text,
    -- The student endpoint's declared size in billions of parameters, for "gain vs student size".
    student_params_b     double precision,
    n                    integer          NOT NULL,
    correct              integer          NOT NULL,
    errors               integer          NOT NULL,
    prompt_tokens        bigint           NOT NULL,
    completion_tokens    bigint           NOT NULL,
    cost                 numeric(18, 8)   NOT NULL,
    -- SHA-256 of the sorted item ids: two entries are compared item by item only when these are equal.
    items_key            text             NOT NULL,
    -- Bit i is set when the i-th item (in item-id order) is correct.
    outcomes             bytea            NOT NULL,
    corrected_outcomes   bytea,
    corrected_correct    integer,
    corrected_items      integer,
    baseline_run_id      uuid,
    baseline_name        text,
    baseline_correct     integer,
    baseline_note        text,
    only_method          integer,
    only_baseline        integer,
    p_value              double precision,
    diff_low             double precision,
    diff_high            double precision,
    corrected_only_method   integer,
    corrected_only_baseline integer,
    corrected_p_value    double precision,
    corrected_diff_low   double precision,
    corrected_diff_high  double precision,
    imported             boolean          NOT NULL DEFAULT false,
    created_by           text,
    finished_at          timestamptz      NOT NULL,
    updated_at           timestamptz      NOT NULL
);
CREATE INDEX leaderboard_entries_board_idx ON leaderboard_entries (workspace_id, dataset_id, split, finished_at DESC);
CREATE INDEX leaderboard_entries_baseline_idx
    ON leaderboard_entries (workspace_id, dataset_version_id, split, student_id, items_key);

-- A leaderboard published at /p/{workspace slug}/{slug}: readable by anyone while published.
CREATE TABLE public_boards (
    id              uuid PRIMARY KEY,
    workspace_id    uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    slug            text        NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    title           text        NOT NULL,
    dataset_id      uuid        NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    split           text,
    method          text,
    teacher_name    text,
    student_name    text,
    sample_traces   integer     NOT NULL DEFAULT 0 CHECK (sample_traces BETWEEN 0 AND 50),
    published       boolean     NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (workspace_id, slug)
);

ALTER TABLE leaderboard_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY leaderboard_entries_tenant ON leaderboard_entries
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE public_boards ENABLE ROW LEVEL SECURITY;
CREATE POLICY public_boards_tenant ON public_boards
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

-- A visitor of a public page has no tenant: this finds the published board behind the two slugs (and nothing else),
-- with the owner's rights; the page then reads the board's rows in that workspace only.
CREATE FUNCTION find_public_board(p_workspace_slug text, p_board_slug text)
    RETURNS TABLE (board_id uuid, workspace_id uuid, workspace_name text, updated_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT b.id, b.workspace_id, w.name, b.updated_at FROM public_boards b JOIN workspaces w ON w.id = b.workspace_id
   WHERE w.slug = p_workspace_slug AND b.slug = p_board_slug AND b.published $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON leaderboard_entries, public_boards TO ${appUser};
GRANT EXECUTE ON FUNCTION find_public_board(text, text) TO ${appUser};
