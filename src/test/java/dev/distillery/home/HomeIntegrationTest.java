package dev.distillery.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.TraceOfThoughtSimulation;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.simulator.OpenAiSimulator;
import dev.distillery.tenancy.Role;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The home page's state follows what the workspace has done, step by step, and shows only its own workspace: the
 * checklist ticks as an endpoint, a dataset, runs, a leaderboard row and a review appear; a significant gain and
 * a review queue with work for the user are listed.
 */
class HomeIntegrationTest extends ApiIntegrationTest {

    static OpenAiSimulator sim;

    @Autowired
    HomeService home;

    @BeforeAll
    static void startSimulator() {
        sim = TraceOfThoughtSimulation.start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void theChecklistTicksEachStepOnceTheWorkspaceHasDoneIt() throws Exception {
        TestHttp http = new TestHttp(port);
        TestRuns runs = new TestRuns(http, json);
        var owner = tenants.tenant("home", Role.MEMBER);
        String key = owner.apiKey();
        var stranger = tenants.tenant("home-stranger", Role.MEMBER);

        assertThat(state(owner.email())).isEqualTo(new GettingStarted(false, false, false, false, false));
        assertThat(state(owner.email()).done()).isZero();

        String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        assertThat(state(owner.email())).isEqualTo(new GettingStarted(true, false, false, false, false));

        String dataset = runs.gsm8k(key);
        assertThat(state(owner.email())).isEqualTo(new GettingStarted(true, true, false, false, false));

        runs.completed(key, """
                {"method": "standard", "preset": "tot", "datasetId": "%s", "split": "test", "limit": 30,
                 "roles": {"student": "%s"}, "concurrency": 4}""".formatted(dataset, student));
        String tot = runs.completed(key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 30,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 4}""".formatted(dataset, teacher, student));
        runs.awaitRow(
                key,
                "/api/v1/leaderboards?datasetId=" + dataset,
                tot,
                r -> r.get("gainPoints").isNumber());
        assertThat(state(owner.email())).isEqualTo(new GettingStarted(true, true, true, false, true));
        assertThat(tenants.as(owner.email(), home::liveRuns)).isEmpty();

        // The Trace-of-Thought run beats the student's baseline by 60 points with p = 2 × 0.5^18; the baseline is
        // no gain over itself.
        assertThat(tenants.as(owner.email(), home::topGains))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.runId()).hasToString(tot);
                    assertThat(row.gainPoints()).isCloseTo(60, within(1e-9));
                })
                .extracting(LeaderboardRow::pValue)
                .satisfies(p -> assertThat(p).isLessThan(0.05));

        // A queue open to everyone who may review is work for the owner until they have reviewed every item.
        assertThat(tenants.as(owner.email(), home::reviewWork)).isEmpty();
        HttpResponse<String> queue = http.call(
                "POST",
                "/api/v1/runs/" + tot + "/review-queue",
                key,
                "{\"reviewsPerItem\": 1, \"selection\": \"all\"}");
        assertThat(queue.statusCode()).as(queue.body()).isEqualTo(201);
        assertThat(tenants.as(owner.email(), home::reviewWork)).singleElement().satisfies(work -> {
            assertThat(work.runId()).hasToString(tot);
            assertThat(work.open()).isEqualTo(30);
            assertThat(work.held()).isZero();
        });

        HttpResponse<String> saved = http.call(
                "POST",
                "/api/v1/runs/" + tot + "/traces/test-4/revisions",
                key,
                "{\"baseRevision\": 0, \"verdict\": true, \"reason\": \"The answer is right.\"}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
        GettingStarted all = state(owner.email());
        assertThat(all).isEqualTo(new GettingStarted(true, true, true, true, true));
        assertThat(all.done()).isEqualTo(GettingStarted.STEPS);

        // Another workspace sees none of it.
        assertThat(state(stranger.email())).isEqualTo(new GettingStarted(false, false, false, false, false));
        assertThat(tenants.as(stranger.email(), home::topGains)).isEmpty();
        assertThat(tenants.as(stranger.email(), home::reviewWork)).isEmpty();
    }

    private GettingStarted state(String email) {
        return tenants.as(email, home::gettingStarted);
    }
}
