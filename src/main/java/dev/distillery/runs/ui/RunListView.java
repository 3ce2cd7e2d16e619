package dev.distillery.runs.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.datasets.DatasetService;
import dev.distillery.runs.RunImportService;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunSummary;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * All runs of the workspace with their status, refreshed live while any is in progress; imported runs are marked,
 * and a run produced elsewhere can be imported from here.
 */
@Route("runs")
@PageTitle("Runs · Distillery")
@Menu(order = 30, title = "Runs")
@PermitAll
public class RunListView extends VerticalLayout {

    private final RunService runs;
    private final Grid<RunSummary> grid = new Grid<>();
    private @Nullable ScheduledFuture<?> refresher;

    public RunListView(
            RunService runs, RunImportService imports, DatasetService datasets, WorkspaceService workspaces) {
        this.runs = runs;
        setSizeFull();
        boolean canLaunch = workspaces.current().role().can(Permission.LAUNCH_RUNS);
        Button launch = new Button("New run", click -> getUI().ifPresent(ui -> ui.navigate(RunFormView.class)));
        launch.setId("new-run");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        launch.setVisible(canLaunch);
        Button importRun = new Button(
                "Import run",
                click -> new ImportRunDialog(
                                imports,
                                datasets,
                                run -> getUI().ifPresent(ui -> ui.navigate(
                                        RunView.class,
                                        new RouteParameters("runId", run.id().toString()))))
                        .open());
        importRun.setId("import-run-open");
        importRun.setVisible(canLaunch);
        H1 title = new H1("Runs");
        HorizontalLayout header = new HorizontalLayout(title, importRun, launch);
        header.setWidthFull();
        header.expand(title);
        header.setAlignItems(FlexComponent.Alignment.CENTER);

        grid.setId("runs-grid");
        grid.addColumn(RunSummary::name).setHeader("Run").setAutoWidth(true).setFlexGrow(2);
        grid.addColumn(r -> r.method() + " / " + r.preset() + (r.imported() ? " (imported)" : ""))
                .setHeader("Method")
                .setAutoWidth(true);
        grid.addColumn(r -> r.datasetName() + " " + r.split()).setHeader("Data").setAutoWidth(true);
        grid.addColumn(r -> r.status().id()).setHeader("Status");
        grid.addColumn(r -> (r.done() + r.errors()) + " / " + r.total()).setHeader("Progress");
        grid.addColumn(r -> r.accuracy() == null ? "" : String.format("%.1f%%", 100 * r.accuracy()))
                .setHeader("Accuracy");
        grid.addColumn(RunSummary::errors).setHeader("Errors");
        grid.addColumn(r -> ClientTime.format(r.createdAt())).setHeader("Launched");
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(
                RunView.class, new RouteParameters("runId", e.getItem().id().toString()))));
        grid.setEmptyStateText("No runs yet.");
        refresh();
        add(header, grid);
    }

    private void refresh() {
        grid.setItems(runs.list(null, 0, 200));
    }

    @Override
    protected void onAttach(AttachEvent event) {
        UI ui = event.getUI();
        refresher = LivePush.every(ui, 2, () -> {
            if (grid.getListDataView().getItems().anyMatch(r -> !r.status().finished())) {
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
}
