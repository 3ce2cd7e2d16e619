package dev.distillery.finetune.ui;

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
import dev.distillery.endpoints.EndpointService;
import dev.distillery.finetune.FineTuneJobService;
import dev.distillery.finetune.FineTuneJobSummary;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;

/** The workspace's fine-tuning jobs with their status, refreshed while any is in progress, and the launch form. */
@Route("fine-tuning")
@PageTitle("Fine-tuning · Distillery")
@Menu(order = 35, title = "Fine-tuning")
@PermitAll
public class FineTuneJobListView extends VerticalLayout {

    /** How often the browser asks for news while a job runs (jobs take minutes to hours at real providers). */
    static final int REFRESH_MILLIS = 2000;

    private final FineTuneJobService jobs;
    private final Grid<FineTuneJobSummary> grid = new Grid<>();

    public FineTuneJobListView(FineTuneJobService jobs, EndpointService endpoints, WorkspaceService workspaces) {
        this.jobs = jobs;
        setSizeFull();
        Button launch = new Button(
                "New fine-tuning job",
                click -> new FineTuneJobLaunchDialog(
                                jobs,
                                endpoints.list(),
                                job -> getUI().ifPresent(ui -> ui.navigate(
                                        FineTuneJobView.class,
                                        new RouteParameters("jobId", job.id().toString()))))
                        .open());
        launch.setId("new-fine-tune");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        launch.setVisible(workspaces.current().role().can(Permission.LAUNCH_RUNS));
        H1 title = new H1("Fine-tuning");
        HorizontalLayout header = new HorizontalLayout(title, launch);
        header.setWidthFull();
        header.expand(title);
        header.setAlignItems(FlexComponent.Alignment.CENTER);

        grid.setId("fine-tune-grid");
        grid.addColumn(FineTuneJobListView::modelName)
                .setHeader("Model")
                .setAutoWidth(true)
                .setFlexGrow(2);
        grid.addColumn(FineTuneJobSummary::endpointName).setHeader("Endpoint").setAutoWidth(true);
        grid.addColumn(j -> j.status().label()).setHeader("Status").setAutoWidth(true);
        grid.addColumn(j ->
                        j.trainingExamples() + (j.validationExamples() == null ? "" : " + " + j.validationExamples()))
                .setHeader("Examples");
        grid.addColumn(FineTuneJobSummary::createdBy).setHeader("By");
        grid.addColumn(j -> ClientTime.format(j.createdAt())).setHeader("Launched");
        grid.addColumn(j -> j.finishedAt() == null ? "" : ClientTime.format(j.finishedAt()))
                .setHeader("Finished");
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(
                FineTuneJobView.class,
                new RouteParameters("jobId", e.getItem().id().toString()))));
        grid.setEmptyStateText("No fine-tuning jobs yet.");
        refresh();
        add(header, grid);
        FineTuneJobRefresh.whileAttached(
                this,
                REFRESH_MILLIS,
                () -> grid.getListDataView()
                        .getItems()
                        .anyMatch(j -> !j.status().finished()),
                this::refresh);
    }

    /** The fine-tuned model once there is one, else what is being tuned. */
    static String modelName(FineTuneJobSummary job) {
        return job.fineTunedModel() != null
                ? job.fineTunedModel()
                : job.baseModel() + (job.suffix() == null ? "" : " (" + job.suffix() + ")");
    }

    private void refresh() {
        grid.setItems(jobs.list());
    }
}
