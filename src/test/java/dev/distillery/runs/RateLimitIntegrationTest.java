package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.TestTenants;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs against a provider that admits 40 requests in any 2 s (20/s) and refuses the rest with 429, on endpoints
 * registered without declared limits: with and without rate-limit headers, and two runs sharing one endpoint. No
 * item may fail for a refusal, and the pace must be found rather than fought (the unpaced engine got more refusals
 * than calls against such a provider).
 */
class RateLimitIntegrationTest extends ApiIntegrationTest {

    static OpenAiSimulator sim;
    TestHttp http;
    TestRuns runs;

    @BeforeAll
    static void startSimulator() {
        sim = OpenAiSimulator.start(Config.defaults().models("student").latency(Duration.ofMillis(20)));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void setUp() {
        http = new TestHttp(port);
        runs = new TestRuns(http, json);
        sim.reset();
    }

    @Test
    void withRateLimitHeadersARunKeepsToTheProvidersPaceAndNoItemFails() throws Exception {
        sim.rateLimit(40, 0, Duration.ofSeconds(2), true);
        var tenant = tenants.tenant("paced-headers", Role.MEMBER);
        String endpoint = runs.endpoint(tenant.apiKey(), sim.baseUrl(), "student");
        Set<String> pacing = new HashSet<>();
        JsonNode done = run(tenant, endpoint, 120, pacing);
        assertThat(done.get("errors").asInt()).isZero();
        assertThat(done.get("done").asInt()).isEqualTo(120);
        assertThat(pacing)
                .as("the run page's pacing line")
                .anyMatch(p -> p.startsWith("paced by provider: ")
                        && p.contains("req/s")
                        && p.endsWith("(rate-limit headers)"));
        // Only the calls in flight when the limit is reached are refused, about the run's concurrency (16); the
        // engine before pacing got more refusals than calls from such a provider.
        assertThat(sim.rateLimitRefusals()).as("refusals for 120 calls").isLessThanOrEqualTo(2 * 16);
    }

    @Test
    void withoutHeadersThePaceIsFoundFromRefusalsAndNoItemFails() throws Exception {
        sim.rateLimit(40, 0, Duration.ofSeconds(2), false);
        var tenant = tenants.tenant("paced-bare", Role.MEMBER);
        String endpoint = runs.endpoint(tenant.apiKey(), sim.baseUrl(), "student");
        Set<String> pacing = new HashSet<>();
        JsonNode done = run(tenant, endpoint, 120, pacing);
        assertThat(done.get("errors").asInt()).isZero();
        assertThat(done.get("done").asInt()).isEqualTo(120);
        assertThat(pacing).anyMatch(p -> p.endsWith("(refusals (429))"));
        assertThat(sim.rateLimitRefusals()).as("refusals for 120 calls").isLessThanOrEqualTo(2 * 16);
    }

    @Test
    void twoRunsOnOneEndpointShareItsPace() throws Exception {
        sim.rateLimit(40, 0, Duration.ofSeconds(2), true);
        var tenant = tenants.tenant("paced-shared", Role.MEMBER);
        String endpoint = runs.endpoint(tenant.apiKey(), sim.baseUrl(), "student");
        String dataset = dataset(tenant);
        String first = runs.launch(tenant.apiKey(), launch(dataset, endpoint, 0, 60));
        String second = runs.launch(tenant.apiKey(), launch(dataset, endpoint, 60, 60));
        for (String id : new String[] {first, second}) {
            JsonNode done = runs.await(
                    tenant.apiKey(), id, run -> run.get("status").asString().equals("completed"));
            assertThat(done.get("errors").asInt()).isZero();
            assertThat(done.get("done").asInt()).isEqualTo(60);
        }
        assertThat(sim.rateLimitRefusals())
                .as("refusals for 120 calls, two runs in flight")
                .isLessThanOrEqualTo(3 * 16);
    }

    private JsonNode run(TestTenants.Tenant tenant, String endpoint, int items, Set<String> pacingSeen)
            throws Exception {
        String id = runs.launch(tenant.apiKey(), launch(dataset(tenant), endpoint, 0, items));
        return runs.await(tenant.apiKey(), id, run -> {
            run.path("pacing").properties().forEach(role -> pacingSeen.add(describe(role.getValue())));
            return run.get("status").asString().equals("completed");
        });
    }

    private static String describe(JsonNode pacing) {
        return String.format(
                java.util.Locale.ROOT,
                "paced by provider: %.1f req/s, %d refusals (%s)",
                pacing.get("callsPerSecond").asDouble(),
                pacing.get("refusalsLastMinute").asInt(),
                pacing.get("source").asString());
    }

    private String dataset(TestTenants.Tenant tenant) throws Exception {
        var upload = http.upload(
                "/api/v1/datasets",
                tenant.apiKey(),
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return json.readTree(upload.body()).get("datasetId").asString();
    }

    private static String launch(String dataset, String endpoint, int offset, int limit) {
        return """
                {"method": "standard", "datasetId": "%s", "split": "test", "offset": %d, "limit": %d, "concurrency": 16,
                 "roles": {"student": "%s"}}""".formatted(dataset, offset, limit, endpoint);
    }
}
