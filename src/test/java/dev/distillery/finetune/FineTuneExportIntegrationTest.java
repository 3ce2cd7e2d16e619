package dev.distillery.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Exports over REST from a Fine-tune-CoT run on a tiny train split (two rationales per question, the teacher wrong on
 * one question): every format's lines, the zip split, corrections and DPO pairs, roles and workspaces, and the
 * contamination guard with its override.
 */
class FineTuneExportIntegrationTest extends ApiIntegrationTest {

    static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)\\D*$");
    static final String TRAIN = """
            {"question": "Ann has 2 apples and buys 3 more. How many apples does she have?", "answer": "2+3=5\\n#### 5"}
            {"question": "What is 10 minus 4?", "answer": "10-4=6\\n#### 6"}
            {"question": "What is 7 times 3?", "answer": "7*3=21\\n#### 21"}
            """;
    static final Map<String, String> RATIONALES = Map.of(
            "Ann has", " She has 2 and buys 3, so 2 + 3 = 5.",
            "10 minus", " 10 - 4 = 6.",
            "7 times", " 7 times 3 is 20.",
            "Create very short", "1. Subtract.\n2. Report 6.");
    static OpenAiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        // The teacher answers the last number of its rationale: right for two questions, wrong for "7 times 3".
        sim.when(r -> r.prompt().endsWith("Therefore, the answer is")).reply((r, i) -> {
            String rationale = r.prompt().substring(0, r.prompt().lastIndexOf("\nTherefore"));
            Matcher m = LAST_NUMBER.matcher(rationale);
            return m.find() ? " " + m.group(1) + "." : " none.";
        });
        sim.when(r -> r.prompt().startsWith("We are given")).reply("The answer is 6.");
        // The Socratic teacher decomposes the apples problem correctly and gets the others wrong.
        sim.when(r -> r.prompt().startsWith("Break each problem"))
                .reply((r, i) -> r.prompt().endsWith("does she have?\n")
                        ? "Q: How many does she buy?\nA: She buys 3.\nQ: How many does she have?\nA: 2 + 3 = 5. The answer is 5."
                        : "Q: What is asked?\nA: The answer is 0.");
        sim.when(r -> true)
                .reply((r, i) -> RATIONALES.entrySet().stream()
                                .filter(e -> r.prompt().contains(e.getKey()))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(" No idea.")
                        + (i > 0 ? " Sure." : ""));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void aFineTuneCotRunExportsEveryFormatSplitsByItemAndAppliesCorrections() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("export", Role.MEMBER);
        String key = owner.apiKey();
        String runId = fineTuneCotRun(http, key);
        String exports = "/api/v1/runs/" + runId + "/exports";

        JsonNode formats = json.readTree(
                http.call("GET", "/api/v1/export-formats", key, null).body());
        assertThat(formats.get("fine-tune-cot").toString())
                .contains(
                        "\"ft-cot\"",
                        "\"ft-cot-gpt3\"",
                        "\"ft-cot-t5\"",
                        "\"vanilla\"",
                        "\"openai-chat\"",
                        "\"trl-sft\"",
                        "\"dpo\"");
        assertThat(formats.get("socratic-cot").toString()).contains("\"unified\"", "\"decomposer\"", "\"solver\"");

        HttpResponse<byte[]> ftCot = export(exports, key, "{\"format\": \"ft-cot\"}");
        assertThat(ftCot.statusCode()).as(text(ftCot)).isEqualTo(200);
        assertThat(ftCot.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        assertThat(ftCot.headers().firstValue("Content-Disposition").orElse(""))
                .contains("attachment", "-ft-cot.jsonl");
        String q0 = "Ann has 2 apples and buys 3 more. How many apples does she have?";
        assertThat(text(ftCot))
                .isEqualTo("{\"prompt\":\"" + q0
                        + " ###\",\"completion\":\" She has 2 and buys 3, so 2 + 3 = 5. --> 5 END\"}\n"
                        + "{\"prompt\":\"" + q0
                        + " ###\",\"completion\":\" She has 2 and buys 3, so 2 + 3 = 5. Sure. --> 5 END\"}\n"
                        + "{\"prompt\":\"What is 10 minus 4? ###\",\"completion\":\" 10 - 4 = 6. --> 6 END\"}\n"
                        + "{\"prompt\":\"What is 10 minus 4? ###\",\"completion\":\" 10 - 4 = 6. Sure. --> 6 END\"}\n");

        assertThat(lines(export(exports, key, "{\"format\": \"ft-cot-gpt3\"}")).get(2))
                .isEqualTo(
                        "{\"prompt\":\"What is 10 minus 4?\\n\\n###\\n\\n\",\"completion\":\" 10 - 4 = 6.\\n\\n-->\\n\\n6 END\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"ft-cot-t5\"}")).get(2))
                .isEqualTo("{\"input\":\"What is 10 minus 4?\",\"target\":\"10 - 4 = 6. --> 6\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"vanilla\"}")))
                .as("one per item, gold answers")
                .containsExactly(
                        "{\"prompt\":\"" + q0 + " ###\",\"completion\":\" 5 END\"}",
                        "{\"prompt\":\"What is 10 minus 4? ###\",\"completion\":\" 6 END\"}",
                        "{\"prompt\":\"What is 7 times 3? ###\",\"completion\":\" 21 END\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"openai-chat\"}")).get(2))
                .isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"What is 10 minus 4? ###\"},"
                        + "{\"role\":\"assistant\",\"content\":\" 10 - 4 = 6. --> 6 END\"}]}");
        assertThat(lines(export(exports, key, "{\"format\": \"openai-chat\", \"baseFormat\": \"ft-cot-t5\"}"))
                        .get(2))
                .isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"What is 10 minus 4?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"10 - 4 = 6. --> 6\"}]}");
        assertThat(lines(export(exports, key, "{\"format\": \"trl-sft\"}")).get(2))
                .isEqualTo("{\"prompt\":\"What is 10 minus 4? ###\",\"completion\":\" 10 - 4 = 6. --> 6 END\"}");
        assertThat(export(exports, key, "{\"format\": \"unified\"}").statusCode())
                .isEqualTo(400);
        assertThat(export(exports, key, "{\"format\": \"trl-sft\", \"baseFormat\": \"solver\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(export(exports, key, "{\"format\": \"ft-cot\", \"validationFraction\": 1.5}")
                        .statusCode())
                .isEqualTo(400);

        // Split by item with the seed: both samples of a question land in the same file, the same seed gives the same
        // zip.
        HttpResponse<byte[]> zip =
                export(exports, key, "{\"format\": \"ft-cot\", \"validationFraction\": 0.5, \"seed\": 3}");
        assertThat(zip.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/zip");
        Map<String, String> files = unzip(zip.body());
        assertThat(files.keySet()).containsExactly("train.jsonl", "validation.jsonl");
        assertThat(files.get("train.jsonl").lines().toList()).hasSize(2);
        assertThat(files.get("validation.jsonl")
                        .lines()
                        .map(l -> l.substring(0, 25))
                        .distinct())
                .hasSize(1);
        assertThat(export(exports, key, "{\"format\": \"ft-cot\", \"validationFraction\": 0.5, \"seed\": 3}")
                        .body())
                .isEqualTo(zip.body());

        // Corrections: DPO needs an edited trace; the corrected rationale, re-run and graded correct, joins ft-cot.
        HttpResponse<byte[]> noPairs = export(exports, key, "{\"format\": \"dpo\"}");
        assertThat(noPairs.statusCode()).isEqualTo(409);
        assertThat(text(noPairs)).contains("no corrected traces");
        String trace = "/api/v1/runs/" + runId + "/traces/train-2";
        assertThat(http.call(
                                "POST",
                                trace + "/revisions",
                                key,
                                "{\"baseRevision\": 0, \"teacherOutput\": \" 7 times 3 is 21.\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> rerun = http.call("POST", trace + "/revisions/1/rerun", key, null);
        assertThat(json.readTree(rerun.body()).get("rerun").get("correct").asBoolean())
                .as(rerun.body())
                .isTrue();
        assertThat(lines(export(exports, key, "{\"format\": \"ft-cot\"}")))
                .as("without corrections")
                .hasSize(4);
        assertThat(lines(export(exports, key, "{\"format\": \"ft-cot\", \"applyCorrections\": true}")))
                .hasSize(5)
                .last()
                .isEqualTo("{\"prompt\":\"What is 7 times 3? ###\",\"completion\":\" 7 times 3 is 21. --> 21 END\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"dpo\"}")))
                .containsExactly(
                        "{\"prompt\":\"Q: What is 7 times 3?\\nA: Let's think step by step.\",\"chosen\":\" 7 times 3 is 21.\","
                                + "\"rejected\":\" 7 times 3 is 20.\"}");

        // MEMBER and above export; reviewers and viewers read the run but may not export; other workspaces see nothing.
        assertThat(export(exports, tenants.apiKey(owner.email(), Role.REVIEWER), "{\"format\": \"ft-cot\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(export(exports, tenants.apiKey(owner.email(), Role.VIEWER), "{\"format\": \"ft-cot\"}")
                        .statusCode())
                .isEqualTo(403);
        var stranger = tenants.tenant("export-stranger", Role.ADMIN);
        assertThat(export(exports, stranger.apiKey(), "{\"format\": \"ft-cot\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.call("GET", exports, stranger.apiKey(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aSocraticCotRunExportsUnifiedDecomposerAndSolverSetsOfItsCorrectDecompositions() {
        TestHttp http = new TestHttp(port);
        String key = tenants.tenant("socratic-export", Role.MEMBER).apiKey();
        String dataset = upload(http, key, "Tiny socratic", "train", TRAIN);
        String runId = run(http, key, """
                {"method": "socratic-cot", "datasetId": "%s", "split": "train", "roles": {"teacher": "%s"}}""".formatted(dataset, endpoint(http, key, "teacher")));
        String exports = "/api/v1/runs/" + runId + "/exports";
        String problem = "Problem: Ann has 2 apples and buys 3 more. How many apples does she have?\\n";
        assertThat(lines(export(exports, key, "{\"format\": \"unified\"}")))
                .containsExactly("{\"prompt\":\"" + problem
                        + "\",\"completion\":\"Q: How many does she buy?\\nA: She buys 3.\\nQ: How many does she have?\\n"
                        + "A: 2 + 3 = 5. The answer is 5.\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"decomposer\"}")))
                .containsExactly(
                        "{\"prompt\":\"" + problem + "Q:\",\"completion\":\" How many does she buy?\"}",
                        "{\"prompt\":\"" + problem
                                + "Q: How many does she buy?\\nA: She buys 3.\\nQ:\",\"completion\":\" How many "
                                + "does she have?\"}",
                        "{\"prompt\":\"" + problem
                                + "Q: How many does she buy?\\nA: She buys 3.\\nQ: How many does she have?\\n"
                                + "A: 2 + 3 = 5. The answer is 5.\\nQ:\",\"completion\":\" [END]\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"solver\"}")))
                .containsExactly(
                        "{\"prompt\":\"" + problem
                                + "Q: How many does she buy?\\nA:\",\"completion\":\" She buys 3.\"}",
                        "{\"prompt\":\"" + problem
                                + "Q: How many does she buy?\\nA: She buys 3.\\nQ: How many does she have?\\nA:\","
                                + "\"completion\":\" 2 + 3 = 5. The answer is 5.\"}");
        assertThat(lines(export(exports, key, "{\"format\": \"openai-chat\", \"baseFormat\": \"solver\"}")))
                .hasSize(2);
        assertThat(export(exports, key, "{\"format\": \"ft-cot\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void anExportThatCarriesTestItemsIsRefusedUntilOverriddenWithAReasonWhichIsStored() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("contamination", Role.MEMBER);
        String key = owner.apiKey();
        String runId = fineTuneCotRun(http, key);
        String exports = "/api/v1/runs/" + runId + "/exports";
        assertThat(export(exports, key, "{\"format\": \"ft-cot\"}").statusCode())
                .isEqualTo(200);

        // A test set of another dataset holds one training question, written differently.
        upload(
                http,
                key,
                "Probe",
                "test",
                "{\"question\": \"  WHAT is 10   minus 4\", \"answer\": \"#### 6\"}\n"
                        + "{\"question\": \"An unrelated question?\", \"answer\": \"#### 1\"}\n");
        HttpResponse<byte[]> refused = export(exports, key, "{\"format\": \"ft-cot\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        JsonNode problem = json.readTree(text(refused));
        assertThat(problem.get("contaminatedItems").asInt()).isEqualTo(1);
        assertThat(problem.get("duplicateQuestionItems").asInt()).isEqualTo(1);
        assertThat(problem.get("examples").toString()).contains("train-1 (= test-0 of Probe v1)");
        assertThat(problem.get("detail").asString()).contains("1 item has the question of a test item", "Override");

        HttpResponse<byte[]> overridden = export(
                exports,
                key,
                "{\"format\": \"ft-cot\", \"override\": {\"reason\": \"Probe is our own paraphrase set, not a benchmark\"}}");
        assertThat(overridden.statusCode()).as(text(overridden)).isEqualTo(200);
        assertThat(lines(overridden)).hasSize(4);
        JsonNode history = json.readTree(http.call("GET", exports, key, null).body());
        assertThat(history.get(0).get("overrideReason").asString())
                .isEqualTo("Probe is our own paraphrase set, not a benchmark");
        assertThat(history.get(0).get("contaminatedItems").asInt()).isEqualTo(1);
        assertThat(history.get(1).get("overrideReason").isNull()).isTrue();

        // A run on a test split: every item is a test item.
        String testRun = run(http, key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 1,
                 "roles": {"teacher": "%s", "student": "%s"}}""".formatted(
                        datasetId(http, key, "Probe"), endpoint(http, key, "teacher"), endpoint(http, key, "student")));
        http.call(
                "POST",
                "/api/v1/runs/" + testRun + "/traces/test-0/revisions",
                key,
                "{\"baseRevision\": 0, \"teacherOutput\": \"1. Subtract 4 from 10.\"}");
        HttpResponse<byte[]> testSplit = export("/api/v1/runs/" + testRun + "/exports", key, "{\"format\": \"dpo\"}");
        assertThat(testSplit.statusCode()).isEqualTo(409);
        JsonNode split = json.readTree(text(testSplit));
        assertThat(split.get("testSplitItems").asInt()).isEqualTo(1);
        assertThat(split.get("examples").toString()).contains("test-0 (test split)");
    }

    private String fineTuneCotRun(TestHttp http, String key) {
        String dataset = upload(http, key, "Tiny train", "train", TRAIN);
        return run(http, key, """
                {"method": "fine-tune-cot", "datasetId": "%s", "split": "train", "params": {"samples": 2},
                 "roles": {"teacher": "%s"}, "concurrency": 2}""".formatted(dataset, endpoint(http, key, "teacher")));
    }

    private String run(TestHttp http, String key, String body) {
        return new TestRuns(http, json).completed(key, body);
    }

    private String upload(TestHttp http, String key, String name, String split, String jsonl) {
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", name, "format", "gsm8k", "split", split),
                split + ".jsonl",
                jsonl.getBytes(StandardCharsets.UTF_8));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json.readTree(upload.body()).get("datasetId").asString();
    }

    private String datasetId(TestHttp http, String key, String name) {
        for (JsonNode d :
                json.readTree(http.call("GET", "/api/v1/datasets", key, null).body())) {
            if (d.get("name").asString().equals(name)) {
                return d.get("id").asString();
            }
        }
        throw new AssertionError("No dataset " + name);
    }

    private String endpoint(TestHttp http, String key, String model) {
        return new TestRuns(http, json).endpoint(key, sim.baseUrl(), model);
    }

    /** The export as bytes: a zip is not text. */
    private HttpResponse<byte[]> export(String path, String key, String body) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                    .header("Authorization", "Bearer " + key)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static List<String> lines(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        return text(response).lines().toList();
    }

    private static Map<String, String> unzip(byte[] zip) throws java.io.IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }
}
