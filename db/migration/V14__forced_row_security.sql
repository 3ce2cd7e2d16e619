-- Row-level security that holds for every role but the superuser: FORCE makes the policies apply to the tables'
-- owner too, so an application started with the owner as its role (a misconfiguration the startup check refuses
-- as well) still sees one workspace at a time, and so does any query the owner runs by hand.
--
-- Consequence for later migrations: a data migration that reads or writes tenant rows runs under the policies
-- unless the owner is a superuser or has BYPASSRLS; it has to set app.workspace_id per workspace.

ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
ALTER TABLE endpoints FORCE ROW LEVEL SECURITY;
ALTER TABLE datasets FORCE ROW LEVEL SECURITY;
ALTER TABLE dataset_versions FORCE ROW LEVEL SECURITY;
ALTER TABLE dataset_items FORCE ROW LEVEL SECURITY;
ALTER TABLE runs FORCE ROW LEVEL SECURITY;
ALTER TABLE run_items FORCE ROW LEVEL SECURITY;
ALTER TABLE run_calls FORCE ROW LEVEL SECURITY;
ALTER TABLE response_cache FORCE ROW LEVEL SECURITY;
ALTER TABLE review_states FORCE ROW LEVEL SECURITY;
ALTER TABLE trace_revisions FORCE ROW LEVEL SECURITY;
ALTER TABLE review_queues FORCE ROW LEVEL SECURITY;
ALTER TABLE review_slots FORCE ROW LEVEL SECURITY;
ALTER TABLE leaderboard_entries FORCE ROW LEVEL SECURITY;
ALTER TABLE public_boards FORCE ROW LEVEL SECURITY;
ALTER TABLE finetune_exports FORCE ROW LEVEL SECURITY;
ALTER TABLE fine_tune_jobs FORCE ROW LEVEL SECURITY;
ALTER TABLE fine_tune_job_events FORCE ROW LEVEL SECURITY;
ALTER TABLE trace_search FORCE ROW LEVEL SECURITY;
ALTER TABLE trace_search_runs FORCE ROW LEVEL SECURITY;

-- The look-ups that must cross tenants (an API key, an invitation token or a public page's slugs identify their
-- workspace) run as the owner inside SECURITY DEFINER functions, which forced policies would now blind. This is true
-- only inside such a function of this schema's owner: the owner is the current user while the session belongs to
-- another role (the application's). Connected as the owner itself, session and current user are the same, and the
-- tenant policies apply.
DO $$
BEGIN
    EXECUTE format(
        'CREATE FUNCTION app_in_security_definer() RETURNS boolean LANGUAGE sql STABLE AS '
            || '%L',
        format('SELECT current_user = %L::name AND session_user <> current_user', current_user));
END
$$;

CREATE POLICY api_keys_lookup ON api_keys FOR SELECT USING (app_in_security_definer());
CREATE POLICY invitations_lookup ON invitations FOR SELECT USING (app_in_security_definer());
CREATE POLICY public_boards_lookup ON public_boards FOR SELECT USING (app_in_security_definer());
CREATE POLICY workspaces_lookup ON workspaces FOR SELECT USING (app_in_security_definer());

-- The SECURITY DEFINER functions: only the application role may call them, and a temporary object of the caller's
-- can never shadow a name they use (pg_temp, searched first when left out, goes last).
ALTER FUNCTION find_api_key(text) SET search_path = public, pg_temp;
ALTER FUNCTION find_invitation(text) SET search_path = public, pg_temp;
ALTER FUNCTION find_public_board(text, text) SET search_path = public, pg_temp;
ALTER FUNCTION review_text_matches(uuid, uuid, text) SET search_path = public, pg_temp;
ALTER FUNCTION review_search_matches(uuid, text) SET search_path = public, pg_temp;
ALTER FUNCTION review_search_merge_pending() SET search_path = public, pg_temp;

REVOKE ALL ON FUNCTION find_api_key(text), find_invitation(text), find_public_board(text, text),
    review_text_matches(uuid, uuid, text), review_search_matches(uuid, text), review_search_merge_pending() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION find_api_key(text), find_invitation(text), find_public_board(text, text),
    review_text_matches(uuid, uuid, text), review_search_matches(uuid, text), review_search_merge_pending()
    TO ${appUser};
