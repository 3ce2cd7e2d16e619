package dev.distillery.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.MultipartField;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import com.openai.models.models.Model;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's files and fine-tuning endpoints, driven by the official OpenAI Java SDK as the app uses them. */
class OpenAiSimulatorFineTuningTest {

    static final String GOOD = """
            {"messages": [{"role": "user", "content": "2 + 2 ###"}, {"role": "assistant", "content": " 2 plus 2 is 4 --> 4 END"}]}
            {"prompt": "3 + 4 ###", "completion": " 3 plus 4 is 7 --> 7 END"}
            """;

    private final OpenAiSimulator sim = OpenAiSimulator.start(
                    Config.defaults().models("student").apiKey("sk-sim"))
            .fineTuneStage(Duration.ofMillis(150));
    private final OpenAIClient client = OpenAIOkHttpClient.builder()
            .baseUrl(sim.baseUrl())
            .apiKey("sk-sim")
            .maxRetries(0)
            .build();

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    @Test
    void aJobMovesThroughItsStagesSucceedsAndItsModelIsServed() throws Exception {
        FileObject file = upload("train.jsonl", GOOD);
        assertThat(file.id()).startsWith("file-");
        assertThat(file.filename()).isEqualTo("train.jsonl");
        assertThat(file.bytes()).isEqualTo(GOOD.getBytes(UTF_8).length);
        assertThat(client.files().retrieve(file.id()).status().asString()).isEqualTo("processed");

        FineTuningJob created = client.fineTuning()
                .jobs()
                .create(JobCreateParams.builder()
                        .model("student")
                        .trainingFile(file.id())
                        .suffix("gsm8k")
                        .hyperparameters(JobCreateParams.Hyperparameters.builder()
                                .nEpochs(2)
                                .build())
                        .build());
        assertThat(created.status()).isEqualTo(FineTuningJob.Status.VALIDATING_FILES);
        assertThat(created.fineTunedModel()).isEmpty();
        assertThat(created.hyperparameters().nEpochs().orElseThrow().asInteger())
                .isEqualTo(2);

        FineTuningJob done = awaitFinished(created.id());
        assertThat(done.status()).isEqualTo(FineTuningJob.Status.SUCCEEDED);
        String model = done.fineTunedModel().orElseThrow();
        assertThat(model)
                .isEqualTo("ft:student:distillery:gsm8k:" + created.id().substring("ftjob-".length()));
        assertThat(done.finishedAt()).isPresent();
        assertThat(done.trainedTokens().orElseThrow()).isPositive();

        List<FineTuningJobEvent> events =
                client.fineTuning().jobs().listEvents(created.id()).data();
        assertThat(events.getFirst().message()).isEqualTo("The job has successfully completed");
        assertThat(events.reversed().stream().map(FineTuningJobEvent::message).toList())
                .startsWith(
                        "Validating training file: " + file.id(),
                        "Files validated, moving job to queued state",
                        "Fine-tuning job started")
                .contains("New fine-tuned model created: " + model);
        var page = client.fineTuning()
                .jobs()
                .listEvents(created.id(), JobListEventsParams.builder().limit(2).build());
        assertThat(page.data()).hasSize(2);
        assertThat(page.hasMore()).contains(true);

        assertThat(client.models().list().data().stream().map(Model::id)).contains("student", model);
        var reply = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .addUserMessage("5 + 5 ###")
                        .build());
        assertThat(reply.model()).isEqualTo(model);
        assertThat(reply.choices().getFirst().message().content().orElseThrow()).startsWith("Echo: 5 + 5 ###");
    }

    @Test
    void anUploadWithALineThatIsNotJsonIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> upload("bad.jsonl", GOOD + "not json\n"))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("line 3 is not valid JSON");
    }

    @Test
    void aJobOnExamplesWithoutMessagesOrPromptFailsValidationNamingTheLine() throws Exception {
        FileObject file = upload("odd.jsonl", GOOD + "{\"question\": \"what?\"}\n");
        FineTuningJob job = client.fineTuning()
                .jobs()
                .create(JobCreateParams.builder()
                        .model("student")
                        .trainingFile(file.id())
                        .build());

        FineTuningJob failed = awaitFinished(job.id());
        assertThat(failed.status()).isEqualTo(FineTuningJob.Status.FAILED);
        assertThat(failed.error().orElseThrow().code()).isEqualTo("invalid_training_file");
        assertThat(failed.error().orElseThrow().message()).contains("line 3");
        assertThat(failed.fineTunedModel()).isEmpty();
    }

    @Test
    void aConfiguredFaultFailsTheNextJobWhileRunning() throws Exception {
        sim.failNextFineTunes(1, "The job ran out of GPU memory (simulated).");
        FileObject file = upload("train.jsonl", GOOD);
        FineTuningJob failing = client.fineTuning()
                .jobs()
                .create(JobCreateParams.builder()
                        .model("student")
                        .trainingFile(file.id())
                        .validationFile(file.id())
                        .build());
        FineTuningJob next = client.fineTuning()
                .jobs()
                .create(JobCreateParams.builder()
                        .model("student")
                        .trainingFile(file.id())
                        .build());

        FineTuningJob failed = awaitFinished(failing.id());
        assertThat(failed.status()).isEqualTo(FineTuningJob.Status.FAILED);
        assertThat(failed.error().orElseThrow().message()).isEqualTo("The job ran out of GPU memory (simulated).");
        assertThat(failed.validationFile()).contains(file.id());
        assertThat(client.fineTuning()
                        .jobs()
                        .listEvents(failing.id())
                        .data()
                        .getFirst()
                        .level())
                .isEqualTo(FineTuningJobEvent.Level.ERROR);
        assertThat(awaitFinished(next.id()).status()).isEqualTo(FineTuningJob.Status.SUCCEEDED);
    }

    @Test
    void aRunningJobCanBeCancelledOnceAndUnknownModelsAndJobsAreRefused() throws Exception {
        sim.fineTuneStage(Duration.ofMinutes(5));
        FileObject file = upload("train.jsonl", GOOD);
        FineTuningJob job = client.fineTuning()
                .jobs()
                .create(JobCreateParams.builder()
                        .model("student")
                        .trainingFile(file.id())
                        .build());

        assertThat(client.fineTuning().jobs().cancel(job.id()).status()).isEqualTo(FineTuningJob.Status.CANCELLED);
        assertThat(client.fineTuning().jobs().retrieve(job.id()).status()).isEqualTo(FineTuningJob.Status.CANCELLED);
        assertThatThrownBy(() -> client.fineTuning().jobs().cancel(job.id()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("cannot be cancelled");
        assertThatThrownBy(() -> client.fineTuning()
                        .jobs()
                        .create(JobCreateParams.builder()
                                .model("gpt-9")
                                .trainingFile(file.id())
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("not available for fine-tuning");
        assertThatThrownBy(() -> client.fineTuning().jobs().retrieve("ftjob-missing"))
                .isInstanceOf(com.openai.errors.NotFoundException.class);
    }

    private FileObject upload(String name, String content) {
        return client.files()
                .create(FileCreateParams.builder()
                        .file(MultipartField.<InputStream>builder()
                                .value(new ByteArrayInputStream(content.getBytes(UTF_8)))
                                .filename(name)
                                .build())
                        .purpose(FilePurpose.FINE_TUNE)
                        .build());
    }

    private FineTuningJob awaitFinished(String id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            FineTuningJob job = client.fineTuning().jobs().retrieve(id);
            if (job.finishedAt().isPresent()) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not finish");
    }
}
