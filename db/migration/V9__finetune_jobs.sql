-- Fine-tuning jobs launched on an endpoint's OpenAI-compatible API. The provider's file and job ids are kept so the
-- poller (db-scheduler task "fine-tune-job-poll") can follow the job after a restart; when it succeeds, the
-- fine-tuned model is registered as a new endpoint (created_endpoint_id) exactly once.
CREATE TABLE fine_tune_jobs (
    id                          uuid PRIMARY KEY,
    workspace_id                uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    endpoint_id                 uuid        NOT NULL REFERENCES endpoints (id),
    endpoint_name               text        NOT NULL,
    base_model                  text        NOT NULL,
    suffix                      text,
    hyperparameters             jsonb       NOT NULL DEFAULT '{}',
    training_file_name          text        NOT NULL,
    training_examples           integer     NOT NULL,
    validation_file_name        text,
    validation_examples         integer,
    provider_training_file_id   text,
    provider_validation_file_id text,
    provider_job_id             text,
    status                      text        NOT NULL CHECK (status IN
                                    ('UPLOADING', 'VALIDATING_FILES', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    events_seen                 integer     NOT NULL DEFAULT 0,
    error                       text,
    fine_tuned_model            text,
    trained_tokens              bigint,
    created_endpoint_id         uuid REFERENCES endpoints (id),
    created_by                  uuid REFERENCES app_users (id),
    created_by_label            text        NOT NULL,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    finished_at                 timestamptz
);
CREATE INDEX fine_tune_jobs_workspace_idx ON fine_tune_jobs (workspace_id, created_at DESC);

-- The provider's events of a job, each stored once (its provider id is the key), shown oldest first.
CREATE TABLE fine_tune_job_events (
    workspace_id      uuid        NOT NULL,
    job_id            uuid        NOT NULL REFERENCES fine_tune_jobs (id) ON DELETE CASCADE,
    provider_event_id text        NOT NULL,
    created_at        timestamptz NOT NULL,
    level             text        NOT NULL,
    message           text        NOT NULL,
    PRIMARY KEY (job_id, provider_event_id)
);
CREATE INDEX fine_tune_job_events_order_idx ON fine_tune_job_events (job_id, created_at);

ALTER TABLE fine_tune_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY fine_tune_jobs_tenant ON fine_tune_jobs
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE fine_tune_job_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY fine_tune_job_events_tenant ON fine_tune_job_events
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT, UPDATE ON fine_tune_jobs TO ${appUser};
GRANT SELECT, INSERT ON fine_tune_job_events TO ${appUser};
