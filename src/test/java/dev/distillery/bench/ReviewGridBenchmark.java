package dev.distillery.bench;

import dev.distillery.TestDatabase;
import dev.distillery.TestTenants;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.ReviewFilter;
import dev.distillery.runs.RunCompleted;
import dev.distillery.tenancy.Role;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The review grid on a run of 100,000 generated traces (10 % of them reviewed, half of those with an edited teacher
 * trace): server time of the first page, of each filter and sort, and of opening an item (target ≤ 150 ms for the
 * grid, ≤ 100 ms to open the next item), measured through {@link CorrectionService} as the view calls it, page of
 * 50 plus the count the grid asks for. Median of 7 after 3 warm-up calls. The text search is measured twice: while
 * the run is running (a scan), and after the run has completed as the engine completes runs, so that the review
 * module's listener has put its texts in the search table (the time until that is committed is reported too).
 */
@SpringBootTest
@ActiveProfiles("test")
class ReviewGridBenchmark {

    static final int ITEMS = 100_000;

    @Autowired
    TestTenants tenants;

    @Autowired
    CorrectionService corrections;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void reviewGridOn100kTraces() throws Exception {
        var tenant = tenants.tenant("gridbench", Role.ADMIN);
        String email = tenant.email();
        UUID runId = generate(tenant.workspaceId(), ITEMS);
        ReviewFilter apples = new ReviewFilter(null, null, false, false, "apples", ReviewFilter.Sort.ITEM, false);
        // While the run is still running its texts are not in the search table: the search scans them.
        double scan = BenchReport.medianMs(() -> tenants.as(email, () -> {
            corrections.rows(runId, apples, 0, 50);
            return corrections.count(runId, apples);
        }));
        double indexing = complete(tenant.workspaceId(), runId);
        Map<String, ReviewFilter> cases = new LinkedHashMap<>();
        cases.put("first page", ReviewFilter.ALL);
        cases.put(
                "incorrect",
                new ReviewFilter(
                        ReviewFilter.Verdict.INCORRECT, null, false, false, null, ReviewFilter.Sort.ITEM, false));
        cases.put(
                "reviewed",
                new ReviewFilter(null, ReviewFilter.State.REVIEWED, false, false, null, ReviewFilter.Sort.ITEM, false));
        cases.put("edited", new ReviewFilter(null, null, true, false, null, ReviewFilter.Sort.ITEM, false));
        cases.put("text search", apples);
        cases.put(
                "sort by tokens desc",
                new ReviewFilter(null, null, false, false, null, ReviewFilter.Sort.TOKENS, true));
        cases.put(
                "sort by verdict", new ReviewFilter(null, null, false, false, null, ReviewFilter.Sort.VERDICT, false));
        cases.put(
                "incorrect, sorted by reviewer",
                new ReviewFilter(
                        ReviewFilter.Verdict.INCORRECT, null, false, false, null, ReviewFilter.Sort.REVIEWER, false));
        StringBuilder report = new StringBuilder(" | " + ITEMS + " traces");
        report.append(String.format(
                " | text search of a running run (scan) %.1f ms | search index of the run %.0f ms", scan, indexing));
        for (var c : cases.entrySet()) {
            double ms = BenchReport.medianMs(() -> tenants.as(email, () -> {
                corrections.rows(runId, c.getValue(), 0, 50);
                return corrections.count(runId, c.getValue());
            }));
            report.append(String.format(" | %s %.1f ms", c.getKey(), ms));
        }
        int[] next = {0};
        double open = BenchReport.medianMs(() ->
                tenants.as(email, () -> corrections.review(runId, "item-" + (50_000 + next[0]++))));
        report.append(String.format(" | open next item %.1f ms", open));
        BenchReport.record("review-grid", "Review grid" + report);
    }

    /**
     * Completes the run as the run engine does (the status, then {@code RunCompleted} published in that transaction),
     * so the review module's listener indexes it for search; returns the time until the index is committed.
     */
    private double complete(UUID ws, UUID run) throws Exception {
        try (Connection owner = TestDatabase.ownerConnection()) {
            owner.createStatement()
                    .execute(
                            "UPDATE runs SET status = 'COMPLETED', finished_at = now() WHERE id = '%s'".formatted(run));
            long start = System.nanoTime();
            new TransactionTemplate(transactions)
                    .executeWithoutResult(s -> events.publishEvent(new RunCompleted(run, ws)));
            while (true) {
                try (var rs = owner.createStatement()
                        .executeQuery("SELECT texts FROM trace_search_runs WHERE run_id = '%s' AND texts > 0"
                                .formatted(run))) {
                    if (rs.next()) {
                        return (System.nanoTime() - start) / 1e6;
                    }
                }
                if (System.nanoTime() - start > 300_000_000_000L) {
                    throw new IllegalStateException("The run was not indexed for search within 5 minutes");
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * A dataset version, a run whose items are all finished (it is still marked running: {@link #complete} completes
     * it) and its items, calls and review states, written directly as the owner. Items are {@code item-0} on.
     */
    static UUID generate(UUID ws, int items) throws Exception {
        UUID dataset = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        List<String> sql = new ArrayList<>();
        sql.add("INSERT INTO datasets (id, workspace_id, name, created_at) VALUES ('%s', '%s', 'Generated', now())"
                .formatted(dataset, ws));
        sql.add("""
                INSERT INTO dataset_versions (id, workspace_id, dataset_id, version, format, file_name, item_count, split_counts,
                    type_counts, created_at) VALUES ('%s', '%s', '%s', 1, 'generic', 'generated.jsonl', %d, '{}', '{}', now())""".formatted(version, ws, dataset, items));
        sql.add("""
                INSERT INTO dataset_items (workspace_id, version_id, position, item_id, split, question, gold_raw, gold,
                    answer_type, source_line, source_ref)
                SELECT '%s', '%s', g, 'item-' || g, 'test',
                    'Question ' || g || ': a farmer has ' || (g %% 97) || CASE WHEN g %% 50 = 0 THEN ' apples' ELSE ' pears' END
                        || ' and buys ' || (g %% 13) || ' more. How many does the farmer have now? ' || repeat('Some context. ', 12),
                    (g %% 97 + g %% 13)::text, (g %% 97 + g %% 13)::text, 'NUMBER', g, 'generated.jsonl:' || g
                FROM generate_series(0, %d) g""".formatted(ws, version, items - 1));
        sql.add("""
                INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params, decoding, roles,
                    dataset_id, dataset_version_id, split, item_offset, concurrency, total, status, created_at, started_at, finished_at)
                VALUES ('%s', '%s', 'Generated run', 'trace-of-thought', 'tot-paper', 1, '{}', '{}', '{"stop": [], "samples": 1}', '{}', '%s', '%s', 'test',
                    0, 64, %d, 'RUNNING', now(), now(), NULL)""".formatted(run, ws, dataset, version, items));
        sql.add("""
                INSERT INTO run_items (workspace_id, run_id, item_id, position, status, correct, results, prompt_tokens,
                    completion_tokens, finished_at)
                SELECT '%s', '%s', 'item-' || g, g, CASE WHEN g %% 200 = 0 THEN 'ERROR' ELSE 'DONE' END, g %% 3 <> 0,
                    jsonb_build_array(jsonb_build_object('label', 'prediction', 'output', 'The answer is ' || (g %% 101) || '.',
                        'rule', 'number', 'extracted', (g %% 101)::text, 'correct', g %% 3 <> 0, 'flagged', false,
                        'artifacts', '{}'::jsonb)),
                    80 + g %% 40, 40 + g %% 90, now()
                FROM generate_series(0, %d) g""".formatted(ws, run, items - 1));
        sql.add("""
                INSERT INTO run_calls (workspace_id, run_id, item_id, call_key, role, endpoint_id, prompt, outputs, prompt_tokens,
                    completion_tokens, cost, latency_ms, attempts, cached, created_at)
                SELECT '%s', '%s', 'item-' || g, k, upper(k), '%s', 'Prompt of ' || k || ' for item ' || g,
                    jsonb_build_array(CASE WHEN k = 'teacher' THEN '1. Count the fruit.' || chr(10) || '2. Add the new ones.'
                        ELSE 'The answer is ' || (g %% 101) || '.' END), 60, 30, 0, 200, 1, false, now()
                FROM generate_series(0, %d) g, (VALUES ('teacher'), ('student')) AS c(k)""".formatted(ws, run, UUID.randomUUID(), items - 1));
        sql.add("""
                INSERT INTO review_states (workspace_id, run_id, item_id, latest_revision, edited, verdict, last_reviewer, updated_at)
                SELECT '%s', '%s', 'item-' || g, 1, g %% 20 = 0, NULL, 'reviewer' || (g %% 7) || '@example.com', now()
                FROM generate_series(0, %d, 10) g""".formatted(ws, run, items - 1));
        sql.add("ANALYZE dataset_items");
        sql.add("ANALYZE run_items");
        sql.add("ANALYZE run_calls");
        sql.add("ANALYZE review_states");
        try (Connection owner = TestDatabase.ownerConnection();
                var st = owner.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
        return run;
    }
}
