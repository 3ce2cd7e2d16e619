package dev.distillery.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.distillery.shared.AnswerType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Drives a method through {@link Method#next} with a fake model until it is done, checking on every turn that the
 * step does not depend on the order of the history and that replaying the history gives the same step.
 */
final class MethodDriver {

    static final String QUESTION = "Janet has 3 apples and buys 4 more. How many apples does she have?";

    private MethodDriver() {}

    /** What a drive produced: the steps in order, every call made, and the predictions. */
    record Drive(List<Step.Calls> steps, List<CompletedCall> history, List<Prediction> predictions) {

        List<CallRequest> calls() {
            return steps.stream().flatMap(step -> step.calls().stream()).toList();
        }

        CallRequest call(String key) {
            return calls().stream()
                    .filter(call -> call.key().equals(key))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("No call " + key + " in " + keys()));
        }

        List<String> keys() {
            return calls().stream().map(CallRequest::key).toList();
        }

        Prediction prediction() {
            assertThat(predictions).hasSize(1);
            return predictions.getFirst();
        }
    }

    static MethodItem item(String question) {
        return new MethodItem("test-0", question, List.of(), "7", AnswerType.NUMBER, List.of());
    }

    static MethodItem choiceItem(String question) {
        return new MethodItem(
                "test-1",
                question,
                List.of(
                        new MethodItem.Choice("A", "50"),
                        new MethodItem.Choice("B", "45"),
                        new MethodItem.Choice("C", "65")),
                "A",
                AnswerType.CHOICE,
                List.of());
    }

    static Method method(String id) {
        return Methods.byId(id).orElseThrow();
    }

    static Preset preset(String methodId, String presetId) {
        return Methods.preset(methodId, presetId).orElseThrow();
    }

    /** A model that answers every call with one fixed text per requested sample. */
    static Function<CallRequest, List<String>> answering(Map<String, String> outputsByKey) {
        return call -> {
            String output = outputsByKey.get(call.key());
            if (output == null) {
                throw new AssertionError("Unexpected call " + call.key());
            }
            return Collections.nCopies(call.decoding().samples(), output);
        };
    }

    static Drive drive(
            String methodId,
            String presetId,
            MethodItem item,
            Map<String, Object> params,
            Function<CallRequest, List<String>> model) {
        return drive(methodId, presetId, item, params, Decoding.providerDefault(), model);
    }

    static Drive drive(
            String methodId,
            String presetId,
            MethodItem item,
            Map<String, Object> params,
            Decoding runDecoding,
            Function<CallRequest, List<String>> model) {
        return drive(method(methodId), presetId, item, params, runDecoding, model);
    }

    static Drive drive(
            Method method,
            String presetId,
            MethodItem item,
            Map<String, Object> params,
            Decoding runDecoding,
            Function<CallRequest, List<String>> model) {
        Preset preset = preset(method.id(), presetId);
        List<Step.Calls> steps = new ArrayList<>();
        List<CompletedCall> history = new ArrayList<>();
        for (int turn = 0; turn < 100; turn++) {
            Step step = method.next(item, preset, params, runDecoding, List.copyOf(history));
            assertReplayable(method, item, preset, params, runDecoding, history, step);
            switch (step) {
                case Step.Done done -> {
                    return new Drive(steps, history, done.predictions());
                }
                case Step.Calls calls -> {
                    assertThat(calls.calls()).isNotEmpty();
                    steps.add(calls);
                    for (CallRequest call : calls.calls()) {
                        history.add(new CompletedCall(call.key(), call.role(), call.prompt(), model.apply(call)));
                    }
                }
            }
        }
        return fail("The method did not finish within 100 turns");
    }

    private static void assertReplayable(
            Method method,
            MethodItem item,
            Preset preset,
            Map<String, Object> params,
            Decoding runDecoding,
            List<CompletedCall> history,
            Step expected) {
        assertThat(method.next(item, preset, params, runDecoding, List.copyOf(history)))
                .as("replaying the same history")
                .isEqualTo(expected);
        for (long seed = 1; seed <= 3; seed++) {
            List<CompletedCall> shuffled = new ArrayList<>(history);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(method.next(item, preset, params, runDecoding, shuffled))
                    .as("the history in another order")
                    .isEqualTo(expected);
        }
    }
}
