-- Model endpoints of a workspace. The API key and the extra headers are AES-GCM ciphertext (the app holds the key);
-- only the key's last four characters are kept in clear, to recognise it.
CREATE TABLE endpoints (
    id                 uuid PRIMARY KEY,
    workspace_id       uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name               text        NOT NULL,
    base_url           text        NOT NULL,
    model              text        NOT NULL,
    api_key_cipher     bytea,
    api_key_last4      text,
    headers_cipher     bytea,
    header_names       text[]      NOT NULL DEFAULT '{}',
    api_style          text        NOT NULL CHECK (api_style IN ('CHAT', 'COMPLETIONS')),
    temperature        double precision,
    top_p              double precision,
    max_tokens         integer,
    stop               text[]      NOT NULL DEFAULT '{}',
    max_concurrency    integer     NOT NULL CHECK (max_concurrency BETWEEN 1 AND 1024),
    rpm                integer CHECK (rpm > 0),
    tpm                integer CHECK (tpm > 0),
    timeout_seconds    integer     NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 3600),
    price_input        numeric(14, 6),
    price_output       numeric(14, 6),
    size_label         text,
    parameters_b       double precision,
    version            bigint      NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    deleted_at         timestamptz
);
-- Names are unique among a workspace's live endpoints; deleted ones stay for the runs that used them.
CREATE UNIQUE INDEX endpoints_name_key ON endpoints (workspace_id, lower(name)) WHERE deleted_at IS NULL;

ALTER TABLE endpoints ENABLE ROW LEVEL SECURITY;
CREATE POLICY endpoints_tenant ON endpoints
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
GRANT SELECT, INSERT, UPDATE ON endpoints TO ${appUser};
