package dev.distillery.campaigns;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One of a contributor's own answers, for their history. */
public record MyAnswer(
        String itemId,
        String question,
        String status,
        @Nullable Boolean verdict,
        boolean corrected,
        Instant at) {}
