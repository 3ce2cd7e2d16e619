package dev.distillery.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.TestTenants;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A campaign over REST: its owner makes and runs it with a workspace API key; two outsiders join, take items and
 * answer over HTTP Basic with their own email and password, until the campaign's answers-per-minute stops them; the
 * consensus comes out as JSON Lines. Each kind of credential works only on its own side.
 */
class CampaignApiIntegrationTest extends ApiIntegrationTest {

    static OpenAiSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = CampaignRuns.simulator();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void ownersRunACampaignWithTheirKeyAndOutsidersContributeWithTheirPassword() throws Exception {
        TestHttp http = new TestHttp(port);
        var owner = tenants.tenant("api-campaign-owner", Role.ADMIN);
        String key = owner.apiKey();
        String runId = CampaignRuns.finishedRun(http, json, sim, key, 5);

        // Bad input names its field.
        assertField(
                http.call("POST", "/api/v1/campaigns", key, "{\"title\": \"x\", \"instructions\": \"y\"}"), "runId");
        assertField(
                http.call("POST", "/api/v1/campaigns", key, draft(runId, "\"reviewsPerItem\": 20")), "reviewsPerItem");
        assertField(http.call("POST", "/api/v1/campaigns", key, draft(runId, "\"selection\": \"SOME\"")), "selection");

        HttpResponse<String> created = http.call("POST", "/api/v1/campaigns", key, draft(runId, "\"listed\": false"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json.readTree(created.body());
        String id = body.get("campaign").get("id").asString();
        String token = body.get("joinToken").asString();
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/campaigns/" + id);
        assertThat(body.get("joinUrl").asString()).isEqualTo("/join/" + token);
        assertThat(body.get("campaign").get("items").asInt()).isEqualTo(5);
        String campaign = "/api/v1/campaigns/" + id;
        assertThat(ids(http.call("GET", "/api/v1/campaigns", key, null), "id")).contains(id);
        assertThat(ok(http.call("GET", campaign, key, null))
                        .get("answersPerMinute")
                        .asInt())
                .isEqualTo(3);

        // Gold: set, refused without a verdict, removed, set again; the state filter is checked.
        List<String> items = ids(http.call("GET", campaign + "/items?limit=10", key, null), "itemId");
        assertThat(items).hasSize(5);
        String gold = items.getFirst();
        assertThat(ok(http.call("PUT", campaign + "/gold/" + gold, key, "{\"verdict\": false}"))
                        .get("gold")
                        .asBoolean())
                .isTrue();
        assertField(http.call("PUT", campaign + "/gold/" + gold, key, "{}"), "verdict");
        assertThat(ok(http.call("DELETE", campaign + "/gold/" + gold, key, null))
                        .get("gold")
                        .asBoolean())
                .isFalse();
        ok(http.call(
                "PUT",
                campaign + "/gold/" + gold,
                key,
                "{\"verdict\": false, \"referenceTrace\": \"1. Add.\\n2. Report 18.\"}"));
        assertThat(ids(http.call("GET", campaign + "/items?state=gold", key, null), "itemId"))
                .containsExactly(gold);
        assertField(http.call("GET", campaign + "/items?state=DONE", key, null), "state");
        assertThat(http.call("PUT", campaign + "/gold/nothing-9", key, "{\"verdict\": true}")
                        .statusCode())
                .isEqualTo(404);

        // Another workspace's key finds no such campaign.
        String otherKey = tenants.tenant("api-campaign-other", Role.ADMIN).apiKey();
        assertThat(http.call("GET", campaign, otherKey, null).statusCode()).isEqualTo(404);
        assertThat(http.call("GET", campaign + "/consensus.jsonl", otherKey, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(ids(http.call("GET", "/api/v1/campaigns", otherKey, null), "id"))
                .doesNotContain(id);

        // Two outsiders join with their own email and password.
        String adaEmail = tenants.signUp("ada");
        String bobEmail = tenants.signUp("bob");
        String ada = TestHttp.basic(adaEmail, TestTenants.PASSWORD);
        String bob = TestHttp.basic(bobEmail, TestTenants.PASSWORD);
        String join = "{\"token\": \"" + token + "\"}";
        HttpResponse<String> joined = http.callWith("POST", "/api/v1/contribute/join", ada, join);
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
        assertThat(joined.headers().firstValue("Location")).contains("/api/v1/contribute/" + id);
        assertThat(json.readTree(joined.body()).get("outcome").asString()).isEqualTo("JOINED");
        assertThat(http.callWith("POST", "/api/v1/contribute/join", ada, join).statusCode())
                .isEqualTo(200);
        assertThat(http.callWith("POST", "/api/v1/contribute/join", bob, join).statusCode())
                .isEqualTo(201);
        assertThat(http.callWith("POST", "/api/v1/contribute/join", ada, "{\"token\": \"dcj_nothing\"}")
                        .statusCode())
                .isEqualTo(404);
        assertField(http.callWith("POST", "/api/v1/contribute/join", ada, "{}"), "token");
        assertThat(ids(http.callWith("GET", "/api/v1/contribute", ada, null), "id"))
                .containsExactly(id);

        // Each credential works on its own side only.
        HttpResponse<String> keyOnContribute = http.call("GET", "/api/v1/contribute", key, null);
        assertThat(keyOnContribute.statusCode()).isEqualTo(401);
        assertThat(keyOnContribute.body()).contains("your own account's email and password");
        HttpResponse<String> passwordOnOwner = http.callWith("GET", campaign, ada, null);
        assertThat(passwordOnOwner.statusCode()).isEqualTo(401);
        assertThat(passwordOnOwner.body()).contains("workspace API key").contains("/api/v1/contribute");
        HttpResponse<String> anonymous = http.callWith("GET", "/api/v1/contribute", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        HttpResponse<String> wrong =
                http.callWith("GET", "/api/v1/contribute", TestHttp.basic(adaEmail, "not the password"), null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("email or password is wrong");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

        String contribute = "/api/v1/contribute/" + id;
        assertField(http.callWith("POST", contribute + "/answers", ada, "{\"verdict\": true}"), "itemId");
        // Ada answers three items (the campaign's limit a minute), then the fourth is refused for now.
        for (int i = 0; i < 3; i++) {
            JsonNode item = next(http, contribute, ada);
            assertThat(item.get("itemId").asString()).isNotEqualTo(gold);
            assertThat(item.get("teacherOutput").asString()).isEqualTo(CampaignRuns.STEPS);
            if (i == 0) {
                assertField(
                        http.callWith(
                                "POST",
                                contribute + "/answers",
                                ada,
                                "{\"itemId\": \"" + item.get("itemId").asString() + "\"}"),
                        "verdict");
            }
            ok(http.callWith("POST", contribute + "/answers", ada, answer(item, false)));
        }
        JsonNode fourth = next(http, contribute, ada);
        HttpResponse<String> limited = http.callWith("POST", contribute + "/answers", ada, answer(fourth, false));
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(limited.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        // Asking again hands back the same item, still hers.
        assertThat(next(http, contribute, ada).get("itemId")).isEqualTo(fourth.get("itemId"));

        // Bob answers two and skips one.
        for (int i = 0; i < 3; i++) {
            JsonNode item = next(http, contribute, bob);
            ok(http.callWith(
                    "POST",
                    contribute + "/answers",
                    bob,
                    i == 2
                            ? "{\"itemId\": \"" + item.get("itemId").asString() + "\", \"skip\": true}"
                            : answer(item, false)));
        }
        JsonNode history = ok(http.callWith("GET", contribute + "/answers", bob, null));
        assertThat(history).hasSize(3);
        assertThat(history.get(0).get("status").asString()).isEqualTo("SKIPPED");
        assertThat(ok(http.callWith("GET", contribute + "/answers", ada, null))).hasSize(3);
        JsonNode status = ok(http.callWith("GET", contribute, ada, null));
        assertThat(status.get("answered").asInt()).isEqualTo(3);
        assertThat(status.get("status").asString()).isEqualTo("ACTIVE");

        // The consensus, one item a line, votes with their weights.
        HttpResponse<String> export = http.call("GET", campaign + "/consensus.jsonl", key, null);
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/x-ndjson"));
        List<JsonNode> lines = export.body()
                .lines()
                .map(line -> (JsonNode) json.readTree(line))
                .toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.getFirst().get("itemId").asString()).isEqualTo(gold);
        assertThat(lines.getFirst().get("gold").asBoolean()).isTrue();
        assertThat(lines.getFirst().get("finalTrace").asString()).isEqualTo("1. Add.\n2. Report 18.");
        JsonNode both = lines.stream()
                .filter(l -> l.get("votes").size() == 2)
                .findFirst()
                .orElseThrow();
        assertThat(both.get("state").asString()).isIn("OPEN", "FINAL", "ADJUDICATION");
        assertThat(both.get("posterior").asDouble()).isBetween(0.0, 1.0);
        assertThat(both.has("reason")).isTrue();
        assertThat(both.has("appliedRevision")).isTrue();
        assertThat(both.has("finalVerdict")).isTrue();
        JsonNode vote = both.get("votes").get(0);
        assertThat(vote.get("contributor").asString()).isIn("ada", "bob");
        assertThat(vote.get("verdict").asBoolean()).isFalse();
        assertThat(vote.get("corrected").asBoolean()).isTrue();
        assertThat(vote.has("weight")).isTrue();

        // The owner watches, pauses (which sets bob's undecided answers aside), resumes and removes.
        JsonNode people = ok(http.call("GET", campaign + "/contributors", key, null));
        assertThat(people).hasSize(2);
        String bobId = null;
        for (JsonNode p : people) {
            if (p.get("displayName").asString().equals("bob")) {
                bobId = p.get("userId").asString();
                assertThat(p.get("answers").asInt()).isEqualTo(2);
                assertThat(p.get("skips").asInt()).isEqualTo(1);
            }
        }
        assertThat(bobId).isNotNull();
        // Votes name their contributor by id too, as display names may be shared.
        JsonNode bobsVote = "bob".equals(vote.get("contributor").asString())
                ? vote
                : both.get("votes").get(1);
        assertThat(bobsVote.get("contributor").asString()).isEqualTo("bob");
        assertThat(bobsVote.get("contributorId").asString()).isEqualTo(bobId);
        String bobPath = campaign + "/contributors/" + bobId;
        assertThat(ok(http.call("POST", bobPath + "/pause", key, null))
                        .get("status")
                        .asString())
                .isEqualTo("PAUSED");
        JsonNode paused = ok(http.callWith("GET", contribute + "/next", bob, null));
        assertThat(paused.get("item").isNull()).isTrue();
        assertThat(paused.get("reason").asString()).isEqualTo("PAUSED");
        assertThat(http.call("POST", bobPath + "/pause", key, null).statusCode())
                .isEqualTo(409);
        assertThat(ok(http.call("POST", bobPath + "/resume", key, null))
                        .get("status")
                        .asString())
                .isEqualTo("ACTIVE");
        assertThat(ok(http.call("POST", campaign + "/recompute", key, null)).has("decided"))
                .isTrue();
        assertThat(ok(http.call("GET", campaign + "/progress", key, null)).isArray())
                .isTrue();

        // Removing bob excludes his answers; he no longer sees the campaign.
        assertThat(http.call("DELETE", bobPath, key, null).statusCode()).isEqualTo(204);
        assertThat(http.callWith("GET", contribute, bob, null).statusCode()).isEqualTo(404);
        HttpResponse<String> removedJoin = http.callWith("POST", "/api/v1/contribute/join", bob, join);
        assertThat(removedJoin.statusCode()).as(removedJoin.body()).isEqualTo(403);

        // A new link replaces the old; a closed campaign takes nobody new.
        JsonNode link = ok(http.call("POST", campaign + "/join-link", key, null));
        String carol = TestHttp.basic(tenants.signUp("carol"), TestTenants.PASSWORD);
        assertThat(http.callWith("POST", "/api/v1/contribute/join", carol, join).statusCode())
                .isEqualTo(404);
        assertThat(ok(http.call("POST", campaign + "/close", key, null))
                        .get("status")
                        .asString())
                .isEqualTo("CLOSED");
        assertThat(http.call("POST", campaign + "/close", key, null).statusCode())
                .isEqualTo(409);
        assertThat(http.callWith(
                                "POST",
                                "/api/v1/contribute/join",
                                carol,
                                "{\"token\": \"" + link.get("joinToken").asString() + "\"}")
                        .statusCode())
                .isEqualTo(409);
    }

    private static String draft(String runId, String extra) {
        return """
                {"runId": "%s", "title": "Check GSM8K", "instructions": "Is the answer right?", "reviewsPerItem": 2,
                 "selection": "ALL", "goldShare": 0, "decideThreshold": 0.8, "answersPerMinute": 3,
                 "minSecondsPerItem": 0, %s}""".formatted(runId, extra);
    }

    private static String answer(JsonNode item, boolean verdict) {
        return """
                {"itemId": "%s", "verdict": %s, "correctedTrace": "1. Add the numbers.\\n2. Report %s"}""".formatted(
                        item.get("itemId").asString(),
                        verdict,
                        item.get("referenceAnswer").asString());
    }

    private JsonNode next(TestHttp http, String contribute, String who) {
        JsonNode next = ok(http.callWith("GET", contribute + "/next", who, null));
        assertThat(next.get("item").isNull()).as(next.toString()).isFalse();
        assertThat(next.get("reason").isNull()).isTrue();
        return next.get("item");
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        return json.readTree(response.body());
    }

    private List<String> ids(HttpResponse<String> response, String field) {
        List<String> ids = new ArrayList<>();
        ok(response).forEach(node -> ids.add(node.get(field).asString()));
        return ids;
    }

    private void assertField(HttpResponse<String> response, @Nullable String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        List<String> fields = new ArrayList<>();
        JsonNode errors = json.readTree(response.body()).get("errors");
        if (errors != null) {
            errors.forEach(e -> fields.add(e.get("field").asString()));
        }
        assertThat(fields).as(response.body()).contains(field);
    }
}
