package dev.distillery.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.keygen.KeyGenerators;
import tools.jackson.databind.JsonNode;

/**
 * What an ordinary member cannot make the server do with an endpoint, tried against real local servers: send the
 * stored key or header values to a server of their choosing, follow a redirect, reach a refused address (entered, or
 * stored and refused again at connection time), or set routing headers. And an admin re-encrypts stored secrets.
 */
class EndpointEgressIntegrationTest extends ApiIntegrationTest {

    TestHttp http;
    OpenAiSimulator sim;
    final List<Recorder> recorders = new CopyOnWriteArrayList<>();

    /** A local HTTP server that answers every request with {@code status} (and Location) and records its headers. */
    static final class Recorder implements AutoCloseable {
        final HttpServer server;
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        final List<String> orgs = new CopyOnWriteArrayList<>();

        Recorder(String address, int status, String location) throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
            server.createContext("/", exchange -> {
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                orgs.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Org")));
                exchange.getRequestBody().readAllBytes();
                if (location != null) {
                    exchange.getResponseHeaders().add("Location", location);
                }
                byte[] body = "{\"error\": {\"message\": \"recorded\"}}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        String url(String address) {
            return "http://" + address + ":" + server.getAddress().getPort() + "/v1";
        }

        int requests() {
            return authorizations.size();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void setUp() {
        http = new TestHttp(port);
        sim = OpenAiSimulator.start(Config.defaults().models("m").apiKey("sk-A-secret"));
    }

    @AfterEach
    void tearDown() {
        sim.close();
        recorders.forEach(Recorder::close);
    }

    private Recorder recorder(String address, int status, String location) throws Exception {
        Recorder recorder = new Recorder(address, status, location);
        recorders.add(recorder);
        return recorder;
    }

    @Test
    void aStoredKeyAndHeadersAreNeverSentToAnotherServer() throws Exception {
        var tenant = tenants.tenant("egress-key", Role.MEMBER);
        String id = created(tenant.apiKey(), """
                {"name": "A", "baseUrl": "%s", "model": "m", "apiKey": "sk-A-secret", "headers": {"X-Org": "org-a"}}""".formatted(sim.baseUrl()));
        Recorder other = recorder("127.0.0.1", 200, null);

        HttpResponse<String> moved = http.call(
                "PATCH",
                "/api/v1/endpoints/" + id,
                tenant.apiKey(),
                "{\"baseUrl\": \"" + other.url("localhost") + "\"}");
        assertThat(moved.statusCode()).isEqualTo(400);
        JsonNode errors = json.readTree(moved.body()).get("errors");
        assertThat(errors.findValuesAsString("field")).containsExactlyInAnyOrder("apiKey", "headers");
        assertThat(moved.body()).contains("never sent to another server");
        assertThat(json.readTree(http.call("POST", "/api/v1/endpoints/" + id + "/test", tenant.apiKey(), null)
                                .body())
                        .get("ok")
                        .asBoolean())
                .as("still at A with its key")
                .isTrue();
        assertThat(other.requests()).isZero();

        HttpResponse<String> withKey = http.call(
                "PATCH",
                "/api/v1/endpoints/" + id,
                tenant.apiKey(),
                "{\"baseUrl\": \"" + other.url("localhost")
                        + "\", \"apiKey\": \"sk-B\", \"headers\": {\"X-Org\": \"org-b\"}}");
        assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(200);
        http.call("POST", "/api/v1/endpoints/" + id + "/test", tenant.apiKey(), null);
        assertThat(other.authorizations).containsOnly("Bearer sk-B");
        assertThat(other.orgs).containsOnly("org-b");
        assertThat(sim.requests()).allMatch(r -> "Bearer sk-A-secret".equals(r.header("Authorization")));

        // The same server under another path keeps its key.
        HttpResponse<String> samePlace = http.call(
                "PATCH",
                "/api/v1/endpoints/" + id,
                tenant.apiKey(),
                "{\"baseUrl\": \"" + other.url("localhost") + "/\", \"model\": \"m2\"}");
        assertThat(samePlace.statusCode()).as(samePlace.body()).isEqualTo(200);
    }

    @Test
    void redirectsAreReportedAndNotFollowed() throws Exception {
        var tenant = tenants.tenant("egress-redirect", Role.MEMBER);
        Recorder target = recorder("127.0.0.1", 200, null);
        Recorder redirecting = recorder("127.0.0.1", 302, target.url("127.0.0.1") + "/chat/completions");

        for (String style : List.of("CHAT", "COMPLETIONS")) {
            String id = created(tenant.apiKey(), """
                    {"name": "R %s", "baseUrl": "%s", "model": "m", "apiKey": "sk-R", "apiStyle": "%s"}""".formatted(style, redirecting.url("127.0.0.1"), style));
            JsonNode result =
                    json.readTree(http.call("POST", "/api/v1/endpoints/" + id + "/test", tenant.apiKey(), null)
                            .body());
            assertThat(result.get("ok").asBoolean()).isFalse();
            assertThat(result.get("errorKind").asString()).as(style).isEqualTo("REDIRECTED");
            assertThat(result.get("error").asString()).contains("not followed");
        }
        assertThat(redirecting.requests()).isEqualTo(2);
        assertThat(target.requests()).isZero();
    }

    @Test
    void refusedAddressesCannotBeEnteredAndAStoredOneIsRefusedAtConnection() throws Exception {
        var tenant = tenants.tenant("egress-refused", Role.MEMBER);
        for (String url : List.of(
                "http://127.0.0.2:8000/v1",
                "http://10.0.0.1/v1",
                "http://[::1]:8000/v1",
                "http://2130706433/v1",
                "http://100.100.100.200/v1",
                "http://[::ffff:169.254.169.254]/v1",
                "http://metadata.google.internal/v1")) {
            HttpResponse<String> refused = http.call(
                    "POST",
                    "/api/v1/endpoints",
                    tenant.apiKey(),
                    "{\"name\": \"x\", \"baseUrl\": \"" + url + "\", \"model\": \"m\"}");
            assertThat(refused.statusCode()).as(url).isEqualTo(400);
            assertThat(refused.body()).as(url).contains("\"field\":\"baseUrl\"");
        }
        HttpResponse<String> host =
                http.call("POST", "/api/v1/endpoints", tenant.apiKey(), """
                {"name": "x", "baseUrl": "%s", "model": "m", "headers": {"Host": "internal.example"}}""".formatted(sim.baseUrl()));
        assertThat(host.statusCode()).isEqualTo(400);
        assertThat(host.body()).contains("\"field\":\"headers\"").contains("routing");

        // A stored URL the policy does not allow (entered under other settings, or a name that now resolves
        // elsewhere) is refused when connecting: nothing reaches the server.
        Recorder elsewhere = recorder("127.0.0.2", 200, null);
        String id = created(tenant.apiKey(), """
                {"name": "S", "baseUrl": "%s", "model": "m", "apiKey": "sk-A-secret"}""".formatted(sim.baseUrl()));
        try (var db = TestDatabase.ownerConnection();
                PreparedStatement move = db.prepareStatement("UPDATE endpoints SET base_url = ? WHERE id = ?")) {
            move.setString(1, elsewhere.url("127.0.0.2"));
            move.setObject(2, UUID.fromString(id));
            assertThat(move.executeUpdate()).isEqualTo(1);
        }
        JsonNode result = json.readTree(http.call("POST", "/api/v1/endpoints/" + id + "/test", tenant.apiKey(), null)
                .body());
        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("error").asString()).contains("127.0.0.2").contains("DISTILLERY_ENDPOINTS_ALLOWED_HOSTS");
        assertThat(elsewhere.requests()).isZero();
    }

    @Test
    void anAdminReencryptsSecretsWrittenUnderAnOlderKeyOrFormat() throws Exception {
        var tenant = tenants.tenant("egress-rotate", Role.ADMIN);
        String member = tenants.apiKey(tenant.email(), Role.MEMBER);
        String id = created(tenant.apiKey(), """
                {"name": "K", "baseUrl": "%s", "model": "m", "apiKey": "sk-A-secret"}""".formatted(sim.baseUrl()));
        // As stored before secrets were bound to their row: Spring's GCM format under the configured key.
        byte[] legacy = new AesBytesEncryptor(
                        new SecretKeySpec(
                                java.util.Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
                                "AES"),
                        KeyGenerators.secureRandom(16),
                        AesBytesEncryptor.CipherAlgorithm.GCM)
                .encrypt("sk-A-secret".getBytes(StandardCharsets.UTF_8));
        try (var db = TestDatabase.ownerConnection();
                PreparedStatement old = db.prepareStatement("UPDATE endpoints SET api_key_cipher = ? WHERE id = ?")) {
            old.setBytes(1, legacy);
            old.setObject(2, UUID.fromString(id));
            old.executeUpdate();
        }

        assertThat(json.readTree(http.call("GET", "/api/v1/endpoints/secrets", tenant.apiKey(), null)
                                .body())
                        .get("staleEndpoints")
                        .asInt())
                .isEqualTo(1);
        assertThat(http.call("POST", "/api/v1/endpoints/secrets/re-encrypt", member, null)
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> done = http.call("POST", "/api/v1/endpoints/secrets/re-encrypt", tenant.apiKey(), null);
        assertThat(json.readTree(done.body()).get("reencrypted").asInt()).isEqualTo(1);
        assertThat(json.readTree(http.call("GET", "/api/v1/endpoints/secrets", tenant.apiKey(), null)
                                .body())
                        .get("staleEndpoints")
                        .asInt())
                .isZero();
        assertThat(json.readTree(http.call("POST", "/api/v1/endpoints/" + id + "/test", tenant.apiKey(), null)
                                .body())
                        .get("ok")
                        .asBoolean())
                .as("the key still works")
                .isTrue();
    }

    private String created(String key, String body) {
        HttpResponse<String> created = http.call("POST", "/api/v1/endpoints", key, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).get("id").asString();
    }
}
