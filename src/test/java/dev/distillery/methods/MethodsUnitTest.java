package dev.distillery.methods;

import static dev.distillery.methods.MethodDriver.QUESTION;
import static dev.distillery.methods.MethodDriver.item;
import static dev.distillery.methods.MethodDriver.method;
import static dev.distillery.methods.MethodDriver.preset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodsUnitTest {

    @Test
    void allMethodsAreRegisteredBaselinesFirst() {
        assertThat(Methods.all())
                .extracting(Method::id)
                .containsExactly(
                        "standard",
                        "zero-shot",
                        "zero-shot-cot",
                        "plan-and-solve",
                        "few-shot-cot",
                        "trace-of-thought",
                        "fine-tune-cot",
                        "fine-tune-cot-student",
                        "socratic-cot",
                        "socratic-inference",
                        "socratic-prompting");
    }

    @Test
    void everyMethodNamesItsPaperAndShipsVersionOnePresetsOfItsOwn() {
        assertThat(Methods.all()).allSatisfy(method -> {
            assertThat(method.description()).contains("arXiv");
            assertThat(method.label()).isNotBlank();
            assertThat(method.roles()).isNotEmpty();
            assertThat(method.presets()).isNotEmpty().allSatisfy(preset -> {
                assertThat(preset.methodId()).isEqualTo(method.id());
                assertThat(preset.version()).isEqualTo(1);
                assertThat(preset.description()).startsWith(preset.id() + " v1");
                assertThat(preset.templates()).containsKey(Turn.WITH_CHOICES);
            });
            assertThat(method.presets()).extracting(Preset::id).doesNotHaveDuplicates();
            assertThat(method.params()).allSatisfy(spec -> {
                assertThat(spec.label()).isNotBlank();
                assertThat(spec.help()).isNotBlank();
            });
        });
    }

    @Test
    void theNoDollarPresetsSayTheBugIsNotReproduced() {
        assertThat(List.of(preset("zero-shot-cot", "tot"), preset("plan-and-solve", "tot")))
                .allSatisfy(preset ->
                        assertThat(preset.description()).contains("stray '$'").contains("not reproduced"));
    }

    @Test
    void aBlankOrMissingPresetIdMeansTheDefaultPreset() {
        assertThat(Methods.preset("zero-shot-cot", null)).map(Preset::id).contains("tot");
        assertThat(Methods.preset("zero-shot-cot", " ")).map(Preset::id).contains("tot");
        assertThat(Methods.preset("zero-shot-cot", "ft-cot")).map(Preset::id).contains("ft-cot");
        assertThat(Methods.preset("zero-shot-cot", "nope")).isEmpty();
        assertThat(Methods.preset("nope", null)).isEmpty();
        assertThat(Methods.byId("nope")).isEmpty();
    }

    @Test
    void onlyTeacherGenerationRunsOnTheTrainSplitByDefault() {
        assertThat(Methods.all())
                .filteredOn(method -> method.defaultSplit().equals("train"))
                .extracting(Method::id)
                .containsExactlyInAnyOrder("fine-tune-cot", "socratic-cot");
    }

    @Test
    void paramsMergeDeclaredDefaultsThePresetAndTheRun() {
        Method fineTuneCot = method("fine-tune-cot");
        Preset preset = preset("fine-tune-cot", null);
        Preset eight = new Preset(
                "diverse", "fine-tune-cot", 1, "D=8", "", preset.templates(), preset.decoding(), Map.of("samples", 8));

        assertThat(Methods.resolveParams(fineTuneCot, preset, Map.of()))
                .containsExactly(Map.entry("samples", 1), Map.entry("diverseTemperature", 0.7));
        assertThat(Methods.resolveParams(fineTuneCot, eight, Map.of())).containsEntry("samples", 8);
        assertThat(Methods.resolveParams(fineTuneCot, eight, Map.of("samples", "64", "diverseTemperature", 1)))
                .containsExactly(Map.entry("samples", 64), Map.entry("diverseTemperature", 1.0));
        Map<String, Object> unset = new HashMap<>();
        unset.put("samples", null);
        assertThat(Methods.resolveParams(fineTuneCot, eight, unset)).containsEntry("samples", 8);
    }

    @Test
    void resolvedParamsResolveToThemselves() {
        Method inference = method("socratic-inference");
        Preset preset = preset("socratic-inference", null);
        Map<String, Object> resolved = Methods.resolveParams(inference, preset, Map.of("maxSteps", 4L));

        assertThat(resolved).containsExactly(Map.entry("maxSteps", 4));
        assertThat(Methods.resolveParams(inference, preset, resolved)).isEqualTo(resolved);
    }

    @Test
    void invalidParamsAreRejectedNamingTheParameterAndWhy() {
        Method fineTuneCot = method("fine-tune-cot");
        Preset preset = preset("fine-tune-cot", null);

        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("sample", 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unknown parameter 'sample' for method 'fine-tune-cot'; it takes samples, diverseTemperature");
        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("samples", "eight")))
                .hasMessage("Parameter 'samples' must be an integer, got 'eight'");
        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("samples", 2.5)))
                .hasMessage("Parameter 'samples' must be an integer, got 2.5 (Double)");
        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("samples", 128)))
                .hasMessage("Parameter 'samples' must be at most 64, got 128");
        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("samples", 0)))
                .hasMessage("Parameter 'samples' must be at least 1, got 0");
        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("samples", 3)))
                .hasMessage("Parameter 'samples' must be one of 1, 2, 4, 8, 16, 32, 64, got '3'");
        assertThatThrownBy(() -> Methods.resolveParams(fineTuneCot, preset, Map.of("diverseTemperature", true)))
                .hasMessage("Parameter 'diverseTemperature' must be a number, got true (Boolean)");
        assertThatThrownBy(() -> Methods.resolveParams(
                        method("few-shot-cot"), preset("few-shot-cot", null), Map.of("exemplars", "mmlu")))
                .hasMessageStartingWith("Parameter 'exemplars' must be one of addsub, single_eq, multiarith, gsm8k");
        assertThatThrownBy(() ->
                        Methods.resolveParams(method("standard"), preset("standard", null), Map.of("maxSteps", 3)))
                .hasMessage("Unknown parameter 'maxSteps' for method 'standard', which takes none");
    }

    @Test
    void aPresetOfAnotherMethodIsRejected() {
        assertThatThrownBy(() -> method("standard")
                        .next(
                                item(QUESTION),
                                preset("zero-shot", null),
                                Map.of(),
                                Decoding.providerDefault(),
                                List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Preset 'ft-cot' belongs to method 'zero-shot', not to 'standard'");
    }

    @Test
    void invalidParamsOfARunAreAnItemError() {
        assertThatThrownBy(() -> method("socratic-inference")
                        .next(
                                item(QUESTION),
                                preset("socratic-inference", null),
                                Map.of("maxSteps", 0),
                                Decoding.providerDefault(),
                                List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'maxSteps'");
    }

    @Test
    void theRunsExplicitDecodingOverridesThePresetsForEveryCall() {
        Decoding run = new Decoding(0.3, 0.9, 2048, List.of("###"), 7, 1);

        assertThat(firstCall("zero-shot", run).decoding()).isEqualTo(run);
        assertThat(firstCall("fine-tune-cot-student", new Decoding(0.5, null, 64, List.of(), null, 1))
                        .decoding())
                .isEqualTo(new Decoding(0.5, null, 64, List.of("END"), null, 1));
        assertThat(firstCall("trace-of-thought", run).decoding()).isEqualTo(run);
    }

    @Test
    void twoCallsUnderOneKeyAreAnItemError() {
        List<CompletedCall> history = List.of(
                new CompletedCall("teacher", ModelRole.TEACHER, "", List.of("1. a")),
                new CompletedCall("teacher", ModelRole.TEACHER, "", List.of("1. b")));

        assertThatThrownBy(() -> method("trace-of-thought")
                        .next(
                                item(QUESTION),
                                preset("trace-of-thought", null),
                                Map.of(),
                                Decoding.providerDefault(),
                                history))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'teacher'");
    }

    private static CallRequest firstCall(String methodId, Decoding run) {
        Step step = method(methodId).next(item(QUESTION), preset(methodId, null), Map.of(), run, List.of());
        return ((Step.Calls) step).calls().getFirst();
    }
}
