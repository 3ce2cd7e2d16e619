-- A run's review queue: how many independent reviews each selected item needs, and who may give them. Each review
-- is a slot; "next" leases a free slot of an item the reviewer has not reviewed (FOR UPDATE SKIP LOCKED), so two
-- reviewers never get the same slot and nobody reviews an item twice.
CREATE TABLE review_queues (
    workspace_id     uuid        NOT NULL,
    run_id           uuid        PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    reviews_per_item integer     NOT NULL CHECK (reviews_per_item BETWEEN 1 AND 5),
    selection        text        NOT NULL CHECK (selection IN ('ALL', 'INCORRECT', 'SAMPLE')),
    sample_size      integer     CHECK (sample_size IS NULL OR sample_size > 0),
    reviewers        uuid[],
    lease_seconds    integer     NOT NULL CHECK (lease_seconds > 0),
    created_by       uuid REFERENCES app_users (id),
    created_at       timestamptz NOT NULL
);

CREATE TABLE review_slots (
    workspace_id uuid    NOT NULL,
    run_id       uuid    NOT NULL REFERENCES review_queues (run_id) ON DELETE CASCADE,
    item_id      text    NOT NULL,
    slot         integer NOT NULL,
    position     integer NOT NULL,
    reviewer_id  uuid REFERENCES app_users (id),
    reviewer     text,
    leased_until timestamptz,
    done_at      timestamptz,
    verdict      boolean,
    revision     integer,
    PRIMARY KEY (run_id, item_id, slot),
    CHECK (done_at IS NULL OR (reviewer_id IS NOT NULL AND verdict IS NOT NULL))
);
CREATE INDEX review_slots_open_idx ON review_slots (run_id, slot, position) WHERE done_at IS NULL;
-- Nobody holds two slots of one item: independent reviews come from different people.
CREATE UNIQUE INDEX review_slots_reviewer_idx ON review_slots (run_id, item_id, reviewer_id) WHERE reviewer_id IS NOT NULL;

-- Who settled a disagreement (the final version is a revision like any other).
ALTER TABLE review_states ADD COLUMN adjudicated_by text;

ALTER TABLE review_queues ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_queues_tenant ON review_queues
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE review_slots ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_slots_tenant ON review_slots
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

GRANT SELECT, INSERT ON review_queues TO ${appUser};
GRANT SELECT, INSERT, UPDATE ON review_slots TO ${appUser};

-- The review grid pages through a run's items in the chosen order and stops after a page: these orders come from
-- indexes instead of sorting the whole run. Text search has no index: trigram indexes on questions and results
-- made dataset imports 2.5 times and runs 1.3 times slower (docs/BENCHMARKS.md).
CREATE INDEX run_items_position_idx ON run_items (run_id, position);
CREATE INDEX run_items_tokens_idx ON run_items (run_id, (prompt_tokens + completion_tokens), position);
CREATE INDEX run_items_verdict_idx ON run_items
    (run_id, (CASE WHEN status = 'ERROR' THEN 2 WHEN correct THEN 0 ELSE 1 END), position);
CREATE INDEX review_states_reviewer_idx ON review_states (run_id, last_reviewer, item_id);

-- Text search of the review grid. ILIKE is not leakproof, so under row-level security PostgreSQL checks the tenant
-- policy row by row before it; this function runs as the owner and applies the same tenant check itself, once per
-- query: only the caller's workspace's rows (app_workspace_id(), the transaction's own setting) are searched. The
-- outputs searched are the graded predictions'.
CREATE FUNCTION review_text_matches(p_run uuid, p_version uuid, p_pattern text)
    RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT q.item_id FROM dataset_items q
   WHERE q.version_id = p_version AND q.workspace_id = app_workspace_id() AND q.question ILIKE p_pattern
   UNION
   SELECT o.item_id FROM run_items o
   WHERE o.run_id = p_run AND o.workspace_id = app_workspace_id()
     AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.results) p WHERE p ->> 'output' ILIKE p_pattern) $$;
REVOKE ALL ON FUNCTION review_text_matches(uuid, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION review_text_matches(uuid, uuid, text) TO ${appUser};
