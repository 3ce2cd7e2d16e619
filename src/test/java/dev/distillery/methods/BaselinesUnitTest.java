package dev.distillery.methods;

import static dev.distillery.methods.MethodDriver.QUESTION;
import static dev.distillery.methods.MethodDriver.answering;
import static dev.distillery.methods.MethodDriver.choiceItem;
import static dev.distillery.methods.MethodDriver.drive;
import static dev.distillery.methods.MethodDriver.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.methods.MethodDriver.Drive;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BaselinesUnitTest {

    @ParameterizedTest
    @CsvSource({"standard,tot", "zero-shot-cot,tot", "plan-and-solve,tot"})
    void traceOfThoughtBaselinesAskTheStudentOnceWithProviderDefaults(String methodId, String presetId) {
        Drive drive = drive(methodId, presetId, item(QUESTION), Map.of(), answering(Map.of("student", "It is 7.")));

        assertThat(drive.steps()).hasSize(1);
        CallRequest call = drive.call("student");
        assertThat(call.role()).isEqualTo(ModelRole.STUDENT);
        assertThat(call.decoding()).isEqualTo(Decoding.providerDefault());
        assertThat(drive.prediction()).isEqualTo(new Prediction("prediction", "It is 7.", null, Map.of()));
    }

    @Test
    void zeroShotIsOneGreedyStudentCallOfAtMost128Tokens() {
        Drive drive = drive("zero-shot", null, item(QUESTION), Map.of(), answering(Map.of("student", " 7")));

        assertThat(drive.keys()).containsExactly("student");
        assertThat(drive.call("student").decoding()).isEqualTo(Decoding.greedy(128));
        assertThat(drive.prediction().output()).isEqualTo(" 7");
        assertThat(drive.prediction().rule()).isNull();
    }

    @Test
    void fewShotCotReadsTheAnswerAfterTheMarker() {
        Drive drive = drive(
                "few-shot-cot",
                null,
                item(QUESTION),
                Map.of("exemplars", "multiarith"),
                answering(Map.of("student", " 3 + 4 = 7. The answer is 7.")));

        assertThat(drive.keys()).containsExactly("student");
        assertThat(drive.call("student").role()).isEqualTo(ModelRole.STUDENT);
        assertThat(drive.call("student").decoding()).isEqualTo(Decoding.greedy(128));
        assertThat(drive.prediction())
                .isEqualTo(new Prediction("prediction", " 3 + 4 = 7. The answer is 7.", "after-marker", Map.of()));
    }

    @Test
    void zeroShotCotInTheFineTuneCotFormAsksForTheRationaleThenTheAnswer() {
        Drive drive = drive(
                "zero-shot-cot",
                "ft-cot",
                item(QUESTION),
                Map.of(),
                answering(Map.of("rationale", " 3 + 4 = 7.", "answer", " 7.\n\nQ: Another question with 12")));

        assertThat(drive.steps()).hasSize(2);
        assertThat(drive.keys()).containsExactly("rationale", "answer");
        assertThat(drive.calls()).allSatisfy(call -> {
            assertThat(call.role()).isEqualTo(ModelRole.STUDENT);
            assertThat(call.decoding()).isEqualTo(Decoding.greedy(128));
        });
        assertThat(drive.prediction())
                .isEqualTo(new Prediction(
                        "prediction",
                        " 7.\n\nQ: Another question with 12",
                        "first-number",
                        Map.of("rationale", " 3 + 4 = 7.", "answer_text", " 7.\n\nQ: Another question with 12")));
    }

    @Test
    void theAnswerTextOfAMultipleChoiceItemIsGradedByTheAnswerTypeDefault() {
        Drive drive = drive(
                "zero-shot-cot",
                "ft-cot",
                choiceItem("Pick one."),
                Map.of(),
                answering(Map.of("rationale", " It is A.", "answer", " (A)")));

        assertThat(drive.prediction().rule()).isNull();
    }

    @Test
    void aFineTunedStudentIsAskedGreedilyUntilEndAndItsRationaleIsWhatPrecedesTheArrow() {
        Drive drive = drive(
                "fine-tune-cot-student",
                null,
                item(QUESTION),
                Map.of(),
                answering(Map.of("student", " She has 3 + 4 = 7 apples. --> 7")));

        assertThat(drive.keys()).containsExactly("student");
        assertThat(drive.call("student").decoding()).isEqualTo(new Decoding(0.0, null, 1024, List.of("END"), null, 1));
        assertThat(drive.prediction())
                .isEqualTo(new Prediction(
                        "prediction",
                        " She has 3 + 4 = 7 apples. --> 7",
                        "after-marker",
                        Map.of("rationale", "She has 3 + 4 = 7 apples.")));
    }

    @Test
    void aFineTunedStudentThatNeverWritesTheArrowHasAllOfItsOutputAsRationale() {
        Drive drive = drive(
                "fine-tune-cot-student",
                "ft-cot-t5",
                item(QUESTION),
                Map.of(),
                answering(Map.of("student", "She has 3 + 4 = 7 apples. ")));

        assertThat(drive.call("student").decoding()).isEqualTo(Decoding.greedy(1024));
        assertThat(drive.prediction().artifacts()).containsEntry("rationale", "She has 3 + 4 = 7 apples.");
    }
}
