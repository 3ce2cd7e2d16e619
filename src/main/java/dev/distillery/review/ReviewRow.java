package dev.distillery.review;

import org.jspecify.annotations.Nullable;

/** One line of the review grid. */
public record ReviewRow(
        String itemId,
        int position,
        String question,
        String gold,
        @Nullable String extracted,
        String verdict,
        String reviewState,
        @Nullable String reviewer,
        boolean edited,
        int tokens,
        Revision.@Nullable Outcome outcome) {}
