package dev.distillery.experiments.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.experiments.ExperimentService;
import dev.distillery.experiments.ExperimentSummary;
import dev.distillery.experiments.ExperimentTemplate;
import dev.distillery.experiments.ExperimentTemplateService;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.util.List;

/** The workspace's experiments, newest first, with how many of their cells have finished. */
@Route("experiments")
@PageTitle("Experiments · Distillery")
@Menu(order = 35, title = "Experiments")
@PermitAll
public class ExperimentListView extends VerticalLayout {

    public ExperimentListView(
            ExperimentService experiments, ExperimentTemplateService templates, WorkspaceService workspaces) {
        setSizeFull();
        Button create =
                new Button("New experiment", click -> getUI().ifPresent(ui -> ui.navigate(ExperimentFormView.class)));
        create.setId("new-experiment");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setVisible(workspaces.current().role().can(Permission.LAUNCH_RUNS));
        H1 title = new H1("Experiments");
        HorizontalLayout header = new HorizontalLayout(title, create);
        header.setWidthFull();
        header.expand(title);
        header.setAlignItems(FlexComponent.Alignment.CENTER);

        Grid<ExperimentSummary> grid = new Grid<>();
        grid.setId("experiments-grid");
        grid.addColumn(ExperimentSummary::name).setHeader("Experiment").setFlexGrow(2);
        grid.addColumn(e -> e.datasetName() + " " + e.split())
                .setHeader("Dataset")
                .setAutoWidth(true);
        grid.addColumn(e -> e.finishedCells() + " / " + e.cells()).setHeader("Cells done");
        grid.addColumn(ExperimentSummary::status).setHeader("Status");
        grid.addColumn(e -> ClientTime.format(e.createdAt()))
                .setHeader("Created")
                .setAutoWidth(true);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(
                ExperimentView.class,
                new RouteParameters("experimentId", e.getItem().id().toString()))));
        grid.setEmptyStateText("No experiments yet: an experiment runs a grid of methods × teachers × students "
                + "on one dataset and shows it as a paper's table.");
        grid.setItems(experiments.list());
        add(header, grid);
        if (workspaces.current().role().can(Permission.LAUNCH_RUNS)) {
            add(templates(templates.templates()));
        }
    }

    /** The papers' experiments, each a link to its page where only the dataset and the models are left to choose. */
    private static Section templates(List<ExperimentTemplate> templates) {
        H2 heading = new H2("Start from a template");
        heading.setId("templates-heading");
        UnorderedList list = new UnorderedList();
        list.setId("templates");
        list.addClassName("plain-list");
        for (ExperimentTemplate template : templates) {
            Anchor link = new Anchor("experiments/templates/" + template.key(), template.title());
            link.setId("template-" + template.key());
            link.getElement().setAttribute("router-link", true);
            H3 title = new H3(link);
            list.add(new ListItem(title, new Paragraph(template.description())));
        }
        Section section = new Section(heading, list);
        section.getElement().setAttribute("aria-labelledby", "templates-heading");
        section.setWidthFull();
        return section;
    }
}
