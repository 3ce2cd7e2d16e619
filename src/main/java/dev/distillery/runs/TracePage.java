package dev.distillery.runs;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of a run's traces.
 *
 * @param next the cursor of the page after this one, null on the last page
 * @param total how many traces the query has, counted for the first page only (later pages of a walk leave it null:
 *     counting a large run again for every page costs more than the page)
 */
public record TracePage(
        List<Trace> items, @Nullable String next, @Nullable Integer total) {}
