package dev.distillery.methods;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One graded result of an item. Most methods give one; Fine-tune-CoT's diverse reasoning gives one per sample.
 *
 * @param label which result this is, e.g. "prediction" or "sample 3"
 * @param output the text the grader reads the answer from
 * @param rule the grader's extraction rule for it, or null for the answer type's default
 * @param artifacts what the method produced along the way, by name: "steps" (a teacher's step list),
 *     "rationale", "decomposition" (as "Q: ...\nA: ..." lines), "answer_text"; shown in traces and exported for
 *     fine-tuning
 */
public record Prediction(
        String label, String output, @Nullable String rule, Map<String, String> artifacts) {}
