package dev.distillery.review;

import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A completed Trace-of-Thought run of the first three GSM8K test items against a simulator, made over REST. */
final class FinishedRuns {

    private FinishedRuns() {}

    /** Uploads GSM8K, launches the run with a teacher and a student endpoint on {@code sim}, waits until it completes. */
    static String finishedRun(TestHttp http, JsonMapper json, OpenAiSimulator sim, String key) throws Exception {
        TestRuns runs = new TestRuns(http, json);
        String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = json.readTree(upload.body()).get("datasetId").asString();
        return runs.completed(key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 3,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 2}""".formatted(dataset, teacher, student));
    }
}
