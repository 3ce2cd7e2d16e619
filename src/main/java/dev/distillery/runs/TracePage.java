package dev.distillery.runs;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of a run's traces.
 *
 * @param next the cursor of the page after this one, null on the last page
 * @param total how many traces the query has, or null when it is not counted yet: at 100,000 items a count costs more
 *     than a page, so a large run's total is counted once per query in the background and given from then on
 */
public record TracePage(
        List<Trace> items, @Nullable String next, @Nullable Integer total) {}
