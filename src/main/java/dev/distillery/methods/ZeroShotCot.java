package dev.distillery.methods;

import java.util.List;
import java.util.Map;

/**
 * Zero-shot chain of thought in the two forms the papers compare against: Trace-of-Thought's single call and
 * Fine-tune-CoT's two calls. The preset decides: one with "rationale" and "answer" templates runs the two-call form.
 */
final class ZeroShotCot extends SingleCallMethod {

    private final ReasoningChain chain = new ReasoningChain(ModelRole.STUDENT, false);

    private ZeroShotCot() {
        super(
                "zero-shot-cot",
                "Zero-shot CoT",
                "Baseline: zero-shot chain of thought (Kojima et al., \"Large Language Models are Zero-Shot "
                        + "Reasoners\", NeurIPS 2022; arXiv 2205.11916), the student reasoning on its own. Preset tot "
                        + "is the single-call form of Trace-of-Thought prompting (McDonald & Emami, ACL SRW 2024; "
                        + "arXiv 2504.20946); preset ft-cot is the two-call form of Fine-tune-CoT (Ho, Schmid & Yun, "
                        + "ACL 2023; arXiv 2212.10071), which asks for a rationale and then for the answer after "
                        + "'Therefore, the answer is'.",
                List.of(),
                null,
                List.of(
                        new PresetDraft(
                                "tot",
                                "Trace-of-Thought baseline",
                                "tot v1: one call, '{question} Think step-by-step.', with the provider's default "
                                        + "decoding; options go on a new line." + NO_DOLLAR,
                                templates(
                                        STUDENT,
                                        "{question} Think step-by-step.",
                                        Turn.WITH_CHOICES,
                                        CHOICES_ON_NEW_LINE),
                                Map.of()),
                        new PresetDraft(
                                "ft-cot",
                                "Fine-tune-CoT two-call form",
                                "ft-cot v1: call 'rationale' sends 'Q: {question}\\nA: Let's think step by step.'; "
                                        + "call 'answer' sends the same followed by the rationale exactly as returned "
                                        + "and '\\nTherefore, the answer is'. Greedy, at most 128 tokens per call. The "
                                        + "prediction is the answer text; for numbers its first number is the answer. "
                                        + "Options are written '{stem} Answer choices: (A) x, (B) y.'",
                                templates(
                                        ReasoningChain.RATIONALE,
                                        ReasoningChain.RATIONALE_TEMPLATE,
                                        ReasoningChain.ANSWER,
                                        ReasoningChain.ANSWER_TEMPLATE,
                                        Turn.WITH_CHOICES,
                                        CHOICES_ON_SAME_LINE),
                                Map.of(ModelRole.STUDENT, Decoding.greedy(128)))));
    }

    static ZeroShotCot create() {
        return new ZeroShotCot();
    }

    @Override
    Step advance(Turn turn) {
        return turn.hasTemplate(ReasoningChain.ANSWER)
                ? chain.advance(turn, turn.decoding(ModelRole.STUDENT))
                : super.advance(turn);
    }
}
