-- Lists of a run's traces sorted by reviewer page by cursor: (last_reviewer, position) > (:reviewer, :position). The
-- position is the run item's, so the reviewer index (run_id, last_reviewer, item_id) could not order a reviewer's
-- items by it: every page joined and sorted all of the cursor's reviewer's items, as costly as that reviewer was busy.
-- A review state now keeps its item's position (which never changes), and the reviewer index ends in it, so a page
-- enters the index at the cursor. Text and integer comparisons are leakproof, so row-level security lets the bound
-- into the index. The index replaces the old one: the grid's reviewer sort reads it the same way.
ALTER TABLE review_states ADD COLUMN position integer;

-- A migration has no workspace, and the forced policies (V14) would hide every row from it: they are lifted for the
-- owner for this one statement. Every state is of an item of its run (a trace is read before it is revised).
ALTER TABLE review_states NO FORCE ROW LEVEL SECURITY;
ALTER TABLE run_items NO FORCE ROW LEVEL SECURITY;
UPDATE review_states s SET position = i.position
FROM run_item_outcomes i WHERE i.run_id = s.run_id AND i.item_id = s.item_id;
ALTER TABLE run_items FORCE ROW LEVEL SECURITY;
ALTER TABLE review_states FORCE ROW LEVEL SECURITY;

ALTER TABLE review_states ALTER COLUMN position SET NOT NULL;

DROP INDEX review_states_reviewer_idx;
CREATE INDEX review_states_reviewer_idx ON review_states (run_id, last_reviewer, position);
