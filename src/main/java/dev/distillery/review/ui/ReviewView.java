package dev.distillery.review.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.Shortcuts;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.splitlayout.SplitLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.CorrectionSummary;
import dev.distillery.review.QueueService;
import dev.distillery.review.ReviewFilter;
import dev.distillery.review.ReviewRow;
import dev.distillery.runs.RunService;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.shared.ui.UrlState;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The review grid of a run: every trace, loaded page by page from the database with the filters and the sort applied
 * there, and beside it the selected trace with its steps, corrections, re-runs and history. Filters, sort and the
 * chosen columns live in the URL, so a view can be shared. An {@code item} in the URL opens that trace. Keys: j/k next and previous, c/x mark correct or
 * incorrect, e edit, s skip, ? help; Ctrl+S saves an edit.
 */
@Route("runs/:runId/review")
@PageTitle("Review · Distillery")
@PermitAll
public class ReviewView extends VerticalLayout implements BeforeEnterObserver {

    static final List<String> COLUMNS = List.of(
            "item", "question", "gold", "extracted", "verdict", "state", "reviewer", "edited", "outcome", "tokens");

    private final CorrectionService corrections;
    private final RunService runs;
    private final boolean canReview;
    private final H1 title = new H1();
    private final Span summary = new Span();
    private final Select<String> verdict = new Select<>();
    private final Select<String> state = new Select<>();
    private final Checkbox edited = new Checkbox("Teacher trace edited");
    private final Checkbox mine = new Checkbox("Assigned to me");
    private final TextField search = new TextField();
    private final MultiSelectComboBox<String> columns = new MultiSelectComboBox<>("Columns");
    private final Grid<ReviewRow> grid = new Grid<>();
    private final TraceDetail detail;
    private final Map<String, Grid.Column<ReviewRow>> columnsByKey = new LinkedHashMap<>();
    private final Button rerunAll = new Button("Re-run student on edited traces");
    private final QueuePanel queue;

    @SuppressWarnings("NullAway.Init") // set by beforeEnter(), which runs before any listener can
    private UUID runId;
    /** Rows the grid has fetched, by index, so next and previous need no query when the neighbour is loaded. */
    private final java.util.TreeMap<Integer, ReviewRow> fetched = new java.util.TreeMap<>();

    private boolean restoring;

    public ReviewView(
            CorrectionService corrections,
            QueueService queues,
            RunService runs,
            WorkspaceService workspaces,
            Clock clock) {
        this.corrections = corrections;
        this.runs = runs;
        var role = workspaces.current().role();
        this.canReview = role.can(Permission.REVIEW);
        this.detail = new TraceDetail(corrections, clock, canReview, this::afterChange);
        this.queue = new QueuePanel(queues, workspaces::members, role, this::openFromQueue, this::afterChange);
        setSizeFull();
        title.setId("review-title");
        summary.setId("review-summary");

        verdict.setLabel("Verdict");
        verdict.setId("review-verdict-filter");
        verdict.setItems("", "correct", "incorrect", "error");
        verdict.setItemLabelGenerator(v -> v.isEmpty() ? "All" : v);
        verdict.setValue("");
        state.setLabel("Review state");
        state.setId("review-state-filter");
        state.setItems("", "unreviewed", "reviewed", "overridden");
        state.setItemLabelGenerator(v -> v.isEmpty() ? "All" : v);
        state.setValue("");
        edited.setId("review-edited-filter");
        mine.setId("review-mine-filter");
        search.setLabel("Search question and outputs");
        search.setId("review-search");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setClearButtonVisible(true);
        columns.setId("review-columns");
        columns.setItems(COLUMNS);
        columns.setValue(new LinkedHashSet<>(COLUMNS));
        rerunAll.setId("review-rerun-all");
        rerunAll.setVisible(canReview);
        rerunAll.addClickListener(e -> {
            try {
                int queued = corrections.rerunEdited(runId, null);
                Notifications.success("Re-running the student on " + queued + " edited traces in the background.");
            } catch (ConflictException ex) {
                Notifications.error(ex.getMessage());
            }
        });
        Button help = new Button("Keys (?)", e -> help());
        help.setId("review-help");

        grid.setId("review-grid");
        column("item", "Item", ReviewRow::itemId, "item");
        column("question", "Question", ReviewRow::question, null).setFlexGrow(4);
        column("gold", "Gold", ReviewRow::gold, null);
        column("extracted", "Extracted", r -> r.extracted() == null ? "" : r.extracted(), null);
        column("verdict", "Verdict", ReviewRow::verdict, "verdict");
        column("state", "Review", ReviewRow::reviewState, null);
        column("reviewer", "Reviewer", r -> r.reviewer() == null ? "" : r.reviewer(), "reviewer");
        column("edited", "Edited", r -> r.edited() ? "edited" : "", null);
        column("outcome", "Re-run", r -> r.outcome() == null ? "" : r.outcome().label(), null);
        column("tokens", "Tokens", r -> String.valueOf(r.tokens()), "tokens");
        grid.setMultiSort(false);
        grid.addSelectionListener(e -> e.getFirstSelectedItem().ifPresent(row -> {
            if (!row.itemId().equals(detail.itemId())) {
                detail.workQueue(null); // picked by hand: a verdict overrides, it is not a queue review
                detail.show(runId, row.itemId());
                preloadNext(row.itemId());
            }
        }));
        grid.addSortListener(e -> updateUrl());

        verdict.addValueChangeListener(e -> refresh());
        state.addValueChangeListener(e -> refresh());
        edited.addValueChangeListener(e -> refresh());
        mine.addValueChangeListener(e -> refresh());
        search.addValueChangeListener(e -> refresh());
        columns.addValueChangeListener(e -> {
            columnsByKey.forEach((key, column) -> column.setVisible(e.getValue().contains(key)));
            updateUrl();
        });

        keys();
        HorizontalLayout filters = new HorizontalLayout(verdict, state, search, edited, mine, columns, rerunAll, help);
        filters.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        filters.setWrap(true);
        SplitLayout split = new SplitLayout(grid, detail);
        split.setSizeFull();
        split.setSplitterPosition(55);
        add(new HorizontalLayout(title, summary), queue, filters, split);
        setFlexGrow(1, split);
    }

    private Grid.Column<ReviewRow> column(
            String key,
            String header,
            com.vaadin.flow.function.ValueProvider<ReviewRow, String> value,
            @Nullable String sortKey) {
        Grid.Column<ReviewRow> column =
                grid.addColumn(value).setHeader(header).setKey(key).setResizable(true);
        if (sortKey != null) {
            column.setSortable(true).setSortProperty(sortKey);
        }
        columnsByKey.put(key, column);
        return column;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        try {
            runId = UUID.fromString(event.getRouteParameters().get("runId").orElse(""));
            title.setText("Review · " + runs.get(runId).name());
        } catch (IllegalArgumentException | NotFoundException e) {
            event.forwardTo("runs");
            return;
        }
        UrlState url = UrlState.of(event.getLocation());
        restore(url);
        queue.show(runId);
        grid.setItems(
                query -> {
                    List<ReviewRow> rows = corrections.rows(
                            runId,
                            filter(query.getSortOrders().stream().findFirst().orElse(null)),
                            query.getOffset(),
                            query.getLimit());
                    for (int i = 0; i < rows.size(); i++) {
                        fetched.put(query.getOffset() + i, rows.get(i));
                    }
                    return rows.stream();
                },
                query -> {
                    fetched.clear();
                    return corrections.count(runId, filter(null));
                });
        showSummary();
        // Other pages (a campaign's decisions) link to one item: it opens beside the grid as if picked there.
        url.get("item").ifPresent(item -> {
            try {
                detail.show(runId, item);
            } catch (NotFoundException e) {
                Notifications.error(e.getMessage());
            }
        });
    }

    /** The filter from the controls; the sort from the grid (or, before the grid asks, from the URL). */
    private ReviewFilter filter(@Nullable QuerySortOrder sort) {
        String sortKey = sort != null ? sort.getSorted() : currentSortKey();
        boolean descending = sort != null ? sort.getDirection() == SortDirection.DESCENDING : currentSortDescending();
        return new ReviewFilter(
                ReviewFilter.Verdict.of(verdict.getValue()),
                ReviewFilter.State.of(state.getValue()),
                edited.getValue(),
                mine.getValue(),
                emptyToNull(search.getValue()),
                ReviewFilter.Sort.of(sortKey),
                descending);
    }

    private @Nullable String currentSortKey() {
        return grid.getSortOrder().stream()
                .findFirst()
                .map(o -> o.getSorted().getKey())
                .orElse(null);
    }

    private boolean currentSortDescending() {
        return grid.getSortOrder().stream()
                .findFirst()
                .map(o -> o.getDirection() == SortDirection.DESCENDING)
                .orElse(false);
    }

    private void refresh() {
        if (restoring) {
            return;
        }
        grid.getDataProvider().refreshAll();
        updateUrl();
    }

    private void afterChange() {
        detail.forgetPreloaded();
        String shown = detail.itemId();
        if (shown != null) {
            preloadNext(shown); // loaded after this change, so it is as saved
        }
        grid.getDataProvider().refreshAll();
        showSummary();
        queue.refresh();
    }

    /** Opens an item the queue handed out; the reviewer's verdict on it is their queue review. */
    private void openFromQueue(String itemId) {
        grid.deselectAll();
        detail.show(runId, itemId);
        detail.workQueue(correct -> queue.verdict(itemId, correct));
    }

    private void showSummary() {
        CorrectionSummary s = corrections.summary(runId);
        summary.setText(s.edited() + " corrected · " + s.rerun() + " re-run · " + s.fixed() + " fixed · " + s.worse()
                + " made worse · " + s.overridden() + " verdicts overridden");
    }

    private void updateUrl() {
        if (restoring || runId == null) {
            return;
        }
        UrlState url = UrlState.empty()
                .put("verdict", verdict.getValue())
                .put("state", state.getValue())
                .flag("edited", edited.getValue())
                .flag("mine", mine.getValue())
                .put("q", search.getValue());
        grid.getSortOrder().stream()
                .findFirst()
                .ifPresent(o -> url.put("sort", o.getSorted().getKey())
                        .put("dir", o.getDirection() == SortDirection.DESCENDING ? "desc" : "asc"));
        if (!columns.getValue().containsAll(COLUMNS)) {
            url.put(
                    "cols",
                    String.join(
                            ",",
                            COLUMNS.stream()
                                    .filter(columns.getValue()::contains)
                                    .toList()));
        }
        url.replace("runs/" + runId + "/review");
    }

    private void restore(UrlState url) {
        restoring = true;
        try {
            verdict.setValue(url.oneOf("verdict", List.of("correct", "incorrect", "error"))
                    .orElse(""));
            state.setValue(url.oneOf("state", List.of("unreviewed", "reviewed", "overridden"))
                    .orElse(""));
            edited.setValue(url.flag("edited"));
            mine.setValue(url.flag("mine"));
            search.setValue(url.get("q").orElse(""));
            url.get("cols").ifPresent(cols -> {
                Set<String> chosen = new LinkedHashSet<>();
                for (String c : cols.split(",")) {
                    if (COLUMNS.contains(c)) {
                        chosen.add(c);
                    }
                }
                columns.setValue(chosen);
                columnsByKey.forEach((key, column) -> column.setVisible(chosen.contains(key)));
            });
            url.get("sort")
                    .filter(sort -> columnsByKey.containsKey(sort)
                            && columnsByKey.get(sort).isSortable())
                    .ifPresent(sort -> grid.sort(List.of(new GridSortOrder<>(
                            columnsByKey.get(sort),
                            url.get("dir").filter("desc"::equals).isPresent()
                                    ? SortDirection.DESCENDING
                                    : SortDirection.ASCENDING))));
        } finally {
            restoring = false;
        }
    }

    private static @Nullable String emptyToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Keys on the grid (so typing in the editor never triggers them) and Ctrl+S anywhere in the view. */
    private void keys() {
        Shortcuts.addShortcutListener(grid, () -> move(1), Key.KEY_J).listenOn(grid);
        Shortcuts.addShortcutListener(grid, () -> move(1), Key.KEY_S).listenOn(grid);
        Shortcuts.addShortcutListener(grid, () -> move(-1), Key.KEY_K).listenOn(grid);
        Shortcuts.addShortcutListener(grid, () -> detail.mark(true), Key.KEY_C).listenOn(grid);
        Shortcuts.addShortcutListener(grid, () -> detail.mark(false), Key.KEY_X).listenOn(grid);
        Shortcuts.addShortcutListener(grid, detail::startEditing, Key.KEY_E).listenOn(grid);
        Shortcuts.addShortcutListener(grid, this::help, Key.of("?")).listenOn(grid);
        Shortcuts.addShortcutListener(grid, queue::next, Key.KEY_N).listenOn(grid);
        Shortcuts.addShortcutListener(this, detail::save, Key.KEY_S, KeyModifier.CONTROL)
                .listenOn(this);
    }

    /** The row after the shown one, which j and s open, is loaded in the background so that it opens at once. */
    private void preloadNext(String itemId) {
        int index = indexOf(itemId);
        ReviewRow next = index < 0 ? null : fetched.get(index + 1);
        if (next != null) {
            detail.preload(runId, next.itemId());
        }
    }

    private int indexOf(String itemId) {
        return fetched.entrySet().stream()
                .filter(e -> e.getValue().itemId().equals(itemId))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(-1);
    }

    private void move(int step) {
        ReviewRow current = grid.asSingleSelect().getValue();
        int index = current == null ? -1 : indexOf(current.itemId());
        int next = index + step;
        if (next < 0) {
            return;
        }
        ReviewRow row = fetched.get(next);
        if (row == null) {
            List<ReviewRow> one = corrections.rows(runId, filter(null), next, 1);
            if (one.isEmpty()) {
                return;
            }
            row = one.getFirst();
            fetched.put(next, row);
        }
        grid.select(row);
        grid.scrollToIndex(next);
    }

    private void help() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Keyboard");
        dialog.setId("review-keys");
        VerticalLayout list = new VerticalLayout(
                new Paragraph("j or s: next item (s skips without marking)"),
                new Paragraph("k: previous item"),
                new Paragraph("n: next item of the review queue"),
                new Paragraph("c: mark the verdict correct (in the queue: your review)"),
                new Paragraph("x: mark the verdict incorrect"),
                new Paragraph("e: edit the teacher's steps"),
                new Paragraph("Ctrl+S: save the edit"),
                new Paragraph("?: this help"));
        list.setPadding(false);
        list.setSpacing(false);
        dialog.add(list);
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.open();
    }

    /** A link to a run's review grid, for the run page. */
    public static Anchor link(UUID runId) {
        Anchor a = new Anchor("runs/" + runId + "/review", "Review traces");
        a.setId("run-review-link");
        return a;
    }
}
