package dev.distillery.review.api;

import dev.distillery.review.ExportTarget;
import dev.distillery.review.TraceExportRequest;
import dev.distillery.review.TraceExportService;
import dev.distillery.review.TraceFormat;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A run's traces as one file, streamed. */
@RestController
@RequestMapping("/api/v1/runs/{runId}")
@Tag(name = "Review")
@SecurityRequirement(name = "apiKey")
class TraceExportController {

    private final TraceExportService exports;

    TraceExportController(TraceExportService exports) {
        this.exports = exports;
    }

    // "export" is a literal segment, so it wins over /traces/{itemId}; an item named "export" is read by its page.
    @GetMapping("/traces/export")
    @Operation(
            summary = "Every trace of the run in one file, streamed: JSON Lines or CSV",
            description = "format=jsonl (default) or csv. The review grid's filters, by the names in its address: "
                    + "verdict=correct|incorrect|error|pending, state=unreviewed|reviewed|overridden, edited=true, "
                    + "q=text in the question or the graded outputs. In item order. Each trace: question, gold, every call's role, "
                    + "prompt, output(s), tokens and latency, the extracted answer, rule, verdict and grader version, and "
                    + "its review (state, last reviewer, whether the teacher trace was edited, the latest revision). "
                    + "JSON Lines keeps every prediction and call as stored; CSV has one row per trace with the first "
                    + "prediction and the calls in numbered columns (call_1_role, call_1_prompt, …), cells that a "
                    + "spreadsheet would read as a formula prefixed with '. A bad format or filter is a 400 naming it.")
    void export(@PathVariable UUID runId, @ParameterObject TraceExportRequest request, HttpServletResponse response) {
        TraceFormat format = request.chosenFormat();
        exports.export(runId, request.filter(), format, ExportTarget.attachment(response));
    }
}
