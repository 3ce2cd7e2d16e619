-- Every verdict records the grader version that decided it, so a run's figures say which grader produced them and a
-- re-grade knows which items are stale. Verdicts recorded before versions existed are version 1.
ALTER TABLE run_items
    ADD COLUMN grader_version text,
    -- false when no answer could be read from any of the item's predictions ("no answer found", its own count)
    ADD COLUMN answer_found boolean;

UPDATE run_items SET grader_version = '1',
    answer_found = EXISTS (SELECT 1 FROM jsonb_array_elements(results) AS p WHERE p ->> 'extracted' IS NOT NULL)
WHERE results IS NOT NULL;

-- A re-grade of a run's stored outputs (no model is called): requested, then done; the items it has reached carry the
-- current grader version.
ALTER TABLE runs
    ADD COLUMN regrade_status text CHECK (regrade_status IN ('QUEUED', 'DONE')),
    ADD COLUMN regrade_version text,
    ADD COLUMN regrade_requested_at timestamptz,
    ADD COLUMN regraded_at timestamptz;

ALTER TABLE trace_revisions ADD COLUMN rerun_grader_version text;
UPDATE trace_revisions SET rerun_grader_version = '1' WHERE rerun_status = 'DONE';
