package dev.distillery.methods;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One invocation of {@link Method#next}: the item, the preset, the resolved parameters and the completed calls by key,
 * with the helpers every protocol needs to render its next call.
 */
final class Turn {

    /**
     * The preset template that writes a multiple-choice question; {@code {question}} is the stem and {@code {choices}}
     * the options as {@link Prompts#choices} lists them. A template rather than code so the preset shows, and its
     * version pins, how options reach the model.
     */
    static final String WITH_CHOICES = "question-with-choices";

    private final MethodItem item;
    private final Preset preset;
    private final Map<String, Object> params;
    private final Decoding runDecoding;
    private final Map<String, CompletedCall> calls;

    Turn(
            MethodItem item,
            Preset preset,
            Map<String, Object> params,
            Decoding runDecoding,
            List<CompletedCall> history) {
        this.item = item;
        this.preset = preset;
        this.params = params;
        this.runDecoding = runDecoding;
        this.calls = byKey(history);
    }

    /** Two calls under one key would make the step depend on the order of the history, so that is an item error. */
    private static Map<String, CompletedCall> byKey(List<CompletedCall> history) {
        Map<String, CompletedCall> byKey = new HashMap<>();
        for (CompletedCall call : history) {
            if (byKey.putIfAbsent(call.key(), call) != null) {
                throw new IllegalArgumentException("The history holds two calls with key '" + call.key() + "'");
            }
        }
        return byKey;
    }

    MethodItem item() {
        return item;
    }

    /** The question as the preset's protocol writes it: the stem, with the options when the item has any. */
    String question() {
        if (item.choices().isEmpty()) {
            return item.question();
        }
        return Prompts.fill(
                template(WITH_CHOICES),
                Map.of("question", item.question(), "choices", Prompts.choices(item.choices())));
    }

    String template(String name) {
        String template = preset.templates().get(name);
        if (template == null) {
            throw new IllegalArgumentException("Preset '" + preset.id() + "' has no '" + name + "' template");
        }
        return template;
    }

    boolean hasTemplate(String name) {
        return preset.templates().containsKey(name);
    }

    /** The template filled with {@code values}; {@code {question}} is always available. */
    String render(String templateName, Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.putIfAbsent("question", question());
        return Prompts.fill(template(templateName), all);
    }

    /** The preset's decoding for the role with the run's explicit settings taking precedence. */
    Decoding decoding(ModelRole role) {
        return preset.decodingFor(role).overriddenBy(runDecoding);
    }

    /**
     * The preset's decoding for the role sampled at {@code temperature} for {@code samples} completions, with the
     * run's explicit settings taking precedence (the run's temperature too: it is the user's explicit choice).
     */
    Decoding sampled(ModelRole role, double temperature, int samples) {
        Decoding base = preset.decodingFor(role);
        return new Decoding(temperature, base.topP(), base.maxTokens(), base.stop(), base.seed(), samples)
                .overriddenBy(runDecoding);
    }

    CallRequest call(String key, ModelRole role, String prompt) {
        return new CallRequest(key, role, prompt, decoding(role));
    }

    Optional<CompletedCall> completed(String key) {
        return Optional.ofNullable(calls.get(key));
    }

    boolean has(String key) {
        return calls.containsKey(key);
    }

    /** The first output of a completed call. */
    String output(String key) {
        return outputs(key).getFirst();
    }

    /** All outputs of a completed call; a call without any cannot be continued from. */
    List<String> outputs(String key) {
        CompletedCall call = calls.get(key);
        if (call == null) {
            throw new IllegalStateException("No completed call '" + key + "'");
        }
        if (call.outputs().isEmpty()) {
            throw new IllegalArgumentException("The call '" + key + "' returned no output");
        }
        return call.outputs();
    }

    int intParam(String name) {
        return (Integer) param(name);
    }

    double numberParam(String name) {
        return (Double) param(name);
    }

    String textParam(String name) {
        return (String) param(name);
    }

    private Object param(String name) {
        Object value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("Parameter '" + name + "' has no value");
        }
        return value;
    }

    static Step calls(CallRequest... calls) {
        return new Step.Calls(List.of(calls));
    }

    static Step done(Prediction prediction) {
        return new Step.Done(List.of(prediction));
    }
}
