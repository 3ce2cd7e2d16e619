package dev.distillery.datasets.ui;

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
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.util.stream.Collectors;

/** The workspace's datasets, each with its latest version's counts; upload opens the import dialog. */
@Route("datasets")
@PageTitle("Datasets · Distillery")
@Menu(order = 20, title = "Datasets")
@PermitAll
public class DatasetListView extends VerticalLayout {

    private final DatasetService datasets;
    private final Grid<DatasetSummary> grid = new Grid<>();

    public DatasetListView(DatasetService datasets, WorkspaceService workspaces) {
        this.datasets = datasets;
        setSizeFull();
        Button upload = new Button(
                "Upload dataset",
                click -> new UploadDialog(datasets, result -> {
                            refresh();
                            Notifications.success(
                                    "Imported " + result.itemCount() + " items as version " + result.version() + ": "
                                            + result.counts().entrySet().stream()
                                                    .map(e -> e.getValue() + " " + e.getKey())
                                                    .collect(Collectors.joining(", "))
                                            + ".");
                        })
                        .open());
        upload.setId("upload-dataset");
        upload.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        upload.setVisible(workspaces.current().role().can(Permission.MANAGE_RESOURCES));
        H1 title = new H1("Datasets");
        HorizontalLayout header = new HorizontalLayout(title, upload);
        header.setWidthFull();
        header.expand(title);
        header.setAlignItems(FlexComponent.Alignment.CENTER);

        grid.setId("datasets-grid");
        grid.addColumn(DatasetSummary::name).setHeader("Name").setAutoWidth(true);
        grid.addColumn(d -> "v" + d.latestVersion()).setHeader("Version");
        grid.addColumn(DatasetSummary::itemCount).setHeader("Items");
        grid.addColumn(d -> d.splitCounts().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")))
                .setHeader("Splits")
                .setAutoWidth(true);
        grid.addColumn(d -> d.source() == null ? "" : d.source())
                .setHeader("Source and license")
                .setFlexGrow(2);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(
                DatasetView.class,
                new RouteParameters("datasetId", e.getItem().id().toString()))));
        grid.setEmptyStateText(
                "No datasets yet. Upload GSM8K, MATH, SVAMP, StrategyQA, AQuA, CommonsenseQA or your own.");
        refresh();
        add(header, grid);
    }

    private void refresh() {
        grid.setItems(datasets.list());
    }
}
