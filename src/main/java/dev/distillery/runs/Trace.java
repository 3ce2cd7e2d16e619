package dev.distillery.runs;

import dev.distillery.grading.Grade;
import dev.distillery.shared.AnswerType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One item of a run with everything it produced: every call's rendered prompt and outputs per role, and each
 * prediction's extracted answer and verdict.
 */
public record Trace(
        String itemId,
        int position,
        String question,
        String gold,
        AnswerType answerType,
        String status,
        @Nullable Boolean correct,
        List<GradedPrediction> predictions,
        List<Call> calls,
        @Nullable String errorKind,
        @Nullable String error,
        int promptTokens,
        int completionTokens,
        BigDecimal cost) {

    /**
     * A method's prediction with the grader's verdict.
     *
     * @param answerStart where the extracted answer begins in {@code output}, or null when none was found or the
     *     verdict predates spans
     * @param answerEnd where it ends (exclusive), or null
     * @param graderVersion the grader that decided, or null for verdicts recorded before versions (version 1)
     */
    public record GradedPrediction(
            String label,
            String output,
            String rule,
            @Nullable String extracted,
            boolean correct,
            boolean flagged,
            Map<String, String> artifacts,
            @Nullable Integer answerStart,
            @Nullable Integer answerEnd,
            @Nullable String graderVersion) {

        /** {@code output} graded as {@code grade}. */
        public static GradedPrediction of(String label, String output, Grade grade, Map<String, String> artifacts) {
            return new GradedPrediction(
                    label,
                    output,
                    grade.rule(),
                    grade.extracted(),
                    grade.correct(),
                    grade.flagged(),
                    artifacts,
                    grade.answerFound() ? grade.start() : null,
                    grade.answerFound() ? grade.end() : null,
                    grade.graderVersion());
        }

        /** The grader version of this verdict; "1" for verdicts recorded before versions. */
        public String version() {
            return graderVersion == null ? "1" : graderVersion;
        }
    }

    /**
     * An item's graded predictions and what they add up to: correct when any is (one prediction: its verdict; diverse
     * reasoning: any sample kept), an answer found when any had one.
     */
    public record Verdicts(List<GradedPrediction> predictions, boolean correct, boolean answerFound) {

        public static Verdicts of(List<GradedPrediction> predictions) {
            return new Verdicts(
                    List.copyOf(predictions),
                    predictions.stream().anyMatch(GradedPrediction::correct),
                    predictions.stream().anyMatch(p -> p.extracted() != null));
        }
    }

    /** A finished model call. */
    public record Call(
            String key,
            String role,
            String endpointId,
            String prompt,
            List<String> outputs,
            @Nullable String finishReason,
            int promptTokens,
            int completionTokens,
            long latencyMs,
            int attempts,
            boolean cached) {}
}
