package dev.distillery.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.TestTenants;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.Fault;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.simulator.SimRequest;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class EndpointIntegrationTest extends ApiIntegrationTest {

    static final String SIM_KEY = "sk-simulated-secret-9f3a";
    static OpenAiSimulator sim;

    @Autowired
    ModelInvoker invoker;

    @Autowired
    CurrentTenant currentTenant;

    TestHttp http;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(
                Config.defaults().models("teacher-70b", "student-7b").apiKey(SIM_KEY));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void setUp() {
        http = new TestHttp(port);
        sim.reset();
    }

    @Test
    void anEndpointIsRegisteredWithAnEncryptedKeyThatIsNeverReturned() throws Exception {
        var tenant = tenants.tenant("reg", Role.MEMBER);
        HttpResponse<String> created = post(tenant, "/api/v1/endpoints", """
                {"name": "Teacher", "baseUrl": "%s/", "model": "teacher-70b", "apiKey": "%s",
                 "headers": {"X-Org": "secret-org"}, "defaults": {"temperature": 0, "maxTokens": 128},
                 "limits": {"maxConcurrency": 4, "rpm": 600}, "pricing": {"inputPerMillion": 0.5, "outputPerMillion": 1.5},
                 "sizeLabel": "70B"}""".formatted(sim.baseUrl(), SIM_KEY));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = json.readTree(created.body());
        assertThat(body.get("apiKeyHint").asString()).isEqualTo("••••9f3a");
        assertThat(body.get("baseUrl").asString()).isEqualTo(sim.baseUrl());
        assertThat(body.get("headerNames").get(0).asString()).isEqualTo("X-Org");
        assertThat(created.body()).doesNotContain(SIM_KEY).doesNotContain("secret-org");
        String id = body.get("id").asString();
        assertThat(get(tenant, "/api/v1/endpoints/" + id).body()).doesNotContain(SIM_KEY);
        assertThat(get(tenant, "/api/v1/endpoints").body()).contains("Teacher").doesNotContain(SIM_KEY);

        try (Connection owner = TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery(
                            "SELECT api_key_cipher, headers_cipher, row_to_json(e)::text FROM endpoints e WHERE id = '"
                                    + id + "'");
            rows.next();
            assertThat(new String(rows.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(SIM_KEY);
            assertThat(rows.getBytes(2)).isNotEmpty();
            assertThat(rows.getString(3)).doesNotContain(SIM_KEY).doesNotContain("secret-org");
        }

        HttpResponse<String> test = post(tenant, "/api/v1/endpoints/" + id + "/test", null);
        assertThat(test.statusCode()).isEqualTo(200);
        assertThat(json.readTree(test.body()).get("ok").asBoolean()).isTrue();
        SimRequest seen = sim.requests().getLast();
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + SIM_KEY);
        assertThat(seen.header("X-Org")).isEqualTo("secret-org");
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void testConnectionExplainsFailuresInPlainWords() throws Exception {
        var tenant = tenants.tenant("failures", Role.MEMBER);
        assertThat(kind(testResult(tenant, endpoint(tenant, sim.baseUrl(), "teacher-70b", "wrong-key", "chat"))))
                .isEqualTo("UNAUTHORIZED");
        assertThat(kind(testResult(tenant, endpoint(tenant, sim.baseUrl(), "no-such-model", SIM_KEY, "chat"))))
                .isEqualTo("MODEL_NOT_FOUND");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        JsonNode unknownModel = testResult(tenant, endpoint(tenant, sim.baseUrl(), "other-model", SIM_KEY, "chat"));
        assertThat(unknownModel.get("error").asString()).contains("The model 'other-model' does not exist");
        JsonNode refused =
                testResult(tenant, endpoint(tenant, "http://127.0.0.1:" + closed + "/v1", "m", null, "chat"));
        assertThat(kind(refused)).isEqualTo("CONNECTION_REFUSED");
        assertThat(refused.get("error").asString()).contains("refused the connection");
        assertThat(kind(testResult(tenant, endpoint(tenant, "http://no-such-host.invalid/v1", "m", null, "chat"))))
                .isEqualTo("DNS");

        String slow = endpoint(tenant, sim.baseUrl(), "teacher-70b", SIM_KEY, "chat");
        patch(tenant, "/api/v1/endpoints/" + slow, "{\"timeoutSeconds\": 1}");
        sim.failNext(1, Fault.timeout(Duration.ofSeconds(3)));
        assertThat(kind(testResult(tenant, slow))).isEqualTo("TIMEOUT");
    }

    @Test
    void badUrlsAndValuesAreRefusedFieldByField() throws Exception {
        var tenant = tenants.tenant("badurl", Role.MEMBER);
        HttpResponse<String> ftp =
                post(tenant, "/api/v1/endpoints", "{\"name\":\"x\",\"baseUrl\":\"ftp://host/v1\",\"model\":\"m\"}");
        assertThat(ftp.statusCode()).isEqualTo(400);
        assertThat(ftp.body()).contains("\"field\":\"baseUrl\"").contains("http://");
        HttpResponse<String> metadata = post(
                tenant,
                "/api/v1/endpoints",
                "{\"name\":\"x\",\"baseUrl\":\"http://169.254.169.254/latest\",\"model\":\"m\"}");
        assertThat(metadata.statusCode()).isEqualTo(400);
        assertThat(metadata.body()).contains("link-local");
        HttpResponse<String> missing = post(tenant, "/api/v1/endpoints", "{\"baseUrl\":\"http://localhost:1/v1\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("\"field\":\"name\"").contains("\"field\":\"model\"");
        HttpResponse<String> values = post(tenant, "/api/v1/endpoints", """
                {"name":"x","baseUrl":"http://localhost:1/v1","model":"m","defaults":{"temperature":3},
                 "limits":{"maxConcurrency":0}}""");
        assertThat(values.body()).contains("defaults.temperature").contains("limits.maxConcurrency");
        HttpResponse<String> style = post(
                tenant,
                "/api/v1/endpoints",
                "{\"name\":\"x\",\"baseUrl\":\"http://localhost:1/v1\",\"model\":\"m\",\"apiStyle\":\"grpc\"}");
        assertThat(style.statusCode()).isEqualTo(400);
        assertThat(style.body()).contains("apiStyle");
        assertThat(json.readTree(get(tenant, "/api/v1/endpoints").body()).size())
                .isZero();
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndTheKeyToo() throws Exception {
        var tenant = tenants.tenant("patch", Role.MEMBER);
        String id = endpoint(tenant, sim.baseUrl(), "teacher-70b", SIM_KEY, "chat");
        JsonNode patched = json.readTree(patch(
                        tenant,
                        "/api/v1/endpoints/" + id,
                        "{\"defaults\": {\"temperature\": 0.7}, \"sizeLabel\": \"70B\"}")
                .body());
        assertThat(patched.get("defaults").get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(patched.get("model").asString()).isEqualTo("teacher-70b");
        assertThat(patched.get("apiKeyHint").asString()).isEqualTo("••••9f3a");
        HttpResponse<String> withKey = patch(tenant, "/api/v1/endpoints/" + id, "{\"apiKey\": \"sk-new-1234\"}");
        assertThat(withKey.statusCode()).isEqualTo(200);
        assertThat(json.readTree(withKey.body()).get("apiKeyHint").asString()).isEqualTo("••••1234");
        JsonNode rotated =
                json.readTree(post(tenant, "/api/v1/endpoints/" + id + "/api-key", "{\"apiKey\": \"sk-rotated-7777\"}")
                        .body());
        assertThat(rotated.get("apiKeyHint").asString()).isEqualTo("••••7777");
        assertThat(kind(testResult(tenant, id))).isEqualTo("UNAUTHORIZED");
        assertThat(http.call("DELETE", "/api/v1/endpoints/" + id, tenant.apiKey(), null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(get(tenant, "/api/v1/endpoints/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void anotherWorkspaceGetsNotFoundAndAViewerCannotChangeEndpoints() throws Exception {
        var owner = tenants.tenant("own", Role.MEMBER);
        var other = tenants.tenant("other", Role.ADMIN);
        String id = endpoint(owner, sim.baseUrl(), "teacher-70b", SIM_KEY, "chat");
        assertThat(get(other, "/api/v1/endpoints/" + id).statusCode()).isEqualTo(404);
        assertThat(patch(other, "/api/v1/endpoints/" + id, "{\"name\":\"stolen\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(post(other, "/api/v1/endpoints/" + id + "/test", null).statusCode())
                .isEqualTo(404);
        assertThat(post(other, "/api/v1/endpoints/" + id + "/api-key", "{\"apiKey\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.call("DELETE", "/api/v1/endpoints/" + id, other.apiKey(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(get(other, "/api/v1/endpoints").body()).doesNotContain(id);
        assertThat(get(owner, "/api/v1/endpoints/" + id).body()).contains("\"name\":\"teacher-70b\"");

        var viewer = tenants.tenant("viewer", Role.VIEWER);
        HttpResponse<String> refused = post(
                viewer, "/api/v1/endpoints", "{\"name\":\"x\",\"baseUrl\":\"http://localhost:1/v1\",\"model\":\"m\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Viewer");
    }

    @Test
    void theInvokerHonoursRetryAfterAndRetriesServerErrors() throws Exception {
        var tenant = tenants.tenant("retry", Role.MEMBER);
        UUID id = UUID.fromString(endpoint(tenant, sim.baseUrl(), "student-7b", SIM_KEY, "chat"));
        sim.failNext(2, Fault.rateLimited(Duration.ofSeconds(1)));
        long start = System.nanoTime();
        ModelResponse response = as(tenant, () -> invoker.invoke(id, ModelRequest.of("What is 2+2?")));
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.attempts()).isEqualTo(3);
        assertThat(response.text()).contains("The answer is");
        assertThat(waited).as("two Retry-After waits of 1 s").isGreaterThanOrEqualTo(1900);

        sim.failNext(1, Fault.serverError());
        assertThat(as(tenant, () -> invoker.invoke(id, ModelRequest.of("again")))
                        .attempts())
                .isEqualTo(2);

        sim.failNext(1, Fault.malformedJson());
        assertThatThrownBy(() -> as(tenant, () -> invoker.invoke(id, ModelRequest.of("broken"))))
                .isInstanceOfSatisfying(
                        ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE));
        sim.failNext(1, Fault.emptyChoices());
        assertThatThrownBy(() -> as(tenant, () -> invoker.invoke(id, ModelRequest.of("empty"))))
                .isInstanceOfSatisfying(
                        ModelCallException.class,
                        e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(ModelCallException.Kind.EMPTY_RESPONSE));
        sim.failNext(10, Fault.status(401, "bad key"));
        assertThatThrownBy(() -> as(tenant, () -> invoker.invoke(id, ModelRequest.of("unauthorised"))))
                .isInstanceOfSatisfying(
                        ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(ModelCallException.Kind.UNAUTHORIZED));
        assertThat(sim.requests().stream()
                        .filter(r -> r.prompt().equals("unauthorised"))
                        .count())
                .as("a refused key is not retried")
                .isEqualTo(1);
    }

    @Test
    void completionsStyleSendsTheProtocolsDecodingAndSamples() throws Exception {
        var tenant = tenants.tenant("completions", Role.MEMBER);
        UUID id = UUID.fromString(endpoint(tenant, sim.baseUrl(), "student-7b", SIM_KEY, "completions"));
        ModelResponse response = as(
                tenant,
                () -> invoker.invoke(
                        id,
                        new ModelRequest(
                                "Q: 1+1?\nA: Let's think step by step.", 0.7, null, 128, List.of("END"), 7, 3)));
        assertThat(response.texts()).hasSize(3);
        assertThat(response.promptTokens()).isPositive();
        SimRequest seen = sim.requests().getLast();
        assertThat(seen.path()).isEqualTo("/v1/completions");
        assertThat(seen.prompt()).isEqualTo("Q: 1+1?\nA: Let's think step by step.");
        assertThat(seen.maxTokens()).isEqualTo(128);
        assertThat(seen.stop()).containsExactly("END");
        assertThat(seen.n()).isEqualTo(3);
        assertThat(seen.temperature()).isEqualTo(0.7);
        assertThat(seen.messages()).isEmpty();
    }

    @Test
    void theConcurrencyCapHoldsAcrossCallers() throws Exception {
        var tenant = tenants.tenant("cap", Role.MEMBER);
        UUID id = UUID.fromString(endpoint(tenant, sim.baseUrl(), "student-7b", SIM_KEY, "chat"));
        patch(tenant, "/api/v1/endpoints/" + id, "{\"limits\": {\"maxConcurrency\": 2}}");
        try (OpenAiSimulator slow =
                OpenAiSimulator.start(Config.defaults().models("student-7b").latency(Duration.ofMillis(150)))) {
            // another server: the key must be given again
            patch(tenant, "/api/v1/endpoints/" + id, "{\"baseUrl\": \"" + slow.baseUrl() + "\", \"apiKey\": null}");
            var context = new TenantContext(tenant.workspaceId(), Role.MEMBER, Actor.system());
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<ModelResponse>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String prompt = "question " + i;
                    calls.add(pool.submit(
                            () -> currentTenant.callAs(context, () -> invoker.invoke(id, ModelRequest.of(prompt)))));
                }
                for (Future<ModelResponse> call : calls) {
                    assertThat(call.get().text()).isNotBlank();
                }
            }
            assertThat(slow.requestCount()).isEqualTo(10);
            assertThat(slow.maxConcurrency()).isEqualTo(2);
        }
    }

    private <T> T as(TestTenants.Tenant tenant, Supplier<T> call) {
        return currentTenant.callAs(new TenantContext(tenant.workspaceId(), Role.MEMBER, Actor.system()), call);
    }

    private String endpoint(TestTenants.Tenant tenant, String baseUrl, String model, String key, String style)
            throws Exception {
        String keyJson = key == null ? "null" : "\"" + key + "\"";
        HttpResponse<String> created = post(tenant, "/api/v1/endpoints", """
                {"name": "%s", "baseUrl": "%s", "model": "%s", "apiKey": %s, "apiStyle": "%s"}""".formatted(
                        model + "-" + UUID.randomUUID().toString().substring(0, 5), baseUrl, model, keyJson, style));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json.readTree(created.body()).get("id").asString();
        // Names carry a suffix so one workspace can hold several; tests look endpoints up by id.
        patch(tenant, "/api/v1/endpoints/" + id, "{\"name\": \"" + model + "\"}");
        return id;
    }

    private JsonNode testResult(TestTenants.Tenant tenant, String id) throws Exception {
        HttpResponse<String> response = post(tenant, "/api/v1/endpoints/" + id + "/test", null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = json.readTree(response.body());
        assertThat(result.get("ok").asBoolean()).as(response.body()).isFalse();
        return result;
    }

    private static String kind(JsonNode testResult) {
        return testResult.get("errorKind").asString();
    }

    private HttpResponse<String> post(TestTenants.Tenant tenant, String path, String body) {
        return http.call("POST", path, tenant.apiKey(), body);
    }

    private HttpResponse<String> patch(TestTenants.Tenant tenant, String path, String body) {
        return http.call("PATCH", path, tenant.apiKey(), body);
    }

    private HttpResponse<String> get(TestTenants.Tenant tenant, String path) {
        return http.call("GET", path, tenant.apiKey(), null);
    }
}
