package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.TestTenants;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.Fault;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RunIntegrationTest extends ApiIntegrationTest {

    static final String TEACHER_STEPS = "1. Find what is asked.\n2. Compute it.";
    static OpenAiSimulator sim;
    static Map<String, String> goldByQuestion = new HashMap<>();

    TestHttp http;

    @BeforeAll
    static void startSimulator() throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        for (String line : Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"))) {
            JsonNode row = mapper.readTree(line);
            String answer = row.get("answer").asString();
            goldByQuestion.put(
                    row.get("question").asString(),
                    answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", ""));
        }
        sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void setUp() {
        http = new TestHttp(port);
        sim.reset();
        // Teacher: a step list. Student: right on even-length questions, wrong on odd ones, so accuracy is checkable.
        sim.when(r -> r.prompt().startsWith("Create very short")).reply(TEACHER_STEPS);
        sim.when(r -> r.prompt().startsWith("We are given")).reply((r, i) -> {
            String question = r.prompt()
                    .substring(
                            "We are given the following problem to solve:\n".length(),
                            r.prompt().indexOf("\nUse the following steps"));
            String gold = goldByQuestion.getOrDefault(question, "0");
            return "Let me follow the steps. The answer is " + (question.length() % 2 == 0 ? gold : gold + "1") + ".";
        });
    }

    @Test
    void aTraceOfThoughtRunGradesEveryItemAndStoresEachCallsExactPrompt() throws Exception {
        var tenant = tenants.tenant("tot", Role.MEMBER);
        Setup s = setUp(tenant);
        JsonNode run = launch(tenant, s, "trace-of-thought", "tot-paper", 0, 20, 8, "{}");
        JsonNode done = awaitFinished(tenant, run.get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("total").asInt()).isEqualTo(20);
        assertThat(done.get("done").asInt()).isEqualTo(20);
        assertThat(done.get("errors").asInt()).isZero();
        long expectedCorrect = goldByQuestion.keySet().stream()
                .filter(q -> s.first20.contains(q) && q.length() % 2 == 0)
                .count();
        assertThat(done.get("correct").asInt()).isEqualTo((int) expectedCorrect);
        assertThat(done.get("tokens").get("total").asLong()).isPositive();
        assertThat(done.get("byRole").get("teacher").get("calls").asLong()).isEqualTo(20);
        assertThat(done.get("byRole").get("student").get("calls").asLong()).isEqualTo(20);
        assertThat(done.get("byRole").get("teacher").get("promptTokens").asLong()
                        + done.get("byRole").get("student").get("promptTokens").asLong())
                .isEqualTo(done.get("tokens").get("prompt").asLong());
        assertThat(sim.requestCount()).isEqualTo(40);

        JsonNode page =
                json.readTree(get(tenant, "/api/v1/runs/" + run.get("id").asString() + "/traces?size=1")
                        .body());
        JsonNode trace = page.get("items").get(0);
        assertThat(trace.get("itemId").asString()).isEqualTo("test-0");
        String question = trace.get("question").asString();
        JsonNode teacher = find(trace.get("calls"), "teacher");
        assertThat(teacher.get("prompt").asString())
                .isEqualTo("Create very short step-by-step prompts for this problem:" + question
                        + "Format as a list. Do not solve the problem.");
        JsonNode student = find(trace.get("calls"), "student");
        assertThat(student.get("prompt").asString())
                .isEqualTo("We are given the following problem to solve:\n" + question
                        + "\nUse the following steps to solve the problem.\n" + TEACHER_STEPS);
        JsonNode prediction = trace.get("predictions").get(0);
        assertThat(prediction.get("extracted").asString()).isNotBlank();
        assertThat(prediction.get("correct").asBoolean()).isEqualTo(question.length() % 2 == 0);

        int incorrect = json.readTree(
                        get(tenant, "/api/v1/runs/" + run.get("id").asString() + "/traces?correct=false")
                                .body())
                .get("total")
                .asInt();
        assertThat(incorrect).isEqualTo(20 - (int) expectedCorrect);
    }

    @Test
    void aRunSurvivesRateLimitsServerErrorsAndTimeoutsAndHonoursRetryAfter() throws Exception {
        var tenant = tenants.tenant("faults", Role.MEMBER);
        Setup s = setUp(tenant);
        http.call("PATCH", "/api/v1/endpoints/" + s.student, tenant.apiKey(), "{\"timeoutSeconds\": 1}");
        sim.failRandomly(
                0.2,
                7,
                Fault.rateLimited(Duration.ofMillis(200)),
                Fault.serverError(),
                Fault.timeout(Duration.ofSeconds(2)));
        JsonNode run = launch(tenant, s, "standard", null, 0, 30, 8, "{}");
        JsonNode done = awaitFinished(tenant, run.get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("done").asInt()).isEqualTo(30);
        assertThat(done.get("errors").asInt()).isZero();
        assertThat(sim.requestCount()).as("some calls were retried").isGreaterThan(30);
    }

    @Test
    void aRunUnderTenPercentBrokenConnectionsAndCutBodiesCompletesWithoutErrors() throws Exception {
        var tenant = tenants.tenant("broken-connections", Role.MEMBER);
        Setup s = setUp(tenant);
        sim.failRandomly(0.1, 11, Fault.connectionReset(), Fault.truncatedBody());
        JsonNode run = launch(tenant, s, "standard", null, 0, 100, 8, "{}");
        JsonNode done = awaitFinished(tenant, run.get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("errors").asInt())
                .as("a broken connection or a cut body is asked again: "
                        + get(tenant, "/api/v1/runs/" + run.get("id").asString() + "/traces?outcome=error")
                                .body())
                .isZero();
        assertThat(done.get("done").asInt()).isEqualTo(100);
        assertThat(sim.requestCount()).as("some calls were retried").isGreaterThan(100);
    }

    @Test
    void aMalformedResponseFailsOnlyItsItemAndRetryFailedRedoesIt() throws Exception {
        var tenant = tenants.tenant("malformed", Role.MEMBER);
        Setup s = setUp(tenant);
        sim.failNext(1, Fault.malformedJson());
        JsonNode run = launch(tenant, s, "standard", null, 0, 5, 1, "{}");
        String id = run.get("id").asString();
        JsonNode done = awaitFinished(tenant, id);
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("errors").asInt()).isEqualTo(1);
        assertThat(done.get("done").asInt()).isEqualTo(4);
        JsonNode failed = json.readTree(get(tenant, "/api/v1/runs/" + id + "/traces?outcome=error")
                        .body())
                .get("items")
                .get(0);
        assertThat(failed.get("errorKind").asString()).isEqualTo("MALFORMED_RESPONSE");

        assertThat(http.call("POST", "/api/v1/runs/" + id + "/retry-failed", tenant.apiKey(), null)
                        .statusCode())
                .isEqualTo(200);
        JsonNode again = awaitFinished(tenant, id);
        assertThat(again.get("done").asInt()).isEqualTo(5);
        assertThat(again.get("errors").asInt()).isZero();
    }

    @Test
    void aCancelledRunResumesWhereItStoppedWithoutRepeatingFinishedCalls() throws Exception {
        var tenant = tenants.tenant("cancel", Role.MEMBER);
        Setup s = setUp(tenant);
        try (OpenAiSimulator slow =
                OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(100)))) {
            http.call(
                    "PATCH",
                    "/api/v1/endpoints/" + s.student,
                    tenant.apiKey(),
                    "{\"baseUrl\": \"" + slow.baseUrl() + "\"}");
            JsonNode run = launch(tenant, s, "standard", null, 0, 40, 2, "{}");
            String id = run.get("id").asString();
            slow.awaitRequests(6, Duration.ofSeconds(10));
            JsonNode cancelled =
                    json.readTree(http.call("POST", "/api/v1/runs/" + id + "/cancel", tenant.apiKey(), null)
                            .body());
            assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
            Thread.sleep(500);
            int doneAtCancel = json.readTree(get(tenant, "/api/v1/runs/" + id).body())
                    .get("done")
                    .asInt();
            assertThat(doneAtCancel).isLessThan(40);
            assertThat(http.call("POST", "/api/v1/runs/" + id + "/resume", tenant.apiKey(), null)
                            .statusCode())
                    .isEqualTo(200);
            JsonNode done = awaitFinished(tenant, id);
            assertThat(done.get("status").asString()).isEqualTo("completed");
            assertThat(done.get("done").asInt()).isEqualTo(40);
            assertThat(slow.requestCount()).as("each item's call made once").isEqualTo(40);
            assertThat(countCalls(id)).isEqualTo(40);
        }
    }

    @Test
    void theSameRunAgainIsAnsweredFromTheResponseCache() throws Exception {
        var tenant = tenants.tenant("cache", Role.MEMBER);
        Setup s = setUp(tenant);
        JsonNode first = awaitFinished(
                tenant,
                launch(tenant, s, "trace-of-thought", "tot-paper", 0, 10, 4, "{}")
                        .get("id")
                        .asString());
        int calls = sim.requestCount();
        JsonNode second = awaitFinished(
                tenant,
                launch(tenant, s, "trace-of-thought", "tot-paper", 0, 10, 4, "{}")
                        .get("id")
                        .asString());
        assertThat(sim.requestCount()).isEqualTo(calls);
        assertThat(second.get("correct").asInt()).isEqualTo(first.get("correct").asInt());
        assertThat(second.get("cost").decimalValue().signum()).isZero();
    }

    @Test
    void launchesAreValidatedAndRunsOfOtherWorkspacesAreNotFound() throws Exception {
        var tenant = tenants.tenant("validation", Role.MEMBER);
        Setup s = setUp(tenant);
        HttpResponse<String> noTeacher =
                http.call("POST", "/api/v1/runs", tenant.apiKey(), """
                {"method": "trace-of-thought", "datasetId": "%s", "split": "test", "roles": {"student": "%s"}}""".formatted(s.dataset, s.student));
        assertThat(noTeacher.statusCode()).isEqualTo(400);
        assertThat(noTeacher.body()).contains("roles.teacher");
        HttpResponse<String> unknown = http.call("POST", "/api/v1/runs", tenant.apiKey(), """
                {"method": "magic", "datasetId": "%s"}""".formatted(s.dataset));
        assertThat(unknown.body()).contains("\"field\":\"method\"").contains("trace-of-thought");
        HttpResponse<String> ftcotOnTest =
                http.call("POST", "/api/v1/runs", tenant.apiKey(), """
                {"method": "fine-tune-cot", "datasetId": "%s", "split": "test", "roles": {"teacher": "%s"}}""".formatted(s.dataset, s.teacher));
        assertThat(ftcotOnTest.statusCode()).isEqualTo(400);
        assertThat(ftcotOnTest.body()).contains("\"field\":\"split\"");
        HttpResponse<String> beyond =
                http.call("POST", "/api/v1/runs", tenant.apiKey(), """
                {"method": "standard", "datasetId": "%s", "split": "test", "offset": 5000, "roles": {"student": "%s"}}""".formatted(s.dataset, s.student));
        assertThat(beyond.body()).contains("\"field\":\"offset\"").contains("1319");

        JsonNode run = launch(tenant, s, "standard", null, 0, 2, 2, "{}");
        var other = tenants.tenant("intruder", Role.ADMIN);
        String id = run.get("id").asString();
        assertThat(get(other, "/api/v1/runs/" + id).statusCode()).isEqualTo(404);
        assertThat(get(other, "/api/v1/runs/" + id + "/traces").statusCode()).isEqualTo(404);
        assertThat(http.call("POST", "/api/v1/runs/" + id + "/cancel", other.apiKey(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(get(other, "/api/v1/runs").body()).doesNotContain(id);
        var viewer = tenants.tenant("viewer", Role.VIEWER);
        assertThat(http.call(
                                "POST",
                                "/api/v1/runs",
                                viewer.apiKey(),
                                "{\"method\":\"standard\",\"datasetId\":\"" + s.dataset + "\"}")
                        .statusCode())
                .isEqualTo(403);
        awaitFinished(tenant, id);
    }

    /** A workspace with teacher and student endpoints on the simulator and GSM8K test uploaded. */
    @Test
    void modelBasedAnswerExtractionReadsAnswersTheRulesCannotAndIsStoredCachedAndCostedLikeAnyCall() throws Exception {
        var tenant = tenants.tenant("extraction", Role.MEMBER);
        Setup s = setUp(tenant);
        String extractor = endpoint(tenant, "Extractor", "teacher");
        // The student writes its answer in words; the extractor turns the words back into the number.
        sim.when(r -> "student".equals(r.model())).reply("She is left with her eggs' worth.");
        sim.when(r -> r.prompt().endsWith("Therefore, the answer (arabic numerals) is"))
                .reply((r, i) -> {
                    String question = r.prompt().substring(3, r.prompt().indexOf("\nA: "));
                    return " " + goldByQuestion.getOrDefault(question, "0") + ".";
                });

        String plain = launchStandard(tenant, s, null);
        String extracted = launchStandard(tenant, s, extractor);
        JsonNode without = awaitFinished(tenant, plain);
        JsonNode with = awaitFinished(tenant, extracted);

        assertThat(without.get("correct").asInt()).isZero();
        assertThat(without.get("noAnswer").asInt()).isEqualTo(5);
        assertThat(with.get("correct").asInt()).isEqualTo(5);
        assertThat(with.get("roles").get("extractor").get("name").asString()).isEqualTo("Extractor");
        assertThat(with.get("byRole").get("extractor").get("calls").asLong()).isEqualTo(5);
        JsonNode trace = json.readTree(get(tenant, "/api/v1/runs/" + extracted + "/traces?size=1")
                        .body())
                .get("items")
                .get(0);
        assertThat(trace.get("calls").findValuesAsString("role")).containsExactly("student", "extractor");
        assertThat(trace.get("calls").get(1).get("prompt").asString())
                .startsWith("Q: ")
                .endsWith("\nA: She is left with her eggs' worth.\nTherefore, the answer (arabic numerals) is");
        JsonNode prediction = trace.get("predictions").get(0);
        assertThat(prediction.get("artifacts").get("reasoning").asString())
                .isEqualTo("She is left with her eggs' worth.");
        assertThat(prediction.get("extracted").asString())
                .isEqualTo(goldByQuestion.get(s.first20().getFirst()));

        // The same request again is answered from the response cache.
        JsonNode again = awaitFinished(tenant, launchStandard(tenant, s, extractor));
        JsonNode cached = json.readTree(
                        get(tenant, "/api/v1/runs/" + again.get("id").asString() + "/traces?size=1")
                                .body())
                .get("items")
                .get(0)
                .get("calls")
                .get(1);
        assertThat(cached.get("cached").asBoolean()).isTrue();
        assertThat(again.get("correct").asInt()).isEqualTo(5);
    }

    private String launchStandard(TestTenants.Tenant tenant, Setup s, String extractor) {
        HttpResponse<String> response = http.call("POST", "/api/v1/runs", tenant.apiKey(), """
                {"method": "standard", "datasetId": "%s", "split": "test", "limit": 5,
                 "roles": {"student": "%s"%s}, "concurrency": 4}""".formatted(
                        s.dataset, s.student, extractor == null ? "" : ", \"extractor\": \"" + extractor + "\""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).get("id").asString();
    }

    private Setup setUp(TestTenants.Tenant tenant) throws Exception {
        String teacher = endpoint(tenant, "Teacher", "teacher");
        String student = endpoint(tenant, "Student", "student");
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String dataset = json.readTree(upload.body()).get("datasetId").asString();
        var first20 = Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl")).stream()
                .limit(20)
                .map(l -> json.readTree(l).get("question").asString())
                .toList();
        return new Setup(teacher, student, dataset, first20);
    }

    private record Setup(String teacher, String student, String dataset, java.util.List<String> first20) {}

    private String endpoint(TestTenants.Tenant tenant, String name, String model) {
        HttpResponse<String> created = http.call(
                "POST",
                "/api/v1/endpoints",
                tenant.apiKey(),
                "{\"name\": \"%s\", \"baseUrl\": \"%s\", \"model\": \"%s\", \"limits\": {\"maxConcurrency\": 64}}"
                        .formatted(name, sim.baseUrl(), model));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("id").asString();
    }

    private JsonNode launch(
            TestTenants.Tenant tenant,
            Setup s,
            String method,
            String preset,
            int offset,
            int limit,
            int concurrency,
            String params) {
        HttpResponse<String> response = http.call("POST", "/api/v1/runs", tenant.apiKey(), """
                {"method": "%s", %s "datasetId": "%s", "split": "test", "offset": %d, "limit": %d,
                 "roles": {"teacher": "%s", "student": "%s"}, "params": %s, "concurrency": %d}""".formatted(
                        method,
                        preset == null ? "" : "\"preset\": \"" + preset + "\",",
                        s.dataset,
                        offset,
                        limit,
                        s.teacher,
                        s.student,
                        params,
                        concurrency));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body());
    }

    private JsonNode awaitFinished(TestTenants.Tenant tenant, String runId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            run = json.readTree(get(tenant, "/api/v1/runs/" + runId).body());
            String status = run.get("status").asString();
            if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run did not finish: " + run);
    }

    private HttpResponse<String> get(TestTenants.Tenant tenant, String path) {
        return http.call("GET", path, tenant.apiKey(), null);
    }

    private static JsonNode find(JsonNode calls, String key) {
        for (JsonNode call : calls) {
            if (call.get("key").asString().equals(key)) {
                return call;
            }
        }
        throw new AssertionError("no call " + key + " in " + calls);
    }

    private static int countCalls(String runId) throws Exception {
        try (Connection owner = TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery("SELECT count(*) FROM run_calls WHERE run_id = '" + runId + "'");
            rows.next();
            return rows.getInt(1);
        }
    }
}
