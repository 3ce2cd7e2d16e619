package dev.distillery.home.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.experiments.ExperimentSummary;
import dev.distillery.home.GettingStarted;
import dev.distillery.home.HomeService;
import dev.distillery.home.ReviewWork;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.runs.RunSummary;
import dev.distillery.shared.ui.Sections;
import dev.distillery.tenancy.NoWorkspaceException;
import dev.distillery.tenancy.WorkspaceService;
import dev.distillery.tenancy.WorkspaceSummary;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.Locale;

/**
 * The page a workspace opens on: what to do next (a checklist of the first steps, each ticked once the workspace has
 * done it, with a link to the page that does it), what is going on (live runs and experiments), the review work
 * waiting for the user, and the boards' largest significant gains.
 */
@Route("")
@PageTitle("Overview · Distillery")
@Menu(order = 0, title = "Overview")
@PermitAll
public class HomeView extends VerticalLayout {

    public HomeView(WorkspaceService workspaces, HomeService home) {
        WorkspaceSummary current;
        try {
            current = workspaces.current();
        } catch (NoWorkspaceException e) {
            add(new H1("No workspace"), new Paragraph(e.getMessage()));
            return;
        }
        H1 heading = new H1(current.name());
        heading.setId("workspace-name");
        int members = workspaces.members().size();
        add(
                heading,
                new Paragraph("Your role: " + current.role().label() + " · " + members
                        + (members == 1 ? " member" : " members")
                        + " · switch workspaces or create a new one from the bar above."),
                checklist(home.gettingStarted()),
                liveRuns(home.liveRuns()),
                liveExperiments(home.liveExperiments()),
                reviewWork(home.reviewWork()),
                gains(home.topGains()));
    }

    private static Section checklist(GettingStarted state) {
        OrderedList steps = new OrderedList(
                step("endpoint", state.endpointRegistered(), "Register an endpoint", "endpoints"),
                step("dataset", state.datasetUploaded(), "Upload a dataset", "datasets"),
                step("run", state.runLaunched(), "Launch a run", "runs/new"),
                step("review", state.traceReviewed(), "Review a trace", "runs"),
                step("leaderboard", state.leaderboardFilled(), "Open the leaderboard", "leaderboards"));
        steps.setId("getting-started");
        steps.addClassName("checklist");
        return Sections.labelled(
                "Getting started (" + state.done() + " of " + GettingStarted.STEPS + " done)",
                "getting-started-heading",
                steps);
    }

    private static ListItem step(String id, boolean done, String text, String route) {
        Icon mark = (done ? VaadinIcon.CHECK_CIRCLE : VaadinIcon.CIRCLE_THIN).create();
        mark.addClassName(done ? "text-success" : "text-secondary");
        mark.getElement().setAttribute("aria-hidden", "true");
        Anchor link = link(text, route);
        link.setId("step-" + id + "-link");
        // The icon is decoration; the state is said in words for screen readers and tests alike.
        Span state = new Span(done ? "done" : "to do");
        state.addClassName("step-state");
        ListItem item = new ListItem(mark, link, state);
        item.setId("step-" + id);
        item.getElement().setAttribute("data-done", String.valueOf(done));
        return item;
    }

    private static Section liveRuns(List<RunSummary> runs) {
        if (runs.isEmpty()) {
            return Sections.labelled("Live runs", "live-runs-heading", new Paragraph("No run is queued or running."));
        }
        UnorderedList list = new UnorderedList();
        list.setId("live-runs");
        list.addClassName("plain-list");
        for (RunSummary run : runs) {
            String label =
                    run.name() + " · " + run.status().id() + " · " + run.done() + " of " + run.total() + " items";
            list.add(new ListItem(
                    link(run.name(), "runs/" + run.id()),
                    new Span(" · " + run.status().id() + " · " + run.method() + " on " + run.datasetName()),
                    progress(run.done(), run.total(), "Progress of run " + run.name() + ": " + label)));
        }
        return Sections.labelled("Live runs", "live-runs-heading", list);
    }

    private static Section liveExperiments(List<ExperimentSummary> experiments) {
        if (experiments.isEmpty()) {
            return Sections.labelled(
                    "Experiments in progress", "live-experiments-heading", new Paragraph("No experiment in progress."));
        }
        UnorderedList list = new UnorderedList();
        list.setId("live-experiments");
        list.addClassName("plain-list");
        for (ExperimentSummary experiment : experiments) {
            String counts = experiment.finishedCells() + " of " + experiment.cells() + " cells done";
            list.add(new ListItem(
                    experimentName(experiment),
                    new Span(" · " + experiment.datasetName() + " (" + experiment.split() + ") · " + counts),
                    progress(
                            experiment.finishedCells(),
                            experiment.cells(),
                            "Progress of experiment " + experiment.name() + ": " + counts)));
        }
        return Sections.labelled("Experiments in progress", "live-experiments-heading", list);
    }

    private static Component experimentName(ExperimentSummary experiment) {
        return link(experiment.name(), "experiments/" + experiment.id());
    }

    private static Section reviewWork(List<ReviewWork> work) {
        if (work.isEmpty()) {
            return Sections.labelled(
                    "Review work for you", "review-work-heading", new Paragraph("No review is waiting for you."));
        }
        UnorderedList list = new UnorderedList();
        list.setId("review-work");
        list.addClassName("plain-list");
        for (ReviewWork queue : work) {
            String what = (queue.held() > 0 ? queue.held() + " in hand, " : "") + queue.open()
                    + (queue.open() == 1 ? " item" : " items") + " to review";
            list.add(new ListItem(link(queue.runName(), "runs/" + queue.runId() + "/review"), new Span(" · " + what)));
        }
        return Sections.labelled("Review work for you", "review-work-heading", list);
    }

    private static Section gains(List<LeaderboardRow> rows) {
        if (rows.isEmpty()) {
            return Sections.labelled(
                    "Largest significant gains",
                    "gains-heading",
                    new Paragraph("No run beats its student's baseline significantly (p < 0.05) yet."));
        }
        UnorderedList list = new UnorderedList();
        list.setId("top-gains");
        list.addClassName("plain-list");
        for (LeaderboardRow row : rows) {
            list.add(new ListItem(
                    link(row.label(), "runs/" + row.runId()),
                    new Span(String.format(
                            Locale.ROOT,
                            " · %+.1f points over %s on %s (p = %.3g)",
                            row.gainPoints(),
                            row.baselineName(),
                            row.datasetName(),
                            row.pValue()))));
        }
        Anchor all = link("All results on the leaderboards", "leaderboards");
        return Sections.labelled("Largest significant gains", "gains-heading", list, all);
    }

    private static ProgressBar progress(int done, int total, String label) {
        ProgressBar bar = new ProgressBar(0, Math.max(1, total), Math.min(done, Math.max(1, total)));
        bar.getElement().setAttribute("aria-label", label);
        bar.setWidth("20rem");
        return bar;
    }

    private static Anchor link(String text, String route) {
        Anchor link = new Anchor(route, text);
        // Navigated by Vaadin's router in the page, like the side navigation, instead of a full page load.
        link.getElement().setAttribute("router-link", true);
        return link;
    }
}
