package dev.distillery.methods;

import java.util.List;
import java.util.Map;

/**
 * A student fine-tuned on Fine-tune-CoT samples, evaluated with the prompt of the sample format it was trained on;
 * it writes its rationale, "-->", and the answer.
 */
final class FineTuneCotStudent extends SingleCallMethod {

    static final String ARROW = "-->";

    private FineTuneCotStudent() {
        super(
                "fine-tune-cot-student",
                "Fine-tune-CoT student",
                "Evaluates a student fine-tuned on Fine-tune-CoT samples (Ho, Schmid & Yun, \"Large Language Models "
                        + "Are Reasoning Teachers\", ACL 2023; arXiv 2212.10071): one greedy call with the prompt of the "
                        + "sample format it was trained on; the student writes a rationale, '-->' and the answer, "
                        + "which is read after '-->'.",
                List.of(),
                "after-marker",
                List.of(
                        new PresetDraft(
                                "ft-cot",
                                "Decoder students",
                                "ft-cot v1: for students trained on the ft-cot format: '{question} ###', greedy, at "
                                        + "most 1024 tokens, stop at 'END'.",
                                templates(STUDENT, "{question} ###", Turn.WITH_CHOICES, CHOICES_ON_SAME_LINE),
                                Map.of(ModelRole.STUDENT, untilEnd())),
                        new PresetDraft(
                                "ft-cot-gpt3",
                                "GPT-3 format students",
                                "ft-cot-gpt3 v1: for students trained on the ft-cot-gpt3 format of the paper's GPT-3 "
                                        + "runs: '{question}\\n\\n###\\n\\n', greedy, at most 1024 tokens, stop at 'END'.",
                                templates(STUDENT, "{question}\n\n###\n\n", Turn.WITH_CHOICES, CHOICES_ON_SAME_LINE),
                                Map.of(ModelRole.STUDENT, untilEnd())),
                        new PresetDraft(
                                "ft-cot-t5",
                                "Encoder–decoder students",
                                "ft-cot-t5 v1: for students trained on the ft-cot-t5 format: the question alone, "
                                        + "greedy, at most 1024 tokens; the target has no 'END', the model's end of "
                                        + "sequence stops it.",
                                templates(STUDENT, "{question}", Turn.WITH_CHOICES, CHOICES_ON_SAME_LINE),
                                Map.of(ModelRole.STUDENT, Decoding.greedy(1024)))));
    }

    static FineTuneCotStudent create() {
        return new FineTuneCotStudent();
    }

    private static Decoding untilEnd() {
        Decoding greedy = Decoding.greedy(1024);
        return new Decoding(greedy.temperature(), null, greedy.maxTokens(), List.of("END"), null, 1);
    }

    /** The rationale is what precedes the answer: the text before "-->", or all of it when the marker never came. */
    @Override
    Map<String, String> artifacts(String output) {
        int arrow = output.indexOf(ARROW);
        return Map.of("rationale", (arrow < 0 ? output : output.substring(0, arrow)).strip());
    }
}
