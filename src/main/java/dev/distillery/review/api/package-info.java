/**
 * REST API of review: a trace with its revisions, corrections with optimistic locking, diffs, student re-runs, and a
 * run's traces paged and exported with the grid's filters.
 */
@NullMarked
package dev.distillery.review.api;

import org.jspecify.annotations.NullMarked;
