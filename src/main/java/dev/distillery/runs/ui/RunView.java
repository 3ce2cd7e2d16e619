package dev.distillery.runs.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.splitlayout.SplitLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunPageAction;
import dev.distillery.runs.RunProgress;
import dev.distillery.runs.RunService;
import dev.distillery.runs.Trace;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.ui.ModelText;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * One run: its configuration as launched, live progress pushed every second while it runs (items/s, ETA, running
 * accuracy, errors, tokens, cost), cancel/resume/retry, and its traces with each call's prompt and output. The question
 * and the outputs are shown as Markdown with their math typeset, each with a toggle to its raw text ({@link ModelText});
 * prompts, as sent, are raw.
 */
@Route("runs/:runId")
@PageTitle("Run · Distillery")
@PermitAll
public class RunView extends VerticalLayout implements BeforeEnterObserver {

    private final RunService runs;
    private final Clock clock;
    private final boolean canLaunch;
    private final H1 title = new H1();
    private final Paragraph config = new Paragraph();
    private final ProgressBar bar = new ProgressBar();
    private final Span stats = new Span();
    private final Span grading = new Span();
    private final Span database = new Span();
    private final Span pacing = new Span();
    private @Nullable RunDetails details;
    private final Button regrade = new Button("Re-grade");
    private final Button cancel = new Button("Cancel");
    private final Button resume = new Button("Resume");
    private final Button retry = new Button("Retry failed items");
    private final Select<String> outcome = new Select<>();
    private final Grid<Trace> traces = new Grid<>();
    private final Div detail = new Div();
    // By address, not by class: the review module builds on runs, not the other way round.
    private final com.vaadin.flow.component.html.Anchor review =
            new com.vaadin.flow.component.html.Anchor("", "Review and correct traces");
    private final List<RunPageAction> pageActions;
    private final HorizontalLayout moduleActions = new HorizontalLayout();
    private @Nullable UUID runId;
    private @Nullable ScheduledFuture<?> refresher;
    private @Nullable RunProgress last;
    private @Nullable Instant readsFailingSince;

    public RunView(
            RunService runs, WorkspaceService workspaces, ObjectProvider<RunPageAction> pageActions, Clock clock) {
        this.runs = runs;
        this.clock = clock;
        this.pageActions = pageActions.orderedStream().toList();
        this.canLaunch = workspaces.current().role().can(Permission.LAUNCH_RUNS);
        setSizeFull();
        title.setId("run-title");
        config.setId("run-config");
        stats.setId("run-stats");
        bar.setId("run-progress");
        // A progress bar has no visible name: screen readers announce this one (its value is said with it).
        bar.getElement().setAttribute("aria-label", "Progress of the run");
        cancel.setId("run-cancel");
        resume.setId("run-resume");
        retry.setId("run-retry");
        cancel.addClickListener(e -> act(() -> runs.cancel(shownRunId()), "Run cancelled."));
        resume.addClickListener(e -> act(() -> runs.resume(shownRunId()), "Run resumed."));
        retry.addClickListener(e -> act(() -> runs.retryFailed(shownRunId()), "Failed items queued again."));
        grading.setId("run-grading");
        pacing.setId("run-pacing");
        database.setId("run-database");
        database.setVisible(false);
        database.addClassName("text-error");
        regrade.setId("run-regrade");
        regrade.setTooltipText(
                "Grade the stored outputs again with grader version " + runs.graderVersion() + "; no model is called");
        regrade.addClickListener(e ->
                act(() -> runs.regrade(shownRunId()), "Re-grading with grader version " + runs.graderVersion() + "…"));
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        HorizontalLayout actions = new HorizontalLayout(cancel, resume, retry, regrade);
        actions.setVisible(canLaunch);

        outcome.setLabel("Show");
        outcome.setId("trace-filter");
        outcome.setItems("", "correct", "incorrect", "error", "pending");
        outcome.setItemLabelGenerator(o -> o.isEmpty() ? "All items" : o);
        outcome.setValue("");
        outcome.addValueChangeListener(e -> traces.getDataProvider().refreshAll());

        traces.setId("traces-grid");
        traces.addColumn(Trace::itemId).setHeader("Item").setAutoWidth(true);
        traces.addColumn(t -> abbreviate(t.question(), 90))
                .setHeader("Question")
                .setFlexGrow(3);
        traces.addColumn(Trace::gold).setHeader("Gold").setAutoWidth(true);
        traces.addColumn(t ->
                        t.predictions().isEmpty() || t.predictions().getFirst().extracted() == null
                                ? ""
                                : t.predictions().getFirst().extracted())
                .setHeader("Extracted")
                .setAutoWidth(true);
        traces.addColumn(RunView::verdict).setHeader("Verdict").setAutoWidth(true);
        traces.addColumn(t -> t.promptTokens() + t.completionTokens()).setHeader("Tokens");
        traces.setItems(
                q -> runs.traces(shownRunId(), outcome.getValue(), q.getOffset(), q.getLimit()).stream(),
                q -> runs.countTraces(shownRunId(), outcome.getValue()));
        traces.addSelectionListener(e -> show(e.getFirstSelectedItem().orElse(null)));
        detail.setId("trace-detail");
        detail.addClassName("trace-text");
        SplitLayout split = new SplitLayout(traces, detail);
        split.setSplitterPosition(60);
        split.setSizeFull();

        HorizontalLayout progressRow = new HorizontalLayout(bar, stats);
        progressRow.setWidthFull();
        progressRow.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.setWidth("20rem");
        review.setId("run-review-link");
        HorizontalLayout links = new HorizontalLayout(outcome, review, moduleActions);
        links.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(title, config, progressRow, pacing, database, grading, actions, links, split);
        setFlexGrow(1, split);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        try {
            runId = UUID.fromString(event.getRouteParameters().get("runId").orElse(""));
            RunDetails run = runs.get(runId);
            details = run;
            title.setText(run.name());
            review.setHref("runs/" + runId + "/review");
            config.setText((run.imported() ? "imported · " : "") + run.method() + " / " + run.preset() + " v"
                    + run.presetVersion() + " · "
                    + run.roles().entrySet().stream()
                            .map(e -> e.getKey() + ": " + e.getValue().name() + " ("
                                    + e.getValue().model() + ")")
                            .collect(Collectors.joining(", "))
                    + " · " + run.datasetName() + " v" + run.datasetVersion() + " " + run.split() + " from "
                    + run.offset()
                    + (run.limit() == null ? "" : ", " + run.limit() + " items")
                    + (run.imported()
                            ? ""
                            : " · concurrency " + run.concurrency()
                                    + (run.concurrency() > runs.workspaceCallLimit()
                                            ? " (" + runs.workspaceCallLimit()
                                                    + " at a time: the workspace's limit of calls in flight)"
                                            : ""))
                    + (run.params().isEmpty() ? "" : " · params " + run.params())
                    + (run.imported() ? " · imported by " : " · launched by ")
                    + (run.createdBy() == null ? "?" : run.createdBy()));
            moduleActions.removeAll();
            pageActions.stream().filter(a -> a.availableFor(run)).forEach(a -> {
                Button button = new Button(a.label(), e -> a.open(runs.get(shownRunId())));
                button.setId(a.id());
                moduleActions.add(button);
            });
            showProgress();
        } catch (IllegalArgumentException | NotFoundException e) {
            removeAll();
            add(new H1("Run not found"), new Paragraph("It does not exist in this workspace."));
            runId = null;
        }
    }

    @Override
    protected void onAttach(AttachEvent event) {
        refresher = LivePush.every(event.getUI(), 1, () -> {
            if (runId != null
                    && (last == null
                            || !last.status().finished()
                            || last.regrade() != null && last.regrade().running())) {
                refresh();
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresher != null) {
            refresher.cancel(false);
        }
    }

    /**
     * A live update that rides out a database restart: while reads fail for a moment (or the engine's writes are
     * being retried) the page says so and keeps trying, instead of going silent or showing a generic error.
     */
    private void refresh() {
        try {
            showProgress();
            readsFailingSince = null;
            traces.getDataProvider().refreshAll();
        } catch (RuntimeException e) {
            if (!DatabaseRetry.isTransient(e)) {
                throw e;
            }
            if (readsFailingSince == null) {
                readsFailingSince = clock.instant();
            }
        }
        Optional<Duration> page =
                Optional.ofNullable(readsFailingSince).map(since -> Duration.between(since, clock.instant()));
        Optional<Duration> engine = runs.databaseUnavailableFor();
        Optional<Duration> longest = page.isPresent() && engine.isPresent()
                ? Optional.of(page.get().compareTo(engine.get()) >= 0 ? page.get() : engine.get())
                : page.or(() -> engine);
        database.setVisible(longest.isPresent());
        longest.ifPresent(d -> database.setText(unavailable(d)));
    }

    static String unavailable(Duration failingFor) {
        return "Database unavailable, retrying (" + failingFor.toSeconds() + " s): finished items are kept and the run "
                + "goes on by itself when the database is back.";
    }

    /** The run on the page; listeners and refreshes only run while one is shown. */
    private UUID shownRunId() {
        return Objects.requireNonNull(runId, "no run shown");
    }

    private void showProgress() {
        RunProgress p = runs.progress(shownRunId());
        last = p;
        bar.setValue(p.total() == 0 ? 0 : Math.min(1.0, (double) p.finished() / p.total()));
        stats.setText(p.status().id() + (p.waiting() == null ? "" : " (" + p.waiting() + ")") + " · " + p.finished()
                + " / " + p.total() + " items"
                + String.format(" · %.1f items/s", p.itemsPerSecond())
                + (p.etaSeconds() == null || p.status().finished() ? "" : " · ETA " + p.etaSeconds() + " s")
                + (p.accuracy() == null
                        ? ""
                        : String.format(" · accuracy %.1f%% (%d/%d)", 100 * p.accuracy(), p.correct(), p.done()))
                + " · " + p.errors() + " errors · " + (p.promptTokens() + p.completionTokens()) + " tokens"
                + " · cost " + p.cost().stripTrailingZeros().toPlainString()
                + p.byRole().entrySet().stream()
                        .map(e -> " · " + e.getKey() + ": " + e.getValue().calls() + " calls, "
                                + (e.getValue().promptTokens() + e.getValue().completionTokens()) + " tokens")
                        .collect(Collectors.joining()));
        grading.setText(grading(p, runs.graderVersion()));
        String paced = p.status().finished() || details == null
                ? ""
                : runs.pacing(details).entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue().describe())
                        .collect(Collectors.joining(" · "));
        pacing.setText(paced);
        pacing.setVisible(!paced.isEmpty());
        regrade.setEnabled(
                p.status().finished() && (p.regrade() == null || !p.regrade().running()));
        cancel.setEnabled(!p.status().finished());
        resume.setEnabled(p.status() == dev.distillery.runs.RunStatus.CANCELLED
                || p.status() == dev.distillery.runs.RunStatus.FAILED);
        retry.setEnabled(p.errors() > 0);
    }

    /** Which grader produced the figures, how many items had no answer, and a re-grade under way. */
    static String grading(RunProgress p, String current) {
        if (p.done() == 0) {
            return "";
        }
        String versions = p.graderVersions().size() == 1
                ? "Graded by grader v" + p.graderVersions().keySet().iterator().next()
                : "Graded by grader "
                        + p.graderVersions().entrySet().stream()
                                .map(e -> "v" + e.getKey() + " (" + e.getValue() + " items)")
                                .collect(Collectors.joining(", "));
        String stale = p.graderVersions().keySet().stream().allMatch(current::equals)
                ? ""
                : " · the current grader is v" + current + ": re-grade to use it";
        String regrading = p.regrade() == null
                ? ""
                : p.regrade().running()
                        ? " · re-grading: " + p.regrade().regraded() + " / "
                                + p.regrade().items() + " items"
                        : "";
        return versions + " · no answer found in " + p.noAnswer() + " of " + p.done() + " items" + stale + regrading;
    }

    private void act(Runnable action, String message) {
        action.run();
        Notifications.success(message);
        last = null;
        showProgress();
    }

    private static String verdict(Trace t) {
        if (!"done".equals(t.status())) {
            return t.status() + (t.errorKind() == null ? "" : " (" + t.errorKind() + ")");
        }
        long kept =
                t.predictions().stream().filter(Trace.GradedPrediction::correct).count();
        if (t.predictions().size() > 1) {
            return kept + "/" + t.predictions().size() + " correct";
        }
        return Boolean.TRUE.equals(t.correct()) ? "correct" : "incorrect";
    }

    /** Shows a trace beside the grid: what was asked, each call's prompt and outputs, and how it was graded. */
    private void show(@Nullable Trace t) {
        detail.removeAll();
        if (t == null) {
            return;
        }
        detail.add(
                line("Item " + t.itemId()),
                ModelText.of("trace-question", t.question()),
                line("Gold: " + t.gold() + " (" + t.answerType().id() + ")"));
        if (t.error() != null) {
            detail.add(line("Error (" + t.errorKind() + "): " + t.error()));
        }
        for (int i = 0; i < t.calls().size(); i++) {
            Trace.Call c = t.calls().get(i);
            detail.add(
                    line("── " + c.role() + " · " + c.key() + " · " + c.promptTokens() + "+" + c.completionTokens()
                            + " tokens · "
                            + (c.cached() ? "from cache" : c.latencyMs() + " ms, " + c.attempts() + " attempt(s)")
                            + " ──"),
                    line("Prompt:"),
                    line(c.prompt()),
                    line("Output:"));
            for (int j = 0; j < c.outputs().size(); j++) {
                detail.add(
                        ModelText.of("trace-output-" + i + "-" + j, c.outputs().get(j)));
            }
        }
        for (Trace.GradedPrediction p : t.predictions()) {
            StringBuilder s = new StringBuilder("== ")
                    .append(p.label())
                    .append(": extracted ")
                    .append(p.extracted() == null ? "nothing (no answer found)" : p.extracted())
                    .append(" by rule ")
                    .append(p.rule())
                    .append(" (grader v")
                    .append(p.version())
                    .append(") → ")
                    .append(p.correct() ? "correct" : "incorrect")
                    .append(p.flagged() ? " (flagged: undecided in time)" : "");
            if (p.answerStart() != null
                    && p.answerEnd() != null
                    && p.answerEnd() <= p.output().length()) {
                s.append("\n   read from: ").append(context(p.output(), p.answerStart(), p.answerEnd()));
            }
            detail.add(line(s.toString()));
        }
    }

    /** Text as it is, line breaks kept. */
    private static Div line(String text) {
        Div div = new Div();
        div.setText(text);
        div.addClassName("pre-text");
        return div;
    }

    /** The answer in its place: up to 60 characters before it, the answer in ⟦ ⟧, up to 20 after. */
    static String context(String output, int start, int end) {
        int from = Math.max(0, start - 60);
        int to = Math.min(output.length(), end + 20);
        return (from > 0 ? "…" : "") + output.substring(from, start).replace('\n', ' ') + "⟦"
                + output.substring(start, end) + "⟧" + output.substring(end, to).replace('\n', ' ')
                + (to < output.length() ? "…" : "");
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
