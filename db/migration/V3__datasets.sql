-- Datasets are versioned and immutable: an upload creates a new version with its items; runs pin a version.
CREATE TABLE datasets (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    source       text,
    created_by   uuid REFERENCES app_users (id),
    created_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX datasets_name_key ON datasets (workspace_id, lower(name));

CREATE TABLE dataset_versions (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    dataset_id   uuid        NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    version      integer     NOT NULL,
    format       text        NOT NULL,
    file_name    text        NOT NULL,
    source       text,
    item_count   integer     NOT NULL,
    split_counts jsonb       NOT NULL,
    type_counts  jsonb       NOT NULL,
    created_by   uuid REFERENCES app_users (id),
    created_at   timestamptz NOT NULL,
    UNIQUE (dataset_id, version)
);

CREATE TABLE dataset_items (
    workspace_id   uuid    NOT NULL,
    version_id     uuid    NOT NULL REFERENCES dataset_versions (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    item_id        text    NOT NULL,
    split          text    NOT NULL CHECK (split IN ('train', 'test', 'dev')),
    question       text    NOT NULL,
    choices        jsonb,
    gold_raw       text    NOT NULL,
    gold           text    NOT NULL,
    answer_type    text    NOT NULL CHECK (answer_type IN ('NUMBER', 'MATH', 'CHOICE', 'YESNO', 'STRING')),
    rationale      text,
    decomposition  jsonb,
    source_line    integer NOT NULL,
    source_ref     text    NOT NULL,
    metadata       jsonb,
    PRIMARY KEY (version_id, item_id)
);
-- Runs read a split in source order with offset/limit; the preview grid pages the same way.
CREATE UNIQUE INDEX dataset_items_order ON dataset_items (version_id, split, position);

ALTER TABLE datasets ENABLE ROW LEVEL SECURITY;
CREATE POLICY datasets_tenant ON datasets
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE dataset_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY dataset_versions_tenant ON dataset_versions
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE dataset_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY dataset_items_tenant ON dataset_items
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

-- Versions and items are immutable for the application: no UPDATE; DELETE only of whole datasets.
GRANT SELECT, INSERT, DELETE ON datasets TO ${appUser};
GRANT SELECT, INSERT ON dataset_items TO ${appUser};
-- Only the counts of a version are filled in, once, as its import finishes.
GRANT SELECT, INSERT, UPDATE (item_count, split_counts, type_counts) ON dataset_versions TO ${appUser};
