package dev.distillery.methods;

import static dev.distillery.methods.MethodDriver.QUESTION;
import static dev.distillery.methods.MethodDriver.answering;
import static dev.distillery.methods.MethodDriver.drive;
import static dev.distillery.methods.MethodDriver.item;
import static dev.distillery.methods.MethodDriver.method;
import static dev.distillery.methods.MethodDriver.preset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.methods.MethodDriver.Drive;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceOfThoughtUnitTest {

    private static final String STEPS = "\n1. Start from 3 apples.\n2. Add the 4 she buys.  \n";

    @Test
    void theTeacherWritesStepsThenTheStudentSolvesWithThem() {
        Drive drive = drive(
                "trace-of-thought",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of("teacher", STEPS, "student", "3 + 4 = 7")));

        assertThat(drive.steps()).hasSize(2);
        assertThat(drive.keys()).containsExactly("teacher", "student");
        assertThat(drive.call("teacher").role()).isEqualTo(ModelRole.TEACHER);
        assertThat(drive.call("student").role()).isEqualTo(ModelRole.STUDENT);
        assertThat(drive.calls()).allSatisfy(call -> assertThat(call.decoding()).isEqualTo(Decoding.providerDefault()));
        assertThat(drive.prediction())
                .isEqualTo(new Prediction("prediction", "3 + 4 = 7", null, Map.of("steps", STEPS)));
    }

    @Test
    void theStepsReachTheStudentUntrimmed() {
        Drive drive = drive(
                "trace-of-thought",
                "tot-paper",
                item(QUESTION),
                Map.of(),
                answering(Map.of("teacher", STEPS, "student", "7")));

        assertThat(drive.call("student").prompt()).endsWith("solve the problem.\n" + STEPS);
    }

    @Test
    void editedStepsInTheTeacherCallAreWhatTheStudentIsRerunOn() {
        List<CompletedCall> edited = List.of(
                new CompletedCall("teacher", ModelRole.TEACHER, "the original prompt", List.of("1. Add 3 and 4.")));

        Step step = method("trace-of-thought")
                .next(item(QUESTION), preset("trace-of-thought", null), Map.of(), Decoding.providerDefault(), edited);

        assertThat(step)
                .isEqualTo(new Step.Calls(List.of(new CallRequest(
                        "student",
                        ModelRole.STUDENT,
                        "We are given the following problem to solve:\n" + QUESTION
                                + "\nUse the following steps to solve the problem.\n1. Add 3 and 4.",
                        Decoding.providerDefault()))));
    }

    @Test
    void thePaperPresetIsTheDefault() {
        assertThat(preset("trace-of-thought", "").id()).isEqualTo("tot-paper");
        assertThat(method("trace-of-thought").presets())
                .extracting(Preset::id)
                .containsExactly("tot-paper", "tot-2024-05");
    }
}
