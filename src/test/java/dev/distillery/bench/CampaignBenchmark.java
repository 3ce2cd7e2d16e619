package dev.distillery.bench;

import dev.distillery.GeneratedRuns;
import dev.distillery.TestDatabase;
import dev.distillery.TestTenants;
import dev.distillery.campaigns.AnswerDraft;
import dev.distillery.campaigns.CampaignService;
import dev.distillery.campaigns.ContributorService;
import dev.distillery.campaigns.ServedItem;
import dev.distillery.tenancy.Role;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * A campaign of 1,000 contributors and about 100,000 answers on a generated run of 40,000 items (39,800 in the
 * campaign: the run's failed items are left out), written straight into the database: items up to position 30,000
 * have their three reviews and are final, the next 5,000 have two of three and are open, the rest have none; every
 * 50th item is gold. Then, through the real services: "next item" for 300 different contributors (server time of
 * {@link ContributorService#next}, its three transactions included; target ≤ 100 ms), each answering the item they
 * were served ({@link ContributorService#answer}, scoring and the item's consensus included: the item is decided when
 * it returns; target ≤ 1 s), and a full recompute ({@link CampaignService#recompute}; target ≤ 30 s).
 */
@SpringBootTest
@ActiveProfiles("test")
class CampaignBenchmark {

    static final int RUN_ITEMS = 40_000;
    static final int CONTRIBUTORS = 1_000;
    static final int CALLS = 300;

    @Autowired
    TestTenants tenants;

    @Autowired
    CampaignService campaigns;

    @Autowired
    ContributorService contributors;

    @Test
    void campaignOfAThousandContributorsAndAHundredThousandAnswers() throws Exception {
        var tenant = tenants.tenant("campaignbench", Role.ADMIN);
        UUID runId = GeneratedRuns.insert(tenant.workspaceId(), RUN_ITEMS, "RUNNING");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        long generating = System.nanoTime();
        Generated g = generate(tenant.workspaceId(), runId, suffix);
        double generated = (System.nanoTime() - generating) / 1e9;

        // Warm-up: a few contributors beyond the measured ones.
        for (int u = CONTRIBUTORS - 5; u < CONTRIBUTORS; u++) {
            String email = email(u, suffix);
            tenants.as(email, () -> contributors.next(g.campaign()));
        }
        double[] next = new double[CALLS];
        List<Optional<ServedItem>> served = new ArrayList<>();
        for (int u = 0; u < CALLS; u++) {
            int i = u;
            served.add(tenants.as(email(u, suffix), () -> {
                long start = System.nanoTime();
                Optional<ServedItem> item = contributors.next(g.campaign());
                next[i] = (System.nanoTime() - start) / 1e6;
                return item;
            }));
        }
        double[] answer = new double[CALLS];
        int answered = 0;
        for (int u = 0; u < CALLS; u++) {
            Optional<ServedItem> item = served.get(u);
            if (item.isEmpty()) {
                continue;
            }
            int i = answered++;
            tenants.as(email(u, suffix), () -> {
                long start = System.nanoTime();
                contributors.answer(g.campaign(), AnswerDraft.verdict(item.get().itemId(), true));
                answer[i] = (System.nanoTime() - start) / 1e6;
                return null;
            });
        }
        long recomputing = System.nanoTime();
        int decided = tenants.as(tenant.email(), () -> campaigns.recompute(g.campaign()));
        double recompute = (System.nanoTime() - recomputing) / 1e9;
        long again = System.nanoTime();
        int decidedAgain = tenants.as(tenant.email(), () -> campaigns.recompute(g.campaign()));
        double recomputeAgain = (System.nanoTime() - again) / 1e9;

        BenchReport.record(
                "campaign",
                String.format(
                        "Campaign | %d items, %d contributors, %d answers (generated in %.1f s) | next item (%d "
                                + "contributors) p50 %.1f ms, p95 %.1f ms, max %.1f ms | answer scored and its item "
                                + "decided (%d) p50 %.1f ms, p95 %.1f ms, max %.1f ms | full recompute %.2f s (%d items "
                                + "decided), again %.2f s (%d)",
                        g.items(),
                        CONTRIBUTORS,
                        g.answers(),
                        generated,
                        CALLS,
                        percentile(next, CALLS, 0.5),
                        percentile(next, CALLS, 0.95),
                        percentile(next, CALLS, 1),
                        answered,
                        percentile(answer, answered, 0.5),
                        percentile(answer, answered, 0.95),
                        percentile(answer, answered, 1),
                        recompute,
                        decided,
                        recomputeAgain,
                        decidedAgain));
    }

    record Generated(UUID campaign, int items, int answers) {}

    private static String email(int u, String suffix) {
        return "cbench-" + u + "-" + suffix + "@example.com";
    }

    private static double percentile(double[] values, int n, double p) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return sorted[Math.min(n - 1, (int) Math.ceil(p * n) - 1)];
    }

    /**
     * The campaign, its contributors and their answers, as the owner. Contributor {@code (7 g + 331 k) mod 1000}
     * gives item g's k-th answer; nine in ten contributors answer right (the run's grading is the truth), the rest
     * by the item's parity. Contributors' counts are summed from their answers as scoring would have.
     */
    private static Generated generate(UUID ws, UUID run, String suffix) throws Exception {
        UUID campaign = UUID.randomUUID();
        List<String> sql = new ArrayList<>();
        sql.add("SET app.workspace_id = '" + ws + "'");
        sql.add("""
                INSERT INTO campaigns (id, workspace_id, run_id, title, instructions, reviews_per_item, selection,
                    gold_share, gold_min_answers, gold_threshold, decide_threshold, answers_per_minute,
                    min_seconds_per_item, join_token_hash, status, created_at)
                VALUES ('%s', '%s', '%s', 'Bench campaign', 'Is the answer right?', 3, 'ALL', 0.1, 5, 0.7, 0.95, 600,
                    0, '%s', 'OPEN', now() - interval '2 days')""".formatted(campaign, ws, run, UUID.randomUUID()));
        sql.add("""
                CREATE TEMP TABLE bench_items AS
                SELECT g, 'item-' || g AS item_id, g %% 3 <> 0 AS truth, g %% 50 = 1 AS gold,
                    CASE WHEN g < 30000 THEN 3 WHEN g < 35000 THEN 2 ELSE 0 END AS reviews
                FROM generate_series(0, %d) g WHERE g %% 200 <> 0""".formatted(RUN_ITEMS - 1));
        sql.add("""
                INSERT INTO campaign_items (workspace_id, campaign_id, item_id, position, question, reference_answer,
                    teacher_output, student_output, student_answer)
                SELECT '%s', '%s', item_id, g, 'Question ' || g || ': a farmer has ' || (g %% 97) || ' pears and buys '
                    || (g %% 13) || ' more. How many does the farmer have now?', (g %% 97 + g %% 13)::text,
                    '1. Count the fruit.' || chr(10) || '2. Add the new ones.', 'The answer is ' || (g %% 101) || '.',
                    (g %% 101)::text
                FROM bench_items""".formatted(ws, campaign));
        sql.add("""
                INSERT INTO app_users (id, email, display_name, password_hash, created_at)
                SELECT gen_random_uuid(), 'cbench-' || u || '-%s@example.com', 'contributor ' || u, '{noop}unused', now()
                FROM generate_series(0, %d) u""".formatted(suffix, CONTRIBUTORS - 1));
        sql.add("""
                CREATE TEMP TABLE bench_users AS
                SELECT id, (regexp_match(email, '^cbench-(\\d+)-'))[1]::int AS u FROM app_users
                WHERE email LIKE 'cbench-%%-%s@example.com'""".formatted(suffix));
        sql.add("""
                CREATE TEMP TABLE bench_answers AS
                SELECT i.g, i.item_id, i.truth, i.gold, i.reviews, k, w.id AS user_id, w.u,
                    CASE WHEN w.u %% 10 <> 0 THEN i.truth ELSE i.g %% 2 = 0 END AS verdict,
                    now() - interval '1 day' + (i.g * interval '1 second') AS served_at
                FROM bench_items i CROSS JOIN generate_series(0, 2) k
                JOIN bench_users w ON w.u = (7 * i.g + 331 * k) %% %d
                WHERE k < i.reviews""".formatted(CONTRIBUTORS));
        sql.add("""
                INSERT INTO campaign_answers (workspace_id, campaign_id, item_id, user_id, status, served_at,
                    answered_at, verdict, seconds, scored)
                SELECT '%s', '%s', item_id, user_id, 'ANSWERED', served_at, served_at + interval '30 seconds',
                    verdict, 30, true
                FROM bench_answers ORDER BY served_at""".formatted(ws, campaign));
        sql.add("""
                INSERT INTO campaign_item_states (workspace_id, campaign_id, item_id, position, base_revision,
                    grader_verdict, gold, gold_verdict, taken, answers, state, posterior, final_verdict, reason,
                    decided_at)
                SELECT '%s', '%s', item_id, g, 0, truth, gold, CASE WHEN gold THEN truth END, reviews, reviews,
                    CASE WHEN reviews = 3 AND NOT gold THEN 'FINAL' ELSE 'OPEN' END,
                    CASE WHEN reviews = 3 THEN CASE WHEN truth THEN 0.99 ELSE 0.01 END
                         WHEN reviews = 2 THEN CASE WHEN truth THEN 0.8 ELSE 0.2 END END,
                    CASE WHEN reviews = 3 AND NOT gold THEN truth END,
                    CASE WHEN reviews = 3 AND NOT gold THEN 'generated' END,
                    CASE WHEN reviews = 3 AND NOT gold THEN now() - interval '1 day' END
                FROM bench_items""".formatted(ws, campaign));
        sql.add("""
                INSERT INTO campaign_contributors (workspace_id, campaign_id, user_id, display_name, joined_at, status,
                    answers, seconds, gold_answers, gold_correct, agreed, decided, tp, fn, fp, tn)
                SELECT '%s', '%s', w.id, 'contributor ' || w.u, now() - interval '2 days', 'ACTIVE',
                    count(a.g), 30 * count(a.g),
                    count(a.g) FILTER (WHERE a.gold), count(a.g) FILTER (WHERE a.gold AND a.verdict = a.truth),
                    count(a.g) FILTER (WHERE a.reviews = 3 AND NOT a.gold AND a.verdict = a.truth),
                    count(a.g) FILTER (WHERE a.reviews = 3 AND NOT a.gold),
                    count(a.g) FILTER (WHERE (a.reviews = 3 OR a.gold) AND a.truth AND a.verdict),
                    count(a.g) FILTER (WHERE (a.reviews = 3 OR a.gold) AND a.truth AND NOT a.verdict),
                    count(a.g) FILTER (WHERE (a.reviews = 3 OR a.gold) AND NOT a.truth AND a.verdict),
                    count(a.g) FILTER (WHERE (a.reviews = 3 OR a.gold) AND NOT a.truth AND NOT a.verdict)
                FROM bench_users w LEFT JOIN bench_answers a ON a.user_id = w.id
                GROUP BY w.id, w.u""".formatted(ws, campaign));
        sql.add("ANALYZE campaign_items");
        sql.add("ANALYZE campaign_item_states");
        sql.add("ANALYZE campaign_answers");
        sql.add("ANALYZE campaign_contributors");
        try (Connection owner = TestDatabase.ownerConnection();
                var st = owner.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
            try (var rs = st.executeQuery(
                    "SELECT (SELECT count(*) FROM bench_items), (SELECT count(*) FROM bench_answers)")) {
                rs.next();
                return new Generated(campaign, rs.getInt(1), rs.getInt(2));
            }
        }
    }
}
