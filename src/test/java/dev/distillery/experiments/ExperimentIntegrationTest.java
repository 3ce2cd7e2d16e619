package dev.distillery.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.TraceOfThoughtSimulation;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Trace-of-Thought experiment over REST: a grid of the student's baseline and Trace-of-Thought with one teacher on
 * 30 GSM8K items launches two runs together; its table carries the runs' leaderboard figures and exports as CSV,
 * Markdown and LaTeX; a refused cell refuses the whole experiment and launches nothing.
 */
class ExperimentIntegrationTest extends ApiIntegrationTest {

    static OpenAiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = TraceOfThoughtSimulation.start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void aGridLaunchesOneRunPerCellAndReadsAsThePapersTable() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        String key = tenants.tenant("experiment", Role.MEMBER).apiKey();
        String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = json.readTree(upload.body()).get("datasetId").asString();

        HttpResponse<String> launched =
                http.call("POST", "/api/v1/experiments", key, """
                {"name": "ToT on GSM8K", "datasetId": "%s", "split": "test", "limit": 30, "seed": 7, "concurrency": 4,
                 "methods": [{"method": "standard", "preset": "tot"}, {"method": "trace-of-thought", "preset": "tot-paper"}],
                 "teachers": ["%s"], "students": ["%s"]}""".formatted(dataset, teacher, student));
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        JsonNode experiment = json.readTree(launched.body());
        String id = experiment.get("id").asString();
        assertThat(experiment.get("cells")).hasSize(2);
        assertThat(experiment.get("cells").get(0).get("method").asString()).isEqualTo("standard");
        assertThat(experiment.get("cells").get(0).get("teacher").isNull()).isTrue();
        assertThat(experiment.get("cells").get(1).get("method").asString()).isEqualTo("trace-of-thought");

        JsonNode done = awaitFigures(http, key, id);
        assertThat(done.get("status").asString()).isEqualTo("finished");
        JsonNode tot = done.get("cells").get(1);
        assertThat(tot.get("status").asString()).isEqualTo("completed");
        assertThat(tot.get("accuracy").asDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(tot.get("gainPoints").asDouble()).isCloseTo(60, within(1e-9));
        assertThat(tot.get("pValue").asDouble()).isCloseTo(2 * Math.pow(0.5, 18), within(1e-12));
        // The same figures as the run's leaderboard row.
        JsonNode row = runs.awaitRow(
                key,
                "/api/v1/leaderboards?datasetId=" + dataset + "&split=test",
                tot.get("runId").asString(),
                r -> r.get("gainPoints").isNumber());
        for (String field : List.of("accuracy", "ciLow", "ciHigh", "gainPoints", "pValue")) {
            assertThat(tot.get(field).asDouble())
                    .as(field)
                    .isEqualTo(row.get(field).asDouble());
        }
        JsonNode run = json.readTree(
                http.call("GET", "/api/v1/runs/" + tot.get("runId").asString(), key, null)
                        .body());
        assertThat(run.get("seed").asInt()).isEqualTo(7);
        assertThat(run.get("limit").asInt()).isEqualTo(30);

        String latex = http.call("GET", "/api/v1/experiments/" + id + "/table?format=latex", key, null)
                .body();
        assertThat(latex)
                .startsWith("\\begin{tabular}{lcc}\n\\toprule\n")
                .contains("trace-of-thought (tot-paper) $\\leftarrow$ teacher ")
                .contains("80.0 [62.7, 90.5], +60.0 (p $<$ 0.001)")
                .contains("20.0 [9.5, 37.3]")
                .endsWith("\\bottomrule\n\\end{tabular}\n");
        String markdown = http.call("GET", "/api/v1/experiments/" + id + "/table?format=markdown", key, null)
                .body();
        assertThat(markdown.lines().toList()).hasSize(3);
        assertThat(markdown).contains("| 80.0 [62.7, 90.5], +60.0 (p < 0.001) |");
        String csv = http.call("GET", "/api/v1/experiments/" + id + "/table?format=csv", key, null)
                .body();
        assertThat(csv.lines().toList()).hasSize(3);
        assertThat(csv.lines().toList().get(0))
                .startsWith("student,teacher,method,preset,run_id,status,n,errors,accuracy");

        // Every cell's traces in one file, each led by its cell.
        var traces = org.apache.commons.csv.CSVFormat.RFC4180
                .builder()
                .setHeader()
                .get()
                .parse(new java.io.StringReader(
                        http.call("GET", "/api/v1/experiments/" + id + "/traces/export?format=csv", key, null)
                                .body()));
        assertThat(traces.getHeaderNames())
                .startsWith("method", "preset", "teacher", "student", "run_id", "item_id", "position", "question");
        var rows = traces.getRecords();
        assertThat(rows).hasSize(2 * 30);
        assertThat(rows.getFirst().get("method")).isEqualTo("standard");
        assertThat(rows.getFirst().get("teacher")).isEmpty();
        assertThat(rows.get(30).get("method")).isEqualTo("trace-of-thought");
        assertThat(rows.get(30).get("run_id")).isEqualTo(tot.get("runId").asString());
        assertThat(rows.get(30).get("student")).isEqualTo(rows.getFirst().get("student"));
        JsonNode line = json.readTree(
                http.call("GET", "/api/v1/experiments/" + id + "/traces/export?verdict=correct", key, null)
                        .body()
                        .lines()
                        .reduce((a, b) -> b)
                        .orElseThrow());
        assertThat(line.get("method").asString()).isEqualTo("trace-of-thought");
        assertThat(line.get("runId").asString()).isEqualTo(tot.get("runId").asString());
        assertThat(line.get("verdict").asString()).isEqualTo("correct");
        assertThat(line.get("calls")).hasSize(2);
        assertThat(http.call("GET", "/api/v1/experiments/" + id + "/traces/export?format=pdf", key, null)
                        .statusCode())
                .isEqualTo(400);

        HttpResponse<String> resumed = http.call("POST", "/api/v1/experiments/" + id + "/resume", key, null);
        assertThat(resumed.statusCode()).isEqualTo(409);
        assertThat(http.call("GET", "/api/v1/experiments", key, null).body()).contains("ToT on GSM8K");
        // Another workspace sees none of it.
        String stranger = tenants.tenant("experiment-stranger", Role.MEMBER).apiKey();
        assertThat(http.call("GET", "/api/v1/experiments/" + id, stranger, null).statusCode())
                .isEqualTo(404);
        assertThat(http.call("GET", "/api/v1/experiments/" + id + "/traces/export", stranger, null)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aRefusedCellRefusesTheExperimentAndLaunchesNothing() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        String key = tenants.tenant("experiment-refused", Role.MEMBER).apiKey();
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = json.readTree(upload.body()).get("datasetId").asString();

        HttpResponse<String> noTeacher = http.call("POST", "/api/v1/experiments", key, """
                {"datasetId": "%s", "limit": 5, "methods": [{"method": "standard"}, {"method": "trace-of-thought"},
                 {"method": "telepathy"}], "students": ["%s"]}""".formatted(dataset, student));
        assertThat(noTeacher.statusCode()).isEqualTo(400);
        assertThat(noTeacher.body())
                .contains("\"teachers\"")
                .contains("needs a teacher")
                .contains("methods[2].method")
                .contains("Unknown method 'telepathy'");

        HttpResponse<String> badCell = http.call("POST", "/api/v1/experiments", key, """
                {"datasetId": "%s", "limit": 5, "cells": [{"method": "standard", "student": "%s"},
                 {"method": "standard", "student": "00000000-0000-0000-0000-000000000001"}]}""".formatted(dataset, student));
        assertThat(badCell.statusCode()).as(badCell.body()).isEqualTo(400);
        assertThat(badCell.body()).contains("cells[1].roles.student");
        assertThat(json.readTree(http.call("GET", "/api/v1/runs", key, null).body()))
                .isEmpty();
        assertThat(json.readTree(
                        http.call("GET", "/api/v1/experiments", key, null).body()))
                .isEmpty();
    }

    @Test
    void theEstimateCountsEachMethodsCallsAndALargeLaunchMustBeConfirmed() throws Exception {
        TestHttp http = new TestHttp(port);
        String key = tenants.tenant("experiment-estimate", Role.ADMIN).apiKey();
        // Every call capped at 100 tokens by the endpoints' defaults; the teacher allows 60 requests a minute.
        String teacher = json.readTree(http.call("POST", "/api/v1/endpoints", key, """
                                {"name": "priced teacher", "baseUrl": "%s", "model": "teacher",
                                 "defaults": {"maxTokens": 100}, "limits": {"rpm": 60},
                                 "pricing": {"inputPerMillion": 1, "outputPerMillion": 2}}""".formatted(sim.baseUrl()))
                        .body())
                .get("id")
                .asString();
        String student = json.readTree(http.call("POST", "/api/v1/endpoints", key, """
                                {"name": "priced student", "baseUrl": "%s", "model": "student",
                                 "defaults": {"maxTokens": 100}, "pricing": {"inputPerMillion": 0.5, "outputPerMillion": 1}}""".formatted(sim.baseUrl()))
                        .body())
                .get("id")
                .asString();
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = json.readTree(upload.body()).get("datasetId").asString();
        String draft = """
                {"datasetId": "%s", "split": "test", "limit": 30%s,
                 "methods": [{"method": "standard", "preset": "tot"}, {"method": "trace-of-thought"}],
                 "teachers": ["%s"], "students": ["%s"]}""";

        HttpResponse<String> estimated =
                http.call("POST", "/api/v1/experiments/estimate", key, draft.formatted(dataset, "", teacher, student));
        assertThat(estimated.statusCode()).as(estimated.body()).isEqualTo(200);
        JsonNode estimate = json.readTree(estimated.body());
        assertThat(estimate.get("items").asInt()).isEqualTo(30);
        assertThat(estimate.get("sampledItems").asInt()).isEqualTo(20);
        JsonNode baseline = estimate.get("cells").get(0);
        JsonNode tot = estimate.get("cells").get(1);
        // One student call per item for the baseline; a teacher's and a student's for Trace-of-Thought.
        assertThat(baseline.get("calls").asLong()).isEqualTo(30);
        assertThat(baseline.get("completionTokens").asLong()).isEqualTo(3_000);
        assertThat(tot.get("calls").asLong()).isEqualTo(60);
        assertThat(tot.get("completionTokens").asLong()).isEqualTo(6_000);
        assertThat(tot.get("teacher").asString()).isEqualTo("priced teacher");
        // The student's prompt quotes the teacher's steps (100 tokens), besides the question asked twice.
        assertThat(tot.get("promptTokens").asLong())
                .isGreaterThan(2 * baseline.get("promptTokens").asLong() + 30 * 100 - 1);
        assertThat(estimate.get("calls").asLong()).isEqualTo(90);
        assertThat(estimate.get("promptTokens").asLong())
                .isEqualTo(baseline.get("promptTokens").asLong()
                        + tot.get("promptTokens").asLong());
        assertThat(estimate.get("cost").decimalValue())
                .isEqualByComparingTo(
                        baseline.get("cost").decimalValue().add(tot.get("cost").decimalValue()));
        assertThat(baseline.get("cost").decimalValue())
                .isEqualByComparingTo(
                        new java.math.BigDecimal(baseline.get("promptTokens").asLong() * 0.5 + 3_000)
                                .movePointLeft(6)
                                .setScale(4, java.math.RoundingMode.HALF_UP));
        // 30 teacher calls at the declared 60 a minute take half a minute at least.
        assertThat(estimate.get("seconds").asLong()).isGreaterThanOrEqualTo(30);
        assertThat(estimate.get("threshold").asLong()).isEqualTo(1_000_000);
        assertThat(estimate.get("confirmationRequired").asBoolean()).isFalse();

        HttpResponse<String> lowered =
                http.call("PUT", "/api/v1/experiments/settings", key, "{\"confirmAboveTokens\": 5000}");
        assertThat(lowered.statusCode()).as(lowered.body()).isEqualTo(200);
        JsonNode above = json.readTree(
                http.call("POST", "/api/v1/experiments/estimate", key, draft.formatted(dataset, "", teacher, student))
                        .body());
        assertThat(above.get("threshold").asLong()).isEqualTo(5_000);
        assertThat(above.get("confirmationRequired").asBoolean()).isTrue();
        HttpResponse<String> refused =
                http.call("POST", "/api/v1/experiments", key, draft.formatted(dataset, "", teacher, student));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("\"confirm\"").contains("above this workspace's threshold of 5,000 tokens");
        assertThat(json.readTree(
                        http.call("GET", "/api/v1/experiments", key, null).body()))
                .isEmpty();
        HttpResponse<String> confirmed = http.call(
                "POST", "/api/v1/experiments", key, draft.formatted(dataset, ", \"confirm\": true", teacher, student));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(201);

        // Wrong input is named as a launch names it.
        HttpResponse<String> noDataset = http.call("POST", "/api/v1/experiments/estimate", key, """
                {"methods": [{"method": "standard"}], "students": ["%s"]}""".formatted(student));
        assertThat(noDataset.statusCode()).isEqualTo(400);
        assertThat(noDataset.body()).contains("\"datasetId\"");
        HttpResponse<String> badMethod =
                http.call("POST", "/api/v1/experiments/estimate", key, """
                {"datasetId": "%s", "methods": [{"method": "telepathy"}], "students": ["%s"]}""".formatted(dataset, student));
        assertThat(badMethod.statusCode()).isEqualTo(400);
        assertThat(badMethod.body()).contains("methods[0].method");
    }

    @Test
    void pausedRunsStopTogetherAndResumeWhereTheyStopped() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        String key = tenants.tenant("experiment-pause", Role.MEMBER).apiKey();
        try (OpenAiSimulator slow =
                OpenAiSimulator.start(Config.defaults().models("student").latency(java.time.Duration.ofMillis(300)))) {
            String student = runs.endpoint(key, slow.baseUrl(), "student");
            HttpResponse<String> upload = http.upload(
                    "/api/v1/datasets",
                    key,
                    Map.of("name", "GSM8K", "format", "gsm8k"),
                    "test.jsonl",
                    Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
            String dataset = json.readTree(upload.body()).get("datasetId").asString();
            JsonNode launched =
                    json.readTree(http.call("POST", "/api/v1/experiments", key, """
                    {"datasetId": "%s", "limit": 20, "concurrency": 1,
                     "methods": [{"method": "standard"}, {"method": "zero-shot-cot"}], "students": ["%s"]}""".formatted(dataset, student))
                            .body());
            String id = launched.get("id").asString();
            assertThat(launched.get("status").asString()).isEqualTo("running");

            JsonNode paused = json.readTree(http.call("POST", "/api/v1/experiments/" + id + "/pause", key, null)
                    .body());
            assertThat(paused.get("status").asString()).isEqualTo("paused");
            for (JsonNode cell : paused.get("cells")) {
                assertThat(cell.get("status").asString()).isEqualTo("cancelled");
            }
            JsonNode resumed = json.readTree(http.call("POST", "/api/v1/experiments/" + id + "/resume", key, null)
                    .body());
            assertThat(resumed.get("status").asString()).isEqualTo("running");
            for (JsonNode cell : resumed.get("cells")) {
                runs.await(
                        key,
                        cell.get("runId").asString(),
                        run -> run.get("status").asString().equals("completed"));
            }
            JsonNode cancelled = json.readTree(http.call("POST", "/api/v1/experiments/" + id + "/cancel", key, null)
                    .body());
            assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
            assertThat(cancelled.get("cells").get(0).get("status").asString()).isEqualTo("completed");
            assertThat(http.call("POST", "/api/v1/experiments/" + id + "/resume", key, null)
                            .statusCode())
                    .isEqualTo(409);
        }
    }

    private JsonNode awaitFigures(TestHttp http, String key, String id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        JsonNode experiment = null;
        while (Instant.now().isBefore(deadline)) {
            experiment = json.readTree(
                    http.call("GET", "/api/v1/experiments/" + id, key, null).body());
            boolean all = true;
            for (JsonNode cell : experiment.get("cells")) {
                all &= cell.get("accuracy").isNumber()
                        && (cell.get("teacher").isNull()
                                || cell.get("gainPoints").isNumber());
            }
            if (all) {
                return experiment;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The experiment's figures did not arrive; last seen " + experiment);
    }
}
