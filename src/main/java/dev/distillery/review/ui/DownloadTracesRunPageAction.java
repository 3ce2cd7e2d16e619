package dev.distillery.review.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.distillery.review.ReviewFilter;
import dev.distillery.review.TraceExportService;
import dev.distillery.review.TraceFormat;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunPageAction;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The run page's "Download traces": the run's traces as JSON Lines or CSV, all of them or those with one verdict,
 * streamed from the database as the browser saves them (the file is never built in memory).
 */
@Component
class DownloadTracesRunPageAction implements RunPageAction {

    private final TraceExportService exports;

    DownloadTracesRunPageAction(TraceExportService exports) {
        this.exports = exports;
    }

    @Override
    public String id() {
        return "run-download-traces";
    }

    @Override
    public String label() {
        return "Download traces";
    }

    /** Anyone who can read the run can read its traces. */
    @Override
    public boolean availableFor(RunDetails run) {
        return true;
    }

    @Override
    public void open(RunDetails run) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Download traces");
        Select<String> verdict = new Select<>();
        verdict.setLabel("Traces");
        verdict.setId("trace-download-verdict");
        verdict.setItems("", "correct", "incorrect", "error");
        verdict.setItemLabelGenerator(v -> v.isEmpty() ? "All" : "Only " + v);
        verdict.setValue("");
        // Read by the download requests, outside the UI's lock: the choice as last made.
        AtomicReference<String> chosen = new AtomicReference<>("");
        verdict.addValueChangeListener(e -> chosen.set(e.getValue() == null ? "" : e.getValue()));
        HorizontalLayout files = new HorizontalLayout(
                download(run.id(), TraceFormat.JSONL, "JSON Lines", chosen),
                download(run.id(), TraceFormat.CSV, "CSV", chosen));
        dialog.add(
                new Paragraph("Each trace with its question, gold answer, every call's prompt and output with tokens "
                        + "and latency, the graded answer and its review."),
                verdict,
                files);
        Button close = new Button("Close", e -> dialog.close());
        close.setId("trace-download-close");
        // On the dialog's tinted footer a filled button's label falls just short of 4.5:1 contrast.
        close.addThemeVariants(com.vaadin.flow.component.button.ButtonVariant.LUMO_TERTIARY);
        dialog.getFooter().add(close);
        dialog.open();
    }

    private Anchor download(UUID runId, TraceFormat format, String label, AtomicReference<String> verdict) {
        Anchor anchor = new Anchor(
                (DownloadHandler) event -> {
                    exports.export(
                            runId,
                            ReviewFilter.of(verdict.get(), null, null, null),
                            format,
                            (fileName, contentType) -> {
                                event.setFileName(fileName);
                                event.setContentType(contentType + ";charset=UTF-8");
                                return event.getOutputStream();
                            });
                },
                label);
        anchor.setId("trace-download-" + format.extension());
        return anchor;
    }
}
