package dev.distillery.review;

import dev.distillery.endpoints.ModelCallException;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunService;
import dev.distillery.runs.Trace;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Corrections of traces. A save names the revision it was made on; if someone saved since, it is refused with what
 * changed (409), so no update is ever lost and the reviewer can merge or retry. Re-running the student on a
 * corrected teacher trace makes model calls outside any transaction and keeps the graded result with the revision.
 */
@Service
public class CorrectionService {

    static final int MAX_TEXT = 20_000;
    static final int MAX_REASON = 1_000;

    private final RunService runs;
    private final Revisions revisions;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final RerunJobs jobs;
    private final SearchIndex searchIndex;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final DatabaseRetry retry;

    CorrectionService(
            RunService runs,
            Revisions revisions,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            RerunJobs jobs,
            SearchIndex searchIndex,
            PlatformTransactionManager transactions,
            Clock clock,
            ApplicationEventPublisher events,
            DatabaseRetry retry) {
        this.retry = retry;
        this.searchIndex = searchIndex;
        this.runs = runs;
        this.revisions = revisions;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.jobs = jobs;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.events = events;
    }

    /** A trace with every revision, the original first. */
    @Transactional(readOnly = true)
    public TraceReview review(UUID runId, String itemId) {
        currentTenant.require(Permission.READ);
        RunDetails run = runs.get(runId);
        Trace trace = runs.trace(runId, itemId);
        Trace.Call teacher = teacherCall(trace);
        List<Revision> all = new ArrayList<>();
        all.add(new Revision(
                0,
                0,
                teacher == null ? null : teacher.key(),
                teacher == null || teacher.outputs().isEmpty()
                        ? null
                        : teacher.outputs().getFirst(),
                null,
                null,
                null,
                "original run",
                run.finishedAt() != null ? run.finishedAt() : run.createdAt(),
                null));
        all.addAll(revisions.list(runId, itemId));
        return new TraceReview(trace, List.copyOf(all), teacher == null ? null : teacher.key());
    }

    /**
     * Saves a correction as the next revision.
     *
     * @throws ConflictException (409) when the trace has a newer revision than {@code draft.baseRevision()}; its
     *     details carry the latest revision and the diff from the base to it
     * @throws InvalidInputException naming the field (teacherOutput, reason, verdict, comment) that is wrong
     */
    @Transactional
    public Revision save(UUID runId, String itemId, RevisionDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.REVIEW);
        TraceReview review = review(runId, itemId);
        Revision latest = review.latest();
        if (draft.baseRevision() != latest.revision()) {
            throw conflict(review, draft.baseRevision());
        }
        String teacherOutput = validate(review, draft);
        Revision next = new Revision(
                latest.revision() + 1,
                latest.revision(),
                review.teacherCallKey(),
                teacherOutput,
                draft.verdict() != null ? draft.verdict() : latest.verdict(),
                draft.verdict() != null
                        ? Objects.requireNonNull(draft.reason(), "validated").strip()
                        : latest.reason(),
                blankToNull(draft.comment()),
                tenant.actor().label(),
                clock.instant(),
                null);
        if (!revisions.insert(
                tenant.workspaceId(), runId, itemId, next, tenant.actor().userId())) {
            throw conflict(review(runId, itemId), draft.baseRevision());
        }
        String original = review.revisions().getFirst().teacherOutput();
        boolean edited = teacherOutput != null && !teacherOutput.equals(original);
        revisions.upsertState(
                tenant.workspaceId(),
                runId,
                itemId,
                review.trace().position(),
                next.revision(),
                edited,
                next.verdict(),
                tenant.actor().label(),
                next.createdAt());
        auditLog.record(
                tenant,
                "trace.revised",
                runId + "/" + itemId,
                "revision " + next.revision() + (edited ? ", teacher trace edited" : "")
                        + (draft.verdict() != null ? ", verdict " + (draft.verdict() ? "correct" : "incorrect") : ""));
        return next;
    }

    /**
     * Re-runs the student (the rest of the method) on a revision's teacher trace, grades it, and records the result
     * and its outcome against the grader's original verdict. Makes model calls: no transaction is open around them.
     */
    public Revision rerun(UUID runId, String itemId, int revision) {
        return rerun(runId, itemId, review -> Optional.of(review.revision(revision)))
                .orElseThrow();
    }

    /** Re-runs the latest revision unless it has a finished re-run already (for the background job, which may repeat). */
    Optional<Revision> rerunLatestUnlessDone(UUID runId, String itemId) {
        return rerun(
                runId,
                itemId,
                review -> Optional.of(review.latest())
                        .filter(latest -> latest.rerun() == null
                                || "error".equals(latest.rerun().status())));
    }

    private Optional<Revision> rerun(UUID runId, String itemId, Function<TraceReview, Optional<Revision>> pick) {
        record Target(Revision revision, @Nullable Boolean before) {}
        Optional<Target> found = Objects.requireNonNull(tx.execute(s -> {
            currentTenant.require(Permission.REVIEW);
            TraceReview review = review(runId, itemId);
            return pick.apply(review).map(r -> new Target(r, review.trace().correct()));
        }));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Revision target = found.get().revision();
        if (target.revision() == 0 || target.teacherOutput() == null || target.callKey() == null) {
            throw new InvalidInputException(
                    "revision", "Revision " + target.revision() + " has no corrected teacher trace to re-run.");
        }
        Revision.Rerun rerun;
        String graderVersion = null;
        try {
            RunService.Rerun result = runs.rerunFrom(runId, itemId, target.callKey(), target.teacherOutput());
            rerun = new Revision.Rerun(
                    "done",
                    result.output(),
                    result.rule(),
                    result.extracted(),
                    result.correct(),
                    null,
                    Revision.Outcome.of(found.get().before(), result.correct()),
                    clock.instant());
            graderVersion = result.graderVersion();
        } catch (ModelCallException e) {
            rerun = new Revision.Rerun("error", null, null, null, null, e.getMessage(), null, clock.instant());
        }
        Revision.Rerun recorded = rerun;
        String version = graderVersion;
        // The student has answered: a database restart now must not cost the call, so the record waits it out.
        retry.run(() -> tx.executeWithoutResult(s -> {
            TenantContext tenant = currentTenant.require(Permission.REVIEW);
            revisions.recordRerun(runId, itemId, target.revision(), recorded, version);
            events.publishEvent(new StudentRerunRecorded(runId, tenant.workspaceId()));
            auditLog.record(
                    tenant,
                    "trace.rerun",
                    runId + "/" + itemId,
                    "revision " + target.revision() + ": "
                            + (recorded.outcome() == null
                                    ? "error"
                                    : recorded.outcome().label()));
        }));
        return Optional.of(target.withRerun(recorded));
    }

    /**
     * Queues a background job that re-runs the student on the latest revision of every edited trace of the run (or
     * of the given items among them); returns how many items it will re-run.
     */
    @Transactional
    public int rerunEdited(UUID runId, @Nullable List<String> itemIds) {
        TenantContext tenant = currentTenant.require(Permission.REVIEW);
        RunDetails run = runs.get(runId);
        List<Revisions.EditedItem> edited = revisions.edited(runId, itemIds);
        if (edited.isEmpty()) {
            throw new ConflictException(
                    itemIds == null
                            ? "The run has no edited traces to re-run."
                            : "None of these items has an edited teacher trace.");
        }
        jobs.schedule(
                tenant, runId, edited.stream().map(Revisions.EditedItem::itemId).toList());
        auditLog.record(tenant, "run.rerun-student", run.name(), edited.size() + " edited items");
        return edited.size();
    }

    /**
     * Per item of the run, the verdict of the student's latest finished re-run on a corrected teacher trace: the
     * run's result "with human-corrected traces" takes these in place of the original verdicts.
     */
    @Transactional(readOnly = true)
    public Map<String, Boolean> rerunVerdicts(UUID runId) {
        runs.get(runId);
        return revisions.rerunVerdicts(runId);
    }

    /** The line diff of the teacher trace between two revisions. */
    @Transactional(readOnly = true)
    public RevisionDiff diff(UUID runId, String itemId, int from, int to) {
        TraceReview review = review(runId, itemId);
        return RevisionDiff.between(from, text(review.revision(from)), to, text(review.revision(to)));
    }

    /** A page of the review grid. */
    @Transactional(readOnly = true)
    public List<ReviewRow> rows(UUID runId, ReviewFilter filter, int offset, int limit) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        RunDetails run = runs.get(runId);
        return revisions.rows(
                runId,
                run.datasetVersionId(),
                filter,
                tenant.actor().userId(),
                indexedSearch(tenant, run, filter),
                Math.max(0, offset),
                Math.clamp(limit, 1, 500));
    }

    @Transactional(readOnly = true)
    public int count(UUID runId, ReviewFilter filter) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        RunDetails run = runs.get(runId);
        return revisions.count(
                runId, run.datasetVersionId(), filter, tenant.actor().userId(), indexedSearch(tenant, run, filter));
    }

    /**
     * Whether a text filter can go through the search table; a run that is not in it (still running, or its
     * completion's indexing not done yet: the registry publishes the completion again after a crash) is scanned.
     */
    private boolean indexedSearch(TenantContext tenant, RunDetails run, ReviewFilter filter) {
        if (filter.text() == null || filter.text().isBlank()) {
            return false;
        }
        return searchIndex.indexed(run.id());
    }

    /** Whether the workspace has reviewed a trace: a correction or verdict saved, or a queue review done. */
    @Transactional(readOnly = true)
    public boolean hasAnyReview() {
        currentTenant.require(Permission.READ);
        return revisions.anyReview();
    }

    @Transactional(readOnly = true)
    public CorrectionSummary summary(UUID runId) {
        currentTenant.require(Permission.READ);
        runs.get(runId);
        return revisions.summary(runId);
    }

    private static @Nullable String validate(TraceReview review, RevisionDraft draft) {
        Revision latest = review.latest();
        String teacherOutput = latest.teacherOutput();
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        if (draft.teacherOutput() != null) {
            if (review.teacherCallKey() == null) {
                errors.add(new InvalidInputException.FieldError(
                        "teacherOutput", "This method has no teacher trace to correct."));
            } else if (draft.teacherOutput().isBlank()) {
                errors.add(new InvalidInputException.FieldError("teacherOutput", "The teacher trace cannot be empty."));
            } else if (draft.teacherOutput().length() > MAX_TEXT) {
                errors.add(new InvalidInputException.FieldError(
                        "teacherOutput", "Keep the teacher trace under " + MAX_TEXT + " characters."));
            } else {
                teacherOutput = draft.teacherOutput();
            }
        }
        if (draft.verdict() != null && (draft.reason() == null || draft.reason().isBlank())) {
            errors.add(new InvalidInputException.FieldError(
                    "reason", "Say why the verdict is overridden (e.g. \"grader wrong: 0.5 = 1/2\")."));
        } else if (draft.reason() != null && draft.reason().length() > MAX_REASON) {
            errors.add(new InvalidInputException.FieldError(
                    "reason", "Keep the reason under " + MAX_REASON + " characters."));
        }
        if (draft.comment() != null && draft.comment().length() > MAX_REASON) {
            errors.add(new InvalidInputException.FieldError(
                    "comment", "Keep the comment under " + MAX_REASON + " characters."));
        }
        if (errors.isEmpty() && draft.verdict() == null && Objects.equals(teacherOutput, latest.teacherOutput())) {
            errors.add(new InvalidInputException.FieldError(
                    "teacherOutput", "Nothing changed: edit the teacher trace or give a verdict."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return teacherOutput;
    }

    private static ConflictException conflict(TraceReview review, int base) {
        Revision latest = review.latest();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("baseRevision", base);
        details.put("latestRevision", latest.revision());
        details.put("latestAuthor", latest.author());
        details.put("latestTeacherOutput", latest.teacherOutput() == null ? "" : latest.teacherOutput());
        if (base >= 0 && base <= latest.revision()) {
            details.put(
                    "changes",
                    RevisionDiff.between(base, text(review.revision(base)), latest.revision(), text(latest))
                            .lines()
                            .stream()
                            .filter(l -> l.kind() != RevisionDiff.Kind.SAME)
                            .map(l -> (l.kind() == RevisionDiff.Kind.ADDED ? "+ " : "- ") + l.text())
                            .toList());
        }
        return new ConflictException(
                latest.author() + " saved revision " + latest.revision() + " of this trace after " + "revision " + base
                        + ", which your change was made on. Merge your change into it or try again.",
                details);
    }

    private static String text(Revision r) {
        return r.teacherOutput() == null ? "" : r.teacherOutput();
    }

    private static Trace.@Nullable Call teacherCall(Trace trace) {
        return trace.calls().stream()
                .filter(c -> c.role().equals("teacher"))
                .findFirst()
                .orElse(null);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
