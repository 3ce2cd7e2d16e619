-- db-scheduler's table: durable, cluster-wide work queue; run workers are its task instances.
CREATE TABLE scheduled_tasks (
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures integer,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_idx ON scheduled_tasks (priority DESC, execution_time ASC);

-- A run: everything needed to reproduce it is stored at launch and never changes afterwards.
CREATE TABLE runs (
    id                 uuid PRIMARY KEY,
    workspace_id       uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name               text        NOT NULL,
    method             text        NOT NULL,
    preset             text        NOT NULL,
    preset_version     integer     NOT NULL,
    preset_snapshot    jsonb       NOT NULL,
    params             jsonb       NOT NULL,
    decoding           jsonb       NOT NULL,
    roles              jsonb       NOT NULL,
    dataset_id         uuid        NOT NULL REFERENCES datasets (id),
    dataset_version_id uuid        NOT NULL REFERENCES dataset_versions (id),
    split              text        NOT NULL,
    item_offset        integer     NOT NULL,
    item_limit         integer,
    concurrency        integer     NOT NULL CHECK (concurrency BETWEEN 1 AND 1024),
    seed               integer,
    total              integer     NOT NULL,
    status             text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    error              text,
    created_by         uuid REFERENCES app_users (id),
    created_at         timestamptz NOT NULL,
    started_at         timestamptz,
    finished_at        timestamptz
);
CREATE INDEX runs_workspace_idx ON runs (workspace_id, created_at DESC);

-- One row per item of a run; status moves pending → running → done | error exactly once per attempt, guarded by
-- the lease, so an item is never counted twice.
CREATE TABLE run_items (
    workspace_id      uuid        NOT NULL,
    run_id            uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_id           text        NOT NULL,
    position          integer     NOT NULL,
    status            text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DONE', 'ERROR')),
    lease_owner       text,
    lease_until       timestamptz,
    correct           boolean,
    results           jsonb,
    error_kind        text,
    error             text,
    prompt_tokens     integer     NOT NULL DEFAULT 0,
    completion_tokens integer     NOT NULL DEFAULT 0,
    cost              numeric(18, 8) NOT NULL DEFAULT 0,
    finished_by       text,
    finished_at       timestamptz,
    PRIMARY KEY (run_id, item_id)
);
CREATE INDEX run_items_claim_idx ON run_items (run_id, status, position);

-- Every finished model call, persisted before it counts; a resumed item replays these instead of calling again.
CREATE TABLE run_calls (
    workspace_id      uuid        NOT NULL,
    run_id            uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_id           text        NOT NULL,
    call_key          text        NOT NULL,
    role              text        NOT NULL,
    endpoint_id       uuid        NOT NULL,
    prompt            text        NOT NULL,
    outputs           jsonb       NOT NULL,
    finish_reason     text,
    prompt_tokens     integer     NOT NULL,
    completion_tokens integer     NOT NULL,
    cost              numeric(18, 8) NOT NULL,
    latency_ms        bigint      NOT NULL,
    attempts          integer     NOT NULL,
    cached            boolean     NOT NULL,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (run_id, item_id, call_key)
);

-- Model responses by endpoint + model + rendered request + decoding + samples: re-runs and resumes are free.
CREATE TABLE response_cache (
    workspace_id      uuid        NOT NULL,
    cache_key         text        NOT NULL,
    outputs           jsonb       NOT NULL,
    finish_reason     text,
    prompt_tokens     integer     NOT NULL,
    completion_tokens integer     NOT NULL,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, cache_key)
);

ALTER TABLE runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY runs_tenant ON runs
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE run_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY run_items_tenant ON run_items
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE run_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY run_calls_tenant ON run_calls
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE response_cache ENABLE ROW LEVEL SECURITY;
CREATE POLICY response_cache_tenant ON response_cache
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON scheduled_tasks TO ${appUser};
GRANT SELECT, INSERT, UPDATE ON runs, run_items TO ${appUser};
GRANT SELECT, INSERT ON run_calls, response_cache TO ${appUser};
