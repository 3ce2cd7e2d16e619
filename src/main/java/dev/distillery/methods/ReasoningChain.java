package dev.distillery.methods;

import dev.distillery.shared.AnswerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Zero-shot chain of thought in two calls, as Fine-tune-CoT generates its rationales (METHODS.md §2): the "rationale"
 * template ends in "Let's think step by step." and its output is the rationale; the "answer" template appends the
 * rationale and "Therefore, the answer is", and its output is the answer text.
 *
 * <p>The rationale is inserted exactly as the model returned it. The paper's GPT-3 runs concatenated the raw
 * completion (the reference code's later stripping is marked as not applied to them), and a completion model's
 * rationale starts with the space that follows "step by step." — stripping it would glue the two sentences.
 */
final class ReasoningChain {

    static final String RATIONALE = "rationale";
    static final String ANSWER = "answer";
    static final String RATIONALE_TEMPLATE = "Q: {question}\nA: Let's think step by step.";
    static final String ANSWER_TEMPLATE =
            "Q: {question}\nA: Let's think step by step.{rationale}\nTherefore, the answer is";

    private final ModelRole role;
    private final boolean perSample;

    /**
     * @param perSample true to continue every rationale sample (answer keys "answer/i", predictions "sample i"),
     *     false to continue the single rationale (key "answer", prediction "prediction")
     */
    ReasoningChain(ModelRole role, boolean perSample) {
        this.role = role;
        this.perSample = perSample;
    }

    /** The rationale call, then one answer call per rationale (all in one step), then one prediction per answer. */
    Step advance(Turn turn, Decoding rationaleDecoding) {
        if (!turn.has(RATIONALE)) {
            return Turn.calls(new CallRequest(RATIONALE, role, turn.render(RATIONALE, Map.of()), rationaleDecoding));
        }
        List<String> rationales = turn.outputs(RATIONALE);
        int count = perSample ? rationales.size() : 1;
        List<CallRequest> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!turn.has(answerKey(i))) {
                missing.add(turn.call(answerKey(i), role, turn.render(ANSWER, Map.of(RATIONALE, rationales.get(i)))));
            }
        }
        if (!missing.isEmpty()) {
            return new Step.Calls(missing);
        }
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String answer = turn.output(answerKey(i));
            predictions.add(new Prediction(
                    perSample ? "sample " + i : "prediction",
                    answer,
                    answerRule(turn.item().answerType()),
                    Map.of("rationale", rationales.get(i), "answer_text", answer)));
        }
        return new Step.Done(predictions);
    }

    private String answerKey(int sample) {
        return perSample ? ANSWER + "/" + sample : ANSWER;
    }

    /**
     * The answer text is what follows "Therefore, the answer is", a marker that sits in the prompt, not the output,
     * so "after-marker" has nothing to find. A model that keeps writing after the answer (likely within 128 tokens)
     * puts more numbers after it, so for numbers the first one is the answer: that is also what the Fine-tune-CoT
     * evaluator does when a completion has no marker. Other answer types have no "first" rule; their defaults apply.
     */
    static @Nullable String answerRule(AnswerType type) {
        return type == AnswerType.NUMBER ? "first-number" : null;
    }
}
