package dev.distillery.bench;

import dev.distillery.GeneratedRuns;
import dev.distillery.TestTenants;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.FreshTracePages;
import dev.distillery.review.ReviewFilter;
import dev.distillery.review.TraceExportService;
import dev.distillery.review.TraceFormat;
import dev.distillery.review.TracePageService;
import dev.distillery.runs.TraceCursor;
import dev.distillery.runs.TracePage;
import dev.distillery.tenancy.Role;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A run's traces at 100,000 items (generated, written directly, then completed so that review indexes it for search):
 * server time of the first, middle and last cursor page of 50 per filter and sort, as {@link TracePageService} answers
 * the REST API (target ≤ 50 ms), the first page also as the first time it is asked (nothing kept; its total is then
 * counted in the background, and how long until a page gives it is noted), against what an offset page costs (the same page by OFFSET plus a count: the API's
 * before cursors for a verdict, the review grid's for its own filters); then the whole run exported as JSON Lines and
 * as CSV to a counting sink, with the heap used after a collection every 10,000 line breaks written (one per trace in
 * JSON Lines; CSV cells hold line breaks too): flat, it must not grow with the traces written. Pages are the median of
 * 7 after 3 warm-up calls. A case's middle and last pages are found by walking it whole, except a text every trace
 * matches, whose pages are entered by item-order cursors at positions 50,000 and 99,900 (a walk would take long).
 */
@SpringBootTest
@ActiveProfiles("test")
class TracePagesBenchmark {

    static final int ITEMS = 100_000;
    static final int SIZE = 50;

    @Autowired
    TestTenants tenants;

    @Autowired
    TracePageService pages;

    @Autowired
    CorrectionService corrections;

    @Autowired
    TraceExportService exports;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    ApplicationContext context;

    private final ThreadPoolExecutor counting = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);

    private TransactionTemplate readOnly;

    @AfterEach
    void stopCounting() {
        counting.shutdownNow();
    }

    @Test
    void tracePagesAndExportOf100kTraces() throws Exception {
        readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);
        var tenant = tenants.tenant("tracebench", Role.ADMIN);
        String email = tenant.email();
        long start = System.nanoTime();
        UUID runId = GeneratedRuns.insert(tenant.workspaceId(), ITEMS, "COMPLETED");
        double indexing = RunCompletion.complete(events, transactions, tenant.workspaceId(), runId);
        StringBuilder report = new StringBuilder(String.format(
                " | %d traces generated and indexed for search in %.0f s (indexing %.1f s)",
                ITEMS, (System.nanoTime() - start) / 1e9, indexing / 1e3));

        Map<String, ReviewFilter> cases = new LinkedHashMap<>();
        cases.put("all", filter(null, null, null, null, "item", false));
        cases.put("incorrect", filter("incorrect", null, null, null, "item", false));
        cases.put("error", filter("error", null, null, null, "item", false));
        cases.put("sort by verdict", filter(null, null, null, null, "verdict", false));
        cases.put("incorrect by tokens desc", filter("incorrect", null, null, null, "tokens", true));
        cases.put("unreviewed", filter(null, "unreviewed", null, null, "item", false));
        cases.put("reviewed", filter(null, "reviewed", null, null, "item", false));
        cases.put("overridden", filter(null, "overridden", null, null, "item", false));
        cases.put("edited", filter(null, null, "true", null, "item", false));
        cases.put("text 'apples'", filter(null, null, null, "apples", "item", false));
        cases.put("sort by reviewer", filter(null, null, null, null, "reviewer", false));
        cases.put("sort by reviewer desc", filter(null, null, null, null, "reviewer", true));
        cases.put("reviewed by reviewer", filter(null, "reviewed", null, null, "reviewer", false));
        cases.put("unreviewed incorrect by tokens desc", filter("incorrect", "unreviewed", null, null, "tokens", true));
        cases.put("edited by verdict", filter(null, null, "true", null, "verdict", false));
        cases.put("text 'apples' by reviewer", filter(null, null, null, "apples", "reviewer", false));
        cases.put("text 'farmer' (every trace)", filter(null, null, null, "farmer", "item", false));
        for (var c : cases.entrySet()) {
            ReviewFilter filter = c.getValue();
            // The cursors at the start, the middle and the end of a walk through the whole query.
            List<String> cursors = "farmer".equals(filter.text())
                    ? List.of(
                            new TraceCursor("item", false, "50000", 50_000).encode(),
                            new TraceCursor("item", false, "99900", 99_900).encode())
                    : tenants.as(email, () -> walk(runId, filter));
            String first = null;
            String middle = cursors.isEmpty() ? null : cursors.get(cursors.size() / 2);
            String last = cursors.isEmpty() ? null : cursors.getLast();
            double firstMs =
                    BenchReport.medianMs(() -> tenants.as(email, () -> pages.cursorPage(runId, filter, first, SIZE)));
            double middleMs =
                    BenchReport.medianMs(() -> tenants.as(email, () -> pages.cursorPage(runId, filter, middle, SIZE)));
            double lastMs =
                    BenchReport.medianMs(() -> tenants.as(email, () -> pages.cursorPage(runId, filter, last, SIZE)));
            // The first time the query is asked, with nothing kept (a service as after a start): the page does not
            // wait for the count, which a large run's first page starts in the background.
            // Each such page starts a count; it finishes before the next page is timed, as one client's new query
            // would meet the counts of no other.
            double coldMs = BenchReport.medianMs(
                    () -> {
                        awaitCounted();
                        return FreshTracePages.create(context, counting);
                    },
                    fresh -> tenants.as(
                            email, () -> readOnly.execute(s -> fresh.cursorPage(runId, filter, null, SIZE))));
            awaitCounted();
            TracePageService counted = FreshTracePages.create(context, counting);
            long asked = System.nanoTime();
            int total = awaitTotal(email, counted, runId, filter);
            double countedMs = (System.nanoTime() - asked) / 1e6;
            int lastOffset = Math.max(0, (total - 1) / SIZE * SIZE);
            // The same last page by OFFSET plus a count: what the API did for every page before cursors, and what
            // the review grid does for its filters.
            double offsetMs = BenchReport.medianMs(() -> tenants.as(
                    email,
                    () -> filter.onRunItemsAlone()
                            ? pages.offsetPage(runId, filter, lastOffset, SIZE).total()
                            : corrections.rows(runId, filter, lastOffset, SIZE).size()
                                    + corrections.count(runId, filter)));
            // The first page counts the total once per filter and keeps it; this is what counting it costs.
            double countMs = BenchReport.medianMs(() -> tenants.as(email, () -> corrections.count(runId, filter)));
            report.append(String.format(
                    " | %s (%,d traces, %,d pages): first asked %.1f ms, first %.1f ms, middle %.1f ms, last %.1f ms;"
                            + " total given %.0f ms after first asked; counting the total %.1f ms (last by offset +"
                            + " count %.1f ms)",
                    c.getKey(),
                    total,
                    (total + SIZE - 1) / SIZE,
                    coldMs,
                    firstMs,
                    middleMs,
                    lastMs,
                    countedMs,
                    countMs,
                    offsetMs));
        }

        for (TraceFormat format : TraceFormat.values()) {
            HeapSampler heap = new HeapSampler(10_000);
            long began = System.nanoTime();
            tenants.as(email, () -> exports.export(runId, ReviewFilter.ALL, format, (name, type) -> heap));
            double seconds = (System.nanoTime() - began) / 1e9;
            report.append(String.format(
                    " | export %s: %.1f s, %.0f MB, %d line breaks; heap used after GC every 10,000 line breaks (MB): %s",
                    format.extension(), seconds, heap.bytes / 1e6, heap.lines, heap.samples));
        }
        BenchReport.record("trace-pages", "Trace pages and export" + report);
    }

    private static ReviewFilter filter(
            @Nullable String verdict,
            @Nullable String state,
            @Nullable String edited,
            @Nullable String text,
            String sort,
            boolean descending) {
        return ReviewFilter.of(verdict, state, edited, text).sorted(ReviewFilter.Sort.of(sort), descending);
    }

    /** Until the counts started in the background are done. */
    private void awaitCounted() {
        while (counting.getActiveCount() > 0 || !counting.getQueue().isEmpty()) {
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The query's total from its first page, asked every 5 ms until it is counted. */
    private int awaitTotal(String email, TracePageService service, UUID runId, ReviewFilter filter) {
        while (true) {
            Integer total = tenants.as(
                    email,
                    () -> readOnly.execute(s -> service.cursorPage(runId, filter, null, 1))
                            .total());
            if (total != null) {
                return total;
            }
            pause();
        }
    }

    /** The cursor of every page after the first, walking the whole query; no item may come twice. */
    private List<String> walk(UUID runId, ReviewFilter filter) {
        List<String> cursors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        TracePage page = pages.cursorPage(runId, filter, null, SIZE);
        while (true) {
            page.items().forEach(t -> {
                if (!seen.add(t.itemId())) {
                    throw new IllegalStateException(t.itemId() + " came twice in " + filter);
                }
            });
            if (page.next() == null) {
                break;
            }
            cursors.add(page.next());
            page = pages.cursorPage(runId, filter, page.next(), SIZE);
        }
        return cursors;
    }

    /**
     * A sink that counts bytes and lines and, every {@code every} lines, notes the heap in use after a collection: a
     * stream that held the traces would show it growing.
     */
    static final class HeapSampler extends OutputStream {

        final int every;
        long bytes;
        long lines;
        final List<Long> samples = new ArrayList<>();

        HeapSampler(int every) {
            this.every = every;
        }

        @Override
        public void write(int b) {
            count(b == '\n' ? 1 : 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int newlines = 0;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    newlines++;
                }
            }
            count(newlines, len);
        }

        private void count(int newlines, int length) {
            bytes += length;
            long before = lines;
            lines += newlines;
            if (lines / every > before / every) {
                samples.add(heapUsedMb());
            }
        }

        private static long heapUsedMb() {
            System.gc();
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    used += pool.getUsage().getUsed();
                }
            }
            return used / (1024 * 1024);
        }
    }
}
