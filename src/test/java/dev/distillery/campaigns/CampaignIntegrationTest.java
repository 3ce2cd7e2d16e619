package dev.distillery.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.QueueService.Selection;
import dev.distillery.runs.RunService;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A campaign as three outsiders work it: each sees only the items served to them, the careless one (who calls every
 * wrong answer correct) is paused by the gold items and their open answers set aside, the two careful ones' consensus
 * decides every item, and the corrected trace they converge on is saved as a revision and re-run.
 */
class CampaignIntegrationTest extends ApiIntegrationTest {

    static OpenAiSimulator sim;

    @Autowired
    CampaignService campaigns;

    @Autowired
    ContributorService contributors;

    @Autowired
    CorrectionService corrections;

    @Autowired
    RunService runs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    dev.distillery.tenancy.CurrentTenant currentTenant;

    @Autowired
    dev.distillery.tenancy.WorkspaceService workspaces;

    @Autowired
    PlatformTransactionManager transactions;

    @BeforeAll
    static void startSimulator() {
        sim = CampaignRuns.simulator();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void carelessContributorsArePausedByGoldAndTheCarefulConsensusCorrectsTheRun() throws Exception {
        var owner = tenants.tenant("campaign-owner", Role.ADMIN);
        UUID runId = UUID.fromString(finishedRun(owner.apiKey(), 8));
        CampaignDraft draft = new CampaignDraft(
                runId,
                "Fix GSM8K steps",
                "Say whether the **answer** is right; fix the steps if not.",
                2,
                Selection.INCORRECT,
                null,
                0.3,
                2,
                0.7,
                0.8,
                null,
                600,
                0,
                null,
                false);
        CreatedCampaign created = tenants.as(owner.email(), () -> campaigns.create(draft));
        UUID id = created.campaign().id();
        assertThat(created.campaign().items()).isEqualTo(8);
        List<ItemDecision> all = tenants.as(owner.email(), () -> campaigns.decisions(id, null, 0, 100));
        for (ItemDecision item : all.subList(0, 2)) {
            tenants.as(owner.email(), () -> campaigns.setGold(id, item.itemId(), false, null));
        }

        String careless = tenants.signUp("careless");
        String ada = tenants.signUp("ada");
        String bob = tenants.signUp("bob");
        for (String who : List.of(careless, ada, bob)) {
            var joined = tenants.as(who, () -> contributors.join(created.joinToken()));
            assertThat(joined.outcome()).isEqualTo("JOINED");
            // Nothing of the workspace is theirs to read: not its campaigns, not its runs.
            assertThatThrownBy(() -> tenants.as(who, () -> campaigns.get(id))).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> tenants.as(who, () -> runs.get(runId))).isInstanceOf(NotFoundException.class);
        }

        // The careless contributor calls every answer correct until the gold items stop them.
        int answered = 0;
        while (true) {
            Optional<ServedItem> next = tenants.as(careless, () -> contributors.next(id));
            if (next.isEmpty()) {
                break;
            }
            tenants.as(
                    careless,
                    () -> contributors.answer(id, AnswerDraft.verdict(next.get().itemId(), true)));
            answered++;
        }
        MyCampaign paused = tenants.as(careless, () -> contributors.campaign(id));
        assertThat(paused.status()).isEqualTo("PAUSED");
        assertThat(paused.statusReason()).contains("right 0 of 2 times");
        assertThat(answered).isBetween(2, 8);
        assertThatThrownBy(() ->
                        tenants.as(careless, () -> contributors.answer(id, AnswerDraft.verdict("test-0", true))))
                .isInstanceOf(ConflictException.class);

        // The careful ones call the answers wrong and write the step that reports the reference answer.
        for (String who : List.of(ada, bob)) {
            while (true) {
                Optional<ServedItem> next = tenants.as(who, () -> contributors.next(id));
                if (next.isEmpty()) {
                    break;
                }
                ServedItem item = next.get();
                assertThat(item.teacherOutput()).isEqualTo("1. Add the numbers.\n2. Report the total.");
                String fixed =
                        "1. Add the numbers.\n2. Report " + item.referenceAnswer() + (who.equals(bob) ? " " : "");
                tenants.as(
                        who, () -> contributors.answer(id, new AnswerDraft(item.itemId(), false, fixed, null, false)));
            }
        }

        // Row-level security alone keeps a contributor to their own rows and served items.
        UUID adaId = tenants.as(ada, () -> contributors.campaign(id)).id();
        assertThat(adaId).isEqualTo(id);
        Map<String, Integer> seen = asUser(ada);
        assertThat(seen.get("states")).isZero();
        assertThat(seen.get("others")).isZero();
        assertThat(seen.get("items")).isEqualTo(seen.get("own"));
        assertThat(seen.get("runs")).isZero();

        CampaignSummary done = tenants.as(owner.email(), () -> campaigns.get(id));
        assertThat(done.finalItems()).isEqualTo(6);
        List<ContributorStats> stats = tenants.as(owner.email(), () -> campaigns.contributors(id));
        ContributorStats carelessStats = stats.stream()
                .filter(s -> s.displayName().equals("careless"))
                .findFirst()
                .orElseThrow();
        assertThat(carelessStats.status()).isEqualTo("PAUSED");
        assertThat(carelessStats.goldAccuracy()).isZero();
        assertThat(stats.stream().filter(s -> !s.displayName().equals("careless")))
                .allSatisfy(s -> {
                    assertThat(s.goldAccuracy()).isEqualTo(1.0);
                    assertThat(s.agreement()).isEqualTo(1.0);
                });

        ItemDecision decided = tenants.as(owner.email(), () -> campaigns.decisions(id, "FINAL", 0, 1))
                .getFirst();
        assertThat(decided.finalVerdict()).isFalse();
        assertThat(decided.traceChanged()).isTrue();
        assertThat(decided.reason()).contains("P(correct)").contains("converged on a corrected trace");
        assertThat(decided.votes()).extracting(ItemDecision.Vote::contributor).containsExactly("ada", "bob");
        assertThat(decided.appliedRevision()).isNotNull();

        // The campaign's decision is a revision of the run's trace, and the student re-run on it is correct.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        var review = tenants.as(owner.email(), () -> corrections.review(runId, decided.itemId()));
        while (review.latest().rerun() == null && System.nanoTime() < deadline) {
            Thread.sleep(200);
            review = tenants.as(owner.email(), () -> corrections.review(runId, decided.itemId()));
        }
        assertThat(review.latest().author()).isEqualTo("campaign “Fix GSM8K steps”");
        assertThat(review.latest().rerun()).isNotNull();
        assertThat(review.latest().rerun().correct()).isTrue();

        // Removing a contributor excludes their answers: the items they decided are open again.
        UUID bobId = stats.stream()
                .filter(s -> s.displayName().equals("bob"))
                .findFirst()
                .orElseThrow()
                .userId();
        tenants.as(owner.email(), () -> campaigns.remove(id, bobId));
        assertThat(tenants.as(owner.email(), () -> campaigns.get(id)).finalItems())
                .isLessThan(6);
        assertThatThrownBy(() -> tenants.as(bob, () -> contributors.campaign(id)))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aJoinLinkThatOpensNothingIsRefusedAndOutsidersCannotReadACampaign() throws Exception {
        String stranger = tenants.signUp("stranger");
        assertThatThrownBy(() -> tenants.as(stranger, () -> contributors.join("dcj_nothing")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("does not open any campaign");
        assertThatThrownBy(() -> tenants.as(stranger, () -> contributors.next(UUID.randomUUID())))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aListedCampaignIsOnTheWorkspacesPublicPageAndAnyoneWithAnAccountJoinsIt() throws Exception {
        var owner = tenants.tenant("listing-owner", Role.ADMIN);
        UUID runId = UUID.fromString(finishedRun(owner.apiKey(), 3));
        CampaignDraft base = CampaignDraft.defaults(runId, "Check <b>these</b> answers", "Read *carefully*.");
        CampaignDraft listed = new CampaignDraft(
                runId,
                base.title(),
                base.instructions(),
                1,
                Selection.ALL,
                null,
                0,
                5,
                0.7,
                0.95,
                null,
                20,
                5,
                null,
                true);
        UUID listedId = tenants.as(owner.email(), () -> campaigns.create(listed))
                .campaign()
                .id();
        UUID hiddenId = tenants.as(
                        owner.email(), () -> campaigns.create(CampaignDraft.defaults(runId, "Internal", "Not listed.")))
                .campaign()
                .id();
        String slug = tenants.as(owner.email(), () -> workspaces.current()).slug();

        HttpResponse<String> page = new TestHttp(port).call("GET", "/p/" + slug, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Check &lt;b&gt;these&lt;/b&gt; answers")
                .contains("<em>carefully</em>")
                .contains("/join/listed-" + listedId)
                .doesNotContain("Internal")
                .doesNotContain(runId.toString());
        assertThat(new TestHttp(port)
                        .call("GET", "/p/no-such-workspace", null, null)
                        .statusCode())
                .isEqualTo(404);

        String visitor = tenants.signUp("visitor");
        assertThat(tenants.as(visitor, () -> contributors.join("listed-" + listedId))
                        .outcome())
                .isEqualTo("JOINED");
        assertThat(tenants.as(visitor, () -> contributors.next(listedId))).isPresent();
        // An unlisted campaign's id opens nothing: it needs its secret link.
        assertThatThrownBy(() -> tenants.as(visitor, () -> contributors.join("listed-" + hiddenId)))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void contributorsWhoDisagreeSendTheItemToAdjudicationAndTheOwnersDecisionIsSaved() throws Exception {
        var owner = tenants.tenant("adjudicating-owner", Role.ADMIN);
        UUID runId = UUID.fromString(finishedRun(owner.apiKey(), 1));
        CampaignDraft draft = new CampaignDraft(
                runId,
                "Disagreement",
                "Judge the answer.",
                2,
                Selection.ALL,
                null,
                0,
                5,
                0.7,
                0.95,
                null,
                20,
                0,
                null,
                false);
        UUID id = tenants.as(owner.email(), () -> campaigns.create(draft))
                .campaign()
                .id();
        String yes = tenants.signUp("yes");
        String no = tenants.signUp("no");
        String token = tenants.as(owner.email(), () -> campaigns.newJoinToken(id));
        for (String who : List.of(yes, no)) {
            tenants.as(who, () -> contributors.join(token));
            ServedItem item = tenants.as(who, () -> contributors.next(id)).orElseThrow();
            tenants.as(who, () -> contributors.answer(id, AnswerDraft.verdict(item.itemId(), who.equals(yes))));
        }
        ItemDecision split = tenants.as(owner.email(), () -> campaigns.decisions(id, "ADJUDICATION", 0, 10))
                .getFirst();
        assertThat(split.reason()).startsWith("Contributors disagree: P(correct) = 0.500 from 2 answers");
        assertThat(split.votes()).hasSize(2);

        ItemDecision settled = tenants.as(
                owner.email(),
                () -> campaigns.adjudicate(id, split.itemId(), false, "1. Add the numbers.\n2. Report 999"));
        assertThat(settled.state()).isEqualTo("FINAL");
        assertThat(settled.traceChanged()).isTrue();
        assertThat(settled.reason())
                .startsWith("Adjudicated by " + owner.email() + ": incorrect, with a corrected trace");
        assertThat(settled.appliedRevision()).isEqualTo(1);
        assertThatThrownBy(() -> tenants.as(owner.email(), () -> campaigns.adjudicate(id, split.itemId(), true, null)))
                .isInstanceOf(ConflictException.class);
    }

    /** What a contributor's own transaction sees, by row-level security alone. */
    private Map<String, Integer> asUser(String email) {
        return tenants.as(
                email,
                () -> new TransactionTemplate(transactions).execute(s -> {
                    currentTenant.bindPersonOnly();
                    return Map.of(
                            "states", count("SELECT count(*) FROM campaign_item_states"),
                            "others", count("SELECT count(*) FROM campaign_answers WHERE user_id <> app_user_id()"),
                            "items", count("SELECT count(*) FROM campaign_items"),
                            "own",
                                    count(
                                            "SELECT count(DISTINCT item_id) FROM campaign_answers WHERE user_id = app_user_id()"),
                            "runs", count("SELECT count(*) FROM runs r JOIN campaigns c ON c.run_id = r.id"));
                }));
    }

    private int count(String sql) {
        return jdbc.sql(sql).query(Integer.class).single();
    }

    private String finishedRun(String key, int limit) throws Exception {
        return CampaignRuns.finishedRun(new TestHttp(port), json, sim, key, limit);
    }
}
