package dev.distillery.methods;

import static dev.distillery.methods.MethodDriver.QUESTION;
import static dev.distillery.methods.MethodDriver.answering;
import static dev.distillery.methods.MethodDriver.drive;
import static dev.distillery.methods.MethodDriver.item;
import static dev.distillery.methods.MethodDriver.method;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.methods.MethodDriver.Drive;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SocraticUnitTest {

    private static final String LUKE = "Luke is buying fabric for new curtains. There are five windows. Each window is "
            + "35 inches wide and Luke needs to buy fabric equal to 2 times the total width of the windows. How much "
            + "fabric should he buy?";

    @Test
    void theSocraticTeacherDecomposesTrainingProblemsInOneCall() {
        Drive drive = drive(
                "socratic-cot",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of(
                        "teacher",
                        "Q: How many apples does Janet buy?\nA: She buys 4 apples.\n"
                                + "Q: How many apples does she have?\nA: She has 3 + 4 = 7 apples. The answer is 7.")));

        assertThat(method("socratic-cot").defaultSplit()).isEqualTo("train");
        assertThat(drive.keys()).containsExactly("teacher");
        assertThat(drive.call("teacher").role()).isEqualTo(ModelRole.TEACHER);
        assertThat(drive.call("teacher").decoding().stop()).containsExactly("\nProblem:");
        assertThat(drive.prediction())
                .isEqualTo(
                        new Prediction(
                                "prediction",
                                "She has 3 + 4 = 7 apples. The answer is 7.",
                                "after-marker",
                                Map.of(
                                        "decomposition",
                                        "Q: How many apples does Janet buy?\nA: She buys 4 apples.\n"
                                                + "Q: How many apples does she have?\nA: She has 3 + 4 = 7 apples. The answer is 7.")));
    }

    @Test
    void aMessyDecompositionIsStillDoneWithWhatCanBeRead() {
        Drive drive = drive(
                "socratic-cot",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of(
                        "teacher",
                        "Sure! Here it is.\nProblem: " + QUESTION
                                + "\n  Q: How many apples does Janet buy?\nA: She buys\n"
                                + "4 apples.\n\nThat was fun.\nQ: How many does she have?\nA: 7\n\nProblem: Tom has 2 cats.\n"
                                + "Q: How many cats?\nA: 2")));

        assertThat(drive.prediction().output()).isEqualTo("7");
        assertThat(drive.prediction().artifacts())
                .containsEntry(
                        "decomposition",
                        "Q: How many apples does Janet buy?\nA: She buys 4 apples.\nQ: How many does she have?\nA: 7");
    }

    @Test
    void aTeacherOutputWithoutAnyAnswerIsPassedOnWhole() {
        Drive drive = drive(
                "socratic-cot",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of("teacher", "  I think the answer is 7.\n")));

        assertThat(drive.prediction().output()).isEqualTo("I think the answer is 7.");
        assertThat(drive.prediction().artifacts()).containsEntry("decomposition", "");
    }

    @Test
    void anExemplarsOwnQuestionIsExcludedWithoutCallingTheTeacher() {
        Step step = method("socratic-cot")
                .next(
                        item("  " + LUKE + "\n"),
                        MethodDriver.preset("socratic-cot", null),
                        Map.of(),
                        Decoding.providerDefault(),
                        List.of());

        assertThat(step)
                .isEqualTo(
                        new Step.Done(List.of(new Prediction("prediction", "", null, Map.of("excluded", "exemplar")))));
    }

    @Test
    void socraticPromptingPutsTheTeachersSubquestionsIntoOneStudentPrompt() {
        Drive drive = drive(
                "socratic-prompting",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of(
                        "teacher", "Q: How many apples does Janet buy?\nQ: How many apples does she have?",
                        "student", "She buys 4 and has 7. The answer is 7.")));

        assertThat(drive.keys()).containsExactly("teacher", "student");
        assertThat(drive.call("teacher").role()).isEqualTo(ModelRole.TEACHER);
        assertThat(drive.call("student").role()).isEqualTo(ModelRole.STUDENT);
        assertThat(drive.call("student").decoding()).isEqualTo(Decoding.providerDefault());
        assertThat(drive.prediction())
                .isEqualTo(new Prediction(
                        "prediction",
                        "She buys 4 and has 7. The answer is 7.",
                        null,
                        Map.of(
                                "subquestions",
                                "1. How many apples does Janet buy?\n2. How many apples does she have?")));
    }

    @Test
    void socraticPromptingReadsAPlainListWhenTheTeacherWritesNoQLines() {
        Drive drive = drive(
                "socratic-prompting",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of(
                        "teacher",
                        "1. How many apples does Janet buy?\n- How many apples does she have?\n",
                        "student",
                        "7")));

        assertThat(drive.prediction().artifacts())
                .containsEntry("subquestions", "1. How many apples does Janet buy?\n2. How many apples does she have?");
    }

    @Test
    void socraticPromptingExcludesTheExemplarsToo() {
        Step step = method("socratic-prompting")
                .next(
                        item(LUKE),
                        MethodDriver.preset("socratic-prompting", null),
                        Map.of(),
                        Decoding.providerDefault(),
                        List.of());

        assertThat(step).isInstanceOf(Step.Done.class);
    }

    @Test
    void inferenceAlternatesDecomposerAndSolverUntilTheStopMarker() {
        Drive drive = drive(
                "socratic-inference",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of(
                        "qg/0",
                        "Q: How many apples does Janet buy?",
                        "qa/0",
                        "A: She buys 4 apples.\nQ: Next?",
                        "qg/1",
                        "How many apples does she have?\n\nExtra words.",
                        "qa/1",
                        "She has\n3 + 4 = 7 apples.",
                        "qg/2",
                        "All subquestions are answered. [END]")));

        assertThat(drive.keys()).containsExactly("qg/0", "qa/0", "qg/1", "qa/1", "qg/2");
        assertThat(drive.steps()).allSatisfy(step -> assertThat(step.calls()).hasSize(1));
        assertThat(drive.calls())
                .extracting(CallRequest::role)
                .containsExactly(
                        ModelRole.DECOMPOSER,
                        ModelRole.SOLVER,
                        ModelRole.DECOMPOSER,
                        ModelRole.SOLVER,
                        ModelRole.DECOMPOSER);
        assertThat(drive.call("qa/1").prompt())
                .endsWith(
                        "Problem: " + QUESTION + "\n"
                                + "Q: How many apples does Janet buy?\nA: She buys 4 apples.\nQ: How many apples does she have?\nA:");
        assertThat(drive.prediction())
                .isEqualTo(new Prediction(
                        "prediction",
                        "She has 3 + 4 = 7 apples.",
                        "last-number",
                        Map.of(
                                "decomposition",
                                "Q: How many apples does Janet buy?\nA: She buys 4 apples.\n"
                                        + "Q: How many apples does she have?\nA: She has 3 + 4 = 7 apples.")));
    }

    @Test
    void inferenceStopsAtTheStepCap() {
        Function<CallRequest, List<String>> model = call -> List.of(
                call.role() == ModelRole.DECOMPOSER ? "What is step " + call.key() + "?" : "Step " + call.key() + ".");

        Drive drive = drive("socratic-inference", null, item(QUESTION), Map.of("maxSteps", 3), model);

        assertThat(drive.keys()).containsExactly("qg/0", "qa/0", "qg/1", "qa/1", "qg/2", "qa/2");
        assertThat(drive.prediction().output()).isEqualTo("Step qa/2.");
    }

    @Test
    void inferenceStopsAtTheDefaultCapOfEight() {
        Drive drive = drive(
                "socratic-inference",
                null,
                item(QUESTION),
                Map.of(),
                call -> List.of(call.role() == ModelRole.DECOMPOSER ? "Next?" : "1"));

        assertThat(drive.keys()).hasSize(16).endsWith("qg/7", "qa/7");
    }

    @Test
    void aBlankDecomposerOutputStopsBeforeAnyAnswer() {
        Drive drive = drive(
                "socratic-inference", "socratic-finetuned", item(QUESTION), Map.of(), answering(Map.of("qg/0", " \n")));

        assertThat(drive.keys()).containsExactly("qg/0");
        assertThat(drive.prediction())
                .isEqualTo(new Prediction("prediction", "", "last-number", Map.of("decomposition", "")));
    }

    @Test
    void theFineTunedPresetDecodesGreedilyOneLineAtATime() {
        Drive drive = drive(
                "socratic-inference",
                "socratic-finetuned",
                item(QUESTION),
                Map.of(),
                answering(Map.of("qg/0", " How many?", "qa/0", " 7", "qg/1", " [END]")));

        assertThat(drive.calls())
                .allSatisfy(call ->
                        assertThat(call.decoding()).isEqualTo(new Decoding(0.0, null, 128, List.of("\n"), null, 1)));
    }

    @Test
    void theStopMarkerIsTheTemplateOfTheClonedPreset() {
        Preset shipped = MethodDriver.preset("socratic-inference", "socratic-finetuned");
        Map<String, String> templates = new LinkedHashMap<>(shipped.templates());
        templates.put("stop", "<done>");
        Preset clone = new Preset("mine", shipped.methodId(), 1, "Mine", "", templates, shipped.decoding(), Map.of());
        List<CompletedCall> history = List.of(
                new CompletedCall("qg/0", ModelRole.DECOMPOSER, "", List.of(" [END]")),
                new CompletedCall("qa/0", ModelRole.SOLVER, "", List.of(" 7")),
                new CompletedCall("qg/1", ModelRole.DECOMPOSER, "", List.of(" <done>")));

        Step step =
                method("socratic-inference").next(item(QUESTION), clone, Map.of(), Decoding.providerDefault(), history);

        assertThat(step)
                .isEqualTo(new Step.Done(List.of(
                        new Prediction("prediction", "7", "last-number", Map.of("decomposition", "Q: [END]\nA: 7")))));
    }
}
