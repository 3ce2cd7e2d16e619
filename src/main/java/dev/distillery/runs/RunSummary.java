package dev.distillery.runs;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A run in lists: what ran on what, and how far it got; {@code imported} when its outputs came from a file. */
public record RunSummary(
        UUID id,
        String name,
        String method,
        String preset,
        String datasetName,
        String split,
        RunStatus status,
        int total,
        int done,
        int correct,
        int errors,
        Instant createdAt,
        boolean imported) {

    public @Nullable Double accuracy() {
        return done == 0 ? null : (double) correct / done;
    }
}
