package dev.distillery.review;

import org.jspecify.annotations.Nullable;

/**
 * A reviewer's save: the revision it was made on (for optimistic locking), and what changes. A null teacher output
 * keeps the base's; a verdict needs a reason ("grader wrong: 0.5 = 1/2").
 */
public record RevisionDraft(
        int baseRevision,
        @Nullable String teacherOutput,
        @Nullable Boolean verdict,
        @Nullable String reason,
        @Nullable String comment) {}
