package dev.distillery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Endpoints and runs made over REST, as an API client makes them, for tests that need a finished run. */
public final class TestRuns {

    private final TestHttp http;
    private final JsonMapper json;

    public TestRuns(TestHttp http, JsonMapper json) {
        this.http = http;
        this.json = json;
    }

    /** A new endpoint of the key's workspace for {@code model} at {@code baseUrl} (a simulator's); returns its id. */
    public String endpoint(String key, String baseUrl, String model) {
        HttpResponse<String> created = http.call(
                "POST",
                "/api/v1/endpoints",
                key,
                "{\"name\": \"%s %s\", \"baseUrl\": \"%s\", \"model\": \"%s\"}"
                        .formatted(model, UUID.randomUUID().toString().substring(0, 8), baseUrl, model));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("id").asString();
    }

    /** Launches a run from its JSON and waits up to a minute for it to complete; returns its id. */
    public String completed(String key, String launchJson) {
        String id = launch(key, launchJson);
        await(key, id, run -> run.get("status").asString().equals("completed"));
        return id;
    }

    /** Uploads the shared GSM8K test file as a dataset of the key's workspace; returns the dataset's id. */
    public String gsm8k(String key) throws java.io.IOException {
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                java.util.Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                java.nio.file.Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json.readTree(upload.body()).get("datasetId").asString();
    }

    /** Launches a run from its JSON; returns its id. */
    public String launch(String key, String launchJson) {
        HttpResponse<String> launched = http.call("POST", "/api/v1/runs", key, launchJson);
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        return json.readTree(launched.body()).get("id").asString();
    }

    /** Polls the run (every 100 ms, up to a minute) until {@code until} holds for it; returns it then. */
    public JsonNode await(String key, String runId, Predicate<JsonNode> until) {
        Instant deadline = Instant.now().plusSeconds(60);
        JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            run = json.readTree(
                    http.call("GET", "/api/v1/runs/" + runId, key, null).body());
            if (until.test(run)) {
                return run;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("The run " + runId + " did not get there; last seen " + run);
    }

    /** Waits up to a minute for the run's row on the leaderboard at {@code board} to be {@code ready}; returns it. */
    public JsonNode awaitRow(String key, String board, String runId, Predicate<JsonNode> ready) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode row :
                    json.readTree(http.call("GET", board, key, null).body()).get("rows")) {
                if (row.get("runId").asString().equals(runId) && ready.test(row)) {
                    return row;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("No leaderboard row for run " + runId);
    }
}
