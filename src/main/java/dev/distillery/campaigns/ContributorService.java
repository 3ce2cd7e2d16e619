package dev.distillery.campaigns;

import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.TooManyRequestsException;
import dev.distillery.tenancy.AccountService;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.Secrets;
import dev.distillery.tenancy.TenantContext;
import dev.distillery.tenancy.UserSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a campaign's contributor does: join by link, take the next item, answer or skip it, and see their own progress
 * and history. Everything a contributor reads is read in a transaction that carries only their user id, so row-level
 * security shows them their campaign, their own answers and the items served to them, and nothing else of the
 * workspace. Choosing the next item and scoring an answer need the workspace's gold and consensus: they run in the
 * campaign's workspace context, on the server's side, and hand back only an item id.
 */
@Service
public class ContributorService {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ContributorService.class);

    /** How long a served item stays the contributor's before it goes back to the pool. */
    static final Duration LEASE = Duration.ofMinutes(20);

    static final int MAX_TRACE = 20_000;
    static final int MAX_COMMENT = 2_000;

    private final Campaigns campaigns;
    private final CampaignItems items;
    private final Consensus consensus;
    private final CurrentTenant currentTenant;
    private final AccountService accounts;
    private final AuditLog auditLog;
    private final TransactionTemplate tx;
    private final Clock clock;

    ContributorService(
            Campaigns campaigns,
            CampaignItems items,
            Consensus consensus,
            CurrentTenant currentTenant,
            AccountService accounts,
            AuditLog auditLog,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.campaigns = campaigns;
        this.items = items;
        this.consensus = consensus;
        this.currentTenant = currentTenant;
        this.accounts = accounts;
        this.auditLog = auditLog;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** What joining did: the campaign, and JOINED, ALREADY (a contributor before), REMOVED or CLOSED. */
    public record JoinResult(UUID campaignId, String outcome) {

        public boolean admitted() {
            return "JOINED".equals(outcome) || "ALREADY".equals(outcome);
        }
    }

    /**
     * Joins the campaign the token opens (a join link's secret, or a listed campaign's {@link #LISTED} id), as the
     * signed-in person.
     *
     * @throws NotFoundException when no campaign has this token (it may have been replaced)
     */
    public JoinResult join(String token) {
        Actor me = currentTenant.requirePerson();
        String name = accounts.currentUser().map(UserSummary::displayName).orElse(me.label());
        String key = token.strip();
        UUID listed = listedId(key);
        Campaigns.Joined joined = asPerson(() -> listed != null
                        ? campaigns.joinListed(listed, name, clock.instant())
                        : campaigns.join(Secrets.hash(key), name, clock.instant()))
                .orElseThrow(() -> new NotFoundException(
                        "This join link does not open any campaign: it may have been replaced by a new one."));
        if ("JOINED".equals(joined.outcome())) {
            UUID workspace = asPerson(
                            () -> campaigns.settings(joined.campaignId()).orElseThrow())
                    .workspaceId();
            asWorkspace(workspace, me, name, () -> {
                auditLog.record("campaign.joined", joined.campaignId().toString(), name);
                return Boolean.TRUE;
            });
        }
        return new JoinResult(joined.campaignId(), joined.outcome());
    }

    /** A listed campaign's public join token: this prefix and the campaign's id (no secret: it is listed). */
    public static final String LISTED = "listed-";

    private static @Nullable UUID listedId(String token) {
        if (!token.startsWith(LISTED)) {
            return null;
        }
        try {
            return UUID.fromString(token.substring(LISTED.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The open campaigns a workspace lists on its public page ({@code /p/{workspace slug}}); needs no sign-in, shows
     * nothing else of the workspace.
     */
    public List<ListedCampaign> listed(String workspaceSlug) {
        return inTransaction(() -> campaigns.listed(workspaceSlug, clock.instant()));
    }

    /** The campaigns the signed-in person contributes to. */
    public List<MyCampaign> myCampaigns() {
        Actor me = currentTenant.requirePerson();
        UUID user = Objects.requireNonNull(me.userId());
        return asPerson(() -> campaigns.myCampaigns(user).stream()
                .flatMap(id -> campaigns.myCampaign(id, user, clock.instant()).stream())
                .toList());
    }

    /** @throws NotFoundException unless the signed-in person contributes to the campaign */
    public MyCampaign campaign(UUID campaignId) {
        Actor me = currentTenant.requirePerson();
        UUID user = Objects.requireNonNull(me.userId());
        return asPerson(() -> campaigns.myCampaign(campaignId, user, clock.instant()))
                .orElseThrow(() -> notFound());
    }

    /**
     * The item to review now: the one already served and not answered, else a new one (a gold item now and then, at
     * the campaign's share, unmarked). Empty when the campaign has nothing more for this contributor, or they may not
     * go on (paused, closed, cap reached): {@link #campaign} says which.
     */
    public Optional<ServedItem> next(UUID campaignId) {
        Actor me = currentTenant.requirePerson();
        UUID user = Objects.requireNonNull(me.userId());
        Membership m = membership(campaignId, user);
        Campaigns.Settings c = m.campaign();
        Optional<String> itemId = asWorkspace(c.workspaceId(), me, m.self().displayName(), () -> {
            for (long id : items.unscored(campaignId, user)) {
                consensus.score(c, id);
            }
            Campaigns.Contributor locked =
                    campaigns.lockContributor(campaignId, user).orElseThrow(ContributorService::notFound);
            Instant now = clock.instant();
            if (!"ACTIVE".equals(locked.status()) || !c.openAt(now)) {
                return Optional.<String>empty();
            }
            Optional<String> held = items.held(campaignId, user);
            if (held.isPresent()) {
                return held;
            }
            if (c.cap() != null && locked.answers() + locked.skips() >= c.cap()) {
                return Optional.<String>empty();
            }
            items.reclaimExpired(campaignId, now.minus(LEASE));
            Optional<String> chosen = Optional.empty();
            // Gold at random, at the campaign's share, and never less than that share of what they were served so far,
            // with a phase of each contributor's own (so nobody can count on which item is the check), which puts the
            // first gold within the first 1/share + 1 items and judges a careless contributor early; and gold to
            // finish with when no other work is left.
            if (c.goldShare() > 0) {
                CampaignItems.Served served = items.served(campaignId, user);
                double phase = Math.floorMod((campaignId.toString() + user).hashCode(), 1024) / 1024.0;
                if (ThreadLocalRandom.current().nextDouble() < c.goldShare()
                        || served.gold() < Math.floor(served.all() * c.goldShare() + phase)) {
                    chosen = items.unseenGold(campaignId, user);
                }
            }
            if (chosen.isEmpty()) {
                chosen = items.nextOpen(campaignId, user, c.reviewsPerItem());
            }
            if (chosen.isEmpty() && c.goldShare() > 0) {
                chosen = items.unseenGold(campaignId, user);
            }
            chosen.ifPresent(item -> items.serve(c.workspaceId(), campaignId, item, user, now));
            return chosen;
        });
        if (itemId.isEmpty()) {
            return Optional.empty();
        }
        return asPerson(() -> items.content(campaignId, itemId.get(), user));
    }

    /**
     * Answers (or skips) the item served to the signed-in contributor, then scores it: gold accuracy, the item's
     * consensus, a final decision saved as a revision.
     *
     * @throws InvalidInputException naming the field that is wrong
     * @throws TooManyRequestsException beyond the campaign's answers per minute
     * @throws ConflictException when the item is not served to them (answered already, lease expired) or they are
     *     paused
     */
    public MyCampaign answer(UUID campaignId, AnswerDraft draft) {
        Actor me = currentTenant.requirePerson();
        UUID user = Objects.requireNonNull(me.userId());
        validate(draft);
        Membership m = membership(campaignId, user);
        Campaigns.Settings c = m.campaign();
        Instant now = clock.instant();
        AnswerDraft clean = new AnswerDraft(
                draft.itemId(),
                draft.verdict(),
                blankToNull(draft.correctedTrace()),
                blankToNull(draft.comment()),
                draft.skip());
        if (!c.openAt(now)) {
            throw new ConflictException("This campaign is closed: it takes no more answers.");
        }
        long answerId = asPerson(() -> {
            if (items.answeredSince(campaignId, user, now.minus(Duration.ofMinutes(1))) >= c.answersPerMinute()) {
                throw new TooManyRequestsException(
                        "This campaign takes at most " + c.answersPerMinute()
                                + " answers a minute from one contributor; wait a moment and send it again.",
                        Duration.ofSeconds(20));
            }
            return items.answer(campaignId, draft.itemId(), user, clean, now, c.minSeconds())
                    .orElseThrow(() -> {
                        Campaigns.Contributor self =
                                campaigns.contributor(campaignId, user).orElseThrow(ContributorService::notFound);
                        if (!"ACTIVE".equals(self.status())) {
                            return new ConflictException(Objects.requireNonNullElse(
                                    self.statusReason(), "You may not answer in this campaign now."));
                        }
                        return new ConflictException(
                                "Item " + draft.itemId() + " is not waiting for your answer: "
                                        + "it was answered already, or held so long it went back to the pool. Take the next one.");
                    });
        });
        try {
            asWorkspace(c.workspaceId(), me, m.self().displayName(), () -> consensus.score(c, answerId));
        } catch (ConflictException e) {
            // The answer is saved; its scoring met a reviewer's save of the same trace and is done again on the
            // contributor's next request (or a recompute), so the contributor need not hear of it.
            log.info("Scoring answer {} of campaign {} is deferred: {}", answerId, campaignId, e.getMessage());
        }
        return campaign(campaignId);
    }

    /** The signed-in contributor's own answers, newest first. */
    public List<MyAnswer> history(UUID campaignId, int limit) {
        Actor me = currentTenant.requirePerson();
        UUID user = Objects.requireNonNull(me.userId());
        membership(campaignId, user);
        return asPerson(() -> items.history(campaignId, user, Math.clamp(limit, 1, 500)));
    }

    /** A contributor's own row and their campaign's settings, read together as the contributor. */
    private record Membership(Campaigns.Contributor self, Campaigns.Settings campaign) {}

    private Membership membership(UUID campaignId, UUID user) {
        // Row-level security shows a campaign's row only to its workspace and its contributors.
        return asPerson(() -> campaigns
                        .contributor(campaignId, user)
                        .flatMap(self -> campaigns.settings(campaignId).map(c -> new Membership(self, c))))
                .orElseThrow(ContributorService::notFound);
    }

    private static void validate(AnswerDraft draft) {
        if (draft.itemId() == null || draft.itemId().isBlank()) {
            throw new InvalidInputException("itemId", "Say which item you answer (the id the next item came with).");
        }
        if (!draft.skip() && draft.verdict() == null) {
            throw new InvalidInputException(
                    "verdict", "Say whether the answer is correct (true) or not (false), or skip the item.");
        }
        if (draft.correctedTrace() != null && draft.correctedTrace().length() > MAX_TRACE) {
            throw new InvalidInputException(
                    "correctedTrace", "A corrected trace may be at most " + MAX_TRACE + " characters long.");
        }
        if (draft.comment() != null && draft.comment().length() > MAX_COMMENT) {
            throw new InvalidInputException("comment", "A comment may be at most " + MAX_COMMENT + " characters long.");
        }
    }

    private <T> T inTransaction(Supplier<T> work) {
        return Objects.requireNonNull(tx.execute(s -> work.get()));
    }

    /**
     * Work as the signed-in person alone: the transaction's row-level security knows their user id and no workspace,
     * not even one their session selected, so the policies show them only what a contributor may see.
     */
    private <T> T asPerson(Supplier<T> work) {
        return inTransaction(() -> {
            currentTenant.bindPersonOnly();
            return work.get();
        });
    }

    /** Work the server does for a contributor in the campaign's workspace, in its own transaction. */
    private <T> T asWorkspace(UUID workspaceId, Actor me, String name, Supplier<T> work) {
        TenantContext context =
                new TenantContext(workspaceId, Role.REVIEWER, new Actor(me.userId(), null, "contributor " + name));
        return currentTenant.callAs(context, () -> inTransaction(work));
    }

    private static NotFoundException notFound() {
        return new NotFoundException("No campaign you contribute to has this id.");
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
