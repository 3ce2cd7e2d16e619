package dev.distillery.finetune.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.FineTuning;
import dev.distillery.finetune.FineTuneJobService;
import dev.distillery.finetune.FineTuneJobSummary;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Launch a fine-tuning job: the endpoint whose server fine-tunes, the base model (the endpoint's by default), a
 * suffix, optional epochs, batch size and learning-rate multiplier, and the training (and validation) JSONL. A
 * refused file lists every bad line with its reason.
 */
class FineTuneJobLaunchDialog extends Dialog {

    /** Fine-tuning files are JSONL of examples; the request limit of the app applies as well. */
    private static final int MAX_FILE_BYTES = 200 * 1024 * 1024;

    private final FineTuneJobService jobs;
    private final Consumer<FineTuneJobSummary> onLaunched;
    private final Select<EndpointDetails> endpoint = new Select<>();
    private final TextField model = new TextField("Base model");
    private final TextField suffix = new TextField("Suffix (optional)");
    private final IntegerField epochs = new IntegerField("Epochs (empty: auto)");
    private final IntegerField batchSize = new IntegerField("Batch size (empty: auto)");
    private final NumberField learningRate = new NumberField("Learning rate multiplier (empty: auto)");
    private final Paragraph status = new Paragraph();
    private final Grid<FieldError> problems = new Grid<>();
    private volatile byte @Nullable [] training;
    private volatile String trainingName = "training.jsonl";
    private volatile byte @Nullable [] validation;

    FineTuneJobLaunchDialog(
            FineTuneJobService jobs, List<EndpointDetails> endpoints, Consumer<FineTuneJobSummary> onLaunched) {
        this.jobs = jobs;
        this.onLaunched = onLaunched;
        setHeaderTitle("New fine-tuning job");
        setWidth("min(60rem, 96vw)");

        endpoint.setLabel("Endpoint (its server fine-tunes, with its key)");
        endpoint.setId("ft-endpoint");
        endpoint.setItems(endpoints);
        endpoint.setItemLabelGenerator(e -> e.name() + " (" + e.model() + ")");
        endpoint.addValueChangeListener(e -> {
            if (e.getValue() != null
                    && (model.isEmpty()
                            || e.getOldValue() != null
                                    && model.getValue().equals(e.getOldValue().model()))) {
                model.setValue(e.getValue().model());
            }
        });
        model.setId("ft-model");
        model.setHelperText("The model to fine-tune, e.g. gpt-4o-mini-2024-07-18.");
        suffix.setId("ft-suffix");
        suffix.setHelperText("Becomes part of the fine-tuned model's name: letters, digits, - and _.");
        epochs.setId("ft-epochs");
        epochs.setMin(1);
        batchSize.setId("ft-batch-size");
        batchSize.setMin(1);
        learningRate.setId("ft-learning-rate");

        UI ui = UI.getCurrent();
        Upload trainingUpload = upload("ft-training-upload", "Drop the training file (.jsonl) here", (name, bytes) -> {
            training = bytes;
            trainingName = name;
            ui.access(() -> status.setText("Training file: " + name + " (" + bytes.length + " bytes)."));
        });
        trainingUpload.addFileRemovedListener(removed -> training = null);
        Upload validationUpload =
                upload("ft-validation-upload", "Optionally, a validation file (.jsonl)", (name, bytes) -> {
                    validation = bytes;
                    ui.access(() -> status.setText("Validation file: " + name + " (" + bytes.length + " bytes)."));
                });
        validationUpload.addFileRemovedListener(removed -> validation = null);
        status.setId("ft-status-line");
        problems.setId("ft-problems");
        problems.setAllRowsVisible(true);
        problems.addColumn(p -> p.line() == null ? "" : p.line().toString())
                .setHeader("Line")
                .setAutoWidth(true);
        problems.addColumn(FieldError::field).setHeader("Field").setAutoWidth(true);
        problems.addColumn(FieldError::message).setHeader("Problem").setFlexGrow(3);
        problems.setVisible(false);

        Button launch = new Button("Launch fine-tuning", click -> launch());
        launch.setId("launch-fine-tune");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        FormLayout form = new FormLayout(endpoint, model, suffix, epochs, batchSize, learningRate);
        add(
                form,
                new Span(
                        "Each line: {\"messages\": [...]} or {\"prompt\": ..., \"completion\": ...}, one format per file."),
                trainingUpload,
                validationUpload,
                status,
                problems);
        getFooter().add(new Button("Cancel", click -> close()), launch);
        if (endpoints.size() == 1) {
            endpoint.setValue(endpoints.getFirst());
        }
    }

    private interface Received {
        void accept(String name, byte[] bytes);
    }

    private static Upload upload(String id, String label, Received received) {
        Upload upload =
                new Upload(UploadHandler.inMemory((metadata, bytes) -> received.accept(metadata.fileName(), bytes)));
        upload.setId(id);
        upload.setMaxFiles(1);
        upload.setMaxFileSize(MAX_FILE_BYTES);
        upload.setDropLabel(new Span(label));
        return upload;
    }

    private void launch() {
        byte[] trainingBytes = training;
        if (endpoint.getValue() == null || trainingBytes == null) {
            show(List.of(new FieldError(
                    endpoint.getValue() == null ? "endpoint" : "trainingFile",
                    endpoint.getValue() == null
                            ? "Choose the endpoint whose server fine-tunes."
                            : "Upload a training file.")));
            return;
        }
        try {
            FineTuneJobSummary job = jobs.launch(
                    endpoint.getValue().id(),
                    model.getValue(),
                    suffix.getValue(),
                    trainingName,
                    trainingBytes,
                    validation,
                    new FineTuning.Hyperparameters(epochs.getValue(), batchSize.getValue(), learningRate.getValue()));
            close();
            onLaunched.accept(job);
        } catch (InvalidInputException e) {
            show(e.errors());
        }
    }

    private void show(List<FieldError> errors) {
        status.setText("Not launched: " + errors.getFirst().describe());
        problems.setItems(errors);
        problems.setVisible(true);
    }
}
