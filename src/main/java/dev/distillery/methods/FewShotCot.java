package dev.distillery.methods;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Few-shot chain of thought with the exemplars Fine-tune-CoT ships ({@code few_shot_cot_prompts.json}, one set per
 * task). The reference code appends the test question as {@code prompt + "\nQ: {question}\nA:"}; the stored prompts
 * end with their last exemplar's answer and no newline, so the template is {@code {exemplars}\nQ: {question}\nA:}.
 */
final class FewShotCot extends SingleCallMethod {

    static final String EXEMPLARS = "exemplars";
    static final String RESOURCE = "few_shot_cot_prompts.json";

    /** The exemplar sets by task key, in the file's order; read once, the resource never changes at run time. */
    private static final Map<String, String> PROMPTS = load();

    private FewShotCot() {
        super(
                "few-shot-cot",
                "Few-shot CoT",
                "Baseline: few-shot chain-of-thought prompting (Wei et al., NeurIPS 2022; arXiv 2201.11903) with the "
                        + "exemplars shipped by Fine-tune-CoT (Ho, Schmid & Yun, ACL 2023; arXiv 2212.10071, MIT "
                        + "licence): worked 'Q: ... A: ... The answer is X.' examples of the chosen task, then the "
                        + "question. The answer is read after 'The answer is'.",
                List.of(new ParamSpec(
                        EXEMPLARS,
                        "Exemplars",
                        ParamSpec.Type.CHOICE,
                        "gsm8k",
                        null,
                        null,
                        List.copyOf(PROMPTS.keySet()),
                        "Which task's worked examples precede the question. The arithmetic tasks (addsub, single_eq, "
                                + "multiarith, gsm8k, svamp) share one 8-shot set.")),
                "after-marker",
                List.of(new PresetDraft(
                        "ft-cot",
                        "Fine-tune-CoT few-shot",
                        "ft-cot v1: the task's exemplars, a newline, then 'Q: {question}\\nA:'; greedy decoding with at "
                                + "most 128 tokens as the Fine-tune-CoT code evaluates. Options are written "
                                + "'{stem} Answer choices: (A) x, (B) y.', as in the exemplars.",
                        templates(STUDENT, "{exemplars}\nQ: {question}\nA:", Turn.WITH_CHOICES, CHOICES_ON_SAME_LINE),
                        Map.of(ModelRole.STUDENT, Decoding.greedy(128)))));
    }

    static FewShotCot create() {
        return new FewShotCot();
    }

    @Override
    Map<String, String> values(Turn turn) {
        return Map.of(EXEMPLARS, PROMPTS.get(turn.textParam(EXEMPLARS)));
    }

    private static Map<String, String> load() {
        try (InputStream in = FewShotCot.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE);
            }
            Map<String, String> prompts = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> task :
                    JsonMapper.builder().build().readTree(in).properties()) {
                prompts.put(task.getKey(), task.getValue().get("prompt").asString());
            }
            return Collections.unmodifiableMap(prompts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
