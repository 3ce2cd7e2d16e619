-- Why a run is not making progress right now, in the words the run page shows ("waiting for a slot: workspace limit
-- of 4 running runs"); null while it runs or once it has finished.
ALTER TABLE runs ADD COLUMN waiting_reason text;
