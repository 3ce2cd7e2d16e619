package dev.distillery.experiments.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableCell;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import com.vaadin.flow.shared.Registration;
import dev.distillery.experiments.Experiment;
import dev.distillery.experiments.ExperimentService;
import dev.distillery.experiments.ExperimentStage;
import dev.distillery.experiments.ExperimentTable;
import dev.distillery.experiments.ExperimentTemplateService;
import dev.distillery.experiments.ExperimentTraceExportService;
import dev.distillery.review.ReviewFilter;
import dev.distillery.review.TraceFormat;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One experiment as the paper's table, refreshed while its runs go on: a row per student, a column per method (and
 * teacher); each cell the accuracy with its 95% interval and the gain over the student's baseline with McNemar's p,
 * coloured when the gain is significant, linking to its run and its review grid. Pause, resume and cancel act on all
 * its runs; the table downloads as CSV, Markdown and LaTeX.
 */
@Route("experiments/:experimentId")
@PageTitle("Experiment · Distillery")
@PermitAll
public class ExperimentView extends VerticalLayout implements BeforeEnterObserver {

    /** A gain is coloured below this p-value (McNemar's exact test, two-sided). */
    static final double SIGNIFICANT = 0.05;

    private static final int POLL_MILLIS = 2000;

    /** How long after its runs have finished the page still looks for figures (a run without a baseline never gets a gain). */
    private static final Duration FIGURES_PATIENCE = Duration.ofMinutes(2);

    private final ExperimentTraceExportService traceExports;
    private final ExperimentService experiments;
    private final ExperimentTemplateService templates;
    private final H1 title = new H1();
    private final Paragraph config = new Paragraph();
    private final Span status = new Span();
    private final Button pause = new Button("Pause");
    private final Button resume = new Button("Resume");
    private final Button cancel = new Button("Cancel");
    private final Div table = new Div();
    private final Section stages = new Section();
    // Read by the download requests, outside the UI's lock: the experiment as last shown, replaced whole.
    private volatile @Nullable Experiment shown;
    private volatile @Nullable UUID experimentId;
    private @Nullable Registration polling;
    private @Nullable Instant finishedAt;

    public ExperimentView(
            ExperimentService experiments,
            ExperimentTemplateService templates,
            ExperimentTraceExportService traceExports,
            WorkspaceService workspaces) {
        this.experiments = experiments;
        this.traceExports = traceExports;
        this.templates = templates;
        title.setId("experiment-title");
        config.setId("experiment-config");
        status.setId("experiment-status");
        pause.setId("experiment-pause");
        resume.setId("experiment-resume");
        cancel.setId("experiment-cancel");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        pause.addClickListener(e -> act(() -> experiments.pause(shownId()), "Experiment paused."));
        resume.addClickListener(e -> act(() -> experiments.resume(shownId()), "Experiment resumed."));
        cancel.addClickListener(e -> act(() -> experiments.cancel(shownId()), "Experiment cancelled."));
        HorizontalLayout actions = new HorizontalLayout(pause, resume, cancel);
        actions.setVisible(workspaces.current().role().can(Permission.LAUNCH_RUNS));

        HorizontalLayout downloads = new HorizontalLayout(
                download("csv", "CSV", "text/csv", ExperimentTable::csv),
                download("markdown", "Markdown", "text/markdown", ExperimentTable::markdown),
                download("latex", "LaTeX", "application/x-tex", ExperimentTable::latex),
                traces(TraceFormat.JSONL, "traces (JSON Lines)"),
                traces(TraceFormat.CSV, "traces (CSV)"));
        downloads.setAlignItems(FlexComponent.Alignment.CENTER);
        table.setId("experiment-table");
        table.addClassName("experiment-table");
        stages.setId("experiment-stages");
        stages.getElement().setAttribute("aria-labelledby", "experiment-stages-heading");
        stages.setVisible(false);
        add(title, config, new HorizontalLayout(status, actions), stages, table, downloads);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        experimentId = event.getRouteParameters()
                .get("experimentId")
                .flatMap(ExperimentView::uuid)
                .orElseThrow(() -> new NotFoundException("No such experiment."));
        show(experiments.get(experimentId));
    }

    @Override
    protected void onAttach(AttachEvent event) {
        UI ui = event.getUI();
        ui.setPollInterval(POLL_MILLIS);
        polling = ui.addPollListener(poll -> {
            Experiment last = shown;
            if (last != null && (last.running() || awaitingFigures(last))) {
                show(experiments.get(last.id()));
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent event) {
        event.getUI().setPollInterval(-1);
        if (polling != null) {
            polling.remove();
        }
    }

    /**
     * A run's leaderboard row, and its comparison with a baseline that finished later, are written after the run
     * completes: for a while after the last run has finished its cells may still be without figures.
     */
    private boolean awaitingFigures(Experiment experiment) {
        boolean missing = experiment.cells().stream()
                .anyMatch(c -> c.runStatus().equals("completed")
                        && (c.accuracy() == null || (c.teacherId() != null && c.gainPoints() == null)));
        if (!missing) {
            return false;
        }
        Instant now = Instant.now();
        if (finishedAt == null) {
            finishedAt = now;
        }
        return Duration.between(finishedAt, now).compareTo(FIGURES_PATIENCE) < 0;
    }

    private void act(Supplier<Experiment> action, String message) {
        show(action.get());
        Notifications.success(message);
    }

    private UUID shownId() {
        if (experimentId == null) {
            throw new NotFoundException("No such experiment.");
        }
        return experimentId;
    }

    private void show(Experiment experiment) {
        shown = experiment;
        if (experiment.running()) {
            finishedAt = null;
        }
        title.setText(experiment.name());
        config.setText(experiment.datasetName() + " v" + experiment.datasetVersion() + " · " + experiment.split()
                + " · items from " + experiment.offset()
                + (experiment.limit() == null ? " to the end" : ", " + experiment.limit() + " of them")
                + (experiment.seed() == null ? "" : " · seed " + experiment.seed()) + " · launched "
                + ClientTime.format(experiment.createdAt()));
        long done = experiment.cells().stream()
                .filter(c -> !c.runStatus().equals("queued") && !c.runStatus().equals("running"))
                .count();
        status.setText(
                experiment.status() + " · " + done + " / " + experiment.cells().size() + " runs finished");
        pause.setEnabled(experiment.running());
        resume.setEnabled(experiment.status().equals("paused"));
        cancel.setEnabled(
                experiment.cancelledAt() == null && !experiment.status().equals("finished"));
        table.removeAll();
        table.add(render(ExperimentTable.of(experiment)));
        showStages(templates.stages(experiment.id()));
    }

    /** A pipeline's stages in order with where each stands; a grid has none and shows nothing here. */
    private void showStages(List<ExperimentStage> list) {
        stages.removeAll();
        stages.setVisible(!list.isEmpty());
        if (list.isEmpty()) {
            return;
        }
        H2 heading = new H2("Stages");
        heading.setId("experiment-stages-heading");
        OrderedList items = new OrderedList();
        for (ExperimentStage stage : list) {
            ListItem item = new ListItem(stage.title() + " — " + stage.status()
                    + (stage.message() == null ? "" : " (" + stage.message() + ")"));
            item.setId("stage-" + stage.position());
            item.getElement().setAttribute("data-status", stage.status());
            items.add(item);
        }
        stages.add(heading, items);
    }

    private static NativeTable render(ExperimentTable model) {
        NativeTable out = new NativeTable();
        NativeTableRow head = out.getHead().addRow();
        head.addHeaderCell().setText("Student");
        model.columns().forEach(column -> head.addHeaderCell().setText(column.label()));
        for (ExperimentTable.Row row : model.rows()) {
            NativeTableRow line = out.getBody().addRow();
            line.addHeaderCell().setText(row.label());
            for (Experiment.@Nullable Cell cell : row.cells()) {
                NativeTableCell td = line.addDataCell();
                if (cell != null) {
                    fill(td, cell);
                }
            }
        }
        return out;
    }

    private static void fill(NativeTableCell td, Experiment.Cell cell) {
        td.setId("cell-" + cell.position());
        td.addClassNames("experiment-cell", gainClass(cell));
        Div accuracy = new Div(ExperimentTable.accuracy(cell));
        accuracy.addClassName("cell-accuracy");
        td.add(accuracy);
        String gain = ExperimentTable.gain(cell);
        if (!gain.isEmpty()) {
            Div g = new Div(gain);
            g.addClassName("cell-gain");
            td.add(g);
        } else if (cell.baselineNote() != null && cell.teacherId() != null) {
            Div note = new Div(cell.baselineNote());
            note.addClassName("cell-note");
            td.add(note);
        }
        Anchor run = new Anchor("runs/" + cell.runId(), "run");
        run.setId("cell-" + cell.position() + "-run");
        Anchor review = new Anchor("runs/" + cell.runId() + "/review", "review");
        review.setId("cell-" + cell.position() + "-review");
        Div links = new Div(run, new Span(" · "), review);
        links.addClassName("cell-links");
        td.add(links);
    }

    /** Green for a significant gain, red for a significant loss, neutral otherwise (or without a baseline). */
    static String gainClass(Experiment.Cell cell) {
        Double gain = cell.gainPoints();
        Double p = cell.pValue();
        if (gain == null || p == null || p >= SIGNIFICANT || gain == 0) {
            return "gain-neutral";
        }
        return gain > 0 ? "gain-positive" : "gain-negative";
    }

    private Anchor download(String format, String label, String type, Function<ExperimentTable, String> render) {
        Anchor anchor = new Anchor(
                DownloadHandler.fromInputStream(event -> {
                    Experiment experiment = shown;
                    String text = experiment == null ? "" : render.apply(ExperimentTable.of(experiment));
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    String extension = format.equals("markdown") ? "md" : format.equals("latex") ? "tex" : "csv";
                    return new DownloadResponse(
                            new ByteArrayInputStream(bytes),
                            "experiment-" + (experiment == null ? "" : experiment.id()) + "." + extension,
                            type + ";charset=UTF-8",
                            bytes.length);
                }),
                "Download " + label);
        anchor.setId("experiment-download-" + format);
        return anchor;
    }

    /** Every cell's traces, streamed from the database as the browser saves them. */
    private Anchor traces(TraceFormat format, String label) {
        Anchor anchor = new Anchor(
                (DownloadHandler) event -> {
                    UUID id = experimentId;
                    if (id == null) {
                        return;
                    }
                    traceExports.export(id, ReviewFilter.ALL, format, (fileName, contentType) -> {
                        event.setFileName(fileName);
                        event.setContentType(contentType + ";charset=UTF-8");
                        return event.getOutputStream();
                    });
                },
                "Download " + label);
        anchor.setId("experiment-download-traces-" + format.extension());
        return anchor;
    }

    private static java.util.Optional<UUID> uuid(String text) {
        try {
            return java.util.Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
