package dev.distillery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.distillery.TestHttp.FilePart;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Isolation swept, not sampled. Workspace A gets a row in every tenant table (endpoint, dataset, runs with traces,
 * a correction, a review queue, an export, a fine-tuning job, a public board, an invitation, keys, a member, a
 * campaign with a contributor's answer); then every REST route found in the request mappings is called with
 * workspace B's ADMIN key (a contributor's routes with B's owner's own email and password) and A's ids, and must
 * answer 404 without any of A's data; routes that take ids in their body (launching a run, publishing, fine-tuning)
 * are called with A's; lists must show none of A. A route with a path variable this test cannot fill fails it, so
 * a new route cannot go unchecked. The database is then checked the same way, table by table, as the app's role.
 */
class CrossTenantSweepIntegrationTest extends ApiIntegrationTest {

    static final String SIM_KEY = "sk-sweep-simulator";
    static final String SECRET = "Sweep secret";
    static final String SPLITS = """
            {"question": "Sweep secret question four: 2 + 2?", "answer": "4", "split": "train"}
            {"question": "Sweep secret question five: 3 + 3?", "answer": "6", "split": "test"}
            """;

    static final String TRAIN = """
            {"question": "Sweep secret question one: 2 + 3?", "answer": "2 + 3 = 5 #### 5"}
            {"question": "Sweep secret question two: 10 - 5?", "answer": "10 - 5 = 5 #### 5"}
            {"question": "Sweep secret question three: 1 + 4?", "answer": "1 + 4 = 5 #### 5"}
            """;
    static final String TRAINING_FILE = """
            {"prompt": "Tom has 3 apples and buys 4 more. How many apples does he have? ###", "completion": " 3 + 4 = 7 --> 7 END"}
            {"prompt": "A box holds 6 eggs. How many eggs are in 2 boxes? ###", "completion": " 6 * 2 = 12 --> 12 END"}
            """;

    static OpenAiSimulator sim;
    /** Workspace A's ids by what they name, made once for both tests. */
    static Map<String, String> a;

    static TestTenants.Tenant tenantA;
    static TestTenants.Tenant tenantB;
    static String endpointB;
    static String datasetB;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(
                        Config.defaults().models("teacher", "student").apiKey(SIM_KEY))
                .fineTuneStage(Duration.ofMillis(200));
        // Every question's answer is 5: rationales, steps and answers all say so.
        sim.when(r -> r.prompt().endsWith("Therefore, the answer is")).reply(" 5.");
        sim.when(r -> true).reply("Add them up. The answer is 5.");
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void everyRouteAnswersNotFoundForAnotherWorkspacesIdsAndListsShowNoneOfIt() throws Exception {
        TestHttp http = new TestHttp(port);
        fixtures(http);
        String keyB = tenantB.apiKey();
        // Contributors' routes take a person's password, not a key: B's owner, who contributes to none of A's.
        String personB = TestHttp.basic(tenantB.email(), TestTenants.PASSWORD);
        List<String> checked = new ArrayList<>();
        for (var entry : new TreeMap<>(routes()).entrySet()) {
            String route = entry.getKey();
            String method = route.substring(0, route.indexOf(' '));
            String pattern = route.substring(route.indexOf(' ') + 1);
            // A template's key names no workspace's data; the ids in a template launch's body are tried below.
            if (!pattern.contains("{") || pattern.contains("{key}")) {
                continue;
            }
            String path = fill(pattern) + QUERIES.getOrDefault(route, "");
            HttpResponse<String> response = http.callWith(
                    method, path, pattern.startsWith(CONTRIBUTE) ? personB : "Bearer " + keyB, BODIES.get(route));
            assertThat(response.statusCode())
                    .as(route + " with A's ids: " + response.body())
                    .isEqualTo(404);
            assertNoneOfA(route, response.body());
            checked.add(route);
        }
        assertThat(checked).as("routes with ids found in the mappings").hasSizeGreaterThanOrEqualTo(35);

        // Ids in a body (a run on A's endpoint or dataset, a board of A's dataset, fine-tuning on A's endpoint, an
        // import into A's dataset) are refused exactly as ids that exist nowhere: 404, or 400 naming the field.
        String launch = """
                {"method": "standard", "datasetId": "%s", "split": "train", "roles": {"student": "%s"}}""";
        String board = "{\"slug\": \"stolen\", \"title\": \"Stolen\", \"datasetId\": \"%s\"}";
        String campaign = "{\"runId\": \"%s\", \"title\": \"Stolen\", \"instructions\": \"x\", \"selection\": \"ALL\"}";
        byte[] outputs = "{\"itemId\": \"train-0\", \"output\": \"5\"}\n".getBytes(StandardCharsets.UTF_8);
        Map<String, java.util.function.Function<String, HttpResponse<String>>> byBody = Map.of(
                "an experiment on another workspace's dataset",
                id -> http.call("POST", "/api/v1/experiments", keyB, EXPERIMENT.formatted("x", id, endpointB)),
                "a template's experiment on another workspace's dataset",
                id -> http.call("POST", TEMPLATE, keyB, TEMPLATE_SLOTS.formatted(id, endpointB, endpointB)),
                "a template's experiment with another workspace's endpoint",
                id -> http.call("POST", TEMPLATE, keyB, TEMPLATE_SLOTS.formatted(datasetB, endpointB, id)),
                "an experiment with another workspace's endpoint",
                id -> http.call("POST", "/api/v1/experiments", keyB, EXPERIMENT.formatted("x", datasetB, id)),
                "a run with another workspace's endpoint",
                id -> http.call("POST", "/api/v1/runs", keyB, launch.formatted(datasetB, id)),
                "a run on another workspace's dataset",
                id -> http.call("POST", "/api/v1/runs", keyB, launch.formatted(id, endpointB)),
                "a public board of another workspace's dataset",
                id -> http.call("POST", "/api/v1/public-boards", keyB, board.formatted(id)),
                "a campaign of another workspace's run",
                id -> http.call("POST", "/api/v1/campaigns", keyB, campaign.formatted(id)),
                "fine-tuning on another workspace's endpoint",
                id -> fineTune(http, keyB, id),
                "an import into another workspace's dataset",
                id -> http.upload(
                        "/api/v1/runs/import",
                        keyB,
                        Map.of("datasetId", id, "split", "train"),
                        "outputs.jsonl",
                        outputs));
        Map<String, String> whose = Map.of(
                "an experiment on another workspace's dataset",
                "dataset",
                "a template's experiment on another workspace's dataset",
                "dataset",
                "a template's experiment with another workspace's endpoint",
                "endpoint",
                "an experiment with another workspace's endpoint",
                "endpoint",
                "a run with another workspace's endpoint",
                "endpoint",
                "a run on another workspace's dataset",
                "dataset",
                "a public board of another workspace's dataset",
                "dataset",
                "a campaign of another workspace's run",
                "run",
                "fine-tuning on another workspace's endpoint",
                "endpoint",
                "an import into another workspace's dataset",
                "dataset");
        for (var request : byBody.entrySet()) {
            String foreign = a.get(whose.get(request.getKey()));
            String nowhere = java.util.UUID.randomUUID().toString();
            HttpResponse<String> refused = request.getValue().apply(foreign);
            HttpResponse<String> unknown = request.getValue().apply(nowhere);
            assertThat(refused.statusCode())
                    .as(request.getKey() + ": " + refused.body())
                    .isIn(400, 404)
                    .isEqualTo(unknown.statusCode());
            assertThat(refused.body().replace(foreign, "ID"))
                    .as(request.getKey() + " tells a foreign id from a missing one")
                    .isEqualTo(unknown.body().replace(nowhere, "ID"));
            assertNoneOfA(request.getKey(), refused.body());
        }

        // Lists and filters: B sees none of A, even when it names A's dataset.
        for (var entry : routes().entrySet()) {
            if (entry.getKey().startsWith("GET ") && !entry.getKey().contains("{")) {
                String path = entry.getKey().substring(4);
                for (String query : List.of("", "?datasetId=" + a.get("dataset") + "&runId=" + a.get("run"))) {
                    HttpResponse<String> list = http.callWith(
                            "GET", path + query, path.startsWith(CONTRIBUTE) ? personB : "Bearer " + keyB, null);
                    assertThat(list.statusCode()).as(path + query).isIn(200, 400, 404);
                    assertNoneOfA(path + query, list.body());
                }
            }
        }
    }

    @Test
    void theDatabaseAloneKeepsEveryTenantTableApartForTheAppsRole() throws Exception {
        fixtures(new TestHttp(port));
        String idA = tenantA.workspaceId().toString();
        String idB = tenantB.workspaceId().toString();
        Map<String, String> tables = new TreeMap<>();
        List<String> empty = new ArrayList<>();
        try (Connection owner = TestDatabase.ownerConnection()) {
            var rows = owner.createStatement().executeQuery("""
                    SELECT c.relname, CASE WHEN c.relname = 'workspaces' THEN 'id' ELSE 'workspace_id' END
                    FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                      AND (c.relname = 'workspaces' OR EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped))""");
            while (rows.next()) {
                tables.put(rows.getString(1), rows.getString(2));
            }
            for (var table : tables.entrySet()) {
                if (count(
                                owner,
                                "SELECT count(*) FROM " + table.getKey() + " WHERE " + table.getValue() + " = '" + idA
                                        + "'")
                        == 0) {
                    empty.add(table.getKey());
                }
            }
        }
        assertThat(tables).hasSizeGreaterThanOrEqualTo(24);
        assertThat(empty)
                .as("tenant tables where the fixture left workspace A no row: give A one")
                .isEmpty();

        try (Connection app = DriverManager.getConnection(TestDatabase.url(), "distillery_app", "distillery_app")) {
            app.setAutoCommit(false);
            for (var table : tables.entrySet()) {
                String name = table.getKey();
                String column = table.getValue();
                assertThat(count(app, "SELECT count(*) FROM " + name))
                        .as(name + " without a workspace")
                        .isZero();
                app.rollback();

                within(app, idB);
                assertThat(count(app, "SELECT count(*) FROM " + name + " WHERE " + column + " = '" + idA + "'"))
                        .as(name + ": A's rows seen from B")
                        .isZero();
                assertThat(count(app, "SELECT count(*) FROM " + name + " WHERE " + column + " <> '" + idB + "'"))
                        .as(name + ": other workspaces' rows seen from B")
                        .isZero();
                app.rollback();

                // From A, its rows cannot be handed to B (nor, for the append-only audit log, changed at all).
                within(app, idA);
                assertThat(count(app, "SELECT count(*) FROM " + name))
                        .as(name + " from A")
                        .isPositive();
                assertThatThrownBy(() -> app.createStatement()
                                .executeUpdate("UPDATE " + name + " SET " + column + " = '" + idB + "' WHERE " + column
                                        + " = '" + idA + "'"))
                        .as(name + ": moving A's rows to B")
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("42501"));
                app.rollback();
            }
        }
    }

    /** Every mapped REST route, as "METHOD /pattern". */
    private Map<String, RequestMappingInfo> routes() {
        Map<String, RequestMappingInfo> routes = new TreeMap<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/")) {
                    for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                        routes.put(method.name() + " " + pattern, info);
                    }
                }
            }
        });
        return routes;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)}");

    /** The pattern with A's ids; a variable it does not know fails the test. */
    private static String fill(String pattern) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "runId" -> a.get("run");
                case "campaignId" -> a.get("campaign");
                case "itemId" -> a.get("item");
                case "revision" -> "1";
                case "userId" -> a.get("member");
                case "id" -> idIn(pattern.substring(0, m.start()));
                default ->
                    fail("No id of workspace A for {" + m.group(1) + "} in " + pattern + ": add one to this test");
            };
            m.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        m.appendTail(path);
        return path.toString();
    }

    private static String idIn(String prefix) {
        Map<String, String> byPrefix = Map.of(
                "/api/v1/endpoints/",
                "endpoint",
                "/api/v1/datasets/",
                "dataset",
                "/api/v1/runs/",
                "run",
                "/api/v1/fine-tuning/jobs/",
                "job",
                "/api/v1/experiments/",
                "experiment",
                "/api/v1/public-boards/",
                "board",
                "/api/v1/invitations/",
                "invitation",
                "/api/v1/api-keys/",
                "apiKey",
                "/api/v1/campaigns/",
                "campaign");
        String what = byPrefix.get(prefix);
        if (what == null) {
            return fail("No id of workspace A for {id} after " + prefix + ": add one to this test");
        }
        return a.get(what);
    }

    private static final String CONTRIBUTE = "/api/v1/contribute";
    private static final String TEMPLATE = "/api/v1/experiments/templates/fine-tune-cot";
    private static final String TEMPLATE_SLOTS = """
            {"datasetId": "%s", "slots": {"teacher": "%s", "student": "%s"}}""";

    private static final String EXPERIMENT = """
            {"name": "%s", "datasetId": "%s", "split": "train", "methods": [{"method": "standard"}],
             "students": ["%s"], "concurrency": 2}""";

    /** Bodies a route needs to get past validation to the look-up: the 404 must come from the look-up. */
    private static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("PATCH /api/v1/endpoints/{id}", "{\"name\": \"renamed\"}"),
            Map.entry("POST /api/v1/endpoints/{id}/api-key", "{\"apiKey\": \"sk-another-key-123456\"}"),
            Map.entry("PATCH /api/v1/members/{userId}", "{\"role\": \"VIEWER\"}"),
            Map.entry("POST /api/v1/runs/{runId}/exports", "{\"format\": \"ft-cot\"}"),
            Map.entry(
                    "POST /api/v1/runs/{runId}/traces/{itemId}/revisions",
                    "{\"baseRevision\": 1, \"teacherSteps\": [\"x\"]}"),
            Map.entry("POST /api/v1/runs/{runId}/review-queue", "{\"reviewsPerItem\": 1}"),
            Map.entry("POST /api/v1/runs/{runId}/review-queue/items/{itemId}/done", "{\"verdict\": true}"),
            Map.entry(
                    "POST /api/v1/runs/{runId}/traces/{itemId}/adjudication", "{\"verdict\": true, \"reason\": \"x\"}"),
            Map.entry("POST /api/v1/runs/{runId}/rerun-student", "{\"itemIds\": [\"train-0\"]}"),
            Map.entry("PUT /api/v1/campaigns/{id}/gold/{itemId}", "{\"verdict\": true}"),
            Map.entry("POST /api/v1/contribute/{campaignId}/answers", "{\"itemId\": \"train-0\", \"verdict\": true}"));

    private static final Map<String, String> QUERIES =
            Map.of("GET /api/v1/runs/{runId}/traces/{itemId}/diff", "?from=0&to=1");

    private static void assertNoneOfA(String route, String body) {
        assertThat(body)
                .as(route + " answers with workspace A's data")
                .doesNotContain(SECRET)
                .doesNotContain(tenantA.email())
                .doesNotContain(a.get("runName"));
    }

    /** Workspace A with a row in every tenant table, and workspace B with its own endpoint and dataset. */
    private synchronized void fixtures(TestHttp http) throws Exception {
        if (a != null) {
            return;
        }
        TestRuns runs = new TestRuns(http, json);
        Map<String, String> ids = new LinkedHashMap<>();
        tenantA = tenants.tenant("sweep-a", Role.ADMIN);
        String key = tenantA.apiKey();
        String memberKey = tenants.member(tenantA.email(), Role.ADMIN, Role.MEMBER);
        for (JsonNode member :
                json.readTree(http.call("GET", "/api/v1/members", key, null).body())) {
            if (!member.get("email").asString().equals(tenantA.email())) {
                ids.put("member", member.get("userId").asString());
            }
        }
        ids.put("endpoint", endpoint(http, key, SECRET + " endpoint"));
        ids.put("dataset", dataset(http, key, SECRET + " data"));
        ids.put("runName", SECRET + " run");
        ids.put("run", runs.completed(key, """
                {"name": "%s", "method": "trace-of-thought", "datasetId": "%s", "split": "train",
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 2}""".formatted(
                        ids.get("runName"), ids.get("dataset"), ids.get("endpoint"), ids.get("endpoint"))));
        ids.put("item", "train-0");
        String ftCot = runs.completed(key, """
                {"name": "%s ft", "method": "fine-tune-cot", "datasetId": "%s", "split": "train",
                 "roles": {"teacher": "%s"}, "concurrency": 2}""".formatted(SECRET, ids.get("dataset"), ids.get("endpoint")));
        var experiment = http.call(
                "POST",
                "/api/v1/experiments",
                key,
                EXPERIMENT.formatted(SECRET + " experiment", ids.get("dataset"), ids.get("endpoint")));
        ok(experiment);
        ids.put("experiment", json.readTree(experiment.body()).get("id").asString());
        String trace = "/api/v1/runs/" + ids.get("run") + "/traces/train-0";
        ok(http.call(
                "POST",
                trace + "/revisions",
                key,
                "{\"baseRevision\": 0, \"teacherSteps\": [\"Add.\", \"Report 5.\"]}"));
        ok(http.call("POST", trace + "/revisions/1/rerun", key, null));
        ok(http.call("POST", "/api/v1/runs/" + ids.get("run") + "/review-queue", key, "{\"reviewsPerItem\": 1}"));
        ok(http.call("POST", "/api/v1/runs/" + ids.get("run") + "/review-queue/next", memberKey, null));
        var export = http.call("POST", "/api/v1/runs/" + ftCot + "/exports", key, "{\"format\": \"ft-cot\"}");
        ok(export);
        var job = fineTune(http, key, ids.get("endpoint"));
        ok(job);
        ids.put("job", json.readTree(job.body()).get("id").asString());
        var published = http.call(
                "POST",
                "/api/v1/public-boards",
                key,
                "{\"slug\": \"sweep\", \"title\": \"" + SECRET + " board\", \"datasetId\": \"" + ids.get("dataset")
                        + "\"}");
        ok(published);
        ids.put("board", json.readTree(published.body()).get("id").asString());
        var invitation = http.call("POST", "/api/v1/invitations", key, "{\"role\": \"VIEWER\"}");
        ok(invitation);
        ids.put("invitation", json.readTree(invitation.body()).get("id").asString());
        var apiKey = http.call("POST", "/api/v1/api-keys", key, "{\"name\": \"sweep-ci\", \"role\": \"VIEWER\"}");
        ok(apiKey);
        ids.put("apiKey", json.readTree(apiKey.body()).get("id").asString());
        // What completes in the background: leaderboard rows, the search index, the fine-tuning job's events.
        runs.awaitRow(key, "/api/v1/leaderboards", ids.get("run"), row -> true);
        awaitJob(http, key, ids.get("job"));
        // A pipeline (its stages) needs a dataset with both splits; the workspace's own confirmation threshold.
        var splits = http.upload(
                "/api/v1/datasets",
                key,
                Map.of(
                        "name",
                        SECRET + " splits",
                        "format",
                        "generic",
                        "mapping",
                        "{\"question\":\"question\",\"answer\":\"answer\",\"split\":\"split\",\"answerType\":\"number\"}"),
                "splits.jsonl",
                SPLITS.getBytes(StandardCharsets.UTF_8));
        ok(splits);
        ok(http.call("POST", "/api/v1/experiments/templates/fine-tune-cot", key, """
                {"name": "%s pipeline", "datasetId": "%s",
                 "slots": {"teacher": "%s", "student": "%s", "samples": 1, "trainLimit": 1, "testLimit": 1}}""".formatted(
                        SECRET,
                        json.readTree(splits.body()).get("datasetId").asString(),
                        ids.get("endpoint"),
                        ids.get("endpoint"))));
        ok(http.call("PUT", "/api/v1/experiments/settings", key, "{\"confirmAboveTokens\": 2000000}"));
        // A campaign of the run, joined and answered by an outsider over their own password.
        var campaign = http.call("POST", "/api/v1/campaigns", key, """
                {"runId": "%s", "title": "%s campaign", "instructions": "Check it.", "selection": "ALL",
                 "minSecondsPerItem": 0}""".formatted(ids.get("run"), SECRET));
        ok(campaign);
        ids.put(
                "campaign",
                json.readTree(campaign.body()).get("campaign").get("id").asString());
        String contributor = TestHttp.basic(tenants.signUp("sweep-contributor"), TestTenants.PASSWORD);
        ok(http.callWith(
                "POST",
                CONTRIBUTE + "/join",
                contributor,
                "{\"token\": \""
                        + json.readTree(campaign.body()).get("joinToken").asString() + "\"}"));
        var next = http.callWith("GET", CONTRIBUTE + "/" + ids.get("campaign") + "/next", contributor, null);
        ok(next);
        ok(http.callWith(
                "POST",
                CONTRIBUTE + "/" + ids.get("campaign") + "/answers",
                contributor,
                "{\"itemId\": \""
                        + json.readTree(next.body()).get("item").get("itemId").asString() + "\", \"verdict\": true}"));

        tenantB = tenants.tenant("sweep-b", Role.ADMIN);
        endpointB = endpoint(http, tenantB.apiKey(), "B's endpoint");
        datasetB = dataset(http, tenantB.apiKey(), "B's data");
        a = ids;
    }

    private String endpoint(TestHttp http, String key, String name) {
        var created = http.call("POST", "/api/v1/endpoints", key, """
                {"name": "%s", "baseUrl": "%s", "model": "student", "apiKey": "%s"}""".formatted(name, sim.baseUrl(), SIM_KEY));
        ok(created);
        return json.readTree(created.body()).get("id").asString();
    }

    private String dataset(TestHttp http, String key, String name) {
        var upload = http.upload(
                "/api/v1/datasets",
                key,
                Map.of("name", name, "format", "gsm8k", "split", "train"),
                "train.jsonl",
                TRAIN.getBytes(StandardCharsets.UTF_8));
        ok(upload);
        return json.readTree(upload.body()).get("datasetId").asString();
    }

    private static HttpResponse<String> fineTune(TestHttp http, String key, String endpointId) {
        return http.upload(
                "/api/v1/fine-tuning/jobs",
                key,
                Map.of("endpointId", endpointId, "model", "student"),
                Map.of("trainingFile", new FilePart("train.jsonl", TRAINING_FILE.getBytes(StandardCharsets.UTF_8))));
    }

    private void awaitJob(TestHttp http, String key, String id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = json.readTree(http.call("GET", "/api/v1/fine-tuning/jobs/" + id, key, null)
                    .body());
            if (!job.get("finishedAt").isNull()) {
                return;
            }
            Thread.sleep(200);
        }
        fail("The fine-tuning job did not finish");
    }

    private static void ok(HttpResponse<?> response) {
        assertThat(response.statusCode()).as(String.valueOf(response.body())).isBetween(200, 204);
    }

    private static void within(Connection app, String workspaceId) throws SQLException {
        app.createStatement().execute("SELECT set_config('app.workspace_id', '" + workspaceId + "', true)");
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
