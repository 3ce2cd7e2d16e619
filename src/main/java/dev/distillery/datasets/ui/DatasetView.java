package dev.distillery.datasets.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.shared.NotFoundException;
import jakarta.annotation.security.PermitAll;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One dataset: pick a version, see its counts per split and answer type, source and license, search and page
 * through its items (loaded page by page from the database), and export it as JSON Lines.
 */
@Route("datasets/:datasetId")
@PageTitle("Dataset · Distillery")
@PermitAll
public class DatasetView extends VerticalLayout implements BeforeEnterObserver {

    private final DatasetService datasets;
    private final H1 title = new H1();
    private final Select<VersionSummary> version = new Select<>();
    private final Paragraph counts = new Paragraph();
    private final Paragraph source = new Paragraph();
    private final Select<String> split = new Select<>();
    private final TextField search = new TextField();
    private final Grid<DatasetItem> items = new Grid<>();
    private final Anchor export = new Anchor();
    private final Pre detail = new Pre();

    public DatasetView(DatasetService datasets) {
        this.datasets = datasets;
        setSizeFull();
        title.setId("dataset-title");
        counts.setId("dataset-counts");
        version.setLabel("Version");
        version.setItemLabelGenerator(v -> "v" + v.version() + " · " + v.fileName() + " (" + v.format() + ")");
        version.addValueChangeListener(e -> showVersion());
        split.setLabel("Split");
        split.setItems("", "test", "train", "dev");
        split.setItemLabelGenerator(s -> s.isEmpty() ? "All" : s);
        split.setValue("");
        split.addValueChangeListener(e -> items.getDataProvider().refreshAll());
        search.setLabel("Search");
        search.setId("dataset-search");
        search.setPlaceholder("question, id or gold answer");
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> items.getDataProvider().refreshAll());
        export.setText("Export JSONL");
        export.setId("dataset-export");

        items.setId("dataset-items");
        items.addColumn(DatasetItem::itemId).setHeader("Id").setAutoWidth(true);
        items.addColumn(DatasetItem::split).setHeader("Split");
        items.addColumn(i -> UploadDialog.abbreviate(i.question(), 160))
                .setHeader("Question")
                .setFlexGrow(4);
        items.addColumn(i -> i.choices().stream()
                        .map(c -> c.label() + ") " + c.text())
                        .collect(Collectors.joining("  ")))
                .setHeader("Choices")
                .setFlexGrow(1);
        items.addColumn(DatasetItem::goldRaw).setHeader("Gold (published)").setAutoWidth(true);
        items.addColumn(DatasetItem::gold).setHeader("Gold").setAutoWidth(true);
        items.addColumn(i -> i.answerType().id()).setHeader("Type");
        items.addColumn(i -> i.sourceRef()).setHeader("Source").setAutoWidth(true);
        items.setItems(
                query -> {
                    VersionSummary v = version.getValue();
                    return v == null
                            ? java.util.stream.Stream.empty()
                            : datasets
                                    .items(
                                            v.id(),
                                            split.getValue(),
                                            search.getValue(),
                                            query.getOffset(),
                                            query.getLimit())
                                    .stream();
                },
                query -> {
                    VersionSummary v = version.getValue();
                    return v == null ? 0 : datasets.countItems(v.id(), split.getValue(), search.getValue());
                });
        items.addSelectionListener(e -> detail.setText(
                e.getFirstSelectedItem().map(DatasetView::describe).orElse("")));
        detail.addClassName("detail-box");

        HorizontalLayout filters = new HorizontalLayout(version, split, search, export);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(title, counts, source, filters, items, detail);
        setFlexGrow(1, items);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        UUID id;
        try {
            id = UUID.fromString(event.getRouteParameters().get("datasetId").orElse(""));
        } catch (IllegalArgumentException e) {
            event.forwardTo(DatasetListView.class);
            return;
        }
        DatasetDetails details;
        try {
            details = datasets.get(id);
        } catch (NotFoundException e) {
            removeAll();
            add(new H1("Dataset not found"), new Paragraph("It does not exist in this workspace."));
            return;
        }
        title.setText(details.name());
        version.setItems(details.versions());
        version.setValue(details.latest());
    }

    private void showVersion() {
        VersionSummary v = version.getValue();
        if (v == null) {
            return;
        }
        counts.setText(v.itemCount() + " items · "
                + v.splitCounts().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "))
                + " · answer types: "
                + v.typeCounts().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
        source.setText("Source and license: " + (v.source() == null ? "not given" : v.source()) + " · uploaded by "
                + (v.createdBy() == null ? "?" : v.createdBy()));
        String fileName = title.getText().replaceAll("[^A-Za-z0-9._-]+", "_") + "-v" + v.version() + ".jsonl";
        export.setHref((DownloadHandler) event -> {
            event.setFileName(fileName);
            event.setContentType("application/x-ndjson");
            datasets.exportJsonl(v.id(), event.getOutputStream());
        });
        items.getDataProvider().refreshAll();
    }

    private static String describe(DatasetItem item) {
        StringBuilder text = new StringBuilder(item.question());
        item.choices()
                .forEach(c -> text.append("\n(").append(c.label()).append(") ").append(c.text()));
        text.append("\n\nGold: ").append(item.goldRaw()).append("  →  ").append(item.gold());
        if (item.rationale() != null) {
            text.append("\n\nRationale:\n").append(item.rationale());
        }
        item.decomposition()
                .forEach(step -> text.append("\n- ")
                        .append(step.get("question"))
                        .append(step.getOrDefault("answer", "").isBlank() ? "" : " → " + step.get("answer")));
        return text.toString();
    }
}
