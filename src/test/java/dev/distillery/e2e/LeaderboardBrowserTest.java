package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Trace-of-Thought run and the student's baseline on the same ten items: the board opens on their dataset, the
 * most recent one, and never on all datasets at once; it shows the gain with its p-value, the teacher × student
 * heatmap opens the pair's runs, the charts render, the board exports, and once published it opens in a fresh browser
 * without signing in, until it is unpublished.
 */
class LeaderboardBrowserTest {

    static final String ADMIN = "board-admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_board_browser_key_0123456789abcdef";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Map<String, Integer> INDEX = new HashMap<>();
    static final Map<String, String> GOLD = new HashMap<>();
    static PackagedApp app;
    static OpenAiSimulator sim;
    static TestHttp http;
    static String dataset;
    static String older;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"));
        for (int i = 0; i < 10; i++) {
            JsonNode item = JSON.readTree(lines.get(i));
            String answer = item.get("answer").asString();
            INDEX.put(item.get("question").asString(), i);
            GOLD.put(
                    item.get("question").asString(),
                    answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", ""));
        }
        sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Add the numbers.\n2. Report the total.");
        sim.when(r -> r.prompt().startsWith("We are given"))
                .reply((r, i) -> "The answer is " + GOLD.get(r.prompt().split("\n")[1]) + ".");
        sim.when(r -> GOLD.containsKey(r.prompt()))
                .reply((r, i) ->
                        "The answer is " + (INDEX.get(r.prompt()) % 3 == 0 ? GOLD.get(r.prompt()) : "-1") + ".");
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        http = new TestHttp(URI.create(app.url("/")).getPort());
        String teacher = endpoint("teacher");
        String student = endpoint("student");
        // An older dataset first (uploaded and run before, and first by name): the board must not open on it.
        HttpResponse<String> olderUpload = http.upload(
                "/api/v1/datasets",
                KEY,
                Map.of("name", "Arithmetic (older)", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        older = JSON.readTree(olderUpload.body()).get("datasetId").asString();
        String olderRun = finished("""
                {"name": "older baseline", "method": "standard", "preset": "tot", "datasetId": "%s", "split": "test",
                 "limit": 3, "roles": {"student": "%s"}, "concurrency": 3}""".formatted(older, student));
        new TestRuns(http, JSON).awaitRow(KEY, "/api/v1/leaderboards?datasetId=" + older, olderRun, r -> true);
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                KEY,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        dataset = JSON.readTree(upload.body()).get("datasetId").asString();
        String baseline = finished("""
                {"name": %s, "method": "standard", "preset": "tot", "datasetId": "%s", "split": "test",
                 "limit": 10, "roles": {"student": "%s"}, "concurrency": 4}""".formatted(JSON.writeValueAsString(HOSTILE), dataset, student));
        String tot = finished("""
                {"name": "tot with steps", "method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s",
                 "split": "test", "limit": 10, "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 4}""".formatted(dataset, teacher, student));
        for (int i = 0; i < 300; i++) {
            JsonNode rows = JSON.readTree(http.call("GET", "/api/v1/leaderboards?datasetId=" + dataset, KEY, null)
                            .body())
                    .get("rows");
            boolean compared = false;
            for (JsonNode row : rows) {
                compared |= row.get("runId").asString().equals(tot)
                        && row.get("gainPoints").isNumber();
            }
            if (compared && rows.size() == 2) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The board did not show the comparison with " + baseline);
    }

    /** The tooltips of a chart that is being redrawn for a new filter, once they show the hostile name. */
    private static String tooltipsOnceRedrawn(Locator chart) throws InterruptedException {
        String texts = "";
        for (int attempt = 0; attempt < 50 && !texts.contains(TOOLTIP_TEXT); attempt++) {
            Thread.sleep(200);
            texts = everyTooltip(chart);
        }
        return texts;
    }

    /** Shows the tooltip of every data point of the chart in turn; returns what they said, as text. */
    private static String everyTooltip(Locator chart) {
        return (String) chart.evaluate("""
                async el => {
                  const chart = el.$chart || echarts.getInstanceByDom(el);
                  const texts = [];
                  const series = chart.getOption().series;
                  for (let s = 0; s < series.length; s++) {
                    for (let d = 0; d < (series[s].data || []).length; d++) {
                      chart.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: d});
                      await new Promise(done => setTimeout(done, 60));
                      texts.push(el.innerText);
                    }
                  }
                  return texts.join('\\n');
                }""");
    }

    private static String endpoint(String model) {
        HttpResponse<String> created = http.call(
                "POST",
                "/api/v1/endpoints",
                KEY,
                "{\"name\": \"" + model + "\", \"baseUrl\": \"" + sim.baseUrl() + "\", \"model\": \"" + model + "\"}");
        return JSON.readTree(created.body()).get("id").asString();
    }

    private static String finished(String body) {
        return new TestRuns(http, JSON).completed(KEY, body);
    }

    /** A run name that is markup and a spreadsheet formula at once. */
    static final String HOSTILE = "=HYPERLINK(\"http://evil.example\",\"<img src=x onerror=window.pwned=1>\")";

    static final String TOOLTIP_TEXT = "<img src=x onerror=window.pwned=1>";

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void theBoardOpensOnTheMostRecentDatasetAndNeverOnAllOfThem() {
        Page page = browser.newUser();
        Pages.signIn(page, app, ADMIN, PASSWORD, false);
        page.navigate(app.url("/leaderboards"));
        Locator rows = page.locator("#leaderboard-grid vaadin-grid-cell-content");
        assertThat(page.locator("#board-dataset input")).hasValue("GSM8K");
        assertThat(page.locator("text=2 results, 1 compared with a baseline")).isVisible();
        Accessibility.assertNoSeriousViolations(page, "the leaderboards page");
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("older baseline")))
                .hasCount(0);
        // Its choices are the datasets, each alone: no "All datasets", and nothing to clear the choice with.
        assertThat(page.locator("#board-dataset [part~='clear-button']")).isHidden();
        page.locator("#board-dataset").locator("[part~='toggle-button']").click();
        Locator options = page.locator("vaadin-combo-box-item");
        assertThat(options).hasText(new String[] {"Arithmetic (older)", "GSM8K"});
        assertThat(page.getByText("All datasets")).hasCount(0);
        page.keyboard().press("Escape");

        // The URL still chooses the dataset, and the choice goes into the URL.
        page.navigate(app.url("/leaderboards?dataset=" + older));
        assertThat(page.locator("#board-dataset input")).hasValue("Arithmetic (older)");
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("older baseline"))
                        .first())
                .isVisible();
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("tot with steps")))
                .hasCount(0);
        page.locator("#board-dataset input").fill("GSM8K");
        page.locator("vaadin-combo-box-item", new Page.LocatorOptions().setHasText("GSM8K"))
                .click();
        assertThat(page.locator("text=2 results, 1 compared with a baseline")).isVisible();
        page.waitForURL(url -> url.contains("dataset=" + dataset));
    }

    @Test
    void theBoardComparesWithTheBaselineDrawsTheMatrixAndChartsExportsAndPublishes() throws Exception {
        Page page = browser.newUser();
        Pages.signIn(page, app, ADMIN, PASSWORD, false);
        page.navigate(app.url("/leaderboards?dataset=" + dataset + "&split=test"));
        Locator rows = page.locator("#leaderboard-grid vaadin-grid-cell-content");
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("tot with steps"))
                        .first())
                .isVisible();
        // 10 of 10 with the steps against 4 of 10 alone: +60 points, +150 % relative.
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("+60.0 pts (+150%)"))
                        .first())
                .isVisible();
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("100.0%  [72.2%–100.0%]"))
                        .first())
                .isVisible();
        assertThat(page.locator("text=2 results, 1 compared with a baseline")).isVisible();

        page.getByRole(
                        com.microsoft.playwright.options.AriaRole.TAB,
                        new Page.GetByRoleOptions().setName("Teacher × student"))
                .click();
        Locator heatmap = page.locator("#matrix-chart");
        assertThat(heatmap).hasAttribute("data-rendered", "true");
        Accessibility.assertNoSeriousViolations(page, "the teacher × student tab");
        var box = heatmap.boundingBox();
        // One teacher and one student: the single cell fills the plot area (22 %–92 % wide, 50 px–330 px high).
        page.mouse().click(box.x + box.width * 0.57, box.y + 190);
        assertThat(page.locator("#board-teacher input")).hasValue("teacher");
        assertThat(page.locator("#board-student input")).hasValue("student");
        assertThat(rows.filter(new Locator.FilterOptions().setHasText("tot with steps"))
                        .first())
                .isVisible();
        page.waitForURL(url -> url.contains("teacher=teacher") && url.contains("student=student"));

        page.getByRole(com.microsoft.playwright.options.AriaRole.TAB, new Page.GetByRoleOptions().setName("Charts"))
                .click();
        for (String chart : List.of("#accuracy-chart", "#gain-size-chart", "#accuracy-cost-chart")) {
            assertThat(page.locator(chart)).hasAttribute("data-rendered", "true");
            assertThat(page.locator(chart + " canvas").first()).isVisible();
        }

        Download csv = page.waitForDownload(() -> page.locator("#export-csv").click());
        assertThat(Files.readString(csv.path()))
                .startsWith("runId,run,dataset,")
                .contains("tot with steps");
        Download json = page.waitForDownload(() -> page.locator("#export-json").click());
        assertThat(JSON.readTree(Files.readString(json.path())).get("rows")).isNotEmpty();

        // The whole dataset's board: a baseline run named like markup and a formula stays text in every tooltip.
        page.locator("#board-teacher").locator("[part~='clear-button']").click();
        page.locator("#board-student").locator("[part~='clear-button']").click();
        for (String chart : List.of("#accuracy-chart", "#accuracy-cost-chart")) {
            assertThat(tooltipsOnceRedrawn(page.locator(chart))).contains(TOOLTIP_TEXT);
            assertThat(page.locator(chart + " img")).hasCount(0);
        }
        assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);

        // Publish it, with two sample traces.
        page.locator("#publish-board").click();
        page.locator("#publish-slug input").fill("gsm8k-public");
        page.locator("#publish-traces input").fill("2");
        page.locator("#publish-confirm").click();
        Locator link = page.locator("a", new Page.LocatorOptions().setHasText("/gsm8k-public"));
        assertThat(link).isVisible();
        String path = link.getAttribute("href");
        assertThat(path).matches("/p/[a-z0-9-]+/gsm8k-public");

        Page visitor = browser.newUser();
        Response response = visitor.navigate(app.url(path));
        assertThat(response.status()).isEqualTo(200);
        assertThat(visitor.locator("h1")).hasText("GSM8K test leaderboard");
        assertThat(visitor.locator("#board")).containsText("tot with steps");
        assertThat(visitor.locator("#board")).containsText("+60.0 pts (+150%)");
        assertThat(visitor.locator("#chart canvas").first()).isVisible();
        org.assertj.core.api.Assertions.assertThat(response.headers().get("content-security-policy"))
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(visitor.locator("#board")).containsText(HOSTILE);
        assertThat(everyTooltip(visitor.locator("#chart"))).contains(TOOLTIP_TEXT);
        assertThat(visitor.locator("img")).hasCount(0);
        assertThat(visitor.evaluate("() => window.pwned === undefined")).isEqualTo(true);
        assertThat(visitor.locator("text=Sample traces")).isVisible();
        // Sample traces are Markdown with their raw text folded away, and MathJax loads under the page's strict policy.
        assertThat(visitor.locator(".trace .markdown").first()).isVisible();
        assertThat(visitor.locator(".trace details pre").first()).isHidden();
        assertThat(visitor.evaluate("""
                () => {
                  const probe = document.createElement('div');
                  probe.innerHTML = '<span class="math math-inline">$x^2$</span>';
                  document.body.append(probe);
                  return window.distilleryMath.typeset(probe).then(() => 'typeset ' + probe.querySelectorAll('mjx-container svg').length);
                }""")).isEqualTo("typeset 1");
        assertThat(visitor.locator("a")).hasCount(0);
        assertThat(visitor.context().cookies()).isEmpty();
        Accessibility.assertNoSeriousViolations(visitor, "a public board");

        page.locator("vaadin-button[aria-label='Unpublish gsm8k-public']").click();
        assertThat(page.locator("text=None yet.")).isVisible();
        assertThat(visitor.navigate(app.url(path)).status()).isEqualTo(404);
        Accessibility.assertNoSeriousViolations(visitor, "an unpublished board's address");
    }
}
