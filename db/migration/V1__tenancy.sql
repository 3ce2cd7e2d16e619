-- Tenancy: users, workspaces (the tenants), memberships, invitations, API keys, audit log.
--
-- Every tenant-owned table carries workspace_id and is guarded by row-level security keyed by the
-- per-transaction setting app.workspace_id. The application connects as ${appUser}, a role that is
-- neither superuser nor owner of these tables, so the policies apply to every query it runs.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${appUser}') THEN
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS', '${appUser}', '${appPassword}');
    END IF;
END
$$;

CREATE FUNCTION app_workspace_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.workspace_id', true), '')::uuid $$;

CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE TABLE app_users (
    id                uuid PRIMARY KEY,
    email             text        NOT NULL,
    display_name      text        NOT NULL,
    password_hash     text        NOT NULL,
    last_workspace_id uuid,
    created_at        timestamptz NOT NULL
);
CREATE UNIQUE INDEX app_users_email_key ON app_users (lower(email));

CREATE TABLE workspaces (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL,
    slug       text        NOT NULL UNIQUE,
    created_by uuid REFERENCES app_users (id),
    created_at timestamptz NOT NULL
);

CREATE TABLE memberships (
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      uuid        NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
    role         text        NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'REVIEWER', 'VIEWER')),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash   text        NOT NULL UNIQUE,
    role         text        NOT NULL CHECK (role IN ('ADMIN', 'MEMBER', 'REVIEWER', 'VIEWER')),
    created_by   uuid        NOT NULL REFERENCES app_users (id),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_by  uuid REFERENCES app_users (id),
    accepted_at  timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX invitations_workspace_idx ON invitations (workspace_id);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    key_hash     text        NOT NULL UNIQUE,
    role         text        NOT NULL CHECK (role IN ('ADMIN', 'MEMBER', 'REVIEWER', 'VIEWER')),
    created_by   uuid REFERENCES app_users (id),
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id);

CREATE TABLE audit_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    occurred_at  timestamptz NOT NULL,
    actor_id     uuid,
    actor        text        NOT NULL,
    action       text        NOT NULL,
    target       text,
    details      text
);
CREATE INDEX audit_events_workspace_idx ON audit_events (workspace_id, id DESC);

-- Spring Security's persistent remember-me tokens (not tenant-owned: they belong to a user).
CREATE TABLE persistent_logins (
    username  varchar(320) NOT NULL,
    series    varchar(64) PRIMARY KEY,
    token     varchar(64) NOT NULL,
    last_used timestamp    NOT NULL
);

-- Row-level security. A workspace row is visible inside its own context and to its members (to list "my
-- workspaces"); writes need the workspace context.
ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspaces_tenant ON workspaces
    USING (id = app_workspace_id()
           OR id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = app_user_id()))
    WITH CHECK (id = app_workspace_id());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY memberships_tenant ON memberships
    USING (workspace_id = app_workspace_id() OR user_id = app_user_id())
    WITH CHECK (workspace_id = app_workspace_id());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY invitations_tenant ON invitations
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY api_keys_tenant ON api_keys
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_events_tenant ON audit_events
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

-- Look-ups that must cross tenants before a tenant is known: an API key or invitation token identifies its
-- workspace. They run with the owner's rights, take only a hash, and return just what identifies the tenant.
CREATE FUNCTION find_api_key(p_key_hash text)
    RETURNS TABLE (id uuid, workspace_id uuid, role text, revoked boolean)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT k.id, k.workspace_id, k.role, k.revoked_at IS NOT NULL FROM api_keys k WHERE k.key_hash = p_key_hash $$;

CREATE FUNCTION find_invitation(p_token_hash text)
    RETURNS TABLE (id uuid, workspace_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT i.id, i.workspace_id FROM invitations i WHERE i.token_hash = p_token_hash $$;

-- The application role: data access only, no DDL; the audit log is append-only for it.
GRANT USAGE ON SCHEMA public TO ${appUser};
GRANT SELECT, INSERT, UPDATE, DELETE ON app_users, workspaces, memberships, invitations, api_keys, persistent_logins
    TO ${appUser};
GRANT SELECT, INSERT ON audit_events TO ${appUser};
GRANT EXECUTE ON FUNCTION app_workspace_id(), app_user_id(), find_api_key(text), find_invitation(text) TO ${appUser};
