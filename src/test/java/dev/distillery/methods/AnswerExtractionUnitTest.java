package dev.distillery.methods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.shared.AnswerType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Model-based answer extraction wraps any method: when it is done, one greedy extractor call per prediction with
 * Kojima et al.'s "Therefore, the answer … is", whose answer becomes the prediction (the output kept as reasoning).
 */
class AnswerExtractionUnitTest {

    @Test
    void aTraceOfThoughtStudentsFreeFormAnswerIsReadByTheExtractor() {
        Method method = Methods.forRoles(
                Methods.byId("trace-of-thought").orElseThrow(),
                List.of(ModelRole.TEACHER, ModelRole.STUDENT, ModelRole.EXTRACTOR));
        MethodItem item = MethodDriver.item(MethodDriver.QUESTION);

        MethodDriver.Drive drive = MethodDriver.drive(
                method,
                "tot-paper",
                item,
                Map.of(),
                Decoding.providerDefault(),
                MethodDriver.answering(Map.of(
                        "teacher", "1. Add the apples.", "student", "She has seven apples now.", "extract/0", " 7.")));

        assertThat(method.id()).isEqualTo("trace-of-thought");
        assertThat(method.roles()).containsExactlyInAnyOrder(ModelRole.TEACHER, ModelRole.STUDENT, ModelRole.EXTRACTOR);
        assertThat(drive.keys()).containsExactly("teacher", "student", "extract/0");
        CallRequest extraction = drive.call("extract/0");
        assertThat(extraction.role()).isEqualTo(ModelRole.EXTRACTOR);
        assertThat(extraction.prompt())
                .isEqualTo("Q: " + MethodDriver.QUESTION + "\nA: She has seven apples now.\n"
                        + "Therefore, the answer (arabic numerals) is");
        assertThat(extraction.decoding()).isEqualTo(Decoding.greedy(32));
        assertThat(drive.prediction().output()).isEqualTo("7.");
        assertThat(drive.prediction().rule()).isNull();
        assertThat(drive.prediction().artifacts())
                .containsEntry("reasoning", "She has seven apples now.")
                .containsEntry("steps", "1. Add the apples.");
    }

    @Test
    void everyDiverseReasoningSampleGetsItsOwnExtraction() {
        Method method = Methods.forRoles(
                Methods.byId("fine-tune-cot").orElseThrow(), List.of(ModelRole.TEACHER, ModelRole.EXTRACTOR));
        MethodItem item = MethodDriver.item(MethodDriver.QUESTION);

        MethodDriver.Drive drive = MethodDriver.drive(
                method,
                "ft-cot",
                item,
                Map.of("samples", 2),
                Decoding.providerDefault(),
                call -> call.key().startsWith("extract/")
                        ? List.of("7")
                        : java.util.Collections.nCopies(call.decoding().samples(), "Add them. 7"));

        assertThat(drive.keys()).contains("extract/0", "extract/1");
        assertThat(drive.predictions()).hasSize(2).allMatch(p -> p.output().equals("7"));
    }

    @Test
    void theTriggerSaysWhatKindOfAnswerIsWanted() {
        MethodItem choice = MethodDriver.choiceItem("Which is largest?");
        MethodItem yesNo = new MethodItem("q", "Is it so?", List.of(), "yes", AnswerType.YESNO, List.of());

        assertThat(AnswerExtraction.prompt(choice, "It is the first."))
                .isEqualTo("Q: Which is largest? Answer Choices: (A) 50 (B) 45 (C) 65\nA: It is the first.\n"
                        + "Therefore, among A through C, the answer is");
        assertThat(AnswerExtraction.prompt(yesNo, "Surely.")).endsWith("Therefore, the answer (Yes or No) is");
    }

    @Test
    void aRunWithoutAnExtractorUsesTheMethodAsItIs() {
        Method plain = Methods.byId("standard").orElseThrow();

        assertThat(Methods.forRoles(plain, List.of(ModelRole.STUDENT))).isSameAs(plain);
    }
}
