package dev.distillery.finetune;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.TestHttp.FilePart;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Fine-tuning jobs over REST against the simulator: a launched job is followed to success and its model registered
 * as a callable endpoint with the source's key; bad files are refused naming the line; provider failures and
 * cancellation are recorded; other workspaces and viewers are kept out.
 */
class FineTuneJobIntegrationTest extends ApiIntegrationTest {

    static final String KEY = "sk-fine-tuning-sim";
    static final String TRAINING = """
            {"prompt": "Tom has 3 apples and buys 4 more. How many apples does he have? ###", "completion": " 3 + 4 = 7 --> 7 END"}
            {"prompt": "A box holds 6 eggs. How many eggs are in 2 boxes? ###", "completion": " 6 * 2 = 12 --> 12 END"}
            """;
    static OpenAiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(Config.defaults().models("student").apiKey(KEY))
                .fineTuneStage(Duration.ofMillis(400));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void aLaunchedJobSucceedsAndItsModelBecomesACallableEndpoint() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("ft", Role.MEMBER);
        String endpointId = endpoint(http, owner.apiKey(), "Student");

        HttpResponse<String> launched = launch(http, owner.apiKey(), endpointId, "gsm8k", TRAINING, TRAINING);
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        JsonNode job = json.readTree(launched.body());
        String id = job.get("id").asString();
        assertThat(launched.headers().firstValue("Location")).hasValue("/api/v1/fine-tuning/jobs/" + id);
        assertThat(job.get("status").asString()).isIn("validating_files", "queued", "running");
        assertThat(job.get("providerJobId").asString()).startsWith("ftjob-");
        assertThat(job.get("trainingFile").get("examples").asInt()).isEqualTo(2);
        assertThat(job.get("validationFile").get("examples").asInt()).isEqualTo(2);

        JsonNode done = awaitFinished(http, owner.apiKey(), id);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("succeeded");
        String model = done.get("fineTunedModel").asString();
        assertThat(model)
                .isEqualTo("ft:student:distillery:gsm8k:"
                        + job.get("providerJobId").asString().substring(6));
        assertThat(done.get("events").toString())
                .contains(
                        "Files validated",
                        "New fine-tuned model created: " + model,
                        "The job has successfully completed");
        assertThat(done.get("finishedAt").isNull()).isFalse();

        String created = awaitEndpoint(http, owner.apiKey(), id);
        JsonNode endpoint = json.readTree(http.call("GET", "/api/v1/endpoints/" + created, owner.apiKey(), null)
                .body());
        assertThat(endpoint.get("name").asString()).isEqualTo("Student · " + model);
        assertThat(endpoint.get("model").asString()).isEqualTo(model);
        assertThat(endpoint.get("baseUrl").asString()).isEqualTo(sim.baseUrl());
        assertThat(endpoint.get("apiKeyHint").asString()).endsWith(KEY.substring(KEY.length() - 4));
        // The simulator checks the key: the new endpoint answers only because the source's key was copied.
        JsonNode test = json.readTree(http.call("POST", "/api/v1/endpoints/" + created + "/test", owner.apiKey(), null)
                .body());
        assertThat(test.get("ok").asBoolean()).as(test.toString()).isTrue();

        JsonNode list = json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs", owner.apiKey(), null)
                .body());
        assertThat(list.get(0).get("id").asString()).isEqualTo(id);
        assertThat(list.get(0).get("fineTunedEndpointId").asString()).isEqualTo(created);
        HttpResponse<String> again =
                http.call("POST", "/api/v1/fine-tuning/jobs/" + id + "/cancel", owner.apiKey(), null);
        assertThat(again.statusCode()).isEqualTo(409);
    }

    @Test
    void aBadFileIsRefusedNamingTheLineAndNothingIsLaunched() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("ft-bad", Role.MEMBER);
        String endpointId = endpoint(http, owner.apiKey(), "Student");

        HttpResponse<String> refused = launch(
                http,
                owner.apiKey(),
                endpointId,
                null,
                TRAINING + "{\"question\": \"no prompt here\"}\nnot json\n",
                null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("detail").asString()).startsWith("line 3, trainingFile:");
        assertThat(problem.get("errors").get(0).get("line").asInt()).isEqualTo(3);
        assertThat(problem.get("errors").get(1).get("line").asInt()).isEqualTo(4);
        assertThat(problem.get("errors").get(1).get("message").asString()).startsWith("Not valid JSON");

        HttpResponse<String> badSuffix = launch(http, owner.apiKey(), endpointId, "no spaces please", TRAINING, null);
        assertThat(badSuffix.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badSuffix.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("suffix");
        HttpResponse<String> noFile = http.upload(
                "/api/v1/fine-tuning/jobs",
                owner.apiKey(),
                Map.of("endpointId", endpointId, "model", "student"),
                Map.of());
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(noFile.body()).contains("trainingFile");
        assertThat(json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs", owner.apiKey(), null)
                        .body()))
                .isEmpty();
    }

    @Test
    void aProviderFailureAndACancellationAreRecordedWithTheirReason() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("ft-fail", Role.MEMBER);
        String endpointId = endpoint(http, owner.apiKey(), "Student");

        sim.failNextFineTunes(1, "Training diverged (simulated).");
        String failing = json.readTree(launch(http, owner.apiKey(), endpointId, null, TRAINING, null)
                        .body())
                .get("id")
                .asString();
        JsonNode failed = awaitFinished(http, owner.apiKey(), failing);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").asString()).contains("Training diverged (simulated).");
        assertThat(failed.get("fineTunedEndpointId").isNull()).isTrue();

        HttpResponse<String> unknownModel = launch(http, owner.apiKey(), endpointId, null, TRAINING, null, "gpt-9");
        assertThat(unknownModel.statusCode()).isEqualTo(201);
        JsonNode refused = json.readTree(unknownModel.body());
        assertThat(refused.get("status").asString()).isEqualTo("failed");
        assertThat(refused.get("error").asString()).contains("not available for fine-tuning");

        sim.fineTuneStage(Duration.ofMinutes(10));
        try {
            String slow = json.readTree(launch(http, owner.apiKey(), endpointId, null, TRAINING, null)
                            .body())
                    .get("id")
                    .asString();
            HttpResponse<String> cancelled =
                    http.call("POST", "/api/v1/fine-tuning/jobs/" + slow + "/cancel", owner.apiKey(), null);
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            assertThat(json.readTree(cancelled.body()).get("status").asString()).isEqualTo("cancelled");
            assertThat(json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs/" + slow, owner.apiKey(), null)
                                    .body())
                            .get("status")
                            .asString())
                    .isEqualTo("cancelled");
        } finally {
            sim.fineTuneStage(Duration.ofMillis(400));
        }
    }

    @Test
    void otherWorkspacesSeeNothingAndViewersMayLookButNotLaunch() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("ft-owner", Role.MEMBER);
        var stranger = tenants.tenant("ft-stranger", Role.ADMIN);
        String viewer = tenants.apiKey(owner.email(), Role.VIEWER);
        String endpointId = endpoint(http, owner.apiKey(), "Student");
        String id = json.readTree(launch(http, owner.apiKey(), endpointId, null, TRAINING, null)
                        .body())
                .get("id")
                .asString();

        assertThat(http.call("GET", "/api/v1/fine-tuning/jobs/" + id, stranger.apiKey(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.call("POST", "/api/v1/fine-tuning/jobs/" + id + "/cancel", stranger.apiKey(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs", stranger.apiKey(), null)
                        .body()))
                .isEmpty();
        // Launching on another workspace's endpoint finds no such endpoint.
        assertThat(launch(http, stranger.apiKey(), endpointId, null, TRAINING, null)
                        .statusCode())
                .isEqualTo(404);

        assertThat(launch(http, viewer, endpointId, null, TRAINING, null).statusCode())
                .isEqualTo(403);
        assertThat(http.call("POST", "/api/v1/fine-tuning/jobs/" + id + "/cancel", viewer, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(http.call("GET", "/api/v1/fine-tuning/jobs/" + id, viewer, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs", viewer, null)
                        .body()))
                .hasSize(1);
        assertThat(http.call("GET", "/api/v1/fine-tuning/jobs/" + id, null, null)
                        .statusCode())
                .isEqualTo(401);
    }

    private String endpoint(TestHttp http, String apiKey, String name) throws Exception {
        HttpResponse<String> created =
                http.call("POST", "/api/v1/endpoints", apiKey, """
                {"name": "%s", "baseUrl": "%s", "model": "student", "apiKey": "%s"}""".formatted(name, sim.baseUrl(), KEY));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("id").asString();
    }

    private static HttpResponse<String> launch(
            TestHttp http, String apiKey, String endpointId, String suffix, String training, String validation) {
        return launch(http, apiKey, endpointId, suffix, training, validation, "student");
    }

    private static HttpResponse<String> launch(
            TestHttp http,
            String apiKey,
            String endpointId,
            String suffix,
            String training,
            String validation,
            String model) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("endpointId", endpointId, "model", model));
        if (suffix != null) {
            fields.put("suffix", suffix);
        }
        Map<String, FilePart> files = new java.util.LinkedHashMap<>();
        files.put("trainingFile", new FilePart("train.jsonl", training.getBytes(UTF_8)));
        if (validation != null) {
            files.put("validationFile", new FilePart("valid.jsonl", validation.getBytes(UTF_8)));
        }
        return http.upload("/api/v1/fine-tuning/jobs", apiKey, fields, files);
    }

    private JsonNode awaitFinished(TestHttp http, String apiKey, String id) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            JsonNode job = json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs/" + id, apiKey, null)
                    .body());
            if (!job.get("finishedAt").isNull() || Instant.now().isAfter(deadline)) {
                return job;
            }
            Thread.sleep(200);
        }
    }

    private String awaitEndpoint(TestHttp http, String apiKey, String id) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            JsonNode job = json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs/" + id, apiKey, null)
                    .body());
            if (!job.get("fineTunedEndpointId").isNull()) {
                return job.get("fineTunedEndpointId").asString();
            }
            assertThat(Instant.now())
                    .as("the endpoint of the fine-tuned model is registered")
                    .isBefore(deadline);
            Thread.sleep(200);
        }
    }
}
