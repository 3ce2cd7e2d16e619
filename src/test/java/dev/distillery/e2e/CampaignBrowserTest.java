package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.TraceOfThoughtSimulation;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * A correction campaign as its owner and three outsiders work it, each in their own browser: the owner makes it from
 * a run whose eight answers are all wrong and marks two items gold; the contributors join by the link and see only
 * the campaign's items, never the workspace; the careless one, who calls everything correct, is paused by the gold
 * items; the two careful ones call each answer wrong and fix the step that reports it, by keyboard; the consensus
 * decides every item, says why, and its corrected traces are re-run, which the review grid and the leaderboard's
 * "with corrections" column show.
 */
class CampaignBrowserTest {

    static final String ADMIN = "campaign-admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_campaign_browser_key_0123456789abcd";
    static final String TITLE = "Fix the reporting step";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static PackagedApp app;
    static OpenAiSimulator sim;
    static TestHttp http;
    static String runId;
    static String runName;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = TraceOfThoughtSimulation.wrongUntilCorrected();
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        http = new TestHttp(URI.create(app.url("/")).getPort());
        TestRuns runs = new TestRuns(http, JSON);
        String teacher = runs.endpoint(KEY, sim.baseUrl(), "teacher");
        String student = runs.endpoint(KEY, sim.baseUrl(), "student");
        String dataset = runs.gsm8k(KEY);
        runId = runs.completed(KEY, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 8,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 4}""".formatted(dataset, teacher, student));
        runName = JSON.readTree(
                        http.call("GET", "/api/v1/runs/" + runId, KEY, null).body())
                .get("name")
                .asString();
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void threeContributorsInThreeBrowsersCorrectARunAndTheCarelessOneIsPausedByGold() throws Exception {
        // The owner's browser keeps Indian time (UTC+5:30, no daylight saving), the server UTC.
        Page owner = browser.newUser("Asia/Kolkata");
        Pages.signIn(owner, app, ADMIN, PASSWORD, false);
        String link = createCampaign(owner);
        String campaignUrl = owner.url();
        markGoldIncorrect(owner, "test-0");
        markGoldIncorrect(owner, "test-1");
        Accessibility.assertNoSeriousViolations(owner, "a campaign's page");
        settleWithCorrectedTrace(owner, "test-7");

        Page careless = contributor(link, "careless", "Careless", true);
        Page ada = contributor(link, "ada", "Ada", false);
        Page bob = contributor(link, "bob", "Bob", false);

        // The careless one calls every answer correct until the gold items stop them.
        for (int i = 0; i < 12 && onItem(careless); i++) {
            answer(careless, () -> careless.keyboard().press("c"));
        }
        assertThat(careless.locator("#contribute-status")).containsText("right 0 of 2 times");
        assertThat(careless.locator("#contribute-item[data-item-id]")).hasCount(0);
        assertThat(careless.locator("#contribute-correct")).isHidden();

        // The careful ones call each answer wrong and rewrite the step that reports it, all by keyboard.
        for (Page careful : new Page[] {ada, bob}) {
            assertThat(careful.locator("#contribute-steps")).containsText("Report the total.");
            for (int i = 0; i < 12 && onItem(careful); i++) {
                String reference =
                        careful.locator("#contribute-reference").innerText().strip();
                careful.keyboard().press("e");
                Locator editor = careful.locator("#contribute-steps-editor textarea");
                assertThat(editor).isFocused();
                editor.fill("1. Add the numbers.\n2. Report " + reference);
                editor.press("Control+Enter");
                assertThat(careful.locator("#contribute-corrected-note")).isVisible();
                answer(careful, () -> careful.keyboard().press("i"));
            }
            assertThat(careful.locator("#contribute-status")).containsText("Nothing to review for you right now");
            assertThat(careful.locator("#contribute-progress")).containsText("your accuracy on check items: 100 %");
        }
        ada.locator("#contribute-history-box").click();
        assertThat(ada.locator("#contribute-history")).containsText("incorrect, steps corrected");
        ada.locator("#contributor-campaigns").click();
        assertThat(ada.locator("#my-campaigns")).containsText(TITLE);
        Accessibility.assertNoSeriousViolations(ada, "a contributor's campaigns");

        // The owner sees every item decided, why, and the careless one paused by gold.
        owner.navigate(campaignUrl);
        assertThat(owner.locator("#campaign-summary")).containsText("6 of 8 items final");
        Locator carelessRow = owner.locator("#campaign-contributors")
                .getByText("Careless", new Locator.GetByTextOptions().setExact(true));
        assertThat(carelessRow).isVisible();
        assertThat(owner.locator("#campaign-contributors")).containsText("right 0 of 2 times");
        assertThat(owner.locator("#campaign-contributors")).containsText("0 % of 2");
        assertThat(owner.locator("#campaign-progress-chart[data-rendered]")).isVisible();
        Pages.choose(owner, "#campaign-item-state", "final");
        owner.waitForURL(url -> url.contains("state=FINAL"));
        owner.locator("#campaign-items")
                .getByText("test-2", new Locator.GetByTextOptions().setExact(true))
                .click();
        assertThat(owner.locator("#campaign-item-reason")).containsText("converged on a corrected trace");
        assertThat(owner.locator("#campaign-item-votes")).containsText("Ada: incorrect, steps corrected");
        assertThat(owner.locator("#campaign-item-votes")).containsText("Bob: incorrect, steps corrected");
        assertThat(owner.locator("#campaign-item-votes")).not().containsText("Careless");

        // The decisions are revisions of the run, re-run in the background: the student now gets them right.
        owner.locator("#campaign-item-review").click();
        assertThat(owner.locator("#review-item")).containsText("test-2");
        awaitText(owner, app.url("/runs/" + runId + "/review"), "#review-summary", "6 fixed");
        awaitText(owner, app.url("/leaderboards"), "#leaderboard-grid", "6 corrected");
    }

    /** Creates the campaign in the form (one refusal on its field first) and returns the join link shown once. */
    private static String createCampaign(Page owner) {
        owner.navigate(app.url("/campaigns"));
        assertThat(owner.locator("#main-nav")).containsText("Campaigns");
        Accessibility.assertNoSeriousViolations(owner, "the campaigns list");
        owner.locator("#new-campaign").click();
        owner.locator("#campaign-run").click();
        owner.getByRole(AriaRole.OPTION)
                .filter(new Locator.FilterOptions().setHasText(runName))
                .click();
        owner.locator("#campaign-reviews input").fill("2");
        owner.locator("#campaign-gold-share input").fill("0.3");
        owner.locator("#campaign-gold-min input").fill("2");
        owner.locator("#campaign-gold-threshold input").fill("0.7");
        owner.locator("#campaign-decide-threshold input").fill("0.8");
        owner.locator("#campaign-per-minute input").fill("600");
        owner.locator("#campaign-min-seconds input").fill("0");
        // The end is entered in the owner's time, and the form says which.
        // (Chromium names the zone by its older alias.)
        assertThat(owner.getByText(java.util.regex.Pattern.compile("Ends at \\(optional, Asia/(Kolkata|Calcutta)\\)")))
                .isVisible();
        Locator day = owner.locator("#campaign-ends-at input").first();
        day.click();
        day.pressSequentially("1/15/2099");
        day.press("Enter");
        Locator time = owner.locator("#campaign-ends-at input").nth(1);
        time.click();
        time.pressSequentially("17:00");
        time.press("Enter");
        assertThat(owner.locator("#campaign-ends-at")).hasJSProperty("value", "2099-01-15T17:00");
        owner.locator("#campaign-instructions textarea")
                .fill("Say whether the **answer** is right; fix the steps if not.");
        assertThat(owner.locator("#campaign-preview strong").first()).hasText("answer");
        Accessibility.assertNoSeriousViolations(owner, "the new campaign form");
        owner.locator("#campaign-create").click();
        assertThat(owner.locator("#campaign-title")).hasAttribute("invalid", "");
        assertThat(owner.locator("#campaign-title")).containsText("Give the campaign a title");
        owner.locator("#campaign-title input").fill(TITLE);
        owner.locator("#campaign-create").click();
        owner.waitForURL(url -> url.matches(".*/campaigns/[0-9a-f-]{36}"));
        assertThat(owner.locator("#campaign-heading")).hasText(TITLE);
        assertThat(owner.locator("#campaign-summary")).containsText("0 of 8 items final");
        assertThat(owner.locator("#campaign-settings")).containsText("ends 2099-01-15 17:00");
        String campaignId = owner.url().substring(owner.url().lastIndexOf('/') + 1);
        org.assertj.core.api.Assertions.assertThat(
                        JSON.readTree(http.call("GET", "/api/v1/campaigns/" + campaignId, KEY, null)
                                        .body())
                                .get("endsAt")
                                .asString())
                .as("17:00 in Kolkata")
                .isEqualTo("2099-01-15T11:30:00Z");
        String link = owner.locator("#campaign-join-link input").inputValue();
        org.assertj.core.api.Assertions.assertThat(link).startsWith(app.url("/join/dcj_"));
        return link;
    }

    /**
     * The owner decides an item before the crowd sees it: incorrect, with the step that reports the gold answer; the
     * item is final at once and no longer offers the controls, and the crowd decides the rest.
     */
    private static void settleWithCorrectedTrace(Page owner, String itemId) {
        String gold = JSON.readTree(http.call("GET", "/api/v1/runs/" + runId + "/traces/" + itemId, KEY, null)
                        .body())
                .get("trace")
                .get("gold")
                .asString();
        owner.locator("#campaign-items")
                .getByText(itemId, new Locator.GetByTextOptions().setExact(true))
                .click();
        assertThat(owner.locator("#campaign-item-heading")).hasText("Item " + itemId);
        owner.locator("#campaign-settle-trace textarea").fill("1. Add the numbers.\n2. Report " + gold);
        owner.locator("#campaign-settle-incorrect").click();
        assertThat(owner.locator("#campaign-item-reason")).containsText(": incorrect, with a corrected trace");
        assertThat(owner.locator("#campaign-settle")).hasCount(0);
        assertThat(owner.locator("#campaign-summary")).containsText("1 of 8 items final");
    }

    private static void markGoldIncorrect(Page owner, String itemId) {
        owner.locator("#campaign-items")
                .getByText(itemId, new Locator.GetByTextOptions().setExact(true))
                .click();
        assertThat(owner.locator("#campaign-item-heading")).hasText("Item " + itemId);
        owner.locator("#campaign-gold-incorrect").click();
        assertThat(owner.locator("#campaign-item-state-line"))
                .containsText("gold: its answer is known to be incorrect");
    }

    /**
     * A new person in their own browser: signs up, opens the link (signing in on the way), joins, and finds nothing
     * of the owner's workspace: no navigation on the campaign's pages, and the run and campaign pages refuse them.
     */
    private static Page contributor(String link, String who, String name, boolean audit) {
        Page page = browser.newUser();
        String email = who + "@example.com";
        Pages.signUp(page, app, email, name, PASSWORD);
        page.navigate(link);
        page.waitForURL("**/login");
        Pages.signIn(page, app, email, PASSWORD, false);
        page.waitForURL(url -> url.contains("/join/"));
        assertThat(page.locator("#join-campaign")).isVisible();
        assertThat(page.locator("#main-nav")).hasCount(0);
        if (audit) {
            Accessibility.assertNoSeriousViolations(page, "the join page");
        }
        page.locator("#join-campaign").click();
        page.waitForURL(url -> url.contains("/contribute/"));
        assertThat(page.locator("#contribute-title")).hasText(TITLE);
        assertThat(page.locator("#contribute-instructions strong")).hasText("answer");
        assertThat(page.locator("#main-nav")).hasCount(0);
        assertThat(page.locator("#workspace-switcher")).hasCount(0);
        if (audit) {
            Accessibility.assertNoSeriousViolations(page, "the contributor's page");
        }
        String contributeUrl = page.url();

        page.navigate(app.url("/runs/" + runId));
        assertThat(page.locator("h1")).hasText("Run not found");
        page.navigate(app.url("/campaigns/" + contributeUrl.substring(contributeUrl.lastIndexOf('/') + 1)));
        assertThat(page.locator("h1")).hasText("Campaigns");
        assertThat(page.locator("body")).not().containsText(TITLE);
        assertThat(page.locator("body")).not().containsText(runName);

        page.navigate(contributeUrl);
        assertThat(page.locator("#contribute-title")).hasText(TITLE);
        return page;
    }

    private static boolean onItem(Page page) {
        page.waitForFunction("() => document.querySelector('#contribute-status')?.dataset.state");
        return "item".equals(page.locator("#contribute-status").getAttribute("data-state"));
    }

    /** Gives an answer by key and waits until the page has taken it (counted, or stopped the contributor). */
    private static void answer(Page page, Runnable key) {
        String before = page.locator("#contribute-progress").getAttribute("data-answered");
        key.run();
        page.waitForFunction("""
                before => document.querySelector('#contribute-progress').dataset.answered !== before
                    || document.querySelector('#contribute-status').dataset.state !== 'item'""", before);
    }

    /** Reloads {@code url} until {@code selector} shows {@code text}: what it waits for is done by a background job. */
    private static void awaitText(Page page, String url, String selector, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            page.navigate(url);
            Locator target = page.locator(selector);
            target.waitFor();
            if (target.innerText().contains(text)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                assertThat(target).containsText(text);
            }
            Thread.sleep(1_000);
        }
    }
}
