-- Text search of the review grid through an index of its own. Trigram indexes on dataset_items and run_items would
-- be written with every imported item and every finished run item (they made dataset imports and runs much slower: docs/BENCHMARKS.md); this
-- table is filled once, when a run completes, and read only by the grid. Each searchable text of a trace (its
-- question, each graded prediction's output) is a row of its own, so a match never spans two texts: the search
-- finds exactly what review_text_matches finds by scanning. Both extensions are trusted (a database owner may create
-- them); btree_gin lets the run id and the trigrams share one index, so a search reads only the run's entries.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE trace_search (
    workspace_id uuid NOT NULL,
    run_id       uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_id      text NOT NULL,
    doc          text NOT NULL
);
CREATE INDEX trace_search_doc_idx ON trace_search USING gin (run_id, doc gin_trgm_ops);

-- Which completion of a run the table holds: a run's texts can change only while it is not completed (retrying its
-- failed items makes it running again and gives it a new finished_at when it completes), so the table answers for a
-- run only while this finished_at is the run's own; otherwise the grid scans as before.
CREATE TABLE trace_search_runs (
    workspace_id uuid        NOT NULL,
    run_id       uuid        PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    finished_at  timestamptz NOT NULL,
    texts        integer     NOT NULL,
    indexed_at   timestamptz NOT NULL
);

ALTER TABLE trace_search ENABLE ROW LEVEL SECURITY;
CREATE POLICY trace_search_tenant ON trace_search
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
ALTER TABLE trace_search_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY trace_search_runs_tenant ON trace_search_runs
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

-- A run is indexed again (its rows replaced) when it completes again.
GRANT SELECT, INSERT, DELETE ON trace_search TO ${appUser};
GRANT SELECT, INSERT, UPDATE ON trace_search_runs TO ${appUser};

-- The search through the table. As with review_text_matches, ILIKE is not leakproof: under row-level security the
-- policy would be checked row by row before it and the trigram index could not be used. This function runs as the
-- owner and applies the same tenant check itself: only the caller's workspace's rows (app_workspace_id(), the
-- transaction's own setting) are searched.
CREATE FUNCTION review_search_matches(p_run uuid, p_pattern text)
    RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
$$ SELECT DISTINCT s.item_id FROM trace_search s
   WHERE s.run_id = p_run AND s.workspace_id = app_workspace_id() AND s.doc ILIKE p_pattern $$;
REVOKE ALL ON FUNCTION review_search_matches(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION review_search_matches(uuid, text) TO ${appUser};

-- Rows inserted into a GIN index wait in its pending list, which every search reads in full, until they are merged
-- (by vacuum, or when the list is full). Indexing a run merges them at once, so the run's searches read the index
-- itself; only the index's owner may, so this function does that and nothing else.
CREATE FUNCTION review_search_merge_pending()
    RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS
$$ SELECT gin_clean_pending_list('trace_search_doc_idx'::regclass) $$;
REVOKE ALL ON FUNCTION review_search_merge_pending() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION review_search_merge_pending() TO ${appUser};
