package dev.distillery.review;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One saved state of a trace: revision 0 is the run's original, each save adds the next. It holds the whole state
 * (the teacher's trace as the student reads it, and a verdict override with its reason), plus the student's re-run
 * on it when there was one, and what that changed against the grader's original verdict.
 */
public record Revision(
        int revision,
        int baseRevision,
        @Nullable String callKey,
        @Nullable String teacherOutput,
        @Nullable Boolean verdict,
        @Nullable String reason,
        @Nullable String comment,
        String author,
        Instant createdAt,
        @Nullable Rerun rerun) {

    /** This revision with the student's re-run on it. */
    public Revision withRerun(Rerun rerun) {
        return new Revision(
                revision, baseRevision, callKey, teacherOutput, verdict, reason, comment, author, createdAt, rerun);
    }

    /** The student re-run on this revision's teacher trace; status is done or error. */
    public record Rerun(
            String status,
            @Nullable String output,
            @Nullable String rule,
            @Nullable String extracted,
            @Nullable Boolean correct,
            @Nullable String error,
            @Nullable Outcome outcome,
            @Nullable Instant at) {}

    /** What a correction did to the student's verdict. */
    public enum Outcome {
        FIXED("correction fixed it"),
        NO_CHANGE("no change"),
        WORSE("made it worse");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Outcome of(@Nullable Boolean before, boolean after) {
            boolean wasCorrect = Boolean.TRUE.equals(before);
            return wasCorrect == after ? NO_CHANGE : after ? FIXED : WORSE;
        }
    }
}
