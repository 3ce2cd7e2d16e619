package dev.distillery.experiments;

import dev.distillery.review.ExportTarget;
import dev.distillery.review.LabelledRun;
import dev.distillery.review.ReviewFilter;
import dev.distillery.review.TraceExportService;
import dev.distillery.review.TraceFormat;
import dev.distillery.shared.NotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * All the traces of an experiment in one file: every cell's run after the other, each trace led by its cell (method,
 * preset, teacher, student, run), written by review's export as it is read.
 */
@Service
public class ExperimentTraceExportService {

    private final ExperimentService experiments;
    private final TraceExportService traces;

    ExperimentTraceExportService(ExperimentService experiments, TraceExportService traces) {
        this.experiments = experiments;
        this.traces = traces;
    }

    /**
     * Writes the traces of every cell that pass {@code filter}, in cell order and item order within a cell.
     *
     * @throws NotFoundException when the experiment is not in the workspace (before {@code target} is opened)
     */
    public void export(UUID experimentId, ReviewFilter filter, TraceFormat format, ExportTarget target) {
        Experiment experiment = experiments.get(experimentId);
        List<LabelledRun> cells = experiment.cells().stream()
                .map(c -> {
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put("method", c.method());
                    labels.put("preset", c.preset());
                    labels.put("teacher", Objects.toString(c.teacher(), ""));
                    labels.put("student", Objects.toString(c.student(), ""));
                    labels.put("runId", c.runId().toString());
                    return new LabelledRun(c.runId(), labels);
                })
                .toList();
        traces.export("experiment-" + experiment.name() + "-traces", cells, filter, format, target);
    }
}
