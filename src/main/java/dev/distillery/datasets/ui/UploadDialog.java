package dev.distillery.datasets.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.ImportPreview;
import dev.distillery.datasets.ImportRequest;
import dev.distillery.datasets.ImportResult;
import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.Sizes;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Upload a dataset file: drag and drop with progress, the format (auto-detected, overridable), the default split,
 * the source and license, and for generic files the column mapping with a live preview of the first items. A
 * failed import lists every bad line with its field and reason.
 */
class UploadDialog extends Dialog {

    private final DatasetService datasets;
    private final Consumer<ImportResult> onImported;
    private final TextField name = new TextField("Dataset name");
    private final Select<String> format = new Select<>();
    private final Select<String> split = new Select<>();
    private final TextField source = new TextField("Source and license");
    private final ComboBox<String> question = mappingField("Question column", "map-question");
    private final ComboBox<String> answer = mappingField("Answer column", "map-answer");
    private final ComboBox<String> choices = mappingField("Choices column (optional)", "map-choices");
    private final ComboBox<String> id = mappingField("Id column (optional)", "map-id");
    private final ComboBox<String> splitColumn = mappingField("Split column (optional)", "map-split");
    private final Select<AnswerType> answerType = new Select<>();
    private final FormLayout mapping = new FormLayout();
    private final Grid<DatasetItem> previewGrid = new Grid<>();
    private final Grid<FieldError> problems = new Grid<>();
    private final Paragraph status = new Paragraph();
    private final Button importButton = new Button("Import");
    private volatile @Nullable File uploaded;
    private volatile String uploadedName = "";

    UploadDialog(DatasetService datasets, Consumer<ImportResult> onImported) {
        this.datasets = datasets;
        this.onImported = onImported;
        setHeaderTitle("Upload a dataset");
        setWidth("min(70rem, 96vw)");

        var limits = datasets.limits();
        UI ui = UI.getCurrent();
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> {
            uploaded = file;
            uploadedName = metadata.fileName();
            ui.access(this::uploadFinished);
        }));
        upload.setId("dataset-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()));
        upload.setDropLabel(new com.vaadin.flow.component.html.Span("Drop a file here: .jsonl, .json, .csv or a .zip"
                + " (MATH layout). Up to " + Sizes.bytes(limits.maxFileBytes()) + "; zips up to "
                + String.format("%,d", limits.maxZipEntries()) + " files and " + Sizes.bytes(limits.maxUnpackedBytes())
                + " unpacked."));
        upload.addFileRejectedListener(event -> status.setText("Rejected: " + event.getErrorMessage()));

        name.setId("dataset-name");
        name.setRequired(true);
        format.setLabel("Format");
        format.setId("dataset-format");
        List<String> formatIds = new ArrayList<>(List.of("auto"));
        formatIds.addAll(datasets.formats().keySet());
        format.setItems(formatIds);
        Map<String, String> labels = datasets.formats();
        format.setItemLabelGenerator(f -> f.equals("auto") ? "Detect automatically" : labels.get(f));
        format.setValue("auto");
        format.addValueChangeListener(e -> {
            mapping.setVisible("generic".equals(e.getValue()));
            refreshPreview();
        });
        split.setLabel("Split (when the file does not say)");
        split.setId("dataset-split");
        split.setItems("", "test", "train", "dev");
        split.setItemLabelGenerator(s -> s.isEmpty() ? "From the file name" : s);
        split.setValue("");
        source.setId("dataset-source");
        source.setPlaceholder("e.g. openai/grade-school-math, MIT");

        answerType.setLabel("Answer type");
        answerType.setId("map-answer-type");
        answerType.setItems(AnswerType.values());
        answerType.setItemLabelGenerator(AnswerType::id);
        answerType.addValueChangeListener(e -> refreshPreview());
        mapping.add(question, answer, choices, id, splitColumn, answerType);
        mapping.setVisible(false);

        previewGrid.setId("dataset-preview");
        previewGrid.setAllRowsVisible(true);
        previewGrid.addColumn(DatasetItem::itemId).setHeader("Id").setAutoWidth(true);
        previewGrid.addColumn(DatasetItem::split).setHeader("Split");
        previewGrid
                .addColumn(i -> abbreviate(i.question(), 120))
                .setHeader("Question")
                .setFlexGrow(3);
        previewGrid.addColumn(DatasetItem::gold).setHeader("Gold").setAutoWidth(true);
        previewGrid.addColumn(i -> i.answerType().id()).setHeader("Type");
        previewGrid.setVisible(false);

        problems.setId("import-problems");
        problems.setAllRowsVisible(true);
        problems.addColumn(p -> p.line() == null ? "" : p.line().toString())
                .setHeader("Line")
                .setAutoWidth(true);
        problems.addColumn(FieldError::field).setHeader("Field").setAutoWidth(true);
        problems.addColumn(FieldError::message).setHeader("Problem").setFlexGrow(3);
        problems.setVisible(false);
        status.setId("import-status");

        importButton.setId("import-dataset");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        importButton.setEnabled(false);
        importButton.addClickListener(click -> runImport());

        FormLayout form = new FormLayout(name, format, split, source);
        add(upload, form, mapping, status, problems, previewGrid);
        getFooter().add(new Button("Cancel", click -> close()), importButton);
        addDetachListener(e -> deleteUpload());
    }

    private void uploadFinished() {
        if (name.isEmpty()) {
            name.setValue(stripExtension(uploadedName));
        }
        importButton.setEnabled(true);
        refreshPreview();
    }

    private void runImport() {
        if (uploaded == null) {
            return;
        }
        try {
            ImportResult result = datasets.importFile(request(), uploaded.toPath(), uploadedName);
            close();
            onImported.accept(result);
        } catch (InvalidInputException e) {
            showProblems(e.errors(), "The import was refused and nothing was stored. Fix these and upload again:");
        }
    }

    private void refreshPreview() {
        if (uploaded == null) {
            return;
        }
        ImportPreview preview = datasets.preview(request(), uploaded.toPath(), uploadedName, 10);
        List<String> columns = preview.columns();
        for (ComboBox<String> box : List.of(question, answer, choices, id, splitColumn)) {
            String current = box.getValue();
            box.setItems(columns);
            if (current != null && columns.contains(current)) {
                box.setValue(current);
            }
        }
        if ("auto".equals(format.getValue()) && preview.format() != null) {
            status.setText("Detected format: " + datasets.formats().getOrDefault(preview.format(), preview.format()));
        }
        previewGrid.setItems(preview.items());
        previewGrid.setVisible(!preview.items().isEmpty());
        if (preview.problems().isEmpty()) {
            problems.setVisible(false);
        } else {
            showProblems(preview.problems(), "Problems in the first lines:");
        }
    }

    private void showProblems(List<FieldError> errors, String heading) {
        status.setText(heading + " " + errors.getFirst().describe());
        problems.setItems(errors);
        problems.setVisible(true);
    }

    private ImportRequest request() {
        return new ImportRequest(
                name.getValue(),
                format.getValue(),
                split.getValue(),
                source.getValue(),
                new ImportRequest.ColumnMapping(
                        question.getValue(),
                        answer.getValue(),
                        choices.getValue(),
                        id.getValue(),
                        splitColumn.getValue(),
                        answerType.getValue()));
    }

    private ComboBox<String> mappingField(String label, String fieldId) {
        ComboBox<String> box = new ComboBox<>(label);
        box.setId(fieldId);
        box.setAllowCustomValue(true);
        box.addCustomValueSetListener(e -> box.setValue(e.getDetail()));
        box.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                refreshPreview();
            }
        });
        return box;
    }

    private void deleteUpload() {
        if (uploaded != null) {
            try {
                Files.deleteIfExists(uploaded.toPath());
            } catch (IOException ignored) {
                // A temp file the OS cleans up later.
            }
        }
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
