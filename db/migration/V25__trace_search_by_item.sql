-- A first page of a run's traces filtered by a text is answered before the text's matches in the whole run are known
-- (docs/BENCHMARKS.md): the order's index is walked a batch at a time and each batch's items are tested for the text.
-- That test reads a batch's rows of the search table by item; the trigram index cannot find them that way.
CREATE INDEX trace_search_item_idx ON trace_search (run_id, item_id);
