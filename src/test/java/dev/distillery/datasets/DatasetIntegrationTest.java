package dev.distillery.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.TestTenants;
import dev.distillery.tenancy.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DatasetIntegrationTest extends ApiIntegrationTest {

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = new TestHttp(port);
    }

    @Test
    void everyBuiltInDatasetImportsWithItsPublishedCounts() throws Exception {
        var tenant = tenants.tenant("builtins", Role.MEMBER);
        assertCounts(upload(tenant, "GSM8K", "auto", null, "gsm8k/test.jsonl"), "gsm8k", Map.of("test", 1319));
        assertCounts(
                upload(tenant, "GSM8K train", "gsm8k", "train", "gsm8k/train.jsonl"), "gsm8k", Map.of("train", 7473));
        assertCounts(
                upload(tenant, "GSM8K Socratic", "auto", null, "gsm8k/test_socratic.jsonl"),
                "gsm8k-socratic",
                Map.of("test", 1319));
        assertCounts(upload(tenant, "SVAMP", "auto", "test", "svamp/SVAMP.json"), "svamp", Map.of("test", 1000));
        assertCounts(upload(tenant, "MATH-500", "auto", null, "math500/test.jsonl"), "math500", Map.of("test", 500));
        assertCounts(
                upload(tenant, "StrategyQA", "auto", null, "strategyqa/dev.json"), "strategyqa", Map.of("dev", 229));
        assertCounts(upload(tenant, "AQuA", "auto", null, "aqua_rat/test.json"), "aqua", Map.of("test", 254));
        assertCounts(
                upload(tenant, "CommonsenseQA", "auto", "test", "commonsenseqa/dev_rand_split.jsonl"),
                "csqa",
                Map.of("test", 1221));

        byte[] mathZip =
                zipOf(SharedDatasets.file("math/MATH/test/algebra"), SharedDatasets.file("math/MATH/test/geometry"));
        HttpResponse<String> math = http.upload(
                "/api/v1/datasets", tenant.apiKey(), Map.of("name", "MATH", "format", "auto"), "MATH.zip", mathZip);
        assertThat(math.statusCode()).as(math.body()).isEqualTo(201);
        JsonNode mathResult = json.readTree(math.body());
        assertThat(mathResult.get("format").asString()).isEqualTo("math");
        assertThat(mathResult.get("counts").get("test").asInt())
                .isEqualTo(count(SharedDatasets.file("math/MATH/test/algebra"))
                        + count(SharedDatasets.file("math/MATH/test/geometry")));

        JsonNode list = json.readTree(get(tenant, "/api/v1/datasets").body());
        assertThat(list.size()).isEqualTo(9);
        String gsm8k = idOf(list, "GSM8K");
        JsonNode page = json.readTree(get(tenant, "/api/v1/datasets/" + gsm8k + "/items?split=test&page=0&size=2")
                .body());
        assertThat(page.get("total").asInt()).isEqualTo(1319);
        JsonNode first = page.get("items").get(0);
        assertThat(first.get("itemId").asString()).isEqualTo("test-0");
        assertThat(first.get("gold").asString()).isEqualTo("18");
        assertThat(first.get("answerType").asString()).isEqualTo("number");
        assertThat(first.get("rationale").asString()).contains("<<16-3-4=9>>");

        String csqa = idOf(list, "CommonsenseQA");
        JsonNode choice = json.readTree(get(tenant, "/api/v1/datasets/" + csqa + "/items?size=1")
                        .body())
                .get("items")
                .get(0);
        assertThat(choice.get("choices").size()).isEqualTo(5);
        assertThat(choice.get("answerType").asString()).isEqualTo("choice");
    }

    @Test
    void aFileWithBadLinesIsRefusedWholeWithEveryLineAndFieldNamed() throws Exception {
        var tenant = tenants.tenant("badlines", Role.MEMBER);
        String content = """
                {"question": "What is 1+1?", "answer": "1+1=2\\n#### 2"}
                {"question": "Broken", "answer": "#### 3"
                {"question": "No answer here"}
                {"question": "Words", "answer": "#### twelve"}
                """;
        HttpResponse<String> refused = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "Bad", "format", "gsm8k"),
                "test.jsonl",
                content.getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("detail").asString()).contains("line 2");
        JsonNode errors = problem.get("errors");
        assertThat(errors.size()).isEqualTo(3);
        assertThat(errors.get(0).get("line").asInt()).isEqualTo(2);
        assertThat(errors.get(1).get("line").asInt()).isEqualTo(3);
        assertThat(errors.get(1).get("field").asString()).isEqualTo("answer");
        assertThat(errors.get(2).get("line").asInt()).isEqualTo(4);
        assertThat(errors.get(2).get("message").asString()).contains("twelve");
        assertNothingStored(tenant);

        HttpResponse<String> empty =
                http.upload("/api/v1/datasets", tenant.apiKey(), Map.of("name", "Empty"), "x.jsonl", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("empty");
        byte[] latin1 =
                "{\"question\": \"Caf\u00e9?\", \"answer\": \"#### 1\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> encoding = http.upload(
                "/api/v1/datasets", tenant.apiKey(), Map.of("name", "Latin", "format", "gsm8k"), "x.jsonl", latin1);
        assertThat(encoding.statusCode()).isEqualTo(400);
        assertThat(encoding.body()).contains("UTF-8");
        HttpResponse<String> duplicate = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "Dup", "format", "csqa"),
                "dev.jsonl",
                (csqaLine("same", "A") + "\n" + csqaLine("same", "B") + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(duplicate.body()).contains("same").contains("line 1");
        HttpResponse<String> unknownFormat = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "X", "format", "parquet"),
                "x.jsonl",
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(unknownFormat.body()).contains("\"field\":\"format\"");
        assertNothingStored(tenant);
    }

    @Test
    void aZipWithTooManyFilesIsRefused() throws Exception {
        var tenant = tenants.tenant("zipbomb", Role.MEMBER);
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i <= 20_000; i++) {
                zip.putNextEntry(new ZipEntry("MATH/test/algebra/" + i + ".json"));
                zip.write('{');
                zip.closeEntry();
            }
        }
        HttpResponse<String> refused = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "Bomb", "format", "math"),
                "bomb.zip",
                bytes.toByteArray());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("20,000");
        assertNothingStored(tenant);
    }

    @Test
    void aGenericCsvIsMappedAndFormulaLikeCellsStayText() throws Exception {
        var tenant = tenants.tenant("generic", Role.MEMBER);
        String csv = "id,prompt,gold,split\nq1,=1+1 what is it?,2,test\nq2,@cmd + -x,-3,train\n";
        HttpResponse<String> created = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of(
                        "name",
                        "Mine",
                        "format",
                        "generic",
                        "mapping",
                        "{\"question\":\"prompt\",\"answer\":\"gold\",\"id\":\"id\",\"split\":\"split\",\"answerType\":\"number\"}",
                        "source",
                        "our team, CC-BY-4.0"),
                "mine.csv",
                csv.getBytes(StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode result = json.readTree(created.body());
        assertThat(result.get("counts").get("test").asInt()).isEqualTo(1);
        assertThat(result.get("counts").get("train").asInt()).isEqualTo(1);
        String id = result.get("datasetId").asString();
        String export = get(tenant, "/api/v1/datasets/" + id + "/export").body();
        assertThat(export.lines()).hasSize(2);
        assertThat(export).contains("\"question\":\"=1+1 what is it?\"").contains("\"question\":\"@cmd + -x\"");
        JsonNode details = json.readTree(get(tenant, "/api/v1/datasets/" + id).body());
        assertThat(details.get("versions").get(0).get("source").asString()).isEqualTo("our team, CC-BY-4.0");

        HttpResponse<String> unmapped = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "Mine", "format", "generic"),
                "mine.csv",
                csv.getBytes(StandardCharsets.UTF_8));
        assertThat(unmapped.statusCode()).isEqualTo(400);
        assertThat(unmapped.body()).contains("mapping.question").contains("mapping.answerType");
    }

    @Test
    void reUploadingCreatesANewVersionAndOldVersionsStayAsTheyWere() throws Exception {
        var tenant = tenants.tenant("versions", Role.MEMBER);
        String one = "{\"question\": \"A?\", \"answer\": \"#### 1\"}\n";
        String two = one + "{\"question\": \"B?\", \"answer\": \"#### 2\"}\n";
        JsonNode v1 = json.readTree(http.upload(
                        "/api/v1/datasets",
                        tenant.apiKey(),
                        Map.of("name", "Grows", "format", "gsm8k"),
                        "test.jsonl",
                        one.getBytes(StandardCharsets.UTF_8))
                .body());
        JsonNode v2 = json.readTree(http.upload(
                        "/api/v1/datasets",
                        tenant.apiKey(),
                        Map.of("name", "grows", "format", "gsm8k"),
                        "test.jsonl",
                        two.getBytes(StandardCharsets.UTF_8))
                .body());
        assertThat(v2.get("datasetId").asString()).isEqualTo(v1.get("datasetId").asString());
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        String id = v1.get("datasetId").asString();
        assertThat(json.readTree(get(tenant, "/api/v1/datasets/" + id + "/items?version=1")
                                .body())
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        assertThat(json.readTree(
                                get(tenant, "/api/v1/datasets/" + id + "/items").body())
                        .get("total")
                        .asInt())
                .isEqualTo(2);
        assertThat(get(tenant, "/api/v1/datasets/" + id + "/items?version=3").statusCode())
                .isEqualTo(404);
    }

    @Test
    void anotherWorkspaceGetsNotFoundAndAViewerCannotUpload() throws Exception {
        var owner = tenants.tenant("dsowner", Role.MEMBER);
        var other = tenants.tenant("dsother", Role.ADMIN);
        String id = json.readTree(upload(owner, "Private", "gsm8k", null, "gsm8k/test.jsonl")
                        .body())
                .get("datasetId")
                .asString();
        assertThat(get(other, "/api/v1/datasets/" + id).statusCode()).isEqualTo(404);
        assertThat(get(other, "/api/v1/datasets/" + id + "/items").statusCode()).isEqualTo(404);
        assertThat(get(other, "/api/v1/datasets/" + id + "/export").statusCode())
                .isEqualTo(404);
        assertThat(get(other, "/api/v1/datasets").body()).doesNotContain(id);

        var viewer = tenants.tenant("dsviewer", Role.VIEWER);
        HttpResponse<String> refused = http.upload(
                "/api/v1/datasets",
                viewer.apiKey(),
                Map.of("name", "X", "format", "gsm8k"),
                "test.jsonl",
                "{\"question\":\"a\",\"answer\":\"#### 1\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> upload(
            TestTenants.Tenant tenant, String name, String format, String split, String file) throws IOException {
        Path path = SharedDatasets.file(file);
        var fields = new java.util.HashMap<String, String>(Map.of("name", name, "format", format));
        if (split != null) {
            fields.put("split", split);
        }
        return http.upload(
                "/api/v1/datasets", tenant.apiKey(), fields, path.getFileName().toString(), Files.readAllBytes(path));
    }

    private void assertCounts(HttpResponse<String> response, String format, Map<String, Integer> counts) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode result = json.readTree(response.body());
        assertThat(result.get("format").asString()).isEqualTo(format);
        counts.forEach((split, n) ->
                assertThat(result.get("counts").get(split).asInt()).as(split).isEqualTo(n));
        assertThat(result.get("counts").size()).isEqualTo(counts.size());
    }

    private void assertNothingStored(TestTenants.Tenant tenant) throws Exception {
        assertThat(json.readTree(get(tenant, "/api/v1/datasets").body()).size()).isZero();
        try (Connection owner = TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery("SELECT (SELECT count(*) FROM dataset_versions WHERE workspace_id = '"
                            + tenant.workspaceId() + "')"
                            + " + (SELECT count(*) FROM dataset_items WHERE workspace_id = '" + tenant.workspaceId()
                            + "')");
            rows.next();
            assertThat(rows.getLong(1)).isZero();
        }
    }

    private HttpResponse<String> get(TestTenants.Tenant tenant, String path) {
        return http.call("GET", path, tenant.apiKey(), null);
    }

    private static String idOf(JsonNode list, String name) {
        for (JsonNode d : list) {
            if (d.get("name").asString().equals(name)) {
                return d.get("id").asString();
            }
        }
        throw new AssertionError("no dataset " + name);
    }

    private static String csqaLine(String id, String key) {
        return "{\"answerKey\": \"" + key + "\", \"id\": \"" + id
                + "\", \"question\": {\"stem\": \"Where?\", \"choices\": "
                + "[{\"label\": \"A\", \"text\": \"here\"}, {\"label\": \"B\", \"text\": \"there\"}]}}";
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    private static byte[] zipOf(Path... dirs) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (Path dir : dirs) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.sorted().toList()) {
                        zip.putNextEntry(new ZipEntry("MATH/test/" + dir.getFileName() + "/" + file.getFileName()));
                        zip.write(Files.readAllBytes(file));
                        zip.closeEntry();
                    }
                }
            }
        }
        return bytes.toByteArray();
    }
}
