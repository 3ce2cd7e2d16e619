package dev.distillery.review;

import dev.distillery.runs.Trace;
import dev.distillery.shared.SafeCsv;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes exported traces one at a time to a stream it does not own: nothing is kept between traces. */
interface TraceWriter {

    void write(Map<String, String> labels, Trace trace, Revisions.ReviewedItem review);

    /** Writes what is still buffered (not closing the stream). */
    void finish();

    /**
     * JSON Lines through one Jackson generator: every prediction and call as stored, and the review with the latest
     * revision, after the labels.
     */
    static TraceWriter jsonLines(OutputStream out, JsonMapper json) {
        // A flush per line would send a network packet per trace; the caller flushes once at the end.
        ObjectWriter writer =
                json.writer().withRootValueSeparator("\n").without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        JsonGenerator generator = writer.createGenerator(out);
        return new TraceWriter() {
            @Override
            public void write(Map<String, String> labels, Trace trace, Revisions.ReviewedItem review) {
                writer.writeValue(generator, line(labels, trace, review));
            }

            @Override
            public void finish() {
                generator.writeRaw('\n');
                generator.flush();
            }
        };
    }

    /**
     * One CSV row per trace: the first prediction's verdict (what the grid shows), its calls in numbered columns (as
     * many as {@code calls}), cells neutralised against formulas by {@link SafeCsv}.
     */
    static TraceWriter csv(OutputStream out, List<String> labels, int calls, JsonMapper json) {
        Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        // Labels are named for JSON (runId); a CSV header is in snake case like its other columns (run_id).
        List<String> header = new ArrayList<>(labels.stream()
                .map(l -> l.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT))
                .toList());
        header.addAll(List.of(
                "item_id",
                "position",
                "question",
                "gold",
                "answer_type",
                "status",
                "verdict",
                "extracted",
                "rule",
                "grader_version",
                "prompt_tokens",
                "completion_tokens",
                "latency_ms",
                "cost",
                "error_kind",
                "error",
                "review_state",
                "reviewer",
                "edited",
                "latest_revision",
                "revision_verdict",
                "revision_reason",
                "revision_author",
                "revision_teacher_output",
                "rerun_status",
                "rerun_correct",
                "rerun_outcome"));
        for (int n = 1; n <= calls; n++) {
            for (String column :
                    List.of("role", "prompt", "output", "prompt_tokens", "completion_tokens", "latency_ms")) {
                header.add("call_" + n + "_" + column);
            }
        }
        SafeCsv.Printer printer = SafeCsv.printer(text, header);
        return new TraceWriter() {
            @Override
            public void write(Map<String, String> values, Trace trace, Revisions.ReviewedItem review) {
                List<Object> row = new ArrayList<>(header.size());
                labels.forEach(l -> row.add(values.get(l)));
                Trace.@Nullable GradedPrediction first = trace.predictions().isEmpty()
                        ? null
                        : trace.predictions().getFirst();
                Revision latest = review.latest();
                Revision.@Nullable Rerun rerun = latest == null ? null : latest.rerun();
                row.addAll(java.util.Arrays.asList(
                        trace.itemId(),
                        trace.position(),
                        trace.question(),
                        trace.gold(),
                        trace.answerType().name().toLowerCase(java.util.Locale.ROOT),
                        trace.status(),
                        verdict(trace),
                        first == null ? null : first.extracted(),
                        first == null ? null : first.rule(),
                        first == null ? null : first.version(),
                        trace.promptTokens(),
                        trace.completionTokens(),
                        trace.calls().stream().mapToLong(Trace.Call::latencyMs).sum(),
                        trace.cost().toPlainString(),
                        trace.errorKind(),
                        trace.error(),
                        review.state(),
                        review.reviewer(),
                        review.edited(),
                        latest == null ? null : latest.revision(),
                        latest == null || latest.verdict() == null ? null : latest.verdict() ? "correct" : "incorrect",
                        latest == null ? null : latest.reason(),
                        latest == null ? null : latest.author(),
                        latest == null ? null : latest.teacherOutput(),
                        rerun == null ? null : rerun.status(),
                        rerun == null ? null : rerun.correct(),
                        rerun == null || rerun.outcome() == null
                                ? null
                                : rerun.outcome().label()));
                for (int n = 0; n < calls; n++) {
                    Trace.@Nullable Call call =
                            n < trace.calls().size() ? trace.calls().get(n) : null;
                    row.add(call == null ? null : call.role());
                    row.add(call == null ? null : call.prompt());
                    row.add(call == null ? null : output(call.outputs(), json));
                    row.add(call == null ? null : call.promptTokens());
                    row.add(call == null ? null : call.completionTokens());
                    row.add(call == null ? null : call.latencyMs());
                }
                printer.print(row);
            }

            @Override
            public void finish() {
                printer.flush();
            }
        };
    }

    private static Map<String, @Nullable Object> line(
            Map<String, String> labels, Trace trace, Revisions.ReviewedItem review) {
        Map<String, @Nullable Object> line = new LinkedHashMap<>(labels);
        Trace.@Nullable GradedPrediction first =
                trace.predictions().isEmpty() ? null : trace.predictions().getFirst();
        line.put("itemId", trace.itemId());
        line.put("position", trace.position());
        line.put("question", trace.question());
        line.put("gold", trace.gold());
        line.put("answerType", trace.answerType().name().toLowerCase(java.util.Locale.ROOT));
        line.put("status", trace.status());
        line.put("verdict", verdict(trace));
        line.put("extracted", first == null ? null : first.extracted());
        line.put("rule", first == null ? null : first.rule());
        line.put("graderVersion", first == null ? null : first.version());
        line.put("predictions", trace.predictions());
        line.put("calls", trace.calls());
        line.put("promptTokens", trace.promptTokens());
        line.put("completionTokens", trace.completionTokens());
        line.put("cost", trace.cost());
        line.put("errorKind", trace.errorKind());
        line.put("error", trace.error());
        Map<String, @Nullable Object> reviewed = new LinkedHashMap<>();
        reviewed.put("state", review.state());
        reviewed.put("reviewer", review.reviewer());
        reviewed.put("edited", review.edited());
        reviewed.put("latestRevision", review.latest());
        line.put("review", reviewed);
        return line;
    }

    /** As the grid says it: correct, incorrect, error, or pending while the item is not finished. */
    private static String verdict(Trace trace) {
        return switch (trace.status()) {
            case "error" -> "error";
            case "done" -> Boolean.TRUE.equals(trace.correct()) ? "correct" : "incorrect";
            default -> "pending";
        };
    }

    /** A call's one output as text; several samples as a JSON array. */
    private static String output(List<String> outputs, JsonMapper json) {
        if (outputs.size() == 1) {
            return outputs.getFirst();
        }
        return json.writeValueAsString(outputs);
    }
}
