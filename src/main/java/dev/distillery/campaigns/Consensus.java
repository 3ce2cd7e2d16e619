package dev.distillery.campaigns;

import dev.distillery.review.CorrectionService;
import dev.distillery.review.Revision;
import dev.distillery.review.RevisionDraft;
import dev.distillery.shared.ConflictException;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Scores answers and decides items, in the campaign's workspace transaction. An answer on a gold item updates its
 * contributor's gold accuracy and confusion counts (and may pause them); any other answer updates its item's posterior
 * with every
 * contributor's current reliability (Dawid–Skene), and the item becomes final once the posterior passes the campaign's
 * threshold either way (with at least two answers, or all the reviews it asked for), or goes to adjudication when its
 * reviews are in and contributors still disagree. A final decision is saved as a trace revision by the campaign.
 */
@Component
class Consensus {

    /** Versions of a corrected trace this close (normalised edit distance) count as the same correction. */
    static final double SAME_CORRECTION = 0.05;

    private final Campaigns campaigns;
    private final CampaignItems items;
    private final CorrectionService corrections;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;

    Consensus(
            Campaigns campaigns,
            CampaignItems items,
            CorrectionService corrections,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock) {
        this.campaigns = campaigns;
        this.items = items;
        this.corrections = corrections;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** Scores one answer (once: a repeated call does nothing); true when it paused its contributor. */
    boolean score(Campaigns.Settings c, long answerId) {
        CampaignItems.Given answer = items.given(answerId).orElse(null);
        if (answer == null || answer.scored() || !items.markScored(answerId)) {
            return false;
        }
        Campaigns.Contributor who =
                campaigns.lockContributor(c.id(), answer.userId()).orElseThrow();
        boolean skipped = "SKIPPED".equals(answer.status());
        CampaignItems.State state = items.state(c.id(), answer.itemId()).orElseThrow();
        double seconds = answer.answeredAt() == null
                ? 0
                : Math.max(
                        0,
                        (answer.answeredAt().toEpochMilli() - answer.servedAt().toEpochMilli()) / 1000.0);
        boolean suspicious = !skipped && seconds < c.minSeconds();
        Boolean goldRight = !skipped && state.gold() && answer.verdict() != null
                ? answer.verdict().equals(state.goldVerdict())
                : null;
        campaigns.addAnswer(c.id(), answer.userId(), skipped, seconds, suspicious, goldRight);
        items.answered(c.id(), answer.itemId(), skipped);
        if (suspicious) {
            auditLog.record(
                    "campaign.suspicious-answer",
                    c.title(),
                    who.displayName() + " answered " + answer.itemId() + " in "
                            + String.format(Locale.ROOT, "%.1f", seconds) + " s (minimum "
                            + String.format(Locale.ROOT, "%.0f", c.minSeconds()) + " s)");
        }
        if (skipped || answer.verdict() == null) {
            return false;
        }
        if (state.gold()) {
            campaigns.setCounts(
                    c.id(),
                    answer.userId(),
                    DawidSkene.add(who.counts(), answer.verdict(), Boolean.TRUE.equals(state.goldVerdict()) ? 1 : 0));
            int goldAnswers = who.goldAnswers() + 1;
            int goldCorrect = who.goldCorrect() + (Boolean.TRUE.equals(goldRight) ? 1 : 0);
            if ("ACTIVE".equals(who.status())
                    && goldAnswers >= c.goldMinAnswers()
                    && (double) goldCorrect / goldAnswers < c.goldThreshold()) {
                pause(c, who, goldCorrect, goldAnswers);
                return true;
            }
            return false;
        }
        decide(c, answer.itemId());
        return false;
    }

    private void pause(Campaigns.Contributor who, Campaigns.Settings c, String reason) {
        campaigns.setStatus(c.id(), who.userId(), "PAUSED", reason);
        List<String> touched = items.withdraw(c.id(), who.userId(), "SET_ASIDE", true);
        redecide(c, touched);
    }

    private void pause(Campaigns.Settings c, Campaigns.Contributor who, int right, int of) {
        String reason = "Paused: your answers on check items were right " + right + " of " + of + " times, below the "
                + "campaign's bar of " + Math.round(c.goldThreshold() * 100) + " %. Your answers on items not yet "
                + "decided are set aside; the campaign's owner may let you go on.";
        pause(who, c, reason);
        auditLog.record(
                "campaign.contributor-paused",
                c.title(),
                who.displayName() + ": gold " + right + "/" + of + " below " + Math.round(c.goldThreshold() * 100)
                        + " %");
    }

    /** Pauses a contributor by the owner's hand. */
    void pauseByOwner(Campaigns.Settings c, Campaigns.Contributor who) {
        pause(who, c, "Paused by the campaign's owner. Your answers on items not yet decided are set aside.");
    }

    /** Removes a contributor: all their answers are excluded and the items they answered decided again. */
    void remove(Campaigns.Settings c, Campaigns.Contributor who) {
        campaigns.setStatus(c.id(), who.userId(), "REMOVED", "Removed by the campaign's owner.");
        List<String> touched = items.withdraw(c.id(), who.userId(), "EXCLUDED", false);
        refit(c);
        redecide(c, touched);
    }

    private void redecide(Campaigns.Settings c, List<String> itemIds) {
        for (String itemId : new LinkedHashSet<>(itemIds)) {
            items.recount(c.id(), itemId);
            CampaignItems.State s = items.state(c.id(), itemId).orElseThrow();
            if (!s.gold()) {
                if ("FINAL".equals(s.state())) {
                    // A decision that stood on withdrawn answers is taken again from those that remain.
                    items.decide(c.id(), itemId, "OPEN", s.posterior(), null, null, null, null);
                }
                decide(c, itemId);
            }
        }
    }

    /**
     * Decides one item from its counted answers and the contributors' current reliabilities; returns its posterior.
     * A final item stays final (its revision is history); a later answer on it only moves its posterior.
     */
    double decide(Campaigns.Settings c, String itemId) {
        CampaignItems.State s = items.state(c.id(), itemId).orElseThrow();
        List<CampaignItems.Given> answers = items.counted(c.id(), itemId);
        Map<UUID, Campaigns.Contributor> people = voters(c, answers);
        List<DawidSkene.Vote> votes = new ArrayList<>();
        for (CampaignItems.Given a : answers) {
            Campaigns.Contributor p = people.get(a.userId());
            if (p != null && a.verdict() != null) {
                votes.add(new DawidSkene.Vote(a.verdict(), worker(p)));
            }
        }
        if (votes.isEmpty()) {
            return c.prior();
        }
        double posterior = DawidSkene.posterior(c.prior(), votes);
        if ("FINAL".equals(s.state())) {
            items.updatePosterior(c.id(), itemId, posterior);
            return posterior;
        }
        boolean confident = posterior >= c.decideThreshold() || posterior <= 1 - c.decideThreshold();
        boolean complete = votes.size() >= c.reviewsPerItem();
        String odds = String.format(
                Locale.ROOT,
                "P(correct) = %.3f from %d answer%s",
                posterior,
                votes.size(),
                votes.size() == 1 ? "" : "s");
        if (confident && (votes.size() >= 2 || complete)) {
            boolean verdict = posterior >= 0.5;
            Optional<TraceChoice> trace = chooseTrace(c, itemId, answers, people);
            if (trace.isEmpty()) {
                if (complete) {
                    items.decide(
                            c.id(),
                            itemId,
                            "ADJUDICATION",
                            posterior,
                            null,
                            null,
                            odds + ", but the corrected traces differ and none has a majority of the weight",
                            clock.instant());
                } else {
                    items.decide(c.id(), itemId, "OPEN", posterior, null, null, null, null);
                }
                return posterior;
            }
            String reason = odds + " (weights " + weights(answers, people) + ")"
                    + trace.get().why();
            items.decide(
                    c.id(),
                    itemId,
                    "FINAL",
                    posterior,
                    verdict,
                    trace.get().changed() ? trace.get().text() : null,
                    reason,
                    clock.instant());
            recordDecided(c, answers, people, verdict);
            apply(c, s, verdict, trace.get(), reason);
        } else if (complete) {
            items.decide(
                    c.id(),
                    itemId,
                    "ADJUDICATION",
                    posterior,
                    null,
                    null,
                    "Contributors disagree: " + odds + " (weights " + weights(answers, people)
                            + "), short of the campaign's " + c.decideThreshold() + " either way",
                    clock.instant());
        } else {
            items.decide(c.id(), itemId, "OPEN", posterior, null, null, null, null);
        }
        return posterior;
    }

    /** The trace the reliable majority converged on: the one shown (no edit) or one cluster of corrections. */
    record TraceChoice(boolean changed, @Nullable String text, String why) {}

    private Optional<TraceChoice> chooseTrace(
            Campaigns.Settings c,
            String itemId,
            List<CampaignItems.Given> answers,
            Map<UUID, Campaigns.Contributor> people) {
        boolean anyCorrection = answers.stream().anyMatch(a -> a.correctedTrace() != null);
        String shown = anyCorrection ? items.shownTrace(c.id(), itemId) : null;
        if (shown == null) {
            return Optional.of(new TraceChoice(false, null, ""));
        }
        List<TraceClusters.Version> versions = new ArrayList<>();
        double total = 0;
        for (CampaignItems.Given a : answers) {
            Campaigns.Contributor p = people.get(a.userId());
            double weight = p == null ? 0.05 : Math.max(0.05, weight(p));
            String text = a.correctedTrace() != null ? a.correctedTrace() : shown;
            versions.add(new TraceClusters.Version(a.userId().toString(), text, weight));
            total += weight;
        }
        List<TraceClusters.Cluster> clusters = TraceClusters.cluster(versions, SAME_CORRECTION);
        Optional<TraceClusters.Cluster> winner = TraceClusters.winner(clusters, total, 0.5);
        if (winner.isEmpty()) {
            return Optional.empty();
        }
        TraceClusters.Cluster w = winner.get();
        // Exact after normalising: a correction of one number is a small edit but a real one.
        boolean unchanged = normalise(w.representative()).equals(normalise(shown));
        String share = String.format(Locale.ROOT, "%.0f %%", 100 * w.weight() / total);
        return Optional.of(
                unchanged
                        ? new TraceChoice(false, null, "; the trace stays as shown (" + share + " of the weight)")
                        : new TraceChoice(
                                true,
                                w.representative(),
                                "; " + w.workers().size() + " contributor"
                                        + (w.workers().size() == 1 ? "" : "s")
                                        + " converged on a corrected trace (" + share + " of the weight, "
                                        + clusters.size() + " version" + (clusters.size() == 1 ? "" : "s") + ")"));
    }

    /**
     * Settles an item by hand: the adjudicator's verdict, and the trace they chose (null keeps the one shown), saved
     * like a consensus decision.
     */
    void adjudicate(Campaigns.Settings c, String itemId, boolean verdict, @Nullable String trace, String adjudicator) {
        CampaignItems.State s = items.state(c.id(), itemId).orElseThrow();
        if (s.gold()) {
            throw new ConflictException("Item " + itemId + " is gold: its verdict is known already.");
        }
        if ("FINAL".equals(s.state())) {
            throw new ConflictException("Item " + itemId + " is decided already.");
        }
        String shown = items.shownTrace(c.id(), itemId);
        boolean changed = trace != null && shown != null && !normalise(trace).equals(normalise(shown));
        String reason = "Adjudicated by " + adjudicator + ": " + (verdict ? "correct" : "incorrect")
                + (changed ? ", with a corrected trace" : "")
                + (s.posterior() == null
                        ? ""
                        : String.format(Locale.ROOT, " (the crowd's P(correct) was %.3f)", s.posterior()));
        items.decide(c.id(), itemId, "FINAL", s.posterior(), verdict, changed ? trace : null, reason, clock.instant());
        List<CampaignItems.Given> answers = items.counted(c.id(), itemId);
        recordDecided(c, answers, voters(c, answers), verdict);
        apply(c, s, verdict, new TraceChoice(changed, changed ? trace : null, ""), reason);
    }

    /** The item's voters by user id: only they, as reading every contributor made each decision cost O(contributors). */
    private Map<UUID, Campaigns.Contributor> voters(Campaigns.Settings c, List<CampaignItems.Given> answers) {
        Map<UUID, Campaigns.Contributor> people = new HashMap<>();
        campaigns
                .contributors(
                        c.id(),
                        answers.stream().map(CampaignItems.Given::userId).toList())
                .forEach(p -> people.put(p.userId(), p));
        return people;
    }

    /** Between full fits a contributor's confusion grows from known truths only: gold, and decided items. */
    private void recordDecided(
            Campaigns.Settings c,
            List<CampaignItems.Given> answers,
            Map<UUID, Campaigns.Contributor> people,
            boolean verdict) {
        for (CampaignItems.Given a : answers) {
            Campaigns.Contributor p = people.get(a.userId());
            if (a.verdict() != null && p != null) {
                campaigns.addDecided(
                        c.id(),
                        a.userId(),
                        a.verdict() == verdict,
                        DawidSkene.add(p.counts(), a.verdict(), verdict ? 1 : 0));
            }
        }
    }

    /** Saves a final decision as a trace revision by the campaign, and re-runs the student on a corrected trace. */
    private void apply(Campaigns.Settings c, CampaignItems.State s, boolean verdict, TraceChoice trace, String reason) {
        TenantContext campaign = new TenantContext(
                c.workspaceId(), Role.REVIEWER, new Actor(null, null, "campaign “" + c.title() + "”"));
        currentTenant.callAs(campaign, () -> {
            // On the latest revision, read from review's view (the whole trace costs as much as the save). A reviewer
            // saving the same trace in the same instant makes this a conflict: the scoring transaction rolls back,
            // the answer stays unscored, and it is scored again on the contributor's next request or a recompute.
            Revision saved = corrections.save(
                    c.runId(),
                    s.itemId(),
                    new RevisionDraft(
                            items.latestRevision(c.runId(), s.itemId()),
                            trace.changed() ? trace.text() : null,
                            verdict,
                            truncate("campaign consensus: " + reason, 1_000),
                            null));
            items.applied(c.id(), s.itemId(), saved.revision());
            if (trace.changed()) {
                corrections.rerunEdited(c.runId(), List.of(s.itemId()));
            }
            return null;
        });
    }

    /**
     * Fits the reliability model to every counted answer of the campaign (gold clamped) and stores each contributor's
     * counts and the class prior; incremental updates between fits drift, this corrects them.
     */
    DawidSkene.Result refit(Campaigns.Settings c) {
        Map<String, Boolean> gold = new HashMap<>();
        for (CampaignItems.State s : items.states(c.id())) {
            if (s.gold() && s.goldVerdict() != null) {
                gold.put(s.itemId(), s.goldVerdict());
            }
        }
        List<DawidSkene.Answer> answers = new ArrayList<>();
        for (CampaignItems.Given a : items.allCounted(c.id())) {
            if (a.verdict() != null) {
                answers.add(new DawidSkene.Answer(a.itemId(), a.userId().toString(), a.verdict()));
            }
        }
        DawidSkene.Result fit = DawidSkene.fit(answers, gold, 50, 1e-6);
        for (Campaigns.Contributor p : campaigns.contributors(c.id())) {
            campaigns.setCounts(
                    c.id(), p.userId(), fit.counts().getOrDefault(p.userId().toString(), DawidSkene.Counts.NONE));
        }
        campaigns.updatePrior(c.id(), fit.prior());
        return fit;
    }

    /** A full recompute: the model is fitted again, and every item not yet final decided with it. */
    int recompute(Campaigns.Settings c) {
        for (long id : items.unscored(c.id(), null)) {
            score(c, id);
        }
        refit(c);
        Campaigns.Settings fresh = campaigns.settings(c.id()).orElseThrow();
        int decided = 0;
        for (CampaignItems.State s : items.states(c.id())) {
            if (!s.gold() && !"FINAL".equals(s.state()) && s.answers() > 0) {
                decide(fresh, s.itemId());
                decided++;
            }
        }
        return decided;
    }

    static DawidSkene.Worker worker(Campaigns.Contributor p) {
        return DawidSkene.estimate(p.counts(), DawidSkene.Prior.DEFAULT);
    }

    /** A contributor's weight: the log-odds of their balanced accuracy (0 for a coin flip). */
    static double weight(Campaigns.Contributor p) {
        DawidSkene.Worker w = worker(p);
        double accuracy = (w.sensitivity() + w.specificity()) / 2;
        return Math.log(accuracy / (1 - accuracy));
    }

    private static String weights(List<CampaignItems.Given> answers, Map<UUID, Campaigns.Contributor> people) {
        List<String> parts = new ArrayList<>();
        for (CampaignItems.Given a : answers) {
            Campaigns.Contributor p = people.get(a.userId());
            if (p != null && a.verdict() != null) {
                parts.add(p.displayName() + " " + (a.verdict() ? "correct" : "incorrect") + " "
                        + String.format(Locale.ROOT, "%.2f", weight(p)));
            }
        }
        return String.join(", ", parts);
    }

    private static String normalise(String trace) {
        return trace.strip().replaceAll("[ \\t]+", " ").replaceAll("\\s*\\n\\s*", "\n");
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
