package dev.distillery.review;

import dev.distillery.runs.RunService;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Crowd review of a run: a queue of slots (each selected item times the reviews it needs), handed out one at a
 * time to reviewers who have not reviewed that item, under a lease so two reviewers never get the same slot; the
 * agreement of their verdicts (Fleiss' kappa, Cohen's for two reviewers) and of their corrections; and adjudication
 * of disagreements, which writes the final version as a revision.
 */
@Service
public class QueueService {

    static final Duration LEASE = Duration.ofMinutes(15);

    private final Queues queues;
    private final RunService runs;
    private final CorrectionService corrections;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    QueueService(
            Queues queues,
            RunService runs,
            CorrectionService corrections,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock) {
        this.queues = queues;
        this.runs = runs;
        this.corrections = corrections;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** Which items a queue covers. */
    public enum Selection {
        ALL,
        INCORRECT,
        SAMPLE
    }

    /** A queue as set up: reviews per item (1–5), the items, and who may review (empty: everyone who may review). */
    public record QueueDraft(
            int reviewsPerItem,
            Selection selection,
            @Nullable Integer sampleSize,
            List<UUID> reviewers) {}

    /** A queue's state: its settings, slots done of all, and each reviewer's share. */
    public record QueueStatus(
            int reviewsPerItem,
            Selection selection,
            @Nullable Integer sampleSize,
            List<UUID> reviewers,
            int items,
            int slots,
            int done,
            Map<String, Integer> doneByReviewer) {}

    /** The slot a reviewer got: the item to review and until when it is theirs. */
    public record Assignment(String itemId, int slot, java.time.Instant leasedUntil) {}

    /**
     * One item's independent verdicts, and the revision of the trace each reviewer left (for those who saved one), which
     * an adjudicator may pick as the final trace.
     */
    public record ItemVotes(
            String itemId,
            Map<String, Boolean> verdicts,
            Map<String, Integer> revisions,
            Agreement.Votes votes,
            @Nullable String adjudicatedBy) {}

    /** Agreement over a run's queue. */
    public record AgreementReport(
            @Nullable Double fleissKappa,
            @Nullable Double cohenKappa,
            int itemsWithTwoOrMore,
            double meanItemAgreement,
            List<ItemVotes> disagreements,
            @Nullable Double sameStudentOutcome,
            @Nullable Double meanEditDistance) {}

    /**
     * A run's queue as it stands for one reviewer.
     *
     * @param held slots they hold now (leased to them, not yet done)
     * @param open items they may still take: a free slot (or one whose lease ran out) of an item they have not reviewed
     */
    public record MyQueue(UUID runId, int held, int open) {}

    /**
     * The queues with work for the current user, newest first: those they are a reviewer of (or open to everyone
     * who may review) where they hold a slot or could take one. Empty for roles that do not review, and for keys.
     */
    @Transactional(readOnly = true)
    public List<MyQueue> assignedToMe(int limit) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        UUID me = tenant.actor().userId();
        if (me == null || !tenant.role().can(Permission.REVIEW)) {
            return List.of();
        }
        return queues.workFor(me, Math.clamp(limit, 1, 100));
    }

    @Transactional
    public QueueStatus configure(UUID runId, QueueDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.LAUNCH_RUNS);
        runs.get(runId);
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        if (draft.reviewsPerItem() < 1 || draft.reviewsPerItem() > 5) {
            errors.add(new InvalidInputException.FieldError("reviewsPerItem", "Ask for 1 to 5 reviews per item."));
        }
        if (draft.selection() == Selection.SAMPLE && (draft.sampleSize() == null || draft.sampleSize() < 1)) {
            errors.add(
                    new InvalidInputException.FieldError("sampleSize", "Say how many items to sample (at least 1)."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        if (queues.exists(runId)) {
            throw new ConflictException("This run has a review queue already.");
        }
        queues.insertQueue(
                tenant.workspaceId(),
                runId,
                draft,
                (int) LEASE.toSeconds(),
                tenant.actor().userId(),
                clock.instant());
        int items = queues.insertSlots(tenant.workspaceId(), runId, draft);
        if (items == 0) {
            throw new ConflictException(
                    draft.selection() == Selection.INCORRECT
                            ? "The run has no incorrect items to review."
                            : "The run has no finished items to review.");
        }
        auditLog.record(
                tenant,
                "review.queue-created",
                runId.toString(),
                items + " items × " + draft.reviewsPerItem() + " reviews, "
                        + draft.selection().name().toLowerCase(java.util.Locale.ROOT));
        return status(runId).orElseThrow();
    }

    @Transactional(readOnly = true)
    public Optional<QueueStatus> status(UUID runId) {
        currentTenant.require(Permission.READ);
        runs.get(runId);
        return queues.status(runId);
    }

    /**
     * The next item for the current reviewer: the slot they already hold, else a free one (or one whose lease ran
     * out) of an item they have not reviewed, leased to them. Empty when nothing is left for them.
     */
    @Transactional
    public Optional<Assignment> next(UUID runId) {
        TenantContext tenant = currentTenant.require(Permission.REVIEW);
        UUID me = reviewer(tenant);
        List<UUID> reviewers =
                queues.reviewers(runId).orElseThrow(() -> new NotFoundException("This run has no review queue."));
        if (!reviewers.isEmpty() && !reviewers.contains(me)) {
            throw new AccessDeniedException("You are not one of this queue's reviewers.");
        }
        return queues.lease(runId, me, tenant.actor().label(), LEASE);
    }

    /** Records the current reviewer's verdict on the item they hold, with the revision they saved if any. */
    @Transactional
    public void complete(UUID runId, String itemId, boolean verdict) {
        TenantContext tenant = currentTenant.require(Permission.REVIEW);
        UUID me = reviewer(tenant);
        // Another workspace's run, or a run without a queue, is not found rather than "no slot held".
        queues.reviewers(runId).orElseThrow(() -> new NotFoundException("This run has no review queue."));
        Integer revision = queues.latestRevisionBy(runId, itemId, tenant.actor().label());
        if (!queues.complete(runId, itemId, me, verdict, revision)) {
            throw new ConflictException(
                    "You hold no slot of " + itemId + " in this queue (it may have been done already).");
        }
        auditLog.record(tenant, "review.done", runId + "/" + itemId, verdict ? "correct" : "incorrect");
    }

    @Transactional(readOnly = true)
    public AgreementReport agreement(UUID runId) {
        currentTenant.require(Permission.READ);
        runs.get(runId);
        List<Queues.DoneSlot> done = queues.done(runId);
        Map<String, List<Queues.DoneSlot>> byItem = new TreeMap<>();
        done.forEach(
                d -> byItem.computeIfAbsent(d.itemId(), k -> new ArrayList<>()).add(d));
        Map<String, String> adjudicated = queues.adjudicated(runId);
        List<Agreement.Votes> votes = new ArrayList<>();
        List<ItemVotes> disagreements = new ArrayList<>();
        double agreementSum = 0;
        int rated = 0;
        int sameOutcome = 0;
        int outcomePairs = 0;
        double distanceSum = 0;
        int distancePairs = 0;
        LevenshteinDistance levenshtein = LevenshteinDistance.getDefaultInstance();
        for (var entry : byItem.entrySet()) {
            List<Queues.DoneSlot> slots = entry.getValue();
            int yes = (int) slots.stream().filter(Queues.DoneSlot::verdict).count();
            Agreement.Votes v = new Agreement.Votes(yes, slots.size() - yes);
            votes.add(v);
            if (v.total() >= 2 && v.agreement() instanceof Double agreed) {
                rated++;
                agreementSum += agreed;
            }
            if (v.disagreement()) {
                Map<String, Boolean> verdicts = new TreeMap<>();
                Map<String, Integer> revisions = new TreeMap<>();
                slots.forEach(s -> {
                    verdicts.put(s.reviewer(), s.verdict());
                    if (s.revision() != null) {
                        revisions.put(s.reviewer(), s.revision());
                    }
                });
                disagreements.add(
                        new ItemVotes(entry.getKey(), verdicts, revisions, v, adjudicated.get(entry.getKey())));
            }
            for (int i = 0; i < slots.size(); i++) {
                for (int j = i + 1; j < slots.size(); j++) {
                    var a = slots.get(i);
                    var b = slots.get(j);
                    if (a.rerunCorrect() != null && b.rerunCorrect() != null) {
                        outcomePairs++;
                        sameOutcome += a.rerunCorrect().equals(b.rerunCorrect()) ? 1 : 0;
                    }
                    if (a.teacherOutput() != null && b.teacherOutput() != null) {
                        int longest = Math.max(
                                1,
                                Math.max(
                                        a.teacherOutput().length(),
                                        b.teacherOutput().length()));
                        distanceSum += (double) levenshtein.apply(a.teacherOutput(), b.teacherOutput()) / longest;
                        distancePairs++;
                    }
                }
            }
        }
        return new AgreementReport(
                Agreement.fleiss(votes),
                cohen(byItem),
                rated,
                rated == 0 ? 0 : agreementSum / rated,
                disagreements,
                outcomePairs == 0 ? null : (double) sameOutcome / outcomePairs,
                distancePairs == 0 ? null : distanceSum / distancePairs);
    }

    /**
     * Settles an item: the final verdict (with the reason), and optionally the revision whose teacher trace is the
     * final one, written as a new revision marked as adjudicated.
     */
    @Transactional
    public Revision adjudicate(
            UUID runId, String itemId, boolean verdict, @Nullable Integer fromRevision, String reason) {
        TenantContext tenant = currentTenant.require(Permission.ADJUDICATE);
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("reason", "Say why this is the final version.");
        }
        TraceReview review = corrections.review(runId, itemId);
        String teacherOutput =
                fromRevision == null ? null : review.revision(fromRevision).teacherOutput();
        boolean changesTrace =
                teacherOutput != null && !teacherOutput.equals(review.latest().teacherOutput());
        Revision saved = corrections.save(
                runId,
                itemId,
                new RevisionDraft(
                        review.latest().revision(),
                        changesTrace ? teacherOutput : null,
                        verdict,
                        "Adjudicated: " + reason.strip(),
                        null));
        queues.markAdjudicated(runId, itemId, tenant.actor().label());
        auditLog.record(
                tenant,
                "trace.adjudicated",
                runId + "/" + itemId,
                (verdict ? "correct" : "incorrect")
                        + (fromRevision == null ? "" : ", trace of revision " + fromRevision));
        return saved;
    }

    private static @Nullable Double cohen(Map<String, List<Queues.DoneSlot>> byItem) {
        List<String> reviewers = byItem.values().stream()
                .flatMap(List::stream)
                .map(Queues.DoneSlot::reviewer)
                .distinct()
                .toList();
        if (reviewers.size() != 2) {
            return null;
        }
        List<Boolean> a = new ArrayList<>();
        List<Boolean> b = new ArrayList<>();
        for (List<Queues.DoneSlot> slots : byItem.values()) {
            var first = slots.stream()
                    .filter(s -> s.reviewer().equals(reviewers.get(0)))
                    .findFirst();
            var second = slots.stream()
                    .filter(s -> s.reviewer().equals(reviewers.get(1)))
                    .findFirst();
            if (first.isPresent() && second.isPresent()) {
                a.add(first.get().verdict());
                b.add(second.get().verdict());
            }
        }
        return Agreement.cohen(a, b);
    }

    private static UUID reviewer(TenantContext tenant) {
        if (tenant.actor().userId() == null) {
            throw new InvalidInputException(
                    "reviewer", "Review queues are worked by people: use a key created by a member.");
        }
        return tenant.actor().userId();
    }
}
