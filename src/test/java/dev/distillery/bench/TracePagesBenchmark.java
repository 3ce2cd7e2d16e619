package dev.distillery.bench;

import dev.distillery.GeneratedRuns;
import dev.distillery.TestTenants;
import dev.distillery.review.ReviewFilter;
import dev.distillery.review.TraceExportService;
import dev.distillery.review.TraceFormat;
import dev.distillery.runs.RunService;
import dev.distillery.runs.TracePage;
import dev.distillery.runs.TraceQuery;
import dev.distillery.tenancy.Role;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * A run's traces at 100,000 items (generated, written directly): server time of the first, middle and last cursor
 * page of 50 per filter and sort, as {@link RunService#tracePage} answers the REST API (target ≤ 50 ms), against the
 * offset page the API answered before (the same page by OFFSET plus a count); then the whole run exported as JSON
 * Lines and as CSV to a counting sink, with the heap used after a collection every 10,000 line breaks written (one
 * per trace in JSON Lines; CSV cells hold line breaks too): flat, it must not grow with the traces written. Pages are
 * the median of 7 after 3 warm-up calls.
 */
@SpringBootTest
@ActiveProfiles("test")
class TracePagesBenchmark {

    static final int ITEMS = 100_000;
    static final int SIZE = 50;

    @Autowired
    TestTenants tenants;

    @Autowired
    RunService runs;

    @Autowired
    TraceExportService exports;

    @Test
    void tracePagesAndExportOf100kTraces() throws Exception {
        var tenant = tenants.tenant("tracebench", Role.ADMIN);
        String email = tenant.email();
        long start = System.nanoTime();
        UUID runId = GeneratedRuns.insert(tenant.workspaceId(), ITEMS, "COMPLETED");
        StringBuilder report = new StringBuilder(
                String.format(" | %d traces generated in %.0f s", ITEMS, (System.nanoTime() - start) / 1e9));

        Map<String, TraceQuery> cases = new LinkedHashMap<>();
        cases.put("all", TraceQuery.ALL);
        cases.put("incorrect", TraceQuery.outcome("incorrect"));
        cases.put("error", TraceQuery.outcome("error"));
        cases.put("sort by verdict", new TraceQuery(null, TraceQuery.Sort.VERDICT, false));
        cases.put("incorrect by tokens desc", new TraceQuery("incorrect", TraceQuery.Sort.TOKENS, true));
        for (var c : cases.entrySet()) {
            // The cursors at the start, the middle and the end of a walk through the whole query.
            List<String> cursors = tenants.as(email, () -> walk(runId, c.getValue()));
            String first = null;
            String middle = cursors.get(cursors.size() / 2);
            String last = cursors.getLast();
            double firstMs = BenchReport.medianMs(
                    () -> tenants.as(email, () -> runs.tracePage(runId, c.getValue(), first, SIZE)));
            double middleMs = BenchReport.medianMs(
                    () -> tenants.as(email, () -> runs.tracePage(runId, c.getValue(), middle, SIZE)));
            double lastMs = BenchReport.medianMs(
                    () -> tenants.as(email, () -> runs.tracePage(runId, c.getValue(), last, SIZE)));
            int lastOffset = (cursors.size()) * SIZE;
            // What the API did before for the same last page: OFFSET, and a count for every page.
            double offsetMs = BenchReport.medianMs(() -> tenants.as(email, () -> {
                runs.offsetPage(runId, c.getValue(), lastOffset, SIZE);
                return runs.countTraces(runId, c.getValue().outcome());
            }));
            report.append(String.format(
                    " | %s (%d pages): first %.1f ms, middle %.1f ms, last %.1f ms (last by offset + count %.1f ms)",
                    c.getKey(), cursors.size() + 1, firstMs, middleMs, lastMs, offsetMs));
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

    /** The cursor of every page after the first, walking the whole query. */
    private List<String> walk(UUID runId, TraceQuery query) {
        List<String> cursors = new ArrayList<>();
        TracePage page = runs.tracePage(runId, query, null, SIZE);
        while (page.next() != null) {
            cursors.add(page.next());
            page = runs.tracePage(runId, query, page.next(), SIZE);
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
