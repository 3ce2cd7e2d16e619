package dev.distillery.runs;

import dev.distillery.shared.AnswerType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One item of a run with everything it produced: every call's rendered prompt and outputs per role, and each
 * prediction's extracted answer and verdict.
 */
public record Trace(String itemId, int position, String question, String gold, AnswerType answerType,
        String status, @Nullable Boolean correct, List<GradedPrediction> predictions, List<Call> calls,
        @Nullable String errorKind, @Nullable String error, int promptTokens, int completionTokens, BigDecimal cost) {

    /** A method's prediction with the grader's verdict. */
    public record GradedPrediction(String label, String output, String rule, @Nullable String extracted,
            boolean correct, boolean flagged, Map<String, String> artifacts) {
    }

    /** A finished model call. */
    public record Call(String key, String role, String endpointId, String prompt, List<String> outputs,
            @Nullable String finishReason, int promptTokens, int completionTokens, long latencyMs, int attempts,
            boolean cached) {
    }
}
