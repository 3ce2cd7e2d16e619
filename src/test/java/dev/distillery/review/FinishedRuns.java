package dev.distillery.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A completed Trace-of-Thought run of the first three GSM8K test items against a simulator, made over REST. */
final class FinishedRuns {

    private FinishedRuns() {
    }

    /** Uploads GSM8K, launches the run with a teacher and a student endpoint on {@code sim}, waits until it completes. */
    static String finishedRun(TestHttp http, JsonMapper json, OpenAiSimulator sim, String key) throws Exception {
        String teacher = endpoint(http, json, sim, key, "teacher");
        String student = endpoint(http, json, sim, key, "student");
        HttpResponse<String> upload = http.upload("/api/v1/datasets", key, Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl", Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = json.readTree(upload.body()).get("datasetId").asString();
        HttpResponse<String> launched = http.call("POST", "/api/v1/runs", key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 3,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 2}""".formatted(dataset, teacher, student));
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        String id = json.readTree(launched.body()).get("id").asString();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (json.readTree(http.call("GET", "/api/v1/runs/" + id, key, null).body()).get("status").asString().equals("completed")) {
                return id;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The run did not complete");
    }

    private static String endpoint(TestHttp http, JsonMapper json, OpenAiSimulator sim, String key, String model) {
        HttpResponse<String> created = http.call("POST", "/api/v1/endpoints", key,
                "{\"name\": \"%s\", \"baseUrl\": \"%s\", \"model\": \"%s\"}".formatted(model, sim.baseUrl(), model));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("id").asString();
    }
}
