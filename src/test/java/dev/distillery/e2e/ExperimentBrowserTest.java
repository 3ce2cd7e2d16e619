package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TraceOfThoughtSimulation;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment from the browser: the form estimates the student's baseline and Trace-of-Thought on 30 GSM8K items
 * before the launch and, above the workspace's threshold, asks for a confirmation; the experiment's page then fills
 * its table live with the same figures as the API, opens a cell's run and downloads the table as LaTeX.
 */
class ExperimentBrowserTest {

    static final String ADMIN = "experiment-admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_experiment_browser_key_0123456789abcdef";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static PackagedApp app;
    static OpenAiSimulator sim;
    static TestHttp http;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = TraceOfThoughtSimulation.start();
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        http = new TestHttp(URI.create(app.url("/")).getPort());
        for (String model : new String[] {"teacher", "student"}) {
            http.call(
                    "POST",
                    "/api/v1/endpoints",
                    KEY,
                    "{\"name\": \"" + Character.toUpperCase(model.charAt(0)) + model.substring(1)
                            + "\", \"baseUrl\": \"" + sim.baseUrl() + "\", \"model\": \"" + model + "\"}");
        }
        http.upload(
                "/api/v1/datasets",
                KEY,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        // Low enough that this small experiment must be confirmed.
        http.call("PUT", "/api/v1/experiments/settings", KEY, "{\"confirmAboveTokens\": 10000}");
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void anExperimentIsEstimatedConfirmedLaunchedAndReadAsThePapersTable() throws Exception {
        Page page = browser.newUser();
        Pages.signIn(page, app, ADMIN, PASSWORD, false);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Experiments"))
                .click();
        assertThat(page.locator("h1")).hasText("Experiments");
        page.locator("#new-experiment").click();
        assertThat(page.locator("h1")).hasText("New experiment");

        page.locator("#experiment-name input").fill("ToT table");
        Pages.choose(page, "#experiment-dataset", "GSM8K");
        page.locator("#experiment-limit input").fill("30");
        page.locator("#experiment-limit input").press("Tab");
        page.locator("#method-standard").click();
        Pages.choose(page, "#preset-standard", "Trace-of-Thought baseline (tot v1)");
        page.locator("#method-trace-of-thought").click();
        page.locator("#experiment-teachers").getByText("Teacher (teacher)").click();
        page.locator("#experiment-students").getByText("Student (student)").click();

        // One student call per item for the baseline, a teacher's and a student's for Trace-of-Thought.
        assertThat(page.locator("#estimate-total")).containsText("Total: 90 calls");
        assertThat(page.locator("#estimate-grid")).containsText("trace-of-thought (tot-paper)");
        assertThat(page.locator("#estimate-grid")).containsText("60");
        assertThat(page.locator("#experiment-confirm")).isVisible();
        page.locator("#experiment-launch").click();
        assertThat(page.locator("#experiment-errors")).containsText("threshold of 10,000 tokens");
        page.locator("#experiment-confirm").click();
        page.locator("#experiment-launch").click();

        assertThat(page.locator("h1")).hasText("ToT table");
        assertThat(page.locator("#experiment-status"))
                .containsText("finished", new LocatorAssertions.ContainsTextOptions().setTimeout(90_000));
        JsonNode summary = JSON.readTree(
                        http.call("GET", "/api/v1/experiments", KEY, null).body())
                .get(0);
        JsonNode experiment = JSON.readTree(
                http.call("GET", "/api/v1/experiments/" + summary.get("id").asString(), KEY, null)
                        .body());
        JsonNode tot = experiment.get("cells").get(1);
        assertThat(tot.get("method").asString()).isEqualTo("trace-of-thought");
        Locator cell = page.locator("#cell-1");
        // The figures arrive with the run's leaderboard row, once the comparison with the baseline is made.
        assertThat(cell)
                .containsText("+60.0 (p < 0.001)", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        tot = JSON.readTree(http.call(
                                "GET",
                                "/api/v1/experiments/" + summary.get("id").asString(),
                                KEY,
                                null)
                        .body())
                .get("cells")
                .get(1);
        String accuracy =
                String.format(Locale.ROOT, "%.1f", 100 * tot.get("accuracy").asDouble());
        assertThat(accuracy).isEqualTo("80.0");
        assertThat(cell).containsText(accuracy + " [62.7, 90.5]");
        assertThat(cell).hasClass(Pattern.compile("gain-positive"));
        assertThat(page.locator("#cell-0")).containsText("20.0 [9.5, 37.3]");
        assertThat(page.locator("#cell-0")).hasClass(Pattern.compile("gain-neutral"));
        assertThat(page.locator("#experiment-table th").nth(2)).containsText("trace-of-thought (tot-paper) ← Teacher");

        Download latex = page.waitForDownload(
                () -> page.locator("#experiment-download-latex").click());
        String tex = Files.readString(latex.path());
        assertThat(tex).contains("\\toprule").contains("80.0 [62.7, 90.5], +60.0 (p $<$ 0.001)");

        page.locator("#cell-1-run").click();
        page.waitForURL("**/runs/" + tot.get("runId").asString());
        assertThat(page.locator("#run-title")).isVisible();

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Experiments"))
                .click();
        assertThat(page.locator("#experiments-grid")).containsText("ToT table");
        assertThat(page.locator("#experiments-grid")).containsText("2 / 2");
        assertThat(page.locator("#experiments-grid")).containsText("finished");
    }
}
