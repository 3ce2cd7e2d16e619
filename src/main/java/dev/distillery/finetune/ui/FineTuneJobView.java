package dev.distillery.finetune.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import dev.distillery.finetune.FineTuneJobDetails;
import dev.distillery.finetune.FineTuneJobEvent;
import dev.distillery.finetune.FineTuneJobService;
import dev.distillery.finetune.FineTuneJobStatus;
import dev.distillery.finetune.FineTuneJobSummary;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One fine-tuning job: its settings, live status and the provider's events; once it succeeded, the endpoint
 * registered for the fine-tuned model and a button that opens the run form to evaluate it with
 * {@code fine-tune-cot-student}.
 */
@Route("fine-tuning/:jobId")
@PageTitle("Fine-tuning job · Distillery")
@PermitAll
public class FineTuneJobView extends VerticalLayout implements BeforeEnterObserver {

    static final String STUDENT_METHOD = "fine-tune-cot-student";

    private final FineTuneJobService jobs;
    private final boolean canLaunch;
    private final H1 title = new H1();
    private final Span status = new Span();
    private final Paragraph settings = new Paragraph();
    private final Paragraph error = new Paragraph();
    private final Button cancel = new Button("Cancel job");
    private final Anchor endpointLink = new Anchor("endpoints", "");
    private final Button evaluate = new Button("Evaluate with " + STUDENT_METHOD);
    private final Grid<FineTuneJobEvent> events = new Grid<>();
    private @Nullable UUID jobId;
    private @Nullable FineTuneJobSummary shown;

    public FineTuneJobView(FineTuneJobService jobs, WorkspaceService workspaces) {
        this.jobs = jobs;
        this.canLaunch = workspaces.current().role().can(Permission.LAUNCH_RUNS);
        setSizeFull();
        title.setId("ft-title");
        status.setId("ft-status");
        settings.setId("ft-settings");
        error.setId("ft-error");
        error.addClassName("text-error");
        cancel.setId("ft-cancel");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        cancel.addClickListener(click -> {
            jobs.cancel(currentJob());
            Notifications.success("Fine-tuning job cancelled.");
            refresh();
        });
        endpointLink.setId("ft-endpoint-link");
        evaluate.setId("ft-evaluate");
        evaluate.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        evaluate.addClickListener(click -> {
            FineTuneJobSummary job = shown;
            if (job != null && job.createdEndpointId() instanceof UUID endpointId) {
                // By address: the run form belongs to the runs module, which fine-tuning does not depend on.
                getUI().ifPresent(ui -> ui.navigate(
                        "runs/new",
                        QueryParameters.simple(Map.of("method", STUDENT_METHOD, "student", endpointId.toString()))));
            }
        });
        HorizontalLayout succeeded = new HorizontalLayout(endpointLink, evaluate);
        succeeded.setAlignItems(FlexComponent.Alignment.CENTER);
        succeeded.setId("ft-succeeded");

        events.setId("ft-events");
        events.addColumn(e -> ClientTime.format(e.createdAt()))
                .setHeader("Time")
                .setAutoWidth(true);
        events.addColumn(FineTuneJobEvent::level).setHeader("Level").setAutoWidth(true);
        events.addColumn(FineTuneJobEvent::message).setHeader("Message").setFlexGrow(4);
        events.setEmptyStateText("No events from the provider yet.");
        add(title, new HorizontalLayout(status, cancel), settings, error, succeeded, new H2("Events"), events);
        FineTuneJobRefresh.whileAttached(this, FineTuneJobListView.REFRESH_MILLIS / 2, this::live, this::refresh);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        try {
            jobId = UUID.fromString(event.getRouteParameters().get("jobId").orElse(""));
            refresh();
        } catch (IllegalArgumentException | NotFoundException e) {
            event.forwardTo(FineTuneJobListView.class);
        }
    }

    private UUID currentJob() {
        if (jobId == null) {
            throw new IllegalStateException("No job shown");
        }
        return jobId;
    }

    private void refresh() {
        FineTuneJobDetails details = jobs.get(currentJob());
        FineTuneJobSummary job = details.job();
        shown = job;
        title.setText(FineTuneJobListView.modelName(job));
        status.setText(job.status().label()
                + (job.trainedTokens() == null ? "" : " · " + job.trainedTokens() + " tokens trained"));
        settings.setText("Base model " + job.baseModel() + " on " + job.endpointName()
                + (job.providerJobId() == null ? "" : " (provider job " + job.providerJobId() + ")")
                + " · training file "
                + job.trainingFileName() + ", " + job.trainingExamples() + " examples"
                + (job.validationExamples() == null ? "" : " · validation " + job.validationExamples() + " examples")
                + " · launched " + ClientTime.format(job.createdAt()) + " by " + job.createdBy());
        error.setText(job.error() == null ? "" : job.error());
        error.setVisible(job.error() != null);
        cancel.setVisible(canLaunch && !job.status().finished());
        boolean registered = job.createdEndpointId() != null;
        endpointLink.setText(registered ? "New endpoint for " + job.fineTunedModel() + " (Endpoints)" : "");
        endpointLink.getParent().ifPresent(row -> row.setVisible(registered));
        evaluate.setVisible(registered && canLaunch);
        events.setItems(details.events());
    }

    /** Still changing: running at the provider, or succeeded but its endpoint not registered yet. */
    private boolean live() {
        FineTuneJobSummary job = shown;
        return job == null
                || !job.status().finished()
                || job.status() == FineTuneJobStatus.SUCCEEDED && job.createdEndpointId() == null;
    }
}
