package dev.distillery.methods;

import static dev.distillery.methods.MethodDriver.QUESTION;
import static dev.distillery.methods.MethodDriver.answering;
import static dev.distillery.methods.MethodDriver.choiceItem;
import static dev.distillery.methods.MethodDriver.drive;
import static dev.distillery.methods.MethodDriver.item;
import static dev.distillery.methods.MethodDriver.method;
import static dev.distillery.methods.MethodDriver.preset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.methods.MethodDriver.Drive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FineTuneCotUnitTest {

    private final Method fineTuneCot = method("fine-tune-cot");

    @Test
    void generatesOnTheTrainSplitByDefault() {
        assertThat(fineTuneCot.defaultSplit()).isEqualTo("train");
        assertThat(fineTuneCot.roles()).containsExactly(ModelRole.TEACHER);
    }

    @Test
    void oneSampleIsAGreedyRationaleThenAGreedyAnswer() {
        Drive drive = drive(
                "fine-tune-cot",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of("rationale", " 3 + 4 = 7.", "answer/0", " 7")));

        assertThat(drive.steps()).hasSize(2);
        assertThat(drive.keys()).containsExactly("rationale", "answer/0");
        assertThat(drive.calls()).allSatisfy(call -> {
            assertThat(call.role()).isEqualTo(ModelRole.TEACHER);
            assertThat(call.decoding()).isEqualTo(Decoding.greedy(128));
        });
        assertThat(drive.prediction())
                .isEqualTo(new Prediction(
                        "sample 0", " 7", "first-number", Map.of("rationale", " 3 + 4 = 7.", "answer_text", " 7")));
    }

    @Test
    void diverseReasoningAsksForDRationalesInOneCallAtTemperatureSevenTenthsThenAllAnswersInOneStep() {
        Drive drive = drive("fine-tune-cot", null, item(QUESTION), Map.of("samples", 8), this::numberedModel);

        assertThat(drive.steps()).hasSize(2);
        CallRequest rationale = drive.steps().getFirst().calls().getFirst();
        assertThat(drive.steps().getFirst().calls()).hasSize(1);
        assertThat(rationale.key()).isEqualTo("rationale");
        assertThat(rationale.decoding()).isEqualTo(new Decoding(0.7, null, 128, List.of(), null, 8));

        List<CallRequest> answers = drive.steps().get(1).calls();
        assertThat(answers)
                .extracting(CallRequest::key)
                .containsExactlyElementsOf(
                        IntStream.range(0, 8).mapToObj(i -> "answer/" + i).toList());
        assertThat(answers).allSatisfy(call -> assertThat(call.decoding()).isEqualTo(Decoding.greedy(128)));
        assertThat(answers.get(3).prompt())
                .isEqualTo("Q: " + QUESTION + "\nA: Let's think step by step. rationale 3\nTherefore, the answer is");

        assertThat(drive.predictions()).hasSize(8);
        assertThat(drive.predictions().get(5))
                .isEqualTo(new Prediction(
                        "sample 5",
                        " answer to rationale 5",
                        "first-number",
                        Map.of("rationale", " rationale 5", "answer_text", " answer to rationale 5")));
    }

    @Test
    void aPrefixOfTheAnswerCallsAsksOnlyForTheRest() {
        List<CompletedCall> history = new ArrayList<>();
        history.add(new CompletedCall("rationale", ModelRole.TEACHER, "p", List.of(" r0", " r1", " r2", " r3")));
        history.add(new CompletedCall("answer/2", ModelRole.TEACHER, "p", List.of(" 7")));

        Step step = fineTuneCot.next(
                item(QUESTION),
                preset("fine-tune-cot", null),
                Map.of("samples", 4),
                Decoding.providerDefault(),
                history);

        assertThat(((Step.Calls) step).calls())
                .extracting(CallRequest::key)
                .containsExactly("answer/0", "answer/1", "answer/3");
    }

    @Test
    void theRunsTemperatureOverridesTheDiverseTemperatureAndTheGreedyAnswers() {
        Decoding run = new Decoding(1.0, null, 256, List.of(), 42, 1);
        Drive drive = drive("fine-tune-cot", null, item(QUESTION), Map.of("samples", 2), run, this::numberedModel);

        assertThat(drive.call("rationale").decoding()).isEqualTo(new Decoding(1.0, null, 256, List.of(), 42, 2));
        assertThat(drive.call("answer/1").decoding()).isEqualTo(new Decoding(1.0, null, 256, List.of(), 42, 1));
    }

    @Test
    void theDiverseTemperatureIsAParameter() {
        Drive drive = drive(
                "fine-tune-cot",
                null,
                item(QUESTION),
                Map.of("samples", 4, "diverseTemperature", 1.0),
                this::numberedModel);

        assertThat(drive.call("rationale").decoding().temperature()).isEqualTo(1.0);
    }

    @Test
    void multipleChoiceAnswerTextsAreGradedByTheAnswerTypeDefault() {
        Drive drive = drive("fine-tune-cot", null, choiceItem("Pick one."), Map.of(), this::numberedModel);

        assertThat(drive.prediction().rule()).isNull();
    }

    @Test
    void onlyThePowersOfTwoUpTo64AreSampleCounts() {
        assertThatThrownBy(
                        () -> drive("fine-tune-cot", null, item(QUESTION), Map.of("samples", 3), this::numberedModel))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'samples'");
    }

    @Test
    void aRationaleCallWithoutOutputIsAnItemError() {
        List<CompletedCall> history = List.of(new CompletedCall("rationale", ModelRole.TEACHER, "p", List.of()));

        assertThatThrownBy(() -> fineTuneCot.next(
                        item(QUESTION), preset("fine-tune-cot", null), Map.of(), Decoding.providerDefault(), history))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rationale'");
    }

    /** Rationale sample i reads " rationale i"; the answer to it " answer to rationale i". */
    private List<String> numberedModel(CallRequest call) {
        if (call.key().equals("rationale")) {
            return IntStream.range(0, call.decoding().samples())
                    .mapToObj(i -> " rationale " + i)
                    .toList();
        }
        String rationale = call.prompt()
                .substring(
                        call.prompt().indexOf("step by step.") + "step by step.".length(),
                        call.prompt().indexOf("\nTherefore"));
        return List.of(" answer to" + rationale);
    }
}
