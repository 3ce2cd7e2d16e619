package dev.distillery.finetune.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.distillery.finetune.ContaminationException;
import dev.distillery.finetune.ExportFile;
import dev.distillery.finetune.ExportFormat;
import dev.distillery.finetune.FineTuneExportRequest;
import dev.distillery.finetune.FineTuneExportService;
import dev.distillery.runs.RunDetails;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import java.util.List;

/**
 * "Export training data": the format (and the base format a wrapper carries), a validation fraction and seed, whether
 * to apply reviewers' corrections; "Prepare" builds the export and offers its file. A refusal for test items says in
 * words how many and which, and shows a field for the reason to override it.
 */
class FineTuneExportDialog extends Dialog {

    private final FineTuneExportService exports;
    private final RunDetails run;
    private final Select<ExportFormat> format = new Select<>();
    private final Select<ExportFormat> base = new Select<>();
    private final NumberField validation = new NumberField("Validation fraction");
    private final IntegerField seed = new IntegerField("Split seed");
    private final Checkbox corrections = new Checkbox("Apply reviewers' corrections (latest revisions)");
    private final TextArea reason = new TextArea("Reason to export test items anyway");
    private final Paragraph message = new Paragraph();
    private final Anchor download = new Anchor();

    FineTuneExportDialog(FineTuneExportService exports, RunDetails run) {
        this.exports = exports;
        this.run = run;
        setHeaderTitle("Export training data");
        setWidth("36rem");
        List<ExportFormat> formats = exports.formatsFor(run.id());
        List<ExportFormat> bases =
                formats.stream().filter(f -> f.kind() == ExportFormat.Kind.BASE).toList();

        format.setLabel("Format");
        format.setId("export-format");
        format.setItems(formats);
        format.setItemLabelGenerator(f -> f.id() + " — " + f.label());
        format.setValue(formats.getFirst());
        format.setWidthFull();
        base.setLabel("Carrying the samples of");
        base.setId("export-base-format");
        base.setItems(bases);
        base.setItemLabelGenerator(f -> f.id() + " — " + f.label());
        base.setWidthFull();
        if (!bases.isEmpty()) {
            base.setValue(bases.getFirst());
        }
        format.addValueChangeListener(e -> changed());
        validation.setId("export-validation");
        validation.setMin(0);
        validation.setMax(0.9);
        validation.setStep(0.05);
        validation.setValue(0.0);
        validation.setHelperText("0 downloads one JSON Lines file; more downloads a zip of train.jsonl and "
                + "validation.jsonl, split by question.");
        seed.setId("export-seed");
        seed.setValue(0);
        corrections.setId("export-corrections");
        reason.setId("export-override-reason");
        reason.setWidthFull();
        reason.setMaxLength(1000);
        message.setId("export-message");
        download.setId("export-download");
        download.getElement().setAttribute("download", true);

        Button prepare = new Button("Prepare download", e -> prepare());
        prepare.setId("export-prepare");
        prepare.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(new VerticalLayout(format, base, validation, seed, corrections, message, reason, download));
        getFooter().add(new Button("Close", e -> close()), prepare);
        changed();
    }

    private void changed() {
        ExportFormat f = format.getValue();
        base.setVisible(f != null && f.kind() == ExportFormat.Kind.WRAPPER);
        corrections.setVisible(f != null && f.kind() != ExportFormat.Kind.PREFERENCE);
        reason.setVisible(false);
        reason.clear();
        message.setText(f == null ? "" : "One line: " + f.layout());
        download.setVisible(false);
    }

    private void prepare() {
        ExportFormat f = format.getValue();
        var request = new FineTuneExportRequest(
                f.id(),
                base.isVisible() && base.getValue() != null ? base.getValue().id() : null,
                validation.getValue() == null ? 0 : validation.getValue(),
                seed.getValue() == null ? 0 : seed.getValue(),
                corrections.isVisible() && corrections.getValue(),
                reason.isVisible() ? reason.getValue() : null);
        download.setVisible(false);
        try {
            ExportFile file = exports.export(run.id(), request);
            var r = file.record();
            message.setText("Ready: " + r.trainSamples() + " training samples"
                    + (r.validationSamples() > 0 || r.validationFraction() > 0
                            ? " and " + r.validationSamples() + " validation samples"
                            : "")
                    + " from " + r.items() + " items"
                    + (r.contaminatedItems() > 0
                            ? ", including " + r.contaminatedItems() + " test items (override recorded)"
                            : "")
                    + ".");
            download.setHref(
                    DownloadHandler.fromInputStream(event -> new com.vaadin.flow.server.streams.DownloadResponse(
                            new java.io.ByteArrayInputStream(file.content()),
                            file.fileName(),
                            file.contentType(),
                            file.content().length)));
            download.setText("Download " + file.fileName());
            download.setVisible(true);
        } catch (ContaminationException e) {
            message.setText("Refused: " + e.contaminatedItems() + (e.contaminatedItems() == 1 ? " item" : " items")
                    + " would put test data into training"
                    + (e.testSplitItems() > 0 ? " (" + e.testSplitItems() + " from a test split)" : "")
                    + (e.duplicateItems() > 0 ? " (" + e.duplicateItems() + " with the question of a test item)" : "")
                    + ", for example " + String.join(", ", e.examples())
                    + ". To export them anyway, say why below and prepare again; the reason is recorded.");
            reason.setVisible(true);
            reason.focus();
        } catch (InvalidInputException | ConflictException e) {
            message.setText(e.getMessage());
        }
    }
}
