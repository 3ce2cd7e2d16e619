package dev.distillery.bench;

import dev.distillery.GeneratedRuns;
import dev.distillery.TestTenants;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.ReviewFilter;
import dev.distillery.tenancy.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;

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
        // All items finished while the run is still marked running: complete() completes it.
        UUID runId = GeneratedRuns.insert(tenant.workspaceId(), ITEMS, "RUNNING");
        ReviewFilter apples = new ReviewFilter(null, null, false, false, "apples", ReviewFilter.Sort.ITEM, false);
        // While the run is still running its texts are not in the search table: the search scans them.
        double scan = BenchReport.medianMs(() -> tenants.as(email, () -> {
            corrections.rows(runId, apples, 0, 50);
            return corrections.count(runId, apples);
        }));
        double indexing = RunCompletion.complete(events, transactions, tenant.workspaceId(), runId);
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
}
