package dev.distillery.review;

import dev.distillery.grading.Grade;
import dev.distillery.runs.RunRegraded;
import dev.distillery.runs.RunService;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * When a run is re-graded, the student's re-runs on its corrections are graded again with the same grader, and every
 * review state's outcome (fixed, no change, made worse) is set again from the new verdicts: all in the transaction
 * that finishes the re-grade, so the review grid and the leaderboards' "with corrections" figures never mix graders.
 */
@Component
class RegradedReruns {

    private final Revisions revisions;
    private final RunService runs;

    RegradedReruns(Revisions revisions, RunService runs) {
        this.revisions = revisions;
        this.runs = runs;
    }

    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void on(RunRegraded event) {
        for (Revisions.FinishedRerun rerun : revisions.rerunsToRegrade(event.runId(), event.graderVersion())) {
            Grade grade = runs.gradeLikeItem(event.runId(), rerun.itemId(), rerun.output());
            revisions.regradeRerun(
                    event.runId(), rerun, grade.rule(), grade.extracted(), grade.correct(), grade.graderVersion());
        }
        revisions.recomputeOutcomes(event.runId());
    }
}
