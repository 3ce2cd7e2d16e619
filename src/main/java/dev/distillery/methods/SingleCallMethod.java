package dev.distillery.methods;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A method that asks the student once: the preset's "student" template under the key "student", and the output is
 * the prediction. The baselines are instances; methods that add prompt values or artifacts extend it.
 */
class SingleCallMethod extends Protocol {

    static final String STUDENT = "student";

    /** For the presets whose prompt the original Trace-of-Thought code writes as "$" + question + instruction. */
    static final String NO_DOLLAR =
            " The original code puts a stray '$' before the question; that bug is " + "deliberately not reproduced.";

    private final List<Preset> presets;
    private final @Nullable String rule;

    /**
     * @param rule the grader's extraction rule for the student output
     * @param presets the shipped presets, the default first
     */
    SingleCallMethod(
            String id,
            String label,
            String description,
            List<ParamSpec> params,
            @Nullable String rule,
            List<PresetDraft> presets) {
        super(id, label, description, Set.of(ModelRole.STUDENT), params, "test");
        this.rule = rule;
        this.presets = presets.stream()
                .map(draft -> preset(
                        draft.id(), draft.label(), draft.description(), draft.templates(), draft.decoding(), Map.of()))
                .toList();
    }

    /** A shipped preset before it gets its method id and version. */
    record PresetDraft(
            String id,
            String label,
            String description,
            Map<String, String> templates,
            Map<ModelRole, Decoding> decoding) {}

    static SingleCallMethod standard() {
        return new SingleCallMethod(
                "standard",
                "Standard prompting",
                "Baseline: the student answers the bare question in a single call, as in the baselines of "
                        + "Trace-of-Thought prompting (McDonald & Emami, ACL SRW 2024; arXiv 2504.20946). The "
                        + "prediction is the student's whole output, graded with the answer type's default rule.",
                List.of(),
                null,
                List.of(new PresetDraft(
                        "tot",
                        "Trace-of-Thought baseline",
                        "tot v1: the prompt is the question alone, '{question}', with the provider's default "
                                + "decoding; multiple-choice options go on a new line as in Trace-of-Thought.",
                        templates(STUDENT, "{question}", Turn.WITH_CHOICES, CHOICES_ON_NEW_LINE),
                        Map.of())));
    }

    static SingleCallMethod zeroShot() {
        return new SingleCallMethod(
                "zero-shot",
                "Zero-shot",
                "Baseline of Fine-tune-CoT (Ho, Schmid & Yun, \"Large Language Models Are Reasoning Teachers\", "
                        + "ACL 2023; arXiv 2212.10071): the student answers 'Q: {question}' directly, without a "
                        + "rationale. The prediction is the whole output, graded with the answer type's default rule.",
                List.of(),
                null,
                List.of(new PresetDraft(
                        "ft-cot",
                        "Fine-tune-CoT zero-shot",
                        "ft-cot v1: 'Q: {question}\\n\\nA:' with greedy decoding and at most 128 tokens, as the "
                                + "Fine-tune-CoT code evaluates its students; options are written "
                                + "'{stem} Answer choices: (A) x, (B) y.'",
                        templates(STUDENT, "Q: {question}\n\nA:", Turn.WITH_CHOICES, CHOICES_ON_SAME_LINE),
                        Map.of(ModelRole.STUDENT, Decoding.greedy(128)))));
    }

    static SingleCallMethod planAndSolve() {
        return new SingleCallMethod(
                "plan-and-solve",
                "Plan-and-Solve",
                "Baseline: Plan-and-Solve prompting (Wang et al., ACL 2023; arXiv 2305.04091) in the form the "
                        + "Trace-of-Thought paper (McDonald & Emami, ACL SRW 2024; arXiv 2504.20946) compares "
                        + "against: the student first devises a plan and then carries it out, in one call.",
                List.of(),
                null,
                List.of(new PresetDraft(
                        "tot",
                        "Trace-of-Thought baseline",
                        "tot v1: '{question} Let's first understand the problem and devise a plan to solve the "
                                + "problem. Then, let's carry out the plan and solve the problem step-by-step.' with "
                                + "the provider's default decoding; options go on a new line." + NO_DOLLAR,
                        templates(
                                STUDENT,
                                "{question} Let's first understand the problem and devise a plan to solve "
                                        + "the problem. Then, let's carry out the plan and solve the problem step-by-step.",
                                Turn.WITH_CHOICES,
                                CHOICES_ON_NEW_LINE),
                        Map.of())));
    }

    @Override
    public final List<Preset> presets() {
        return presets;
    }

    @Override
    Step advance(Turn turn) {
        if (turn.has(STUDENT)) {
            String output = turn.output(STUDENT);
            return Turn.done(new Prediction("prediction", output, rule, artifacts(output)));
        }
        return Turn.calls(turn.call(STUDENT, ModelRole.STUDENT, turn.render(STUDENT, values(turn))));
    }

    /** Values the student template needs besides {@code {question}}. */
    Map<String, String> values(Turn turn) {
        return Map.of();
    }

    /** What the method shows besides the output, read from it. */
    Map<String, String> artifacts(String output) {
        return Map.of();
    }
}
