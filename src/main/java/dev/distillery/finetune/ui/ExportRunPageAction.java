package dev.distillery.finetune.ui;

import dev.distillery.finetune.FineTuneExportService;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunPageAction;
import org.springframework.stereotype.Component;

/** The run page's "Export training data" button, for roles that may export. */
@Component
class ExportRunPageAction implements RunPageAction {

    private final FineTuneExportService exports;

    ExportRunPageAction(FineTuneExportService exports) {
        this.exports = exports;
    }

    @Override
    public String id() {
        return "run-export";
    }

    @Override
    public String label() {
        return "Export training data";
    }

    @Override
    public boolean availableFor(RunDetails run) {
        return exports.canExport();
    }

    @Override
    public void open(RunDetails run) {
        new FineTuneExportDialog(exports, run).open();
    }
}
