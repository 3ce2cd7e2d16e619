package dev.distillery.review.api;

import dev.distillery.review.CorrectionService;
import dev.distillery.review.CorrectionSummary;
import dev.distillery.review.Revision;
import dev.distillery.review.RevisionDiff;
import dev.distillery.review.RevisionDraft;
import dev.distillery.review.TeacherSteps;
import dev.distillery.review.TraceReview;
import dev.distillery.runs.Trace;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Corrections of the API key's workspace's traces. */
@RestController
@RequestMapping("/api/v1/runs/{runId}")
@Tag(name = "Review")
@SecurityRequirement(name = "apiKey")
class ReviewController {

    private final CorrectionService corrections;

    ReviewController(CorrectionService corrections) {
        this.corrections = corrections;
    }

    @GetMapping("/traces/{itemId}")
    @Operation(
            summary = "A trace with its revisions",
            description = "Revision 0 is the run's original; the teacher "
                    + "trace of each revision is given as text and as steps.")
    TraceJson trace(@PathVariable UUID runId, @PathVariable String itemId) {
        return TraceJson.of(corrections.review(runId, itemId));
    }

    @PostMapping("/traces/{itemId}/revisions")
    @Operation(
            summary = "Save a correction as a new revision",
            description = "baseRevision is the revision the change "
                    + "was made on: when someone saved since, the answer is 409 with latestRevision, latestAuthor, "
                    + "latestTeacherOutput and changes. Give teacherOutput (text) or teacherSteps (list), and/or verdict "
                    + "(true = correct) with a reason.")
    ResponseEntity<RevisionJson> revise(
            @PathVariable UUID runId, @PathVariable String itemId, @RequestBody RevisionRequest body) {
        if (body.baseRevision() == null) {
            throw new InvalidInputException(
                    "baseRevision", "Say which revision the change was made on (0 for the original).");
        }
        if (body.teacherOutput() != null && body.teacherSteps() != null) {
            throw new InvalidInputException("teacherSteps", "Give either teacherOutput or teacherSteps, not both.");
        }
        String output =
                body.teacherSteps() != null ? new TeacherSteps(body.teacherSteps()).render() : body.teacherOutput();
        Revision saved = corrections.save(
                runId,
                itemId,
                new RevisionDraft(body.baseRevision(), output, body.verdict(), body.reason(), body.comment()));
        return ResponseEntity.created(URI.create("/api/v1/runs/" + runId + "/traces/" + itemId))
                .body(RevisionJson.of(saved));
    }

    @PostMapping("/traces/{itemId}/revisions/{revision}/rerun")
    @Operation(
            summary = "Re-run the student on a revision's teacher trace, now",
            description = "Grades the new answer "
                    + "and says whether the correction fixed it, changed nothing or made it worse.")
    RevisionJson rerun(@PathVariable UUID runId, @PathVariable String itemId, @PathVariable int revision) {
        return RevisionJson.of(corrections.rerun(runId, itemId, revision));
    }

    @GetMapping("/traces/{itemId}/diff")
    @Operation(summary = "Line diff of the teacher trace between two revisions")
    RevisionDiff diff(
            @PathVariable UUID runId, @PathVariable String itemId, @RequestParam int from, @RequestParam int to) {
        return corrections.diff(runId, itemId, from, to);
    }

    @PostMapping("/rerun-student")
    @Operation(
            summary = "Re-run the student on edited traces, in a background job",
            description =
                    "{\"itemIds\": [...]} for some items or {\"edited\": true} for every edited trace of the run.")
    ResponseEntity<Map<String, Integer>> rerunStudent(@PathVariable UUID runId, @RequestBody RerunRequest body) {
        if ((body.itemIds() == null || body.itemIds().isEmpty()) && !Boolean.TRUE.equals(body.edited())) {
            throw new InvalidInputException(
                    "itemIds", "Give the items to re-run, or \"edited\": true for every edited trace.");
        }
        int queued = corrections.rerunEdited(runId, Boolean.TRUE.equals(body.edited()) ? null : body.itemIds());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("queued", queued));
    }

    @GetMapping("/corrections")
    @Operation(summary = "How many traces were corrected, re-run, fixed or made worse")
    CorrectionSummary summary(@PathVariable UUID runId) {
        return corrections.summary(runId);
    }

    record RevisionRequest(
            @Nullable Integer baseRevision,
            @Nullable String teacherOutput,
            @Nullable List<String> teacherSteps,
            @Nullable Boolean verdict,
            @Nullable String reason,
            @Nullable String comment) {}

    record RerunRequest(
            @Nullable List<String> itemIds, @Nullable Boolean edited) {}

    record RevisionJson(
            int revision,
            int baseRevision,
            @Nullable String teacherOutput,
            List<String> teacherSteps,
            @Nullable Boolean verdict,
            @Nullable String reason,
            @Nullable String comment,
            String author,
            java.time.Instant createdAt,
            Revision.@Nullable Rerun rerun) {

        static RevisionJson of(Revision r) {
            return new RevisionJson(
                    r.revision(),
                    r.baseRevision(),
                    r.teacherOutput(),
                    r.teacherOutput() == null
                            ? List.of()
                            : TeacherSteps.parse(r.teacherOutput()).steps(),
                    r.verdict(),
                    r.reason(),
                    r.comment(),
                    r.author(),
                    r.createdAt(),
                    r.rerun());
        }
    }

    record TraceJson(Trace trace, @Nullable String teacherCallKey, int latestRevision, List<RevisionJson> revisions) {

        static TraceJson of(TraceReview review) {
            return new TraceJson(
                    review.trace(),
                    review.teacherCallKey(),
                    review.latest().revision(),
                    review.revisions().stream().map(RevisionJson::of).toList());
        }
    }
}
