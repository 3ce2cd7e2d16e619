package dev.distillery.runs.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunImportDraft;
import dev.distillery.runs.RunImportService;
import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.Sizes;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Import a run produced elsewhere: the dataset and split it answers, the method label it goes by, the student (and
 * teacher) that produced it, and the file. A refused import lists every bad line and why; nothing is stored then.
 */
class ImportRunDialog extends Dialog {

    private final RunImportService imports;
    private final Consumer<RunDetails> onImported;
    private final Select<DatasetSummary> dataset = new Select<>();
    private final Select<String> split = new Select<>();
    private final TextField method = new TextField("Method label");
    private final TextField student = new TextField("Student model");
    private final TextField teacher = new TextField("Teacher model (optional)");
    private final TextField name = new TextField("Run name (optional)");
    private final Select<String> answerType = new Select<>();
    private final Grid<FieldError> problems = new Grid<>();
    private final Paragraph status = new Paragraph();
    private final Button importButton = new Button("Import");
    private volatile @Nullable File uploaded;
    private volatile String uploadedName = "";

    ImportRunDialog(RunImportService imports, DatasetService datasets, Consumer<RunDetails> onImported) {
        this.imports = imports;
        this.onImported = onImported;
        setHeaderTitle("Import a run");
        setWidth("min(60rem, 96vw)");

        dataset.setLabel("Dataset");
        dataset.setId("import-dataset");
        dataset.setItems(datasets.list());
        dataset.setItemLabelGenerator(d -> d.name() + " v" + d.latestVersion());
        split.setLabel("Split");
        split.setId("import-split");
        split.setItems("test", "train", "dev");
        split.setValue("test");
        method.setId("import-method");
        method.setValue("imported");
        method.setHelperText("\"standard\" (or another student-only method) makes it the student's baseline.");
        student.setId("import-student");
        student.setRequired(true);
        student.setHelperText("Imports with the same name are the same student on leaderboards.");
        teacher.setId("import-teacher");
        name.setId("import-name");
        answerType.setLabel("Grade as");
        answerType.setId("import-answer-type");
        answerType.setItems("", "number", "math", "choice", "yesno", "string");
        answerType.setItemLabelGenerator(t ->
                t.isEmpty() ? "Each item's answer type" : AnswerType.fromId(t).id());
        answerType.setValue("");

        UI ui = UI.getCurrent();
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> {
            deleteUpload();
            uploaded = file;
            uploadedName = metadata.fileName();
            ui.access(() -> {
                importButton.setEnabled(true);
                status.setText("Ready to import " + uploadedName + ".");
            });
        }));
        upload.setId("import-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, imports.maxFileBytes()));
        upload.setDropLabel(new Span("Drop a .jsonl file of {\"itemId\" or \"question\", \"output\", \"teacherTrace\"} "
                + "objects, or a .csv with a header of the same names. Up to " + Sizes.bytes(imports.maxFileBytes())
                + "."));
        upload.addFileRejectedListener(event -> status.setText("Rejected: " + event.getErrorMessage()));

        problems.setId("import-run-problems");
        problems.setAllRowsVisible(true);
        problems.addColumn(p -> p.line() == null ? "" : p.line().toString())
                .setHeader("Line")
                .setAutoWidth(true);
        problems.addColumn(p -> describe(p.field())).setHeader("What").setAutoWidth(true);
        problems.addColumn(FieldError::message).setHeader("Problem").setFlexGrow(3);
        problems.setVisible(false);
        status.setId("import-run-status");

        importButton.setId("import-run");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        importButton.setEnabled(false);
        importButton.addClickListener(click -> runImport());

        FormLayout form = new FormLayout(dataset, split, method, student, teacher, name, answerType);
        add(form, upload, status, problems);
        getFooter().add(new Button("Cancel", click -> close()), importButton);
        addDetachListener(e -> deleteUpload());
    }

    private void runImport() {
        File file = uploaded;
        if (file == null) {
            return;
        }
        try {
            RunDetails run = imports.importRun(
                    new RunImportDraft(
                            name.getValue(),
                            dataset.getValue() == null
                                    ? null
                                    : dataset.getValue().id(),
                            null,
                            split.getValue(),
                            method.getValue(),
                            student.getValue(),
                            teacher.getValue(),
                            answerType.getValue()),
                    file.toPath(),
                    uploadedName);
            close();
            onImported.accept(run);
        } catch (InvalidInputException e) {
            status.setText("The import was refused and nothing was stored. "
                    + e.errors().size() + (e.errors().size() == 1 ? " problem" : " problems") + " to fix:");
            problems.setItems(e.errors());
            problems.setVisible(true);
        } catch (NotFoundException e) {
            status.setText(e.getMessage());
        }
    }

    /** A field or column name as a person would say it. */
    private static String describe(String field) {
        return switch (field) {
            case "itemId" -> "item id";
            case "teacherTrace" -> "teacher trace";
            case "answerType" -> "grade as";
            case "datasetId" -> "dataset";
            case "(line)" -> "line";
            case "(header)" -> "header";
            default -> field;
        };
    }

    private void deleteUpload() {
        File file = uploaded;
        if (file != null) {
            try {
                Files.deleteIfExists(file.toPath());
            } catch (IOException ignored) {
                // A temp file the OS cleans up later.
            }
        }
    }
}
