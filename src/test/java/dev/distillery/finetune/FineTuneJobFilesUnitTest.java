package dev.distillery.finetune;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.shared.InvalidInputException.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FineTuneJobFilesUnitTest {

    static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"1 + 1 ###\"},"
            + " {\"role\": \"assistant\", \"content\": \" 1 + 1 = 2 --> 2 END\"}]}";
    static final String COMPLETION = "{\"prompt\": \"1 + 1 ###\", \"completion\": \" 1 + 1 = 2 --> 2 END\"}";

    @Test
    void chatAndPromptCompletionFilesAreCountedSkippingBlankLines() {
        List<FieldError> problems = new ArrayList<>();
        assertThat(FineTuneJobFiles.check("trainingFile", (CHAT + "\n\n" + CHAT + "\r\n").getBytes(UTF_8), problems))
                .isEqualTo(2);
        assertThat(FineTuneJobFiles.check("trainingFile", ("\uFEFF" + COMPLETION + "\n").getBytes(UTF_8), problems))
                .isEqualTo(1);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyBadLineIsNamedWithItsReason() {
        String file = String.join(
                "\n",
                CHAT,
                "[1, 2]",
                "{\"messages\": []}",
                "{broken",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}",
                "{\"prompt\": \"only a prompt\"}",
                COMPLETION,
                "{\"text\": \"?\"}");
        List<FieldError> problems = new ArrayList<>();

        assertThat(FineTuneJobFiles.check("validationFile", file.getBytes(UTF_8), problems))
                .isEqualTo(9);

        assertThat(problems).extracting(FieldError::line).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(problems).extracting(FieldError::field).containsOnly("validationFile");
        assertThat(problems.get(0).message()).isEqualTo("Each line must be a JSON object.");
        assertThat(problems.get(1).message()).isEqualTo("'messages' must be a non-empty array.");
        assertThat(problems.get(2).message()).startsWith("Not valid JSON");
        assertThat(problems.get(3).message()).contains("at least one assistant message");
        assertThat(problems.get(4).message()).contains("messages[0] has role 'robot'");
        assertThat(problems.get(5).message()).contains("both 'prompt' and 'completion'");
        assertThat(problems.get(6).message())
                .isEqualTo("Uses 'prompt'/'completion' but line 1 uses 'messages'; use one format per file.");
        assertThat(problems.get(7).message()).contains("neither 'messages' nor 'prompt'");
        assertThat(problems.get(7).describe()).startsWith("line 9, validationFile: ");
    }

    @Test
    void emptyAndNonUtf8FilesAreRefused() {
        List<FieldError> problems = new ArrayList<>();
        FineTuneJobFiles.check("trainingFile", "\n \n".getBytes(UTF_8), problems);
        FineTuneJobFiles.check("trainingFile", new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}, problems);
        assertThat(problems)
                .extracting(FieldError::message)
                .containsExactly(
                        "The file has no examples.",
                        "The line is not valid UTF-8 text (save the file as UTF-8).",
                        "The file has no examples.");
        assertThat(problems.get(1).line()).isEqualTo(1);
    }

    @Test
    void problemsStopAtTwentySoAHugeBadFileStaysReadable() {
        List<FieldError> problems = new ArrayList<>();
        assertThat(FineTuneJobFiles.check("trainingFile", "{}\n".repeat(500).getBytes(UTF_8), problems))
                .isEqualTo(500);
        assertThat(problems).hasSize(FineTuneJobFiles.MAX_PROBLEMS);
    }
}
