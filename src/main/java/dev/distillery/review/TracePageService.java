package dev.distillery.review;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunService;
import dev.distillery.runs.TraceCursor;
import dev.distillery.runs.TracePage;
import dev.distillery.runs.TraceQuery;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A run's traces a page at a time with the review grid's filters and sorts, for the REST list. What the run's own
 * items answer (a verdict, in item, verdict or tokens order) is paged by {@link RunService#tracePage}; a review state,
 * an edited trace, a text or the reviewer order is paged here over the grid's rows, by keyset, and the page's traces
 * are then read through {@link RunService#traces(UUID, List)}, so an item looks the same either way. Cursors are
 * {@link TraceCursor}s in both, so a walk's cursor means the same whichever answers it.
 */
@Service
public class TracePageService {

    /** A text held by at least one item in this many is sieved from the order rather than looked up. */
    static final int DENSE = 10;

    private final RunService runs;
    private final Revisions revisions;
    private final SearchIndex searchIndex;
    private final CurrentTenant currentTenant;
    private final Cache<TotalKey, Integer> totals = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();
    // Bounded by the item ids held (about 60 bytes each), however many texts are searched.
    private final Cache<MatchesKey, String[]> matches = Caffeine.newBuilder()
            .maximumWeight(500_000)
            .<MatchesKey, String[]>weigher((k, v) -> v.length + 1)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    TracePageService(RunService runs, Revisions revisions, SearchIndex searchIndex, CurrentTenant currentTenant) {
        this.runs = runs;
        this.revisions = revisions;
        this.searchIndex = searchIndex;
        this.currentTenant = currentTenant;
    }

    /**
     * The page of traces that pass {@code filter}, in its order, after the cursor {@code after} (a previous page's
     * {@link TracePage#next()}) or the first; only a first page is counted.
     *
     * @throws InvalidInputException naming {@code after} when the cursor is not one of this order's
     * @throws NotFoundException when the run is not in the workspace
     */
    @Transactional(readOnly = true)
    public TracePage cursorPage(UUID runId, ReviewFilter filter, @Nullable String after, int limit) {
        if (filter.onRunItemsAlone()) {
            return runs.tracePage(runId, traceQuery(filter), after, limit);
        }
        TenantContext tenant = currentTenant.require(Permission.READ);
        RunDetails run = runs.get(runId);
        TraceCursor cursor = TraceCursor.decode(after, filter.sort().id(), filter.descending());
        int size = Math.clamp(limit, 1, 500);
        // Read before anything is read under it: a change committed later has a stamp of its own, so nothing is
        // kept under a stamp older than what it was read from.
        String settled = runs.settledItemsStamp(runId);
        String[] matches = textMatches(tenant, run, filter.text(), settled);
        // One more than asked says whether there is a next page without counting.
        List<Revisions.KeyedItem> items = matches != null && matches.length > 0 && matches.length * DENSE >= run.total()
                ? sieved(
                        runId,
                        filter,
                        tenant.actor().userId(),
                        matches,
                        (double) matches.length / Math.max(1, run.total()),
                        cursor,
                        size + 1)
                : revisions.keysetPage(runId, filter, tenant.actor().userId(), matches, cursor, size + 1);
        String next = null;
        if (items.size() > size) {
            items = items.subList(0, size);
            Revisions.KeyedItem last = items.getLast();
            next = new TraceCursor(filter.sort().id(), filter.descending(), last.sortKey(), last.position()).encode();
        }
        return new TracePage(
                runs.traces(
                        runId, items.stream().map(Revisions.KeyedItem::itemId).toList()),
                next,
                cursor == null ? total(tenant, run, filter, matches, settled) : null);
    }

    /**
     * The next {@code wanted} items that pass the filter with a text that most items hold: looking each match up costs
     * as many look-ups as there are matches, so the order's index is walked without the text instead, a batch at a
     * time (as many as the matches' share says should hold the page), and the items among the matches are kept.
     */
    private List<Revisions.KeyedItem> sieved(
            UUID runId,
            ReviewFilter filter,
            @Nullable UUID me,
            String[] sortedMatches,
            double share,
            @Nullable TraceCursor cursor,
            int wanted) {
        ReviewFilter withoutText = new ReviewFilter(
                filter.verdict(),
                filter.state(),
                filter.editedOnly(),
                filter.assignedToMe(),
                null,
                filter.sort(),
                filter.descending());
        int batch = (int) Math.clamp(Math.ceil(wanted / Math.min(1, share) * 1.2), wanted, 2_000);
        List<Revisions.KeyedItem> found = new ArrayList<>();
        TraceCursor from = cursor;
        while (found.size() < wanted) {
            List<Revisions.KeyedItem> scanned = revisions.keysetPage(runId, withoutText, me, null, from, batch);
            for (Revisions.KeyedItem item : scanned) {
                if (found.size() < wanted && Arrays.binarySearch(sortedMatches, item.itemId()) >= 0) {
                    found.add(item);
                }
            }
            if (scanned.size() < batch) {
                break;
            }
            Revisions.KeyedItem last = scanned.getLast();
            from = new TraceCursor(filter.sort().id(), filter.descending(), last.sortKey(), last.position());
        }
        return found;
    }

    /**
     * The items whose texts hold {@code text} (sorted, for a binary search), kept while the run's items are settled: the search costs more than the
     * rest of a page (docs/BENCHMARKS.md), and a walk asks for the same text on every page. Null without a text.
     */
    private String @Nullable [] textMatches(
            TenantContext tenant, RunDetails run, @Nullable String text, @Nullable String settled) {
        if (text == null) {
            return null;
        }
        Supplier<String[]> search = () -> {
            String[] found =
                    revisions.textMatches(run.id(), run.datasetVersionId(), text, searchIndex.indexed(run.id()));
            Arrays.sort(found);
            return found;
        };
        if (settled == null) {
            return search.get();
        }
        return matches.get(new MatchesKey(tenant.workspaceId(), run.id(), text.strip(), settled), k -> search.get());
    }

    private record MatchesKey(UUID workspaceId, UUID runId, String text, String settled) {}

    /**
     * How many traces pass the filter. Kept while the run's items are settled and its review states unchanged: a
     * count over a run's items costs more than any page (docs/BENCHMARKS.md), and a client walks a run again.
     */
    private int total(
            TenantContext tenant,
            RunDetails run,
            ReviewFilter filter,
            String @Nullable [] matches,
            @Nullable String settled) {
        long states = revisions.stateVersion(run.id());
        Supplier<Integer> count =
                () -> revisions.count(run.id(), filter, tenant.actor().userId(), matches);
        if (settled == null || filter.assignedToMe()) {
            return count.get();
        }
        return totals.get(
                new TotalKey(
                        tenant.workspaceId(), run.id(), filter.sorted(ReviewFilter.Sort.ITEM, false), settled, states),
                k -> count.get());
    }

    private record TotalKey(UUID workspaceId, UUID runId, ReviewFilter filter, String items, long states) {}

    /**
     * The page of {@code limit} traces from {@code offset}, with the count (kept while the run is settled), for
     * clients of offset pages: these page only by verdict, in item, verdict or tokens order, as before cursors.
     *
     * @throws InvalidInputException naming {@code page} when the filter or sort needs review (page those by cursor)
     * @throws NotFoundException when the run is not in the workspace
     */
    @Transactional(readOnly = true)
    public TracePage offsetPage(UUID runId, ReviewFilter filter, int offset, int limit) {
        if (!filter.onRunItemsAlone()) {
            throw new InvalidInputException(
                    "page",
                    "With state, edited, q or sort=reviewer the traces page by cursor: leave out page and pass each "
                            + "answer's next as after.");
        }
        TraceQuery query = traceQuery(filter);
        return new TracePage(
                runs.offsetPage(runId, query, offset, limit), null, runs.countTraces(runId, query.outcome()));
    }

    private static TraceQuery traceQuery(ReviewFilter filter) {
        ReviewFilter.Verdict verdict = filter.verdict();
        return new TraceQuery(
                verdict == null ? null : verdict.name().toLowerCase(Locale.ROOT),
                TraceQuery.Sort.valueOf(filter.sort().name()),
                filter.descending());
    }
}
