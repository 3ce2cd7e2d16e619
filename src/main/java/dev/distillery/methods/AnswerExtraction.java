package dev.distillery.methods;

import dev.distillery.shared.AnswerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Model-based answer extraction around any method (Kojima et al., NeurIPS 2022, their second call): when the method
 * is done, each prediction's free-form output is handed to the {@link ModelRole#EXTRACTOR} with "Therefore, the
 * answer … is", and what it answers becomes the prediction the grader reads. The extraction call is one more call of
 * the item: keyed {@code extract/<n>}, stored, cached, replayed and costed like any other; always greedy, at most
 * {@value #MAX_TOKENS} tokens (the run's decoding applies to the method's own calls). The original output stays with
 * the prediction as its {@code reasoning} artifact.
 */
final class AnswerExtraction implements Method {

    static final String KEY = "extract/";
    static final int MAX_TOKENS = 32;

    private final Method inner;

    AnswerExtraction(Method inner) {
        this.inner = inner;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public String label() {
        return inner.label() + " + answer extraction";
    }

    @Override
    public String description() {
        return inner.description() + " Each prediction's answer is then read by a model (Kojima et al.'s answer "
                + "extraction: \"Therefore, the answer is\").";
    }

    @Override
    public Set<ModelRole> roles() {
        Set<ModelRole> roles = new LinkedHashSet<>(inner.roles());
        roles.add(ModelRole.EXTRACTOR);
        return roles;
    }

    @Override
    public List<ParamSpec> params() {
        return inner.params();
    }

    @Override
    public List<Preset> presets() {
        return inner.presets();
    }

    @Override
    public String defaultSplit() {
        return inner.defaultSplit();
    }

    @Override
    public Step next(
            MethodItem item,
            Preset preset,
            Map<String, Object> params,
            Decoding runDecoding,
            List<CompletedCall> history) {
        List<CompletedCall> own =
                history.stream().filter(c -> !c.key().startsWith(KEY)).toList();
        Step step = inner.next(item, preset, params, runDecoding, own);
        if (!(step instanceof Step.Done done)) {
            return step;
        }
        Map<String, CompletedCall> extracted = history.stream()
                .filter(c -> c.key().startsWith(KEY))
                .collect(Collectors.toMap(CompletedCall::key, c -> c, (a, b) -> b));
        List<CallRequest> missing = new ArrayList<>();
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < done.predictions().size(); i++) {
            Prediction p = done.predictions().get(i);
            CompletedCall call = extracted.get(KEY + i);
            if (call == null) {
                missing.add(new CallRequest(
                        KEY + i, ModelRole.EXTRACTOR, prompt(item, p.output()), Decoding.greedy(MAX_TOKENS)));
                continue;
            }
            Map<String, String> artifacts = new LinkedHashMap<>(p.artifacts());
            artifacts.put("reasoning", p.output());
            predictions.add(new Prediction(p.label(), call.output().strip(), null, artifacts));
        }
        return missing.isEmpty() ? new Step.Done(predictions) : new Step.Calls(missing);
    }

    /** Kojima et al.'s answer-extraction prompt, with their phrasing per answer type. */
    static String prompt(MethodItem item, String output) {
        String choices = item.choices().isEmpty()
                ? ""
                : " Answer Choices: "
                        + item.choices().stream()
                                .map(c -> "(" + c.label() + ") " + c.text())
                                .collect(Collectors.joining(" "));
        return "Q: " + item.question() + choices + "\nA: " + output.strip() + "\n"
                + trigger(item.answerType(), item.choices());
    }

    private static String trigger(AnswerType type, List<MethodItem.Choice> choices) {
        return switch (type) {
            case NUMBER -> "Therefore, the answer (arabic numerals) is";
            case CHOICE ->
                "Therefore, among "
                        + (choices.isEmpty()
                                ? "A through E"
                                : choices.getFirst().label() + " through "
                                        + choices.getLast().label())
                        + ", the answer is";
            case YESNO -> "Therefore, the answer (Yes or No) is";
            case MATH, STRING -> "Therefore, the answer is";
        };
    }
}
