package dev.distillery.review;

import dev.distillery.runs.Trace;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A trace with its corrections: the run's original trace, every revision (0, the original, first), and which call
 * holds the teacher's trace a reviewer can correct (null when the method has no teacher).
 */
public record TraceReview(
        Trace trace, List<Revision> revisions, @Nullable String teacherCallKey) {

    public Revision latest() {
        return revisions.getLast();
    }

    public Revision revision(int number) {
        return revisions.stream()
                .filter(r -> r.revision() == number)
                .findFirst()
                .orElseThrow(() -> new dev.distillery.shared.NotFoundException("Revision " + number + " not found."));
    }
}
