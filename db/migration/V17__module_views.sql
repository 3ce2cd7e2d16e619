-- Each module's tables are its own: other modules read them only through the views below, which their owner publishes
-- as its interface in SQL (ModuleTablesTest refuses SQL naming another module's tables). A view is used where a page or
-- an export must join across modules in one query (the review grid pages, filters and sorts thousands of items); the
-- owner can change its tables as long as its views keep their columns. The views run with the caller's rights
-- (security_invoker): row-level security applies exactly as on the tables. Plain views are inlined by the planner, so
-- queries through them use the tables' indexes (the grid's sort indexes, the test-question index) as before.

-- tenancy: who created something, by address.
CREATE VIEW account_names WITH (security_invoker = true) AS
    SELECT id, email, display_name FROM app_users;

-- datasets: a version's name, and its items' texts.
CREATE VIEW dataset_version_names WITH (security_invoker = true) AS
    SELECT v.workspace_id, v.id AS version_id, v.dataset_id, d.name AS dataset_name, v.version
    FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id;

CREATE VIEW dataset_item_texts WITH (security_invoker = true) AS
    SELECT workspace_id, version_id, item_id, position, split, question, choices, gold
    FROM dataset_items;

-- runs: a run's state and inputs, its items' graded outcomes, and its stored calls.
CREATE VIEW run_overview WITH (security_invoker = true) AS
    SELECT workspace_id, id AS run_id, status, dataset_version_id, finished_at, preset_snapshot
    FROM runs;

CREATE VIEW run_item_outcomes WITH (security_invoker = true) AS
    SELECT workspace_id, run_id, item_id, position, status, correct, results, prompt_tokens, completion_tokens
    FROM run_items;

CREATE VIEW run_call_texts WITH (security_invoker = true) AS
    SELECT workspace_id, run_id, item_id, call_key, prompt, outputs ->> 0 AS first_output
    FROM run_calls;

-- review: each reviewed trace's latest revision.
CREATE VIEW review_latest_revisions WITH (security_invoker = true) AS
    SELECT s.workspace_id, s.run_id, s.item_id, s.latest_revision AS revision, s.edited, r.verdict, r.call_key,
        r.teacher_output, CASE WHEN r.rerun_status = 'DONE' THEN r.rerun_correct END AS rerun_correct
    FROM review_states s
    JOIN trace_revisions r ON r.run_id = s.run_id AND r.item_id = s.item_id AND r.revision = s.latest_revision;

GRANT SELECT ON account_names, dataset_version_names, dataset_item_texts, run_overview, run_item_outcomes,
    run_call_texts, review_latest_revisions TO ${appUser};

-- Review's scan of a run's texts (before the run is in its search table) reads through the same views.
CREATE OR REPLACE FUNCTION review_text_matches(p_run uuid, p_version uuid, p_pattern text)
    RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT q.item_id FROM dataset_item_texts q
   WHERE q.version_id = p_version AND q.workspace_id = app_workspace_id() AND q.question ILIKE p_pattern
   UNION
   SELECT o.item_id FROM run_item_outcomes o
   WHERE o.run_id = p_run AND o.workspace_id = app_workspace_id()
     AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.results) p WHERE p ->> 'output' ILIKE p_pattern) $$;
