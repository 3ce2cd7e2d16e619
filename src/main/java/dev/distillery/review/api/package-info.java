/** REST API of review: a trace with its revisions, corrections with optimistic locking, diffs, student re-runs. */
@NullMarked
package dev.distillery.review.api;

import org.jspecify.annotations.NullMarked;
