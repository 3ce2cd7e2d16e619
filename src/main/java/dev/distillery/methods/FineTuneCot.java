package dev.distillery.methods;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fine-tune-CoT's teacher generation (METHODS.md §2): zero-shot chain of thought on the train split, D rationales per
 * question, each continued to its answer. Every sample is a prediction; the engine grades them and keeps the correct
 * ones as fine-tuning samples.
 */
final class FineTuneCot extends Protocol {

    static final String SAMPLES = "samples";
    static final String DIVERSE_TEMPERATURE = "diverseTemperature";

    private final ReasoningChain chain = new ReasoningChain(ModelRole.TEACHER, true);
    private final List<Preset> presets;

    private FineTuneCot() {
        super(
                "fine-tune-cot",
                "Fine-tune-CoT (teacher)",
                "Fine-tune-CoT (Ho, Schmid & Yun, \"Large Language Models Are Reasoning Teachers\", ACL 2023; "
                        + "arXiv 2212.10071): a large teacher solves training questions with zero-shot chain of "
                        + "thought, a rationale and then the answer after 'Therefore, the answer is'; rationales whose "
                        + "answer is correct become fine-tuning samples for a small student. Diverse reasoning asks for "
                        + "D rationales per question at temperature 0.7 (the paper: D=64 for MultiArith and SVAMP, 8 "
                        + "elsewhere). Runs on the train split by default; the yield is kept / generated.",
                Set.of(ModelRole.TEACHER),
                List.of(
                        new ParamSpec(
                                SAMPLES,
                                "Rationales per question (D)",
                                ParamSpec.Type.INTEGER,
                                1,
                                1.0,
                                64.0,
                                List.of("1", "2", "4", "8", "16", "32", "64"),
                                "Diverse reasoning: with D > 1 the rationale call asks for D samples at the diverse "
                                        + "temperature and each is continued to its own answer; 1 is greedy."),
                        new ParamSpec(
                                DIVERSE_TEMPERATURE,
                                "Diverse reasoning temperature",
                                ParamSpec.Type.NUMBER,
                                0.7,
                                0.0,
                                2.0,
                                List.of(),
                                "Temperature of the rationale call when D > 1 (the paper: 0.7). A temperature set "
                                        + "on the run overrides it, and the greedy answer calls' too.")),
                "train");
        this.presets = List.of(preset(
                "ft-cot",
                "Paper",
                "ft-cot v1: call 'rationale' sends 'Q: {question}\\nA: Let's think step by step.'; calls 'answer/0' .. "
                        + "'answer/D-1' send the same followed by that sample's rationale exactly as returned and "
                        + "'\\nTherefore, the answer is'. Greedy, at most 128 tokens per call. Options are written "
                        + "'{stem} Answer choices: (A) x, (B) y.' The prediction of a sample is its answer text; for "
                        + "numbers its first number is the answer, as in the reference evaluator.",
                templates(
                        ReasoningChain.RATIONALE,
                        ReasoningChain.RATIONALE_TEMPLATE,
                        ReasoningChain.ANSWER,
                        ReasoningChain.ANSWER_TEMPLATE,
                        Turn.WITH_CHOICES,
                        CHOICES_ON_SAME_LINE),
                Map.of(ModelRole.TEACHER, Decoding.greedy(128)),
                Map.of()));
    }

    static FineTuneCot create() {
        return new FineTuneCot();
    }

    @Override
    public List<Preset> presets() {
        return presets;
    }

    @Override
    Step advance(Turn turn) {
        int samples = turn.intParam(SAMPLES);
        Decoding rationale = samples == 1
                ? turn.decoding(ModelRole.TEACHER)
                : turn.sampled(ModelRole.TEACHER, turn.numberParam(DIVERSE_TEMPERATURE), samples);
        return chain.advance(turn, rationale);
    }
}
