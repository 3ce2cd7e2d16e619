package dev.distillery.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.TestTenants;
import dev.distillery.TraceOfThoughtSimulation;
import dev.distillery.runs.RunCompleted;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The papers' templates over REST against the simulator: Trace-of-Thought launches its four methods for each teacher on
 * the first 200 test items (all of a smaller split); Fine-tune-CoT runs as a pipeline, teacher rationales on train, then
 * an export and a fine-tuning job, then the evaluation of the fine-tuned student against the base student's baselines;
 * Socratic CoT fine-tunes a decomposer and a solver on the teacher's decompositions and runs both pairs, each in its
 * solver's row; neither concurrent looks nor repeated events start a stage twice; a missing slot is named.
 */
class ExperimentTemplateIntegrationTest extends ApiIntegrationTest {

    static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)\\D*$");
    /** Three train questions and two test questions, the split given on each line. */
    static final String ITEMS = """
            {"question": "Ann has 2 apples and buys 3 more. How many apples does she have?", "answer": "5", "split": "train"}
            {"question": "What is 10 minus 4?", "answer": "6", "split": "train"}
            {"question": "What is 7 times 3?", "answer": "21", "split": "train"}
            {"question": "Bob has 4 pens and finds 4 more. How many pens does he have?", "answer": "8", "split": "test"}
            {"question": "What is 9 minus 2?", "answer": "7", "split": "test"}
            """;

    static final Map<String, String> RATIONALES = Map.of(
            "Ann has", " She has 2 and buys 3, so 2 + 3 = 5.",
            "10 minus", " 10 - 4 = 6.",
            "7 times", " 7 times 3 is 21.");

    @Autowired
    ExperimentPipelines pipelines;

    @Autowired
    CurrentTenant currentTenant;

    @Test
    void theTemplatesListTheirSlots() {
        TestHttp http = new TestHttp(port);
        String key = tenants.tenant("templates", Role.VIEWER).apiKey();
        HttpResponse<String> listed = http.call("GET", "/api/v1/experiments/templates", key, null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode templates = json.readTree(listed.body());
        assertThat(templates).hasSize(3);
        assertThat(templates.get(0).get("key").asString()).isEqualTo("trace-of-thought-paper");
        assertThat(templates.get(0).get("slots").toString()).contains("\"teachers\"", "\"students\"", "\"endpoints\"");
        assertThat(templates.get(1).get("key").asString()).isEqualTo("fine-tune-cot");
        assertThat(templates.get(1).get("pipeline").asBoolean()).isTrue();
        assertThat(templates.get(2).get("slots").toString()).contains("\"decomposer\"", "\"solver\"");
    }

    @Test
    void traceOfThoughtLaunchesFourMethodsPerTeacherOnTheFirstTestItems() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        String key = tenants.tenant("template-tot", Role.MEMBER).apiKey();
        try (OpenAiSimulator sim = TraceOfThoughtSimulation.start()) {
            String teacherA = runs.endpoint(key, sim.baseUrl(), "teacher");
            String teacherB = runs.endpoint(key, sim.baseUrl(), "teacher");
            String student = runs.endpoint(key, sim.baseUrl(), "student");
            // 30 test items: fewer than the paper's 200, so the whole split is used.
            List<String> first30 =
                    Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl")).subList(0, 30);
            HttpResponse<String> upload = http.upload(
                    "/api/v1/datasets",
                    key,
                    Map.of("name", "GSM8K-30", "format", "gsm8k"),
                    "test.jsonl",
                    (String.join("\n", first30) + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String dataset = json.readTree(upload.body()).get("datasetId").asString();

            HttpResponse<String> missing = http.call(
                    "POST",
                    "/api/v1/experiments/templates/trace-of-thought-paper",
                    key,
                    "{\"datasetId\": \"%s\", \"slots\": {\"teachers\": [\"%s\"]}}".formatted(dataset, teacherA));
            assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
            assertThat(missing.body()).contains("slots.students");
            assertThat(json.readTree(http.call("GET", "/api/v1/runs", key, null).body()))
                    .isEmpty();

            HttpResponse<String> launched = http.call(
                    "POST",
                    "/api/v1/experiments/templates/trace-of-thought-paper",
                    key,
                    "{\"datasetId\": \"%s\", \"slots\": {\"teachers\": [\"%s\", \"%s\"], \"students\": [\"%s\"]}}"
                            .formatted(dataset, teacherA, teacherB, student));
            assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
            JsonNode experiment = json.readTree(launched.body());
            assertThat(experiment.get("split").asString()).isEqualTo("test");
            assertThat(experiment.get("offset").asInt()).isZero();
            assertThat(experiment.get("limit").asInt()).isEqualTo(200);
            assertThat(experiment.get("stages")).isEmpty();
            List<String> cells = new ArrayList<>();
            for (JsonNode cell : experiment.get("cells")) {
                cells.add(
                        cell.get("method").asString() + "/" + cell.get("preset").asString() + "/"
                                + (cell.get("teacherId").isNull()
                                        ? "-"
                                        : cell.get("teacherId").asString()));
                assertThat(cell.get("total").asInt())
                        .as("the limit clamps to the split")
                        .isEqualTo(30);
            }
            assertThat(cells)
                    .containsExactly(
                            "standard/tot/-",
                            "zero-shot-cot/tot/-",
                            "plan-and-solve/tot/-",
                            "trace-of-thought/tot-paper/" + teacherA,
                            "trace-of-thought/tot-paper/" + teacherB);
            for (JsonNode cell : experiment.get("cells")) {
                runs.await(
                        key,
                        cell.get("runId").asString(),
                        r -> r.get("status").asString().equals("completed"));
            }
        }
    }

    @Test
    void fineTuneCotRunsItsStagesInOrderAndStartsEachOnce() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        TestTenants.Tenant tenant = tenants.tenant("template-ftcot", Role.MEMBER);
        String key = tenant.apiKey();
        try (OpenAiSimulator sim = OpenAiSimulator.start(
                        Config.defaults().models("teacher", "student").latency(Duration.ofMillis(50)))
                .fineTuneStage(Duration.ofMillis(200))) {
            sim.when(r -> r.prompt().endsWith("Therefore, the answer is")).reply((r, i) -> {
                String rationale = r.prompt().substring(0, r.prompt().lastIndexOf("\nTherefore"));
                Matcher m = LAST_NUMBER.matcher(rationale);
                return m.find() ? " " + m.group(1) + "." : " none.";
            });
            sim.when(r -> r.prompt().endsWith("Let's think step by step."))
                    .reply((r, i) -> RATIONALES.entrySet().stream()
                            .filter(e -> r.prompt().contains(e.getKey()))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse(" No idea."));
            // The fine-tuned student writes its rationale and the answer after "-->".
            sim.when(r -> r.prompt().endsWith(" ###")).reply(" 4 + 4 = 8 --> 8 END");
            sim.when(r -> true).reply("The answer is 0.");
            String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
            String student = runs.endpoint(key, sim.baseUrl(), "student");
            HttpResponse<String> upload = http.upload(
                    "/api/v1/datasets",
                    key,
                    Map.of(
                            "name",
                            "Tiny arithmetic",
                            "format",
                            "generic",
                            "mapping",
                            "{\"question\":\"question\",\"answer\":\"answer\",\"split\":\"split\",\"answerType\":\"number\"}"),
                    "items.jsonl",
                    ITEMS.getBytes(StandardCharsets.UTF_8));
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String dataset = json.readTree(upload.body()).get("datasetId").asString();

            HttpResponse<String> noTeacher = http.call(
                    "POST",
                    "/api/v1/experiments/templates/fine-tune-cot",
                    key,
                    "{\"datasetId\": \"%s\", \"slots\": {\"student\": \"%s\", \"samples\": 3}}"
                            .formatted(dataset, student));
            assertThat(noTeacher.statusCode()).isEqualTo(400);
            assertThat(noTeacher.body()).contains("slots.teacher", "slots.samples");

            HttpResponse<String> launched = http.call(
                    "POST",
                    "/api/v1/experiments/templates/fine-tune-cot",
                    key,
                    "{\"datasetId\": \"%s\", \"slots\": {\"teacher\": \"%s\", \"student\": \"%s\", \"samples\": 2}}"
                            .formatted(dataset, teacher, student));
            assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
            JsonNode experiment = json.readTree(launched.body());
            UUID id = UUID.fromString(experiment.get("id").asString());
            assertThat(experiment.get("status").asString()).isEqualTo("running");
            JsonNode stages = experiment.get("stages");
            assertThat(stages).hasSize(3);
            assertThat(stages.get(0).get("status").asString()).isEqualTo("running");
            assertThat(stages.get(0).get("runIds")).hasSize(1);
            assertThat(stages.get(1).get("status").asString()).isEqualTo("waiting");
            assertThat(stages.get(2).get("status").asString()).isEqualTo("waiting");
            String teacherRun = stages.get(0).get("runIds").get(0).asString();
            JsonNode run = json.readTree(
                    http.call("GET", "/api/v1/runs/" + teacherRun, key, null).body());
            assertThat(run.get("method").asString()).isEqualTo("fine-tune-cot");
            assertThat(run.get("split").asString()).isEqualTo("train");
            assertThat(run.get("params").get("samples").asInt()).isEqualTo(2);

            // Looks from several threads and repeated events while the stages change hands: each stage starts once.
            TenantContext launcher = new TenantContext(tenant.workspaceId(), Role.MEMBER, Actor.system());
            try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
                List<Future<?>> looks = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    looks.add(threads.submit(() -> currentTenant.callAs(launcher, () -> pipelines.advance(id))));
                    looks.add(threads.submit(
                            () -> pipelines.on(new RunCompleted(UUID.fromString(teacherRun), tenant.workspaceId()))));
                    Thread.sleep(150);
                }
                for (Future<?> look : looks) {
                    look.get();
                }
            }

            JsonNode done = await(http, key, id.toString());
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("finished");
            stages = done.get("stages");
            for (JsonNode stage : stages) {
                assertThat(stage.get("status").asString()).as(stage.toString()).isEqualTo("done");
            }
            assertThat(stages.get(0).get("runIds")).hasSize(1);
            assertThat(stages.get(1).get("runIds")).isEmpty();
            String jobId = stages.get(1).get("jobId").asString();
            String fineTuned = stages.get(1).get("endpointId").asString();
            assertThat(stages.get(2).get("runIds")).hasSize(3);

            JsonNode job = json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs/" + jobId, key, null)
                    .body());
            assertThat(job.get("status").asString()).isEqualTo("succeeded");
            assertThat(job.get("model").asString()).isEqualTo("student");
            // Every rationale here is right: three questions, two samples each.
            assertThat(job.get("trainingFile").get("examples").asInt()).isEqualTo(6);
            assertThat(job.get("fineTunedEndpointId").asString()).isEqualTo(fineTuned);

            List<String> cells = new ArrayList<>();
            for (JsonNode cell : done.get("cells")) {
                cells.add(
                        cell.get("method").asString() + "/" + cell.get("preset").asString() + "/"
                                + (cell.get("studentId").isNull()
                                        ? "-"
                                        : cell.get("studentId").asString()) + "/"
                                + cell.get("status").asString());
            }
            assertThat(cells)
                    .containsExactly(
                            "fine-tune-cot/ft-cot/-/completed",
                            "fine-tune-cot-student/ft-cot/" + fineTuned + "/completed",
                            "zero-shot/ft-cot/" + student + "/completed",
                            "few-shot-cot/ft-cot/" + student + "/completed");
            JsonNode fineTunedRow = runs.awaitRow(
                    key,
                    "/api/v1/leaderboards?datasetId=" + dataset + "&split=test",
                    done.get("cells").get(1).get("runId").asString(),
                    r -> r.get("accuracy").isNumber());
            assertThat(fineTunedRow.get("accuracy").asDouble())
                    .as("right on one of the two test items")
                    .isEqualTo(0.5);

            // Once more, after the end: nothing new starts.
            currentTenant.callAs(launcher, () -> pipelines.advance(id));
            for (JsonNode stage : stages) {
                for (JsonNode runId : stage.get("runIds")) {
                    pipelines.on(new RunCompleted(UUID.fromString(runId.asString()), tenant.workspaceId()));
                }
            }
            Set<String> allRuns = new HashSet<>();
            for (JsonNode r :
                    json.readTree(http.call("GET", "/api/v1/runs", key, null).body())) {
                allRuns.add(r.get("id").asString());
            }
            assertThat(allRuns).hasSize(4);
            assertThat(json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs", key, null)
                            .body()))
                    .hasSize(1);
            JsonNode after = json.readTree(
                    http.call("GET", "/api/v1/experiments/" + id, key, null).body());
            assertThat(after.get("stages").toString()).isEqualTo(stages.toString());
        }
    }

    @Test
    void socraticCotTrainsADecomposerAndASolverThenEvaluatesBothPairs() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        String key = tenants.tenant("template-socratic", Role.MEMBER).apiKey();
        try (OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults()
                        .models("teacher", "decomposer", "solver")
                        .latency(Duration.ofMillis(50)))
                .fineTuneStage(Duration.ofMillis(200))) {
            // The teacher decomposes the problem after the exemplars' last "Problem:"; its 7 × 3 ends wrong, so the
            // filter keeps two decompositions: three subquestions in all.
            sim.when(r -> r.model().equals("teacher")).reply((r, i) -> {
                String problem = r.prompt().substring(r.prompt().lastIndexOf("Problem:"));
                if (problem.contains("Ann has")) {
                    return "Q: How many apples does Ann have after buying 3?\nA: 2 + 3 = 5. The answer is 5.";
                }
                if (problem.contains("10 minus")) {
                    return "Q: What do we take away?\nA: 4.\nQ: What is left of 10?\nA: 10 - 4 = 6. The answer is 6.";
                }
                return "Q: What is 7 times 3?\nA: 7 times 3 is 20. The answer is 20.";
            });
            // Either decomposer asks one subquestion and then stops; only the fine-tuned solver gets Bob's pens right.
            sim.when(r -> r.model().contains("decomposer"))
                    .reply((r, i) -> r.prompt().contains("\nA:") ? " [END]" : " What is the total?");
            sim.when(r -> r.model().startsWith("ft:solver"))
                    .reply((r, i) -> r.prompt().contains("Bob has") ? " 4 + 4 = 8." : " 0.");
            sim.when(r -> r.model().equals("solver")).reply(" 1.");
            String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
            String decomposer = runs.endpoint(key, sim.baseUrl(), "decomposer");
            String solver = runs.endpoint(key, sim.baseUrl(), "solver");
            HttpResponse<String> upload = http.upload(
                    "/api/v1/datasets",
                    key,
                    Map.of(
                            "name",
                            "Tiny arithmetic",
                            "format",
                            "generic",
                            "mapping",
                            "{\"question\":\"question\",\"answer\":\"answer\",\"split\":\"split\",\"answerType\":\"number\"}"),
                    "items.jsonl",
                    ITEMS.getBytes(StandardCharsets.UTF_8));
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            String dataset = json.readTree(upload.body()).get("datasetId").asString();

            HttpResponse<String> launched = http.call(
                    "POST",
                    "/api/v1/experiments/templates/socratic-cot",
                    key,
                    ("{\"datasetId\": \"%s\", \"slots\": {\"teacher\": \"%s\", \"decomposer\": \"%s\", "
                                    + "\"solver\": \"%s\", \"trainLimit\": 3, \"testLimit\": 2}}")
                            .formatted(dataset, teacher, decomposer, solver));
            assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
            JsonNode experiment = json.readTree(launched.body());
            String id = experiment.get("id").asString();
            assertThat(experiment.get("stages")).hasSize(4);

            JsonNode done = await(http, key, id);
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("finished");
            JsonNode stages = done.get("stages");
            List<String> kinds = new ArrayList<>();
            Instant previous = Instant.MIN;
            for (JsonNode stage : stages) {
                assertThat(stage.get("status").asString()).as(stage.toString()).isEqualTo("done");
                kinds.add(stage.get("kind").asString());
                Instant started = Instant.parse(stage.get("startedAt").asString());
                assertThat(started)
                        .as("each stage starts after the one before it ended")
                        .isAfterOrEqualTo(previous);
                previous = Instant.parse(stage.get("finishedAt").asString());
            }
            assertThat(kinds).containsExactly("runs", "fine-tune", "fine-tune", "runs");
            assertThat(stages.get(0).get("runIds")).hasSize(1);
            assertThat(stages.get(3).get("runIds")).hasSize(2);

            String teacherRun = stages.get(0).get("runIds").get(0).asString();
            JsonNode run = json.readTree(
                    http.call("GET", "/api/v1/runs/" + teacherRun, key, null).body());
            assertThat(run.get("method").asString()).isEqualTo("socratic-cot");
            assertThat(run.get("split").asString()).isEqualTo("train");

            Map<String, String> fineTuned = new java.util.HashMap<>();
            for (int position : List.of(1, 2)) {
                JsonNode stage = stages.get(position);
                String role = position == 1 ? "decomposer" : "solver";
                JsonNode job = json.readTree(http.call(
                                "GET",
                                "/api/v1/fine-tuning/jobs/" + stage.get("jobId").asString(),
                                key,
                                null)
                        .body());
                assertThat(job.get("status").asString()).isEqualTo("succeeded");
                assertThat(job.get("model").asString()).isEqualTo(role);
                // Ann's one pair and 10 − 4's two: a decomposer sample per subquestion and a stop for each problem,
                // a solver sample per subquestion.
                assertThat(job.get("trainingFile").get("examples").asInt())
                        .as(role)
                        .isEqualTo(position == 1 ? 5 : 3);
                String endpointId = stage.get("endpointId").asString();
                assertThat(job.get("fineTunedEndpointId").asString()).isEqualTo(endpointId);
                HttpResponse<String> endpoint = http.call("GET", "/api/v1/endpoints/" + endpointId, key, null);
                assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(200);
                assertThat(json.readTree(endpoint.body()).get("model").asString())
                        .startsWith("ft:" + role + ":");
                fineTuned.put(role, endpointId);
            }

            JsonNode cells = done.get("cells");
            assertThat(cells).hasSize(3);
            assertThat(cells.get(0).get("method").asString()).isEqualTo("socratic-cot");
            assertThat(cells.get(0).get("teacherId").asString()).isEqualTo(teacher);
            assertThat(cells.get(0).get("studentId").isNull()).isTrue();
            Map<String, List<String>> pairs = Map.of(
                    "socratic-finetuned", List.of(fineTuned.get("decomposer"), fineTuned.get("solver")),
                    "socratic-instructed", List.of(decomposer, solver));
            Map<String, Double> accuracy = Map.of("socratic-finetuned", 0.5, "socratic-instructed", 0.0);
            for (JsonNode cell : List.of(cells.get(1), cells.get(2))) {
                String preset = cell.get("preset").asString();
                assertThat(cell.get("method").asString()).isEqualTo("socratic-inference");
                String runId = cell.get("runId").asString();
                JsonNode roles = json.readTree(http.call("GET", "/api/v1/runs/" + runId, key, null)
                                .body())
                        .get("roles");
                List<String> pair = pairs.get(preset);
                assertThat(roles.get("decomposer").get("endpointId").asString())
                        .as(preset)
                        .isEqualTo(pair.get(0));
                assertThat(roles.get("solver").get("endpointId").asString())
                        .as(preset)
                        .isEqualTo(pair.get(1));
                // The decomposer stands as the teacher and the solver as the student, so the solver gets a row.
                assertThat(cell.get("teacherId").asString()).as(preset).isEqualTo(pair.get(0));
                assertThat(cell.get("teacher").asString())
                        .isEqualTo(roles.get("decomposer").get("name").asString());
                assertThat(cell.get("studentId").asString()).as(preset).isEqualTo(pair.get(1));
                assertThat(cell.get("student").asString())
                        .isEqualTo(roles.get("solver").get("name").asString());
                JsonNode row = runs.awaitRow(
                        key,
                        "/api/v1/leaderboards?datasetId=" + dataset + "&split=test",
                        runId,
                        r -> r.get("accuracy").isNumber());
                assertThat(row.get("accuracy").asDouble()).as(preset).isEqualTo(accuracy.get(preset));
            }
            JsonNode figures = json.readTree(
                    http.call("GET", "/api/v1/experiments/" + id, key, null).body());
            for (int i = 1; i < 3; i++) {
                JsonNode cell = figures.get("cells").get(i);
                assertThat(cell.get("accuracy").asDouble())
                        .as(cell.toString())
                        .isEqualTo(accuracy.get(cell.get("preset").asString()));
            }
            String table = http.call("GET", "/api/v1/experiments/" + id + "/table?format=markdown", key, null)
                    .body();
            // The teacher's decompositions have no student; each inference pair is in its solver's row.
            assertThat(table.lines().filter(line -> line.startsWith("| ")).skip(1))
                    .extracting(line -> line.substring(2, line.indexOf(" |")))
                    .containsExactly(
                            "(no student)",
                            cells.get(1).get("student").asString(),
                            cells.get(2).get("student").asString());
        }
    }

    private JsonNode await(TestHttp http, String key, String id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        JsonNode experiment = null;
        while (Instant.now().isBefore(deadline)) {
            experiment = json.readTree(
                    http.call("GET", "/api/v1/experiments/" + id, key, null).body());
            if (!experiment.get("status").asString().equals("running")) {
                return experiment;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The pipeline did not finish; last seen " + experiment);
    }
}
