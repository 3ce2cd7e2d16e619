package dev.distillery.leaderboards.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.leaderboards.ChartOptions;
import dev.distillery.leaderboards.LeaderboardExport;
import dev.distillery.leaderboards.LeaderboardFilter;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.LeaderboardService;
import dev.distillery.leaderboards.PublicBoardService;
import dev.distillery.leaderboards.TeacherStudentMatrix;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.EChart;
import dev.distillery.shared.ui.UrlState;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The leaderboard: every finished run of a dataset with accuracy, interval, and gain over the student's baseline;
 * filters (kept in the URL so a view can be shared), CSV and JSON export, the teacher × student matrix, charts, and
 * publishing a board at a public URL. A board is always one dataset, since accuracies on different datasets do not
 * compare: it opens on the most recent one (that of the newest result) unless the URL names another.
 */
@Route("leaderboards")
@PageTitle("Leaderboards · Distillery")
@Menu(order = 35, title = "Leaderboards")
@PermitAll
public class LeaderboardView extends VerticalLayout implements BeforeEnterObserver {

    private final LeaderboardService leaderboards;
    private final JsonMapper json;
    private final ComboBox<DatasetSummary> dataset = new ComboBox<>("Dataset");
    private final ComboBox<String> split = new ComboBox<>("Split");
    private final ComboBox<String> method = new ComboBox<>("Method");
    private final ComboBox<String> teacher = new ComboBox<>("Teacher");
    private final ComboBox<String> student = new ComboBox<>("Student");
    private final DatePicker from = new DatePicker("From");
    private final DatePicker to = new DatePicker("To");
    private final Grid<LeaderboardRow> grid = new Grid<>();
    private final EChart heatmap = new EChart();
    private final Paragraph matrixNote = new Paragraph();
    private final EChart accuracy = new EChart();
    private final EChart gainVsSize = new EChart();
    private final EChart accuracyVsCost = new EChart();
    private final TabSheet tabs = new TabSheet();
    private final Span summary = new Span();
    private List<LeaderboardRow> shown = List.of();
    private TeacherStudentMatrix matrix = TeacherStudentMatrix.of(List.of());
    private boolean restoring;

    public LeaderboardView(
            LeaderboardService leaderboards,
            PublicBoardService publicBoards,
            DatasetService datasets,
            WorkspaceService workspaces,
            JsonMapper json) {
        this.leaderboards = leaderboards;
        this.json = json;
        setSizeFull();
        H1 title = new H1("Leaderboards");

        dataset.setId("board-dataset");
        dataset.setItems(datasets.list());
        dataset.setItemLabelGenerator(DatasetSummary::name);
        dataset.setPlaceholder("No datasets yet");
        dataset.addValueChangeListener(e -> {
            if (e.getValue() == null && e.getOldValue() != null) {
                // Emptied in the browser: a board is one dataset, never all of them at once.
                dataset.setValue(e.getOldValue());
                return;
            }
            split.setItems(
                    e.getValue() == null
                            ? List.of()
                            : List.copyOf(e.getValue().splitCounts().keySet()));
            changed();
        });
        split.setId("board-split");
        for (ComboBox<String> box : List.of(split, method, teacher, student)) {
            box.setClearButtonVisible(true);
            box.setPlaceholder("Any");
            box.addValueChangeListener(e -> changed());
        }
        method.setId("board-method");
        teacher.setId("board-teacher");
        student.setId("board-student");
        from.setId("board-from");
        to.setId("board-to");
        from.addValueChangeListener(e -> changed());
        to.addValueChangeListener(e -> changed());
        HorizontalLayout filters = new HorizontalLayout(dataset, split, method, teacher, student, from, to);
        filters.setWrap(true);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);

        Anchor csv = new Anchor(
                (DownloadHandler) event -> {
                    event.setFileName("leaderboard.csv");
                    event.setContentType("text/csv");
                    event.getOutputStream().write(LeaderboardExport.csv(shown).getBytes(StandardCharsets.UTF_8));
                },
                "Export CSV");
        csv.setId("export-csv");
        Anchor jsonExport = new Anchor(
                (DownloadHandler) event -> {
                    event.setFileName("leaderboard.json");
                    event.setContentType("application/json");
                    event.getOutputStream().write(json.writeValueAsBytes(Map.of("rows", shown)));
                },
                "Export JSON");
        jsonExport.setId("export-json");
        Button publish = new Button(
                "Publish…",
                click -> new PublishDialog(
                                publicBoards,
                                workspaces.current().slug(),
                                currentFilter(),
                                dataset.getValue() == null
                                        ? null
                                        : dataset.getValue().name())
                        .open());
        publish.setId("publish-board");
        publish.setVisible(workspaces.current().role().can(Permission.MANAGE_WORKSPACE));
        HorizontalLayout actions = new HorizontalLayout(summary, csv, jsonExport, publish);
        actions.setAlignItems(FlexComponent.Alignment.CENTER);

        configureGrid();
        heatmap.setId("matrix-chart");
        heatmap.setHeight("420px");
        heatmap.addPointClickListener(e -> {
            if (e.dataIndex() >= 0 && e.dataIndex() < matrix.cells().size()) {
                TeacherStudentMatrix.Cell cell = matrix.cells().get(e.dataIndex());
                restoring = true;
                teacher.setValue(cell.teacher());
                student.setValue(cell.student());
                restoring = false;
                changed();
                tabs.setSelectedIndex(0);
            }
        });
        VerticalLayout matrixTab = new VerticalLayout(
                new Paragraph("Each cell is the newest compared result of a "
                        + "teacher with a student: its gain in accuracy points over that student's own baseline on the same "
                        + "items. Click a cell to see its runs."),
                heatmap,
                matrixNote);
        matrixTab.setPadding(false);
        accuracy.setId("accuracy-chart");
        accuracy.setHeight("520px");
        gainVsSize.setId("gain-size-chart");
        accuracyVsCost.setId("accuracy-cost-chart");
        VerticalLayout chartsTab = new VerticalLayout(accuracy, gainVsSize, accuracyVsCost);
        chartsTab.setPadding(false);
        tabs.add("Table", grid);
        tabs.add("Teacher × student", matrixTab);
        tabs.add("Charts", chartsTab);
        tabs.setSizeFull();
        tabs.addSelectedChangeListener(e -> {
            drawCharts();
            updateUrl();
        });
        add(title, filters, actions, tabs);
    }

    private void configureGrid() {
        grid.setId("leaderboard-grid");
        grid.setSizeFull();
        grid.setMinHeight("320px");
        column(LeaderboardRow::runName, "Result").setFlexGrow(2).setComparator(LeaderboardRow::runName);
        column(r -> r.method() + " / " + r.preset(), "Method").setComparator(LeaderboardRow::method);
        column(r -> text(r.teacher()), "Teacher").setComparator(r -> text(r.teacher()));
        column(r -> text(r.student()), "Student").setComparator(r -> text(r.student()));
        column(r -> Integer.toString(r.n()), "n")
                .setTextAlign(ColumnTextAlign.END)
                .setComparator(LeaderboardRow::n);
        column(
                        r -> percent(r.accuracy()) + "  [" + percent(r.ciLow()) + "–" + percent(r.ciHigh()) + "]",
                        "Accuracy [95% CI]")
                .setComparator(LeaderboardRow::accuracy);
        column(r -> r.baselineAccuracy() == null ? "" : percent(r.baselineAccuracy()), "Baseline")
                .setComparator(r -> Objects.requireNonNullElse(r.baselineAccuracy(), -1.0));
        column(LeaderboardView::gain, "Gain").setComparator(r -> Objects.requireNonNullElse(r.gainPoints(), -1000.0));
        column(r -> r.pValue() == null ? "" : pValue(r.pValue()), "p (McNemar)")
                .setComparator(r -> Objects.requireNonNullElse(r.pValue(), 2.0));
        column(
                r -> r.diffLow() == null || r.diffHigh() == null
                        ? ""
                        : String.format(Locale.ROOT, "%+.1f to %+.1f", 100 * r.diffLow(), 100 * r.diffHigh()),
                "Bootstrap 95% of gain");
        column(LeaderboardView::corrected, "With corrections")
                .setComparator(r -> r.corrected() == null ? -1.0 : r.corrected().accuracy());
        column(r -> String.format(Locale.ROOT, "%,d", r.tokens()), "Tokens")
                .setTextAlign(ColumnTextAlign.END)
                .setComparator(LeaderboardRow::tokens);
        column(r -> String.format(Locale.ROOT, "$%.4f", r.cost()), "Cost")
                .setTextAlign(ColumnTextAlign.END)
                .setComparator(LeaderboardRow::cost);
        column(
                        r -> r.costPerCorrect() == null ? "" : String.format(Locale.ROOT, "$%.5f", r.costPerCorrect()),
                        "Cost / correct")
                .setTextAlign(ColumnTextAlign.END)
                .setComparator(Comparator.comparing(
                        LeaderboardRow::costPerCorrect, Comparator.nullsLast(Comparator.naturalOrder())));
        column(r -> ClientTime.format(r.finishedAt()), "Date").setComparator(LeaderboardRow::finishedAt);
        column(r -> text(r.createdBy()) + (r.imported() ? " (imported)" : ""), "By");
        grid.setEmptyStateText("No finished runs match. Runs appear here when they complete.");
        grid.setTooltipGenerator(r -> r.baselineNote() == null ? "" : r.baselineNote());
        grid.addItemClickListener(
                e -> getUI().ifPresent(ui -> ui.navigate("runs/" + e.getItem().runId())));
    }

    private Grid.Column<LeaderboardRow> column(Function<LeaderboardRow, String> value, String header) {
        return grid.addColumn(value::apply).setHeader(header).setAutoWidth(true).setResizable(true);
    }

    private static String gain(LeaderboardRow r) {
        if (r.gainPoints() == null) {
            return r.baseline() ? "baseline" : "not compared";
        }
        return String.format(Locale.ROOT, "%+.1f pts", r.gainPoints())
                + (r.gainRelative() == null ? "" : String.format(Locale.ROOT, " (%+.0f%%)", 100 * r.gainRelative()));
    }

    private static String corrected(LeaderboardRow r) {
        LeaderboardRow.Corrected c = r.corrected();
        if (c == null) {
            return "";
        }
        return percent(c.accuracy()) + " (" + c.items() + " corrected"
                + (c.gainPoints() == null ? "" : String.format(Locale.ROOT, ", %+.1f pts", c.gainPoints())) + ")";
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    static String pValue(double p) {
        return p < 0.0001 ? "< 0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value;
    }

    private LeaderboardFilter currentFilter() {
        return new LeaderboardFilter(
                dataset.getValue() == null ? null : dataset.getValue().id(),
                split.getValue(),
                method.getValue(),
                teacher.getValue(),
                student.getValue(),
                start(from.getValue()),
                start(to.getValue() == null ? null : to.getValue().plusDays(1)));
    }

    private static @Nullable Instant start(@Nullable LocalDate day) {
        return day == null ? null : ClientTime.startOf(day);
    }

    private void changed() {
        if (restoring) {
            return;
        }
        refresh();
        updateUrl();
    }

    private void refresh() {
        LeaderboardFilter filter = currentFilter();
        // One query for the dataset, split and dates; the facet lists come from it, the other filters apply in memory.
        List<LeaderboardRow> all = leaderboards.rows(new LeaderboardFilter(
                filter.datasetId(), filter.split(), null, null, null, filter.from(), filter.to()));
        restoring = true;
        keepItems(
                method,
                all.stream().map(LeaderboardRow::method).distinct().sorted().toList());
        keepItems(
                teacher,
                all.stream()
                        .map(LeaderboardRow::teacher)
                        .filter(Objects::nonNull)
                        .distinct()
                        .sorted()
                        .toList());
        keepItems(
                student,
                all.stream()
                        .map(LeaderboardRow::student)
                        .filter(Objects::nonNull)
                        .distinct()
                        .sorted()
                        .toList());
        restoring = false;
        shown = all.stream().filter(filter::matches).toList();
        grid.setItems(shown);
        long compared = shown.stream().filter(r -> r.gainPoints() != null).count();
        summary.setText(shown.size() + " results, " + compared + " compared with a baseline");
        matrix = TeacherStudentMatrix.of(shown);
        long uncompared =
                matrix.cells().stream().filter(c -> c.gainPoints() == null).count();
        matrixNote.setText(
                matrix.cells().isEmpty()
                        ? "No teacher–student results match."
                        : uncompared == 0
                                ? ""
                                : uncompared
                                        + " teacher–student pairs have no baseline on the same items (shown as –).");
        drawCharts();
    }

    private static void keepItems(ComboBox<String> box, List<String> items) {
        String value = box.getValue();
        box.setItems(items);
        if (value != null && items.contains(value)) {
            box.setValue(value);
        } else if (value != null) {
            box.clear();
        }
    }

    private void drawCharts() {
        int tab = tabs.getSelectedIndex();
        if (tab == 1) {
            heatmap.setOption(json.writeValueAsString(ChartOptions.heatmap(matrix)));
        } else if (tab == 2) {
            accuracy.setOption(json.writeValueAsString(ChartOptions.accuracy(shown)));
            gainVsSize.setOption(json.writeValueAsString(ChartOptions.gainVsSize(shown)));
            accuracyVsCost.setOption(json.writeValueAsString(ChartOptions.accuracyVsCost(shown)));
        }
    }

    private void updateUrl() {
        UrlState.empty()
                .put(
                        "dataset",
                        dataset.getValue() == null
                                ? null
                                : dataset.getValue().id().toString())
                .put("split", split.getValue())
                .put("method", method.getValue())
                .put("teacher", teacher.getValue())
                .put("student", student.getValue())
                .put("from", from.getValue() == null ? null : from.getValue().toString())
                .put("to", to.getValue() == null ? null : to.getValue().toString())
                .put("tab", tabs.getSelectedIndex() == 0 ? null : Integer.toString(tabs.getSelectedIndex()))
                .replace("leaderboards");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        UrlState url = UrlState.of(event.getLocation());
        Function<String, @Nullable String> param = key -> url.get(key).orElse(null);
        restoring = true;
        String datasetId = param.apply("dataset");
        Optional<DatasetSummary> chosen = datasetId == null
                ? Optional.empty()
                : dataset.getListDataView()
                        .getItems()
                        .filter(d -> d.id().toString().equals(datasetId))
                        .findFirst();
        chosen.or(this::mostRecentDataset).ifPresent(d -> {
            dataset.setValue(d);
            split.setItems(List.copyOf(d.splitCounts().keySet()));
        });
        String splitValue = param.apply("split");
        if (splitValue != null) {
            split.setValue(splitValue);
        }
        setAllowingAny(method, param.apply("method"));
        setAllowingAny(teacher, param.apply("teacher"));
        setAllowingAny(student, param.apply("student"));
        from.setValue(date(param.apply("from")));
        to.setValue(date(param.apply("to")));
        String tab = param.apply("tab");
        restoring = false;
        refresh();
        if (tab != null && tab.matches("[12]")) {
            tabs.setSelectedIndex(Integer.parseInt(tab));
        }
    }

    /** The dataset of the newest result, or without results the dataset changed last. */
    private Optional<DatasetSummary> mostRecentDataset() {
        List<DatasetSummary> all = dataset.getListDataView().getItems().toList();
        return leaderboards
                .latestDataset(LeaderboardFilter.all())
                .flatMap(id -> all.stream().filter(d -> d.id().equals(id)).findFirst())
                .or(() -> all.stream().max(Comparator.comparing(DatasetSummary::updatedAt)));
    }

    private static void setAllowingAny(ComboBox<String> box, @Nullable String value) {
        if (value != null) {
            box.setItems(List.of(value));
            box.setValue(value);
        }
    }

    private static @Nullable LocalDate date(@Nullable String value) {
        try {
            return value == null ? null : LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @Override
    protected void onAttach(AttachEvent event) {
        drawCharts();
    }
}
