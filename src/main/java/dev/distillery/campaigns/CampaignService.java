package dev.distillery.campaigns;

import dev.distillery.review.CorrectionService;
import dev.distillery.review.QueueService.Selection;
import dev.distillery.review.TraceReview;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunService;
import dev.distillery.runs.Trace;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.Secrets;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A workspace's campaigns, for their owners (OWNER and ADMIN): make one from a run's items, mark gold items, watch
 * contributors and their quality, pause or remove them, and read each item's consensus and why it was decided.
 */
@Service
public class CampaignService {

    /** The most items one campaign covers; larger reviews are split into several campaigns. */
    static final int MAX_ITEMS = 5_000;

    private final Campaigns campaigns;
    private final CampaignItems items;
    private final Consensus consensus;
    private final RunService runs;
    private final CorrectionService corrections;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    CampaignService(
            Campaigns campaigns,
            CampaignItems items,
            Consensus consensus,
            RunService runs,
            CorrectionService corrections,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock) {
        this.campaigns = campaigns;
        this.items = items;
        this.consensus = consensus;
        this.runs = runs;
        this.corrections = corrections;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /**
     * Makes a campaign of a finished run's items, copying what contributors will see of each.
     *
     * @throws InvalidInputException naming the field that is wrong
     * @throws ConflictException when the selection holds no items, or too many
     */
    @Transactional
    public CreatedCampaign create(CampaignDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        validate(draft);
        RunDetails run = runs.get(draft.runId());
        List<Trace> chosen = select(run, draft);
        if (chosen.isEmpty()) {
            throw new ConflictException(
                    draft.selection() == Selection.INCORRECT
                            ? "The run has no incorrect items to review."
                            : "The run has no finished items to review.");
        }
        if (chosen.size() > MAX_ITEMS) {
            throw new ConflictException("A campaign covers at most " + MAX_ITEMS + " items; this selection has "
                    + chosen.size() + ". Choose a sample or the incorrect items.");
        }
        List<CampaignItems.Snapshot> snapshots = new ArrayList<>();
        for (Trace t : chosen) {
            TraceReview review = corrections.review(run.id(), t.itemId());
            Trace.GradedPrediction prediction =
                    t.predictions().isEmpty() ? null : t.predictions().getFirst();
            snapshots.add(new CampaignItems.Snapshot(
                    t.itemId(),
                    t.position(),
                    t.question(),
                    t.gold(),
                    review.latest().teacherOutput(),
                    prediction == null ? null : prediction.output(),
                    prediction == null ? null : prediction.extracted(),
                    review.latest().revision(),
                    t.correct()));
        }
        UUID id = UUID.randomUUID();
        String token = Secrets.newSecret("dcj_");
        campaigns.insert(
                id,
                tenant.workspaceId(),
                draft,
                Secrets.hash(token),
                tenant.actor().userId(),
                clock.instant());
        items.insert(tenant.workspaceId(), id, snapshots);
        auditLog.record(
                tenant,
                "campaign.created",
                draft.title().strip(),
                snapshots.size() + " items of run " + run.name() + " × " + draft.reviewsPerItem() + " reviews");
        return new CreatedCampaign(campaigns.summary(tenant.workspaceId(), id).orElseThrow(), token);
    }

    @Transactional(readOnly = true)
    public List<CampaignSummary> list(int offset, int limit) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        return campaigns.list(tenant.workspaceId(), Math.max(0, offset), Math.clamp(limit, 1, 200));
    }

    @Transactional(readOnly = true)
    public boolean hasAny() {
        TenantContext tenant = currentTenant.require(Permission.READ);
        return campaigns.count(tenant.workspaceId()) > 0;
    }

    @Transactional(readOnly = true)
    public CampaignSummary get(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        return campaigns.summary(tenant.workspaceId(), id).orElseThrow(CampaignService::notFound);
    }

    /** Closes the campaign: nobody joins or is served any more; answers given stay. */
    @Transactional
    public CampaignSummary close(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        CampaignSummary c = get(id);
        if (!campaigns.close(id, clock.instant())) {
            throw new ConflictException("The campaign is closed already.");
        }
        auditLog.record(tenant, "campaign.closed", c.title(), null);
        return get(id);
    }

    /** Replaces the join link; the old one stops working. Returns the new token, shown once. */
    @Transactional
    public String newJoinToken(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        CampaignSummary c = get(id);
        String token = Secrets.newSecret("dcj_");
        campaigns.replaceToken(id, Secrets.hash(token));
        auditLog.record(tenant, "campaign.link-replaced", c.title(), null);
        return token;
    }

    /**
     * Marks an item gold with its known verdict (and, optionally, the teacher trace as it should read), or unmarks it
     * when {@code verdict} is null.
     */
    @Transactional
    public ItemDecision setGold(UUID id, String itemId, @Nullable Boolean verdict, @Nullable String referenceTrace) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        CampaignSummary c = get(id);
        if (referenceTrace != null && referenceTrace.length() > ContributorService.MAX_TRACE) {
            throw new InvalidInputException(
                    "referenceTrace",
                    "A reference trace may be at most " + ContributorService.MAX_TRACE + " characters.");
        }
        if (!items.setGold(
                id,
                itemId,
                verdict,
                verdict == null || referenceTrace == null || referenceTrace.isBlank()
                        ? null
                        : referenceTrace.strip())) {
            throw new NotFoundException("Item " + itemId + " is not part of this campaign.");
        }
        auditLog.record(
                tenant,
                verdict == null ? "campaign.gold-removed" : "campaign.gold-set",
                c.title() + "/" + itemId,
                verdict == null ? null : verdict ? "correct" : "incorrect");
        return decision(id, itemId);
    }

    @Transactional(readOnly = true)
    public List<ContributorStats> contributors(UUID id) {
        currentTenant.require(Permission.RUN_CAMPAIGNS);
        get(id);
        return campaigns.contributors(id).stream().map(CampaignService::stats).toList();
    }

    /** Pauses a contributor: they are served nothing more, and their answers on undecided items are set aside. */
    @Transactional
    public void pause(UUID id, UUID userId) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        Campaigns.Settings c = settings(id);
        Campaigns.Contributor who = contributor(id, userId);
        if (!"ACTIVE".equals(who.status())) {
            throw new ConflictException(who.displayName() + " is not active in this campaign.");
        }
        consensus.pauseByOwner(c, who);
        auditLog.record(tenant, "campaign.contributor-paused", c.title(), who.displayName() + ", by the owner");
    }

    /** Lets a paused contributor go on; answers set aside stay aside. */
    @Transactional
    public void resume(UUID id, UUID userId) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        Campaigns.Settings c = settings(id);
        Campaigns.Contributor who = contributor(id, userId);
        if (!"PAUSED".equals(who.status())) {
            throw new ConflictException(who.displayName() + " is not paused.");
        }
        campaigns.setStatus(id, userId, "ACTIVE", null);
        auditLog.record(tenant, "campaign.contributor-resumed", c.title(), who.displayName());
    }

    /** Removes a contributor and excludes every answer they gave; the items they answered are decided again. */
    @Transactional
    public void remove(UUID id, UUID userId) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS);
        Campaigns.Settings c = settings(id);
        Campaigns.Contributor who = contributor(id, userId);
        if ("REMOVED".equals(who.status())) {
            throw new ConflictException(who.displayName() + " was removed already.");
        }
        consensus.remove(c, who);
        auditLog.record(
                tenant,
                "campaign.contributor-removed",
                c.title(),
                who.displayName() + ", " + who.answers() + " answers excluded");
    }

    /**
     * Settles an item the crowd could not decide (or has not yet): the verdict, and the corrected trace to keep (null
     * keeps the one contributors were shown). Saved as a revision by the campaign and re-run like a consensus decision.
     */
    @Transactional
    public ItemDecision adjudicate(UUID id, String itemId, boolean verdict, @Nullable String trace) {
        TenantContext tenant = currentTenant.require(Permission.RUN_CAMPAIGNS).require(Permission.ADJUDICATE);
        Campaigns.Settings c = settings(id);
        if (trace != null && trace.length() > ContributorService.MAX_TRACE) {
            throw new InvalidInputException(
                    "trace", "A trace may be at most " + ContributorService.MAX_TRACE + " characters long.");
        }
        items.state(id, itemId)
                .orElseThrow(() -> new NotFoundException("Item " + itemId + " is not part of this campaign."));
        consensus.adjudicate(
                c,
                itemId,
                verdict,
                trace == null || trace.isBlank() ? null : trace.strip(),
                tenant.actor().label());
        auditLog.record(tenant, "campaign.adjudicated", c.title() + "/" + itemId, verdict ? "correct" : "incorrect");
        return decision(id, itemId);
    }

    /** Fits the reliability model again on every answer and decides the items not yet final; returns how many. */
    @Transactional
    public int recompute(UUID id) {
        currentTenant.require(Permission.RUN_CAMPAIGNS);
        return consensus.recompute(settings(id));
    }

    /** Items with their consensus, in order; {@code state} filters on OPEN, FINAL, ADJUDICATION or GOLD. */
    @Transactional(readOnly = true)
    public List<ItemDecision> decisions(UUID id, @Nullable String state, int offset, int limit) {
        currentTenant.require(Permission.RUN_CAMPAIGNS);
        get(id);
        Map<UUID, Campaigns.Contributor> people = people(id);
        List<CampaignItems.State> page = items.states(id, state, Math.max(0, offset), Math.clamp(limit, 1, 1000));
        Map<String, List<CampaignItems.Given>> votes =
                items.counted(id, page.stream().map(CampaignItems.State::itemId).toList());
        return page.stream()
                .map(s -> decision(s, votes.getOrDefault(s.itemId(), List.of()), people))
                .toList();
    }

    @Transactional(readOnly = true)
    public ItemDecision decision(UUID id, String itemId) {
        currentTenant.require(Permission.RUN_CAMPAIGNS);
        get(id);
        CampaignItems.State s = items.state(id, itemId)
                .orElseThrow(() -> new NotFoundException("Item " + itemId + " is not part of this campaign."));
        return decision(s, items.counted(id, itemId), people(id));
    }

    @Transactional(readOnly = true)
    public List<Progress> progress(UUID id) {
        currentTenant.require(Permission.RUN_CAMPAIGNS);
        get(id);
        return items.progress(id);
    }

    private Map<UUID, Campaigns.Contributor> people(UUID id) {
        Map<UUID, Campaigns.Contributor> people = new HashMap<>();
        campaigns.contributors(id).forEach(p -> people.put(p.userId(), p));
        return people;
    }

    private static ItemDecision decision(
            CampaignItems.State s, List<CampaignItems.Given> answers, Map<UUID, Campaigns.Contributor> people) {
        List<ItemDecision.Vote> votes = answers.stream()
                .filter(a -> a.verdict() != null)
                .map(a -> {
                    Campaigns.Contributor p = people.get(a.userId());
                    return new ItemDecision.Vote(
                            p == null ? "?" : p.displayName(),
                            a.userId(),
                            Boolean.TRUE.equals(a.verdict()),
                            a.correctedTrace() != null,
                            p == null ? 0 : Consensus.weight(p));
                })
                .sorted(Comparator.comparing(ItemDecision.Vote::contributor)
                        .thenComparing(ItemDecision.Vote::contributorId))
                .toList();
        return new ItemDecision(
                s.itemId(),
                s.position(),
                s.gold(),
                s.goldVerdict(),
                s.state(),
                s.answers(),
                s.gold() ? Double.valueOf(Boolean.TRUE.equals(s.goldVerdict()) ? 1 : 0) : s.posterior(),
                s.gold() ? s.goldVerdict() : s.finalVerdict(),
                s.finalTrace() != null,
                s.gold() ? s.goldTrace() : s.finalTrace(),
                s.gold() ? "Gold item: its verdict is known." : s.reason(),
                s.appliedRevision(),
                votes);
    }

    private static ContributorStats stats(Campaigns.Contributor p) {
        DawidSkene.Worker w = Consensus.worker(p);
        return new ContributorStats(
                p.userId(),
                p.displayName(),
                p.status(),
                p.statusReason(),
                p.joinedAt(),
                p.answers(),
                p.skips(),
                p.answers() == 0 ? null : p.seconds() / p.answers(),
                p.goldAnswers(),
                p.goldAnswers() == 0 ? null : (double) p.goldCorrect() / p.goldAnswers(),
                p.decided() == 0 ? null : (double) p.agreed() / p.decided(),
                (w.sensitivity() + w.specificity()) / 2,
                p.suspicious());
    }

    private List<Trace> select(RunDetails run, CampaignDraft draft) {
        List<Trace> all = new ArrayList<>();
        for (int offset = 0; ; offset += 500) {
            List<Trace> page =
                    runs.traces(run.id(), draft.selection() == Selection.INCORRECT ? "incorrect" : null, offset, 500);
            page.stream().filter(t -> "done".equals(t.status())).forEach(all::add);
            if (page.size() < 500 || all.size() > MAX_ITEMS * 4) {
                break;
            }
        }
        if (draft.selection() == Selection.SAMPLE && draft.sampleSize() != null) {
            // A reproducible sample: the same run and size always give the same items.
            all.sort(Comparator.comparing(t -> Secrets.hash(run.id() + t.itemId())));
            List<Trace> sample = new ArrayList<>(all.subList(0, Math.min(draft.sampleSize(), all.size())));
            sample.sort(Comparator.comparingInt(Trace::position));
            return sample;
        }
        return all;
    }

    private static void validate(CampaignDraft d) {
        List<FieldError> errors = new ArrayList<>();
        if (d.title() == null || d.title().isBlank() || d.title().length() > 200) {
            errors.add(new FieldError("title", "Give the campaign a title of 1 to 200 characters."));
        }
        if (d.instructions() == null
                || d.instructions().isBlank()
                || d.instructions().length() > 20_000) {
            errors.add(new FieldError(
                    "instructions",
                    "Write the instructions contributors read beside every item (up to 20,000 characters)."));
        }
        if (d.reviewsPerItem() < 1 || d.reviewsPerItem() > 9) {
            errors.add(new FieldError("reviewsPerItem", "Ask for 1 to 9 reviews per item."));
        }
        if (d.selection() == null) {
            errors.add(new FieldError("selection", "Choose ALL, INCORRECT or SAMPLE."));
        } else if (d.selection() == Selection.SAMPLE && (d.sampleSize() == null || d.sampleSize() < 1)) {
            errors.add(new FieldError("sampleSize", "Say how many items to sample (at least 1)."));
        }
        if (!(d.goldShare() >= 0 && d.goldShare() <= 0.5)) {
            errors.add(new FieldError("goldShare", "The share of gold items is between 0 and 0.5."));
        }
        if (d.goldMinAnswers() < 1 || d.goldMinAnswers() > 1000) {
            errors.add(new FieldError("goldMinAnswers", "Judge gold accuracy after 1 to 1,000 gold answers."));
        }
        if (!(d.goldThreshold() >= 0 && d.goldThreshold() <= 1)) {
            errors.add(new FieldError("goldThreshold", "The gold accuracy to stay is between 0 and 1."));
        }
        if (!(d.decideThreshold() > 0.5 && d.decideThreshold() < 1)) {
            errors.add(new FieldError("decideThreshold", "The posterior to decide an item is above 0.5 and below 1."));
        }
        if (d.capPerContributor() != null && d.capPerContributor() < 1) {
            errors.add(new FieldError("capPerContributor", "The cap per contributor is at least 1 item, or none."));
        }
        if (d.answersPerMinute() < 1 || d.answersPerMinute() > 600) {
            errors.add(new FieldError("answersPerMinute", "Allow 1 to 600 answers a minute per contributor."));
        }
        if (!(d.minSecondsPerItem() >= 0 && d.minSecondsPerItem() <= 3600)) {
            errors.add(new FieldError("minSecondsPerItem", "The minimum time per item is 0 to 3,600 seconds."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    private Campaigns.Settings settings(UUID id) {
        UUID workspace = currentTenant.require().workspaceId();
        return campaigns
                .settings(id)
                .filter(c -> c.workspaceId().equals(workspace))
                .orElseThrow(CampaignService::notFound);
    }

    private Campaigns.Contributor contributor(UUID id, UUID userId) {
        return campaigns
                .contributor(id, userId)
                .orElseThrow(() -> new NotFoundException("This campaign has no such contributor."));
    }

    private static NotFoundException notFound() {
        return new NotFoundException("No campaign of this workspace has this id.");
    }
}
