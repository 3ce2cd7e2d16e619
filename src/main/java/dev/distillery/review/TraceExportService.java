package dev.distillery.review;

import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunService;
import dev.distillery.runs.Trace;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's traces (or an experiment's runs') in one file, JSON Lines or CSV, with the review grid's filters: each
 * trace's question and gold, every call's prompt, output, tokens and latency, the graded answer, rule, verdict and
 * grader version, and its review (state, reviewer, latest revision). Written while it is read, a batch of items at a
 * time from the run's position index, so memory stays flat however large the run; the whole file is read in one
 * read-only transaction (the tenant's row-level-security setting holds throughout) on one snapshot, so a trace
 * revised or re-graded meanwhile is neither skipped nor written twice.
 */
@Service
public class TraceExportService {

    static final int BATCH = 500;

    private final RunService runs;
    private final Revisions revisions;
    private final SearchIndex searchIndex;
    private final CurrentTenant currentTenant;
    private final JsonMapper json;

    TraceExportService(
            RunService runs,
            Revisions revisions,
            SearchIndex searchIndex,
            CurrentTenant currentTenant,
            JsonMapper json) {
        this.runs = runs;
        this.revisions = revisions;
        this.searchIndex = searchIndex;
        this.currentTenant = currentTenant;
        this.json = json;
    }

    /**
     * Writes the run's traces that pass {@code filter} (in item order; its sort is not used) to {@code target}, opened
     * once the run is found.
     *
     * @throws NotFoundException when the run is not in the workspace (before anything is opened)
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public void export(UUID runId, ReviewFilter filter, TraceFormat format, ExportTarget target) {
        RunDetails run = runs.get(runId);
        write("traces-" + fileSafe(run.name()), List.of(new LabelledRun(runId, Map.of())), filter, format, target);
    }

    /**
     * Writes the traces of several runs, one after the other, each line or row led by its run's labels (an
     * experiment's cells: method, teacher, student, run).
     *
     * @param name the file's name without extension
     * @throws NotFoundException when a run is not in the workspace (before anything is opened)
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public void export(
            String name, List<LabelledRun> sources, ReviewFilter filter, TraceFormat format, ExportTarget target) {
        sources.forEach(s -> runs.get(s.runId()));
        write(fileSafe(name), sources, filter, format, target);
    }

    private void write(
            String name, List<LabelledRun> sources, ReviewFilter filter, TraceFormat format, ExportTarget target) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        List<String> labels = sources.isEmpty()
                ? List.of()
                : List.copyOf(sources.getFirst().labels().keySet());
        try {
            // The header of a CSV needs as many call columns as the busiest item has calls.
            int calls = format == TraceFormat.CSV
                    ? sources.stream()
                            .mapToInt(s -> runs.mostCallsPerItem(s.runId()))
                            .max()
                            .orElse(0)
                    : 0;
            OutputStream out = new BufferedOutputStream(
                    target.open(name + "." + format.extension(), format.contentType()), 1 << 16);
            TraceWriter writer = format == TraceFormat.CSV
                    ? TraceWriter.csv(out, labels, calls, json)
                    : TraceWriter.jsonLines(out, json);
            for (LabelledRun source : sources) {
                writeRun(tenant, source, filter, writer);
            }
            writer.finish();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeRun(TenantContext tenant, LabelledRun source, ReviewFilter filter, TraceWriter writer) {
        RunDetails run = runs.get(source.runId());
        boolean indexed = filter.text() != null && !filter.text().isBlank() && searchIndex.indexed(run.id());
        int after = -1;
        while (true) {
            List<Revisions.ReviewedItem> batch = revisions.reviewedAfter(
                    run.id(), run.datasetVersionId(), filter, tenant.actor().userId(), indexed, after, BATCH);
            if (batch.isEmpty()) {
                return;
            }
            Map<String, Trace> traces =
                    runs
                            .traces(
                                    run.id(),
                                    batch.stream()
                                            .map(Revisions.ReviewedItem::itemId)
                                            .toList())
                            .stream()
                            .collect(Collectors.toMap(Trace::itemId, Function.identity()));
            for (Revisions.ReviewedItem item : batch) {
                Trace trace = traces.get(item.itemId());
                if (trace != null) {
                    writer.write(source.labels(), trace, item);
                }
            }
            if (batch.size() < BATCH) {
                return;
            }
            after = batch.getLast().position();
        }
    }

    private static String fileSafe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        return safe.isEmpty() ? "traces" : safe;
    }
}
