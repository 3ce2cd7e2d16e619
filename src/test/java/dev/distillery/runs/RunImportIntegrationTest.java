package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs produced elsewhere, imported over REST: a JSON Lines file by item id and a CSV by question are graded as the
 * engine grades, show their outputs in traces, and join the leaderboard as imported, the one labelled "standard" as
 * the student's baseline for the other; a file with bad lines, a dataset of another workspace and a viewer's key
 * store nothing; a whole GSM8K train split (7,473 rows) imports.
 */
class RunImportIntegrationTest extends ApiIntegrationTest {

    static final List<String> QUESTIONS = new ArrayList<>();
    static final List<String> GOLD = new ArrayList<>();

    @BeforeAll
    static void readItems() throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"));
        for (int i = 0; i < 20; i++) {
            JsonNode item = mapper.readTree(lines.get(i));
            String answer = item.get("answer").asString();
            QUESTIONS.add(item.get("question").asString());
            GOLD.add(answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", ""));
        }
    }

    @Test
    void importedRunsAreGradedTracedAndComparedWithAnImportedBaseline() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        var owner = tenants.tenant("import", Role.MEMBER);
        String key = owner.apiKey();
        String dataset = dataset(http, key);

        // The student alone: right on 4 items in 20.
        StringBuilder baseline = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            baseline.append(json.writeValueAsString(Map.of(
                            "itemId",
                            "test-" + i,
                            "output",
                            "Let me think.\nThe answer is " + (i % 5 == 0 ? GOLD.get(i) : "-1") + ".")))
                    .append('\n');
        }
        HttpResponse<String> first = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of("datasetId", dataset, "split", "test", "method", "standard", "student", "tiny-1b"),
                "baseline.jsonl",
                bytes(baseline));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode base = json.readTree(first.body());
        assertThat(base.get("imported").asBoolean()).isTrue();
        assertThat(base.get("status").asString()).isEqualTo("completed");
        assertThat(base.get("total").asInt()).isEqualTo(20);
        assertThat(base.get("correct").asInt()).isEqualTo(4);
        assertThat(base.get("method").asString()).isEqualTo("standard");
        assertThat(base.get("roles").get("student").get("name").asString()).isEqualTo("tiny-1b");
        String baseId = base.get("id").asString();

        // With a teacher's steps, matched by question (case and spacing differ from the dataset's): 16 in 20.
        StringBuilder csv = new StringBuilder("question,output,teacherTrace\r\n");
        for (int i = 0; i < 20; i++) {
            String question = "  " + QUESTIONS.get(i).toUpperCase(Locale.ROOT).replace(" ", "  \n ") + " ";
            csv.append(quote(question))
                    .append(',')
                    .append(quote("The answer is " + (i % 5 != 4 ? GOLD.get(i) : "-1") + "."))
                    .append(',')
                    .append(quote("1. Read the numbers.\n2. Add them up."))
                    .append("\r\n");
        }
        HttpResponse<String> second = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of(
                        "datasetId",
                        dataset,
                        "method",
                        "trace-of-thought",
                        "student",
                        "tiny-1b",
                        "teacher",
                        "big-70b",
                        "name",
                        "ToT from the lab"),
                "tot.csv",
                bytes(csv));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        JsonNode tot = json.readTree(second.body());
        assertThat(tot.get("correct").asInt()).isEqualTo(16);
        assertThat(tot.get("name").asString()).isEqualTo("ToT from the lab");
        String totId = tot.get("id").asString();

        JsonNode traces = json.readTree(http.call("GET", "/api/v1/runs/" + totId + "/traces?size=5", key, null)
                .body());
        assertThat(traces.get("total").asInt()).isEqualTo(20);
        JsonNode trace = traces.get("items").get(0);
        assertThat(trace.get("itemId").asString()).isEqualTo("test-0");
        assertThat(trace.get("correct").asBoolean()).isTrue();
        JsonNode prediction = trace.get("predictions").get(0);
        assertThat(prediction.get("output").asString()).isEqualTo("The answer is " + GOLD.get(0) + ".");
        assertThat(prediction.get("extracted").asString()).isEqualTo(GOLD.get(0));
        assertThat(prediction.get("artifacts").get("steps").asString()).startsWith("1. Read the numbers.");
        JsonNode calls = trace.get("calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("role").asString()).isEqualTo("teacher");
        assertThat(calls.get(0).get("outputs").get(0).asString()).isEqualTo("1. Read the numbers.\n2. Add them up.");
        assertThat(calls.get(1).get("role").asString()).isEqualTo("student");
        JsonNode wrong = json.readTree(
                        http.call("GET", "/api/v1/runs/" + baseId + "/traces?outcome=incorrect&size=1", key, null)
                                .body())
                .get("items")
                .get(0);
        assertThat(wrong.get("predictions").get(0).get("extracted").asString()).isEqualTo("-1");

        String board = "/api/v1/leaderboards?datasetId=" + dataset + "&split=test";
        JsonNode row = runs.awaitRow(key, board, totId, r -> r.get("gainPoints").isNumber());
        assertThat(row.get("imported").asBoolean()).isTrue();
        assertThat(row.get("baselineRunId").asString()).isEqualTo(baseId);
        assertThat(row.get("accuracy").asDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(row.get("gainPoints").asDouble()).isCloseTo(60, within(1e-9));
        assertThat(row.get("teacher").asString()).isEqualTo("big-70b");
        assertThat(row.get("student").asString()).isEqualTo("tiny-1b");
        JsonNode baseRow = runs.awaitRow(key, board, baseId, r -> true);
        assertThat(baseRow.get("baseline").asBoolean()).isTrue();
        assertThat(baseRow.get("imported").asBoolean()).isTrue();

        JsonNode listed =
                json.readTree(http.call("GET", "/api/v1/runs", key, null).body());
        assertThat(listed.findValues("imported")).allMatch(JsonNode::asBoolean);
        // Its student ran elsewhere: a corrected step cannot be re-run here.
        HttpResponse<String> revised = http.call(
                "POST",
                "/api/v1/runs/" + totId + "/traces/test-4/revisions",
                key,
                "{\"baseRevision\": 0, \"teacherSteps\": [\"Report " + GOLD.get(4) + "\"]}");
        assertThat(revised.statusCode()).as(revised.body()).isEqualTo(201);
        assertThat(http.call("POST", "/api/v1/runs/" + totId + "/traces/test-4/revisions/1/rerun", key, null)
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void aFileWithBadLinesIsRefusedWholeListingEachLineAndNothingIsStored() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("import-bad", Role.MEMBER);
        String key = owner.apiKey();
        String dataset = dataset(http, key);
        int before = runCount(http, key);
        String jsonl = String.join(
                        "\n",
                        "{\"itemId\": \"test-0\", \"output\": \"The answer is 18.\"}",
                        "{\"itemId\": \"test-99999\", \"output\": \"The answer is 1.\"}",
                        "{\"itemId\": \"test-1\", \"output\": ",
                        "{\"itemId\": \"test-2\"}",
                        "{\"itemId\": \"test-0\", \"output\": \"The answer is 18 again.\"}",
                        "{\"question\": \"What is the airspeed of an unladen swallow?\", \"output\": \"24\"}",
                        "[1, 2]",
                        "{\"output\": \"no item\"}")
                + "\n";
        HttpResponse<String> refused = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of("datasetId", dataset, "student", "tiny-1b"),
                "bad.jsonl",
                jsonl.getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        Map<Integer, String> byLine = new HashMap<>();
        for (JsonNode error : json.readTree(refused.body()).get("errors")) {
            byLine.merge(
                    error.get("line").asInt(),
                    error.get("field").asString() + ": " + error.get("message").asString(),
                    (a, b) -> a + " | " + b);
        }
        assertThat(byLine).containsOnlyKeys(2, 3, 4, 5, 6, 7, 8);
        assertThat(byLine.get(2)).contains("test-99999");
        assertThat(byLine.get(3)).contains("JSON");
        assertThat(byLine.get(4)).startsWith("output:");
        assertThat(byLine.get(5)).contains("twice").contains("line 1");
        assertThat(byLine.get(6)).startsWith("question:");

        // CSV lines are counted as lines, a quoted output over two lines included.
        String csv = "itemId,output\n test-0 ,\"Step one.\nThe answer is 18.\"\ntest-77777,The answer is 3.\n";
        HttpResponse<String> badCsv = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of("datasetId", dataset, "student", "tiny-1b"),
                "bad.csv",
                csv.getBytes(StandardCharsets.UTF_8));
        assertThat(badCsv.statusCode()).as(badCsv.body()).isEqualTo(400);
        JsonNode csvErrors = json.readTree(badCsv.body()).get("errors");
        assertThat(csvErrors).hasSize(1);
        assertThat(csvErrors.get(0).get("line").asInt()).isEqualTo(4);

        HttpResponse<String> empty = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of("datasetId", dataset, "student", "tiny-1b"),
                "empty.jsonl",
                new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("empty");
        HttpResponse<String> nobody = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of("datasetId", dataset, "split", "exam"),
                "one.jsonl",
                "{\"itemId\": \"test-0\", \"output\": \"18\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(nobody.statusCode()).isEqualTo(400);
        assertThat(nobody.body()).contains("student").contains("split");
        assertThat(runCount(http, key)).isEqualTo(before);

        byte[] good = "{\"itemId\": \"test-0\", \"output\": \"18\"}\n".getBytes(StandardCharsets.UTF_8);
        var stranger = tenants.tenant("import-stranger", Role.ADMIN);
        assertThat(http.upload(
                                "/api/v1/runs/import",
                                stranger.apiKey(),
                                Map.of("datasetId", dataset, "student", "x"),
                                "one.jsonl",
                                good)
                        .statusCode())
                .isEqualTo(404);
        String viewer = tenants.apiKey(owner.email(), Role.VIEWER);
        assertThat(http.upload(
                                "/api/v1/runs/import",
                                viewer,
                                Map.of("datasetId", dataset, "student", "x"),
                                "one.jsonl",
                                good)
                        .statusCode())
                .isEqualTo(403);
        assertThat(runCount(http, key)).isEqualTo(before);
    }

    @Test
    void aWholeTrainSplitIsGradedAndStored() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("import-large", Role.MEMBER);
        String key = owner.apiKey();
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K train", "format", "gsm8k"),
                "train.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/train.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String dataset = json.readTree(upload.body()).get("datasetId").asString();
        List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/train.jsonl"));
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            file.append(json.writeValueAsString(Map.of(
                            "itemId",
                            "train-" + i,
                            "output",
                            "Thinking...\n#### " + i,
                            "teacherTrace",
                            "1. Read.\n2. Solve.")))
                    .append('\n');
        }
        HttpResponse<String> imported = http.upload(
                "/api/v1/runs/import",
                key,
                Map.of("datasetId", dataset, "split", "train", "student", "tiny-1b", "teacher", "big-70b"),
                "train.jsonl",
                bytes(file));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(json.readTree(imported.body()).get("total").asInt()).isEqualTo(lines.size());
    }

    private int runCount(TestHttp http, String key) {
        return json.readTree(
                        http.call("GET", "/api/v1/runs?size=500", key, null).body())
                .size();
    }

    private String dataset(TestHttp http, String key) throws Exception {
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json.readTree(upload.body()).get("datasetId").asString();
    }

    private static byte[] bytes(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String cell) {
        return "\"" + cell.replace("\"", "\"\"") + "\"";
    }
}
