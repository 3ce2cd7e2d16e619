package dev.distillery.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class GradingApiIntegrationTest extends ApiIntegrationTest {

    private static final String CHECK = "/api/v1/grading/check";

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = new TestHttp(port);
    }

    @Test
    void aMixedBatchComesBackInOrderWithTheRuleUsed() {
        String apiKey = tenants.tenant("grader", Role.MEMBER).apiKey();
        String body = json.writeValueAsString(Map.of(
                "answerType",
                "number",
                "items",
                List.of(
                        Map.of("prediction", "48 + 24 = 72\n#### 72", "gold", "72"),
                        Map.of("prediction", "She pays $1,234.50 in total", "gold", "1234.5"),
                        Map.of("prediction", "The answer is 17.", "gold", "18"),
                        Map.of("prediction", "I do not know", "gold", "3"))));

        HttpResponse<String> response = http.call("POST", CHECK, apiKey, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode results = json.readTree(response.body()).get("results");
        assertThat(results).hasSize(4);
        assertResult(results.get(0), "72", true, "after-marker");
        assertResult(results.get(1), "1234.50", true, "last-number");
        assertResult(results.get(2), "17", false, "after-marker");
        assertThat(results.get(3).get("extracted").isNull()).isTrue();
        assertThat(results.get(3).get("correct").asBoolean()).isFalse();
    }

    @Test
    void eachAnswerTypeAndAnExplicitRuleAreGraded() {
        String apiKey = tenants.tenant("grader-types", Role.MEMBER).apiKey();

        JsonNode math = check(
                apiKey,
                Map.of(
                        "answerType",
                        "math",
                        "items",
                        List.of(
                                Map.of(
                                        "prediction",
                                        "So the answer is \\boxed{\\frac{\\sqrt{2}}{2}}.",
                                        "gold",
                                        "\\frac{1}{\\sqrt2}"),
                                Map.of("prediction", "\\boxed{(1,2)}", "gold", "(1,2]"))));
        assertResult(math.get(0), "\\frac{\\sqrt{2}}{2}", true, "boxed");
        assertResult(math.get(1), "(1,2)", false, "boxed");

        JsonNode choice = check(
                apiKey,
                Map.of(
                        "answerType",
                        "choice",
                        "items",
                        List.of(Map.of(
                                "prediction",
                                "The answer is library.",
                                "gold",
                                "B",
                                "choices",
                                List.of(
                                        Map.of("label", "A", "text", "bank"),
                                        Map.of("label", "B", "text", "library"))))));
        assertResult(choice.get(0), "B", true, "after-marker");

        JsonNode yesNo = check(
                apiKey,
                Map.of(
                        "answerType",
                        "yesno",
                        "items",
                        List.of(Map.of("prediction", "Yes they can, so the answer is no.", "gold", "false"))));
        assertResult(yesNo.get(0), "no", true, "last-yes-no");

        JsonNode text = check(
                apiKey,
                Map.of(
                        "answerType",
                        "string",
                        "items",
                        List.of(Map.of("prediction", "The answer is \"nkg\".", "gold", "nkg"))));
        assertResult(text.get(0), "nkg", true, "after-marker");

        JsonNode lastNumber = check(
                apiKey,
                Map.of(
                        "answerType",
                        "number",
                        "rule",
                        "last-number",
                        "items",
                        List.of(Map.of("prediction", "The answer is 8. Check: 8 - 1 = 7", "gold", "7"))));
        assertResult(lastNumber.get(0), "7", true, "last-number");
    }

    @Test
    void tenThousandNumberItemsAreGradedInOneCall() {
        String apiKey = tenants.tenant("grader-bulk", Role.MEMBER).apiKey();
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < GradingService.MAX_ITEMS; i++) {
            items.add(Map.of(
                    "prediction",
                    "Adding " + i + " and 1 gives " + (i + 1) + ".\n#### " + (i + 1),
                    "gold",
                    String.valueOf(i % 2 == 0 ? i + 1 : i)));
        }
        String body = json.writeValueAsString(Map.of("answerType", "number", "items", items));

        long started = System.nanoTime();
        HttpResponse<String> response = http.call("POST", CHECK, apiKey, body);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode results = json.readTree(response.body()).get("results");
        assertThat(results).hasSize(GradingService.MAX_ITEMS);
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).get("correct").asBoolean())
                    .as("item %d", i)
                    .isEqualTo(i % 2 == 0);
        }
        System.out.printf("Grading API: %d number items in %d ms (round trip)%n", GradingService.MAX_ITEMS, millis);
    }

    @Test
    void moreThanTenThousandItemsAreRefusedNamingTheLimit() {
        String apiKey = tenants.tenant("grader-limit", Role.MEMBER).apiKey();
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i <= GradingService.MAX_ITEMS; i++) {
            items.add(Map.of("prediction", "#### 1", "gold", "1"));
        }

        HttpResponse<String> response = http.call(
                "POST", CHECK, apiKey, json.writeValueAsString(Map.of("answerType", "number", "items", items)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("detail").asString())
                .contains("items")
                .contains("10000")
                .contains("10001");
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("items");
    }

    @Test
    void anUnknownAnswerTypeIsRefusedNamingTheField() {
        String apiKey = tenants.tenant("grader-type", Role.MEMBER).apiKey();

        HttpResponse<String> response = http.call(
                "POST",
                CHECK,
                apiKey,
                json.writeValueAsString(Map.of(
                        "answerType", "fraction", "items", List.of(Map.of("prediction", "1/2", "gold", "0.5")))));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("answerType");
        assertThat(problem.get("detail").asString()).contains("fraction");
    }

    @Test
    void aMissingAnswerTypeOrAnUnknownRuleIsRefusedNamingTheField() {
        String apiKey = tenants.tenant("grader-rule", Role.MEMBER).apiKey();

        HttpResponse<String> missing = http.call(
                "POST",
                CHECK,
                apiKey,
                json.writeValueAsString(Map.of("items", List.of(Map.of("prediction", "1", "gold", "1")))));
        HttpResponse<String> badRule = http.call(
                "POST",
                CHECK,
                apiKey,
                json.writeValueAsString(Map.of(
                        "answerType",
                        "math",
                        "rule",
                        "first-letter",
                        "items",
                        List.of(Map.of("prediction", "1", "gold", "1")))));
        HttpResponse<String> noGold = http.call(
                "POST",
                CHECK,
                apiKey,
                json.writeValueAsString(Map.of("answerType", "math", "items", List.of(Map.of("prediction", "1")))));

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json.readTree(missing.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("answerType");
        assertThat(badRule.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badRule.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("rule");
        assertThat(json.readTree(badRule.body()).get("detail").asString()).contains("boxed");
        assertThat(noGold.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noGold.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("items[0].gold");
    }

    @Test
    void withoutAnApiKeyTheApiAnswers401() {
        HttpResponse<String> response = http.call(
                "POST",
                CHECK,
                null,
                json.writeValueAsString(
                        Map.of("answerType", "number", "items", List.of(Map.of("prediction", "#### 1", "gold", "1")))));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    private JsonNode check(String apiKey, Map<String, Object> request) {
        HttpResponse<String> response = http.call("POST", CHECK, apiKey, json.writeValueAsString(request));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).get("results");
    }

    private static void assertResult(JsonNode result, String extracted, boolean correct, String rule) {
        assertThat(result.get("extracted").asString()).isEqualTo(extracted);
        assertThat(result.get("correct").asBoolean()).isEqualTo(correct);
        assertThat(result.get("rule").asString()).isEqualTo(rule);
        assertThat(result.get("flagged").asBoolean()).isFalse();
    }
}
