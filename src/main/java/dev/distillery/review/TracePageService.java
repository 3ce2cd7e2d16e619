package dev.distillery.review;

import com.github.benmanes.caffeine.cache.AsyncCache;
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
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A run's traces a page at a time with the review grid's filters and sorts, for the REST list. What the run's own
 * items answer (a verdict, in item, verdict or tokens order) is paged by {@link RunService#tracePage}; a review state,
 * an edited trace, a text or the reviewer order is paged here over the grid's rows, by keyset, and the page's traces
 * are then read through {@link RunService#traces(UUID, List)}, so an item looks the same either way. Cursors are
 * {@link TraceCursor}s in both, so a walk's cursor means the same whichever answers it.
 *
 * <p>No page waits for what costs more than a page at 100,000 items (docs/BENCHMARKS.md): a large run's total is
 * counted in the background, once per query while the run is settled, and given on every page from then on; a text's
 * first page is found by testing the order's items a batch at a time when the text is common, before its matches in
 * the whole run are known.
 */
@Service
public class TracePageService {

    /** A text held by at least one item in this many is sieved from the order rather than looked up. */
    static final int DENSE = 10;

    private final RunService runs;
    private final Revisions revisions;
    private final SearchIndex searchIndex;
    private final CurrentTenant currentTenant;
    private final TransactionTemplate readOnly;
    private final int countedInlineUpTo;
    // Bounded by the item ids held (about 60 bytes each), however many texts are searched.
    private final Cache<MatchesKey, String[]> matches = Caffeine.newBuilder()
            .maximumWeight(500_000)
            .<MatchesKey, String[]>weigher((k, v) -> v.length + 1)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
    private final AsyncCache<TotalKey, Integer> totals;
    private final Executor counting;

    @Autowired
    TracePageService(
            RunService runs,
            Revisions revisions,
            SearchIndex searchIndex,
            CurrentTenant currentTenant,
            PlatformTransactionManager transactions,
            @Value("${distillery.traces.counted-inline-up-to:10000}") int countedInlineUpTo) {
        this(runs, revisions, searchIndex, currentTenant, transactions, countedInlineUpTo, counters());
    }

    /** With the executor that counts in the background; the tests hold its tasks to see the pages without a total. */
    TracePageService(
            RunService runs,
            Revisions revisions,
            SearchIndex searchIndex,
            CurrentTenant currentTenant,
            PlatformTransactionManager transactions,
            int countedInlineUpTo,
            Executor counting) {
        this.runs = runs;
        this.revisions = revisions;
        this.searchIndex = searchIndex;
        this.currentTenant = currentTenant;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.countedInlineUpTo = countedInlineUpTo;
        this.counting = counting;
        this.totals = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterAccess(Duration.ofMinutes(30))
                .buildAsync();
    }

    /**
     * Two threads, and a short queue: a count is a scan of the run's items under row-level security, and a client
     * asking for many filters at once must not queue more scans than the database serves. A count refused here is
     * asked for again by the next page.
     */
    private static ExecutorService counters() {
        return new ThreadPoolExecutor(
                2,
                2,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(32),
                Thread.ofPlatform().name("trace-counts-", 0).daemon().factory());
    }

    @PreDestroy
    void stop() {
        if (counting instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    /**
     * The page of traces that pass {@code filter}, in its order, after the cursor {@code after} (a previous page's
     * {@link TracePage#next()}) or the first, with the total when it is known (see {@link #total}).
     *
     * @throws InvalidInputException naming {@code after} when the cursor is not one of this order's
     * @throws NotFoundException when the run is not in the workspace
     */
    @Transactional(readOnly = true)
    public TracePage cursorPage(UUID runId, ReviewFilter filter, @Nullable String after, int limit) {
        TenantContext tenant = currentTenant.require(Permission.READ);
        RunDetails run = runs.get(runId);
        // Read before anything is read under it: a change committed later has a stamp of its own, so nothing is
        // kept under a stamp older than what it was read from.
        String settled = runs.settledItemsStamp(runId);
        if (filter.onRunItemsAlone()) {
            TraceQuery query = traceQuery(filter);
            TracePage page = runs.tracePage(runId, query, after, limit);
            return new TracePage(
                    page.items(),
                    page.next(),
                    total(tenant, run, filter, settled, after == null, () -> runs.countTraces(runId, query.outcome())));
        }
        TraceCursor cursor = TraceCursor.decode(after, filter.sort().id(), filter.descending());
        int size = Math.clamp(limit, 1, 500);
        UUID me = tenant.actor().userId();
        String text = filter.text();
        boolean large = run.total() > countedInlineUpTo;
        String[] found = text == null ? null : knownMatches(tenant, run, text, settled, large);
        // One more than asked says whether there is a next page without counting.
        List<Revisions.KeyedItem> items =
                text != null && found == null ? probed(runId, filter, me, text, cursor, size + 1) : null;
        if (items == null) {
            if (text != null && found == null) {
                found = searched(tenant, run, text, settled);
            }
            items = found != null && found.length > 0 && found.length * DENSE >= run.total()
                    ? sieved(
                            runId,
                            filter,
                            me,
                            found,
                            (double) found.length / Math.max(1, run.total()),
                            cursor,
                            size + 1)
                    : revisions.keysetPage(runId, filter, me, found, cursor, size + 1);
        }
        String next = null;
        if (items.size() > size) {
            items = items.subList(0, size);
            Revisions.KeyedItem last = items.getLast();
            next = new TraceCursor(filter.sort().id(), filter.descending(), last.sortKey(), last.position()).encode();
        }
        String[] matched = found;
        Supplier<Integer> count = () -> revisions.count(
                runId,
                filter,
                me,
                text == null ? null : matched != null ? matched : searched(tenant, run, text, settled));
        return new TracePage(
                runs.traces(
                        runId, items.stream().map(Revisions.KeyedItem::itemId).toList()),
                next,
                total(tenant, run, filter, settled, cursor == null, count));
    }

    /**
     * The page's items from the order's index walked without the text, a batch at a time, keeping those whose texts
     * hold it; null when two batches held too few to fill the page. A text that many items hold is answered so before
     * its matches in the whole run are known, as a search for them costs a second at 100,000 items; a rare one is
     * looked up by its matches (which then cost less than the walk). Only for an indexed run.
     */
    private @Nullable List<Revisions.KeyedItem> probed(
            UUID runId, ReviewFilter filter, @Nullable UUID me, String text, @Nullable TraceCursor cursor, int wanted) {
        int batch = Math.clamp((long) wanted * DENSE, 100, 2_000);
        return walked(
                runId,
                filter,
                me,
                cursor,
                wanted,
                batch,
                2,
                scanned -> revisions.holdingText(
                        runId, scanned.stream().map(Revisions.KeyedItem::itemId).toList(), text)::contains);
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
        int batch = (int) Math.clamp(Math.ceil(wanted / Math.min(1, share) * 1.2), wanted, 2_000);
        return Objects.requireNonNull(walked(
                runId,
                filter,
                me,
                cursor,
                wanted,
                batch,
                Integer.MAX_VALUE,
                scanned -> id -> Arrays.binarySearch(sortedMatches, id) >= 0));
    }

    /**
     * The next {@code wanted} items of the order without the text, from the cursor, that {@code holding} keeps, read
     * {@code batch} at a time: the whole page, or every such item to the order's end; null when {@code batches}
     * batches were read without filling the page.
     */
    private @Nullable List<Revisions.KeyedItem> walked(
            UUID runId,
            ReviewFilter filter,
            @Nullable UUID me,
            @Nullable TraceCursor cursor,
            int wanted,
            int batch,
            int batches,
            Function<List<Revisions.KeyedItem>, Predicate<String>> holding) {
        ReviewFilter withoutText = withoutText(filter);
        List<Revisions.KeyedItem> found = new ArrayList<>();
        TraceCursor from = cursor;
        for (int read = 0; read < batches; read++) {
            List<Revisions.KeyedItem> scanned = revisions.keysetPage(runId, withoutText, me, null, from, batch);
            Predicate<String> holds = holding.apply(scanned);
            for (Revisions.KeyedItem item : scanned) {
                if (holds.test(item.itemId())) {
                    found.add(item);
                    if (found.size() == wanted) {
                        return found;
                    }
                }
            }
            if (scanned.size() < batch) {
                return found;
            }
            Revisions.KeyedItem last = scanned.getLast();
            from = new TraceCursor(filter.sort().id(), filter.descending(), last.sortKey(), last.position());
        }
        return null;
    }

    private static ReviewFilter withoutText(ReviewFilter filter) {
        return new ReviewFilter(
                filter.verdict(),
                filter.state(),
                filter.editedOnly(),
                filter.assignedToMe(),
                null,
                filter.sort(),
                filter.descending());
    }

    /**
     * The text's matches if they are kept, or searched now when that is the only way (a run not indexed, or not
     * settled) or cheap enough (a run of at most {@code countedInlineUpTo} items); null when a large indexed run has
     * not had them searched yet.
     */
    private String @Nullable [] knownMatches(
            TenantContext tenant, RunDetails run, String text, @Nullable String settled, boolean large) {
        if (settled != null) {
            String[] kept = matches.getIfPresent(new MatchesKey(tenant.workspaceId(), run.id(), text.strip(), settled));
            if (kept != null) {
                return kept;
            }
        }
        return large && settled != null && searchIndex.indexed(run.id()) ? null : searched(tenant, run, text, settled);
    }

    /**
     * The items whose texts hold {@code text} (sorted, for a binary search), kept while the run's items are settled:
     * the search costs more than the rest of a page (docs/BENCHMARKS.md), and a walk asks for the same text on every
     * page.
     */
    private String[] searched(TenantContext tenant, RunDetails run, String text, @Nullable String settled) {
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
     * How many traces pass the filter, or null when it is not known yet. While the run's items are settled a total is
     * counted once and kept (for a review filter, until a review is saved): a count reads every matching item of the
     * run under its row-level-security check. A run of more than {@code countedInlineUpTo} items is counted in the
     * background, so no page waits for it; every page of the query gives it once counted. A run whose items are still
     * being written is counted on its first page, as a total of it holds only for that moment.
     */
    private @Nullable Integer total(
            TenantContext tenant,
            RunDetails run,
            ReviewFilter filter,
            @Nullable String settled,
            boolean firstPage,
            Supplier<Integer> count) {
        if (settled == null || filter.assignedToMe()) {
            return firstPage ? count.get() : null;
        }
        TotalKey key = new TotalKey(
                tenant.workspaceId(),
                run.id(),
                filter.sorted(ReviewFilter.Sort.ITEM, false),
                settled,
                filter.onRunItemsAlone() ? 0 : revisions.stateVersion(run.id()));
        if (run.total() <= countedInlineUpTo) {
            CompletableFuture<Integer> kept = totals.getIfPresent(key);
            if (kept != null && kept.isDone() && !kept.isCompletedExceptionally()) {
                return kept.join();
            }
            // Here, in this transaction: the cache's own loading would count on a thread that has no tenant.
            int counted = count.get();
            totals.put(key, CompletableFuture.completedFuture(counted));
            return counted;
        }
        try {
            return totals.get(
                            key,
                            // On the counting threads, not the cache's executor, which also runs its upkeep.
                            (k, cacheExecutor) -> CompletableFuture.supplyAsync(
                                    () -> currentTenant.callAs(tenant, () -> readOnly.execute(s -> count.get())),
                                    counting))
                    .getNow(null);
        } catch (RejectedExecutionException | CompletionException e) {
            // Too many counts queued, or this one failed (and was dropped): a later page asks again.
            return null;
        }
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
