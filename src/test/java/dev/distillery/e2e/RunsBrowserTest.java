package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member launches a Trace-of-Thought run and its baseline in the browser, watches the progress update live
 * (server push, no reload), and opens the finished run's traces with prompts, extracted answers and verdicts.
 */
class RunsBrowserTest {

    static final String ADMIN = "admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_runs_browser_key_0123456789abcdef";
    static PackagedApp app;
    static OpenAiSimulator sim;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = OpenAiSimulator.start(
                Config.defaults().models("teacher", "student").latency(Duration.ofMillis(150)));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Read the numbers.\n2. Add them up.");
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
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
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void aMemberLaunchesAToTRunAndItsBaselineAndReadsTheTraces() {
        Page page = browser.newUser();
        page.navigate(app.url("/login"));
        page.locator("#username input").fill(ADMIN);
        page.locator("#password input").fill(PASSWORD);
        page.locator("#sign-in").click();
        page.waitForURL(url -> !url.contains("/login"));

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Runs"))
                .click();
        page.locator("#new-run").click();
        assertThat(page.locator("#run-method")).containsText("Trace-of-Thought");
        Accessibility.assertNoSeriousViolations(page, "the run form");
        Pages.choose(page, "#run-role-teacher", "Teacher (teacher)");
        Pages.choose(page, "#run-role-student", "Student (student)");
        Pages.choose(page, "#run-dataset", "GSM8K");
        page.locator("#run-limit input").fill("40");
        page.locator("#run-concurrency input").fill("4");
        page.locator("#launch-run").click();

        assertThat(page.locator("#run-title")).containsText("GSM8K");
        // The page is never reloaded: the counters move by server push, then the run completes.
        assertThat(page.locator("#run-stats"))
                .containsText("running", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
        assertThat(page.locator("#run-stats"))
                .containsText(
                        "completed · 40 / 40 items", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(page.locator("#run-stats")).containsText("accuracy");
        Accessibility.assertNoSeriousViolations(page, "a finished run's page");

        // The traces download as one file: JSON Lines of every item, or CSV of the incorrect ones.
        page.locator("#run-download-traces").click();
        Accessibility.assertNoSeriousViolations(page, "the run page's download dialog");
        Download jsonl =
                page.waitForDownload(() -> page.locator("#trace-download-jsonl").click());
        org.assertj.core.api.Assertions.assertThat(jsonl.suggestedFilename()).endsWith(".jsonl");
        List<String> lines = readLines(jsonl);
        org.assertj.core.api.Assertions.assertThat(lines).hasSize(40);
        org.assertj.core.api.Assertions.assertThat(lines.getFirst())
                .startsWith("{\"itemId\":\"test-0\"")
                .contains("\"calls\":[")
                .contains("\"review\":{\"state\":\"unreviewed\"");
        Pages.choose(page, "#trace-download-verdict", "Only incorrect");
        Pages.awaitServer(page);
        Download csv =
                page.waitForDownload(() -> page.locator("#trace-download-csv").click());
        org.assertj.core.api.Assertions.assertThat(csv.suggestedFilename()).endsWith(".csv");
        List<String> rows = readLines(csv);
        org.assertj.core.api.Assertions.assertThat(rows.getFirst())
                .startsWith("item_id,position,question,gold,answer_type,status,verdict");
        org.assertj.core.api.Assertions.assertThat(String.join("\n", rows)).doesNotContain(",correct,");
        page.locator("#trace-download-close").click();

        page.locator("#traces-grid")
                .getByText("test-0", new Locator.GetByTextOptions().setExact(true))
                .click();
        assertThat(page.locator("#trace-detail"))
                .containsText("Create very short step-by-step prompts for this problem:");
        assertThat(page.locator("#trace-detail")).containsText("1. Read the numbers.");
        assertThat(page.locator("#trace-detail")).containsText("extracted");
        assertThat(page.locator("#trace-detail")).containsText("(grader v2)");
        assertThat(page.locator("#trace-detail")).containsText("read from:");
        assertThat(page.locator("#run-grading")).containsText("Graded by grader v2");
        assertThat(page.locator("#run-grading")).containsText("no answer found in");

        // Re-grading the stored outputs calls no model and keeps the figures of an up-to-date run.
        String stats = page.locator("#run-stats").textContent();
        page.locator("#run-regrade").click();
        assertThat(page.locator("vaadin-notification-card")
                        .filter(new Locator.FilterOptions().setHasText("Re-grading with grader version 2")))
                .hasCount(1);
        assertThat(page.locator("#run-regrade")).isEnabled(new LocatorAssertions.IsEnabledOptions().setTimeout(30_000));
        assertThat(page.locator("#run-grading")).not().containsText("re-grading");
        assertThat(page.locator("#run-stats"))
                .containsText(stats.substring(stats.indexOf("accuracy"), stats.indexOf(")") + 1));

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Runs"))
                .click();
        page.locator("#new-run").click();
        Pages.choose(page, "#run-method", "Standard prompting");
        Pages.choose(page, "#run-role-student", "Student (student)");
        // Optional for any method: a model reads each answer ("Therefore, the answer is").
        Pages.choose(page, "#run-role-extractor", "Teacher (teacher)");
        Pages.choose(page, "#run-dataset", "GSM8K");
        page.locator("#run-limit input").fill("40");
        // The provider admits 16 requests in any 2 s: the page says the run is paced by it, then it completes.
        sim.rateLimit(16, 0, Duration.ofSeconds(2), true);
        page.locator("#launch-run").click();
        assertThat(page.locator("#run-pacing"))
                .containsText("paced by provider:", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        assertThat(page.locator("#run-pacing")).containsText("req/s");
        assertThat(page.locator("#run-stats"))
                .containsText(
                        "completed · 40 / 40 items", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(page.locator("#run-stats")).containsText("0 errors");
        assertThat(page.locator("#run-pacing")).isHidden();
        sim.rateLimit(0, 0, Duration.ofSeconds(1), false);
        assertThat(page.locator("#run-config")).containsText("extractor: Teacher");
        assertThat(page.locator("#run-stats")).containsText("extractor: 40 calls");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Runs"))
                .click();
        assertThat(page.locator("#runs-grid")).containsText("trace-of-thought / tot-paper");
        assertThat(page.locator("#runs-grid")).containsText("standard");
        Accessibility.assertNoSeriousViolations(page, "the runs page");

        // The grader page checks a pasted output against a gold answer, as the runs do.
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Grader"))
                .click();
        page.locator("#grader-output textarea").fill("She makes 9 * 2 = $18 every day.\nThe answer is $18.");
        page.locator("#grader-gold input").fill("18");
        page.locator("#grader-check").click();
        assertThat(page.locator("#grader-extracted")).containsText("18");
        assertThat(page.locator("#grader-verdict")).hasText("correct");
        assertThat(page.locator("#grader-marked-output .extracted")).hasText("18");
        page.locator("#grader-gold input").fill("19");
        page.locator("#grader-check").click();
        assertThat(page.locator("#grader-verdict")).hasText("incorrect");

        // A free-form math solution is read by its last stated value, and a bare answer as it is.
        Pages.choose(page, "#grader-type", "Math (MATH, MATH-500)");
        page.locator("#grader-output textarea").fill("Since $jk$ is constant, the value of $j$ when $k = 14$ is $24$.");
        page.locator("#grader-gold input").fill("24");
        page.locator("#grader-check").click();
        assertThat(page.locator("#grader-verdict")).hasText("correct");
        assertThat(page.locator("#grader-rule-used")).containsText("last-math");
        Accessibility.assertNoSeriousViolations(page, "the grader with a verdict");
        assertThat(page.locator("#grader-marked-output .extracted")).hasText("24");
        page.locator("#grader-output textarea").fill("-5");
        page.locator("#grader-gold input").fill("-5");
        page.locator("#grader-check").click();
        assertThat(page.locator("#grader-verdict")).hasText("correct");
    }

    private static List<String> readLines(Download download) {
        try {
            return Files.readAllLines(download.path());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
