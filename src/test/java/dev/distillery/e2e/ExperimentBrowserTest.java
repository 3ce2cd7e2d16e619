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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
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
 * its table live with the same figures as the API, opens a cell's run and downloads the table as LaTeX. A new workspace
 * does the same from the Trace-of-Thought paper's template.
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
        // Every cell's traces in one file, each line led by its cell.
        Download traces = page.waitForDownload(
                () -> page.locator("#experiment-download-traces-jsonl").click());
        List<String> lines = Files.readAllLines(traces.path());
        assertThat(lines).isNotEmpty();
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"method\":"));
        String totRun = "\"runId\":\"" + tot.get("runId").asString();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(totRun));

        page.locator("#cell-1-run").click();
        page.waitForURL("**/runs/" + tot.get("runId").asString());
        assertThat(page.locator("#run-title")).isVisible();

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Experiments"))
                .click();
        assertThat(page.locator("#experiments-grid")).containsText("ToT table");
        assertThat(page.locator("#experiments-grid")).containsText("2 / 2");
        assertThat(page.locator("#experiments-grid")).containsText("finished");
    }

    /**
     * Issue 18's "done means": a new workspace follows its home page's checklist to register the simulated teacher and
     * student and upload 20 GSM8K test items, launches the Trace-of-Thought paper's template from the experiments page
     * (clamped to the items there are), and reads the same figures in the experiment's table, on the leaderboard and
     * in the LaTeX download.
     */
    @Test
    void aNewWorkspaceReproducesTheTraceOfThoughtPaperFromItsTemplate() throws Exception {
        String email = "template-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        Page page = browser.newUser();
        Pages.signUp(page, app, email, "Tess", PASSWORD);
        Pages.signIn(page, app, email, PASSWORD, false);
        assertThat(page.locator("#getting-started > li")).hasCount(5);
        assertThat(page.locator("#getting-started > li[data-done='true']")).hasCount(0);

        page.locator("#step-endpoint-link").click();
        page.waitForURL("**/endpoints");
        for (String model : new String[] {"teacher", "student"}) {
            page.locator("#new-endpoint").click();
            page.locator("#endpoint-name input").fill(Character.toUpperCase(model.charAt(0)) + model.substring(1));
            page.locator("#endpoint-base-url input").fill(sim.baseUrl());
            page.locator("#endpoint-model input").fill(model);
            page.locator("#save-endpoint").click();
            assertThat(page.locator("#endpoints-grid")).containsText(model);
        }
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Overview"))
                .click();
        page.locator("#step-dataset-link").click();
        page.waitForURL("**/datasets");
        Path file = Files.createTempDirectory("gsm8k").resolve("test.jsonl");
        Files.write(
                file,
                Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl")).subList(0, 20));
        page.locator("#upload-dataset").click();
        page.locator("#dataset-upload input[type=file]").setInputFiles(file);
        assertThat(page.locator("#import-status")).containsText("GSM8K");
        page.locator("#dataset-name input").fill("GSM8K (20)");
        page.locator("#import-dataset").click();
        assertThat(page.locator("#datasets-grid")).containsText("GSM8K (20)");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Experiments"))
                .click();
        assertThat(page.locator("#templates")).containsText("Fine-tune-CoT");
        assertThat(page.locator("#templates")).containsText("Socratic CoT");
        Accessibility.assertNoSeriousViolations(page, "the experiments page with its templates");
        page.locator("#template-trace-of-thought-paper").click();
        page.waitForURL("**/experiments/templates/trace-of-thought-paper");
        assertThat(page.locator("h1")).hasText("Trace-of-Thought (paper)");
        assertThat(page.locator("#slot-teachers")).containsText("one column each");

        // Launching without models names the slots that are missing, on their fields.
        Pages.choose(page, "#template-dataset", "GSM8K (20)");
        page.locator("#template-launch").click();
        assertThat(page.locator("#slot-teachers")).hasAttribute("invalid", "");
        assertThat(page.locator("#slot-students")).hasAttribute("invalid", "");

        page.locator("#template-name input").fill("ToT from the template");
        page.locator("#slot-teachers").getByText("Teacher (teacher)").click();
        page.locator("#slot-students").getByText("Student (student)").click();
        // The paper's 200 items are more than the file has: the whole split is used.
        assertThat(page.locator("#estimate-total")).containsText(" 20 items");
        assertThat(page.locator("#estimate-grid")).containsText("trace-of-thought (tot-paper)");
        Accessibility.assertNoSeriousViolations(page, "a template's page with its estimate");
        if (page.locator("#template-confirm").isVisible()) {
            page.locator("#template-confirm").click();
        }
        page.locator("#template-launch").click();

        assertThat(page.locator("h1")).hasText("ToT from the template");
        assertThat(page.locator("#experiment-status"))
                .containsText("finished", new LocatorAssertions.ContainsTextOptions().setTimeout(120_000));
        List<String> headers = page.locator("#experiment-table thead th").allInnerTexts();
        Map<String, String> figures = new LinkedHashMap<>();
        for (String[] column : new String[][] {
            {"trace-of-thought (tot-paper)", "trace-of-thought / tot-paper"}, {"standard (tot)", "standard / tot"}
        }) {
            int index = -1;
            for (int i = 0; i < headers.size(); i++) {
                if (headers.get(i).startsWith(column[0])) {
                    index = i;
                }
            }
            assertThat(index).as("column %s in %s", column[0], headers).isPositive();
            Locator accuracy = page.locator("#experiment-table tbody tr")
                    .first()
                    .locator("td")
                    .nth(index - 1)
                    .locator(".cell-accuracy");
            // The figures arrive with the run's leaderboard row.
            assertThat(accuracy)
                    .hasText(
                            Pattern.compile("^\\d+\\.\\d \\[\\d+\\.\\d, \\d+\\.\\d]$"),
                            new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            figures.put(column[1], accuracy.innerText().strip());
        }
        assertThat(page.locator("#experiment-stages")).isHidden();
        Accessibility.assertNoSeriousViolations(page, "an experiment launched from a template");

        Download latex = page.waitForDownload(
                () -> page.locator("#experiment-download-latex").click());
        String tex = Files.readString(latex.path());
        assertThat(tex).contains("\\toprule");
        figures.values().forEach(figure -> assertThat(tex).contains(figure));

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Leaderboards"))
                .click();
        assertThat(page.locator("#board-dataset input")).hasValue("GSM8K (20)");
        Matcher parts = Pattern.compile("(\\S+) \\[(\\S+), (\\S+)]").matcher("");
        for (Map.Entry<String, String> figure : figures.entrySet()) {
            assertThat(page.locator("#leaderboard-grid vaadin-grid-cell-content")
                            .getByText(figure.getKey(), new Locator.GetByTextOptions().setExact(true)))
                    .isVisible();
            @SuppressWarnings("unchecked")
            List<String> row = (List<String>) page.evaluate(ROW_OF, figure.getKey());
            assertThat(row).as("the board's row of %s", figure.getKey()).isNotNull();
            assertThat(row.getFirst()).startsWith("ToT from the template · ");
            assertThat(parts.reset(figure.getValue()).matches()).isTrue();
            // The board says the same figures as percentages.
            assertThat(row).contains(parts.group(1) + "%  [" + parts.group(2) + "%–" + parts.group(3) + "%]");
        }

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Overview"))
                .click();
        for (String step : new String[] {"endpoint", "dataset", "run", "leaderboard"}) {
            assertThat(page.locator("#step-" + step)).hasAttribute("data-done", "true");
        }
        assertThat(page.locator("#step-review")).hasAttribute("data-done", "false");
    }

    /** The texts of the leaderboard grid's row that has a cell reading exactly the given text, in column order. */
    static final String ROW_OF = """
            text => {
              const cell = [...document.querySelectorAll('#leaderboard-grid vaadin-grid-cell-content')]
                .find(c => c.textContent.trim() === text && c.assignedSlot);
              if (!cell) return null;
              const row = cell.assignedSlot.closest('tr');
              return [...row.querySelectorAll('td slot')]
                .map(s => s.assignedNodes().map(n => n.textContent).join('').trim());
            }""";
}
