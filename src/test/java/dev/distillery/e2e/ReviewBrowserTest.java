package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * Two reviewers in two browsers correct the same Trace-of-Thought trace: one fixes a teacher step and re-runs the
 * student, who now gets it right; the other, who started editing before that save, is told what changed and saves
 * on top. The grid's filters live in the URL, and the keyboard moves between items. LaTeX in a trace is typeset, its
 * raw text a click away, and markup a model wrote stays text.
 */
class ReviewBrowserTest {

    static final String ADMIN = "review-admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_review_browser_key_0123456789abcdef";
    static final Pattern REPORT = Pattern.compile("Report (-?\\d+)");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SPRINTS = "James decides to run 3 sprints";
    static final String LATEX_STEPS =
            "1. Let $s = 3 \\times 3$ be the **sprints** a week.\n2. Then $$d = s \\cdot 60$$\n"
                    + "3. Report the total.";
    static final String LATEX_OUTPUT =
            "Careful: <script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> "
                    + "is not math. We have $f(g^{-1}(f^{-1}(5)))$ and $\\frac{540}{1}$, so the answer is 540.";
    static PackagedApp app;
    static OpenAiSimulator sim;
    static TestHttp http;
    static String runId;
    static String queueRun;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        // Item test-3 gets LaTeX in the teacher's steps, and markup beside it in the student's output.
        sim.when(r -> r.prompt().startsWith("Create very short") && r.prompt().contains(SPRINTS))
                .reply(LATEX_STEPS);
        sim.when(r -> r.prompt().startsWith("We are given") && r.prompt().contains(SPRINTS))
                .reply(LATEX_OUTPUT);
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Add the numbers.\n2. Report the total.");
        sim.when(r -> r.prompt().startsWith("We are given")).reply((r, i) -> {
            Matcher m = REPORT.matcher(r.prompt());
            return "Following the steps, the answer is " + (m.find() ? m.group(1) : "-1") + ".";
        });
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        http = new TestHttp(URI.create(app.url("/")).getPort());
        String[] ids = new String[2];
        String[] models = {"teacher", "student"};
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> created = http.call(
                    "POST",
                    "/api/v1/endpoints",
                    KEY,
                    "{\"name\": \"" + models[i] + "\", \"baseUrl\": \"" + sim.baseUrl() + "\", \"model\": \""
                            + models[i] + "\"}");
            ids[i] = JSON.readTree(created.body()).get("id").asString();
        }
        HttpResponse<String> upload = http.upload(
                "/api/v1/datasets",
                KEY,
                Map.of("name", "GSM8K", "format", "gsm8k"),
                "test.jsonl",
                Files.readAllBytes(SharedDatasets.file("gsm8k/test.jsonl")));
        String dataset = JSON.readTree(upload.body()).get("datasetId").asString();
        runId = finishedRun(dataset, ids);
        queueRun = finishedRun(dataset, ids);
    }

    private static String finishedRun(String dataset, String[] endpoints) {
        return new TestRuns(http, JSON).completed(KEY, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": 4,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 4}""".formatted(dataset, endpoints[0], endpoints[1]));
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void twoReviewersCorrectATraceAndTheReRunShowsTheFix() throws Exception {
        String gold = firstGold();
        Page alice = browser.newUser();
        signIn(alice, ADMIN);
        Page bob = browser.newUser();
        joinAsReviewer(bob);

        alice.navigate(app.url("/runs/" + runId));
        alice.locator("#run-review-link").click();
        assertThat(alice.locator("#review-title")).containsText("Review");
        openItem(alice, "test-0");
        assertThat(alice.locator("#review-steps")).containsText("Report the total.");
        assertThat(alice.locator("#review-verdict")).containsText("incorrect");
        assertThat(alice.locator("#review-output .extracted")).hasText("-1");
        Accessibility.assertNoSeriousViolations(alice, "the review page with a trace open");

        // Bob starts editing the same trace before Alice saves.
        bob.navigate(app.url("/runs/" + runId + "/review"));
        openItem(bob, "test-0");
        bob.locator("#review-edit").click();
        bob.locator("#review-step-1 textarea").fill("Add all the numbers in the question.");

        alice.locator("#review-edit").click();
        alice.locator("#review-step-2 textarea").fill("Report " + gold);
        alice.locator("#review-editor-save").click();
        assertThat(alice.locator("#review-item")).containsText("revision 1");
        alice.locator("#review-rerun").click();
        assertThat(alice.locator("#review-outcome")).hasText("correction fixed it");
        assertThat(alice.locator("#review-rerun-output .extracted")).hasText(gold);
        assertThat(alice.locator("#review-summary")).containsText("1 fixed");

        // Bob's save is on the original: he sees Alice's change and saves his on top.
        bob.locator("#review-editor-save").click();
        assertThat(bob.locator("#review-conflict")).containsText("saved revision 1");
        assertThat(bob.locator("#review-conflict-changes")).containsText("+ 2. Report " + gold);
        bob.locator("#review-conflict-retry").click();
        assertThat(bob.locator("#review-item")).containsText("revision 2");
        assertThat(bob.locator("#review-history")).containsText("r1 · " + ADMIN);
        assertThat(bob.locator("#review-diff")).containsText("+ 1. Add all the numbers in the question.");

        // Filters are in the URL: a shared or reloaded link shows the same view.
        Pages.choose(alice, "#review-verdict-filter", "incorrect");
        alice.waitForURL(url -> url.contains("verdict=incorrect"));
        alice.reload();
        assertThat(alice.locator("#review-verdict-filter")).containsText("incorrect");
        alice.locator("#review-edited-filter input").check();
        alice.waitForURL(url -> url.contains("edited=true"));
        assertThat(alice.locator("#review-grid").getByText("test-0", new Locator.GetByTextOptions().setExact(true)))
                .isVisible();
        // The grid keeps recycled rows hidden: only visible cells count.
        assertThat(alice.locator("#review-grid")
                        .getByText("test-1", new Locator.GetByTextOptions().setExact(true))
                        .filter(new Locator.FilterOptions().setVisible(true)))
                .hasCount(0);

        // Keys: next item, and the help overlay.
        alice.navigate(app.url("/runs/" + runId + "/review"));
        openItem(alice, "test-0");
        alice.locator("#review-grid")
                .getByText("test-0", new Locator.GetByTextOptions().setExact(true))
                .press("j");
        assertThat(alice.locator("#review-item")).containsText("test-1");
        alice.locator("#review-grid")
                .getByText("test-1", new Locator.GetByTextOptions().setExact(true))
                .press("x");
        assertThat(alice.locator("#review-override")).containsText("incorrect");
        alice.locator("#review-grid")
                .getByText("test-1", new Locator.GetByTextOptions().setExact(true))
                .press("?");
        assertThat(alice.locator("#review-keys")).containsText("next item");
    }

    @Test
    void latexInATraceIsTypesetTheRawTextIsOneClickAwayAndMarkupInAnOutputIsText() {
        Page alice = browser.newUser();
        signIn(alice, ADMIN);
        alice.navigate(app.url("/runs/" + runId + "/review"));
        openItem(alice, "test-3");

        // MathJax, served by the app, typesets the formulas; Markdown makes the bold text bold.
        assertThat(alice.locator("#review-steps mjx-container")).hasCount(2);
        assertThat(alice.locator("#review-steps strong")).hasText("sprints");
        assertThat(alice.locator("#review-output mjx-container")).hasCount(2);
        // The script and the image a model wrote are text on the page, never elements, and nothing of them ran.
        assertThat(alice.locator("#review-output"))
                .containsText("<script>window.pwned = 1</script><img src=x onerror=");
        assertThat(alice.locator("#review-output script")).hasCount(0);
        assertThat(alice.locator("#review-output img")).hasCount(0);
        org.assertj.core.api.Assertions.assertThat(alice.evaluate("() => window.pwned === undefined"))
                .isEqualTo(true);

        // The raw toggle shows the exact text, and back.
        alice.locator("#review-output-raw").click();
        assertThat(alice.locator("#review-output .raw-text")).hasText(LATEX_OUTPUT);
        assertThat(alice.locator("#review-output mjx-container")).hasCount(0);
        alice.locator("#review-steps-raw").click();
        assertThat(alice.locator("#review-steps .raw-text")).containsText("Then $$d = s \\cdot 60$$");
        alice.locator("#review-output-raw").click();
        assertThat(alice.locator("#review-output mjx-container")).hasCount(2);
        // Editing works on the raw text.
        alice.locator("#review-edit").click();
        assertThat(alice.locator("#review-step-2 textarea")).hasValue("Then $$d = s \\cdot 60$$");
        alice.locator("#review-editor-cancel").click();
    }

    @Test
    void twoReviewersWorkOneQueueAndAnAdminSettlesTheirDisagreementWithOneReviewersTrace() {
        Page alice = browser.newUser();
        signIn(alice, ADMIN);
        Page bob = browser.newUser();
        String bobEmail = joinAsReviewer(bob);

        alice.navigate(app.url("/runs/" + queueRun + "/review"));
        alice.locator("#review-queue-setup").click();
        alice.locator("#review-queue-reviews input").fill("2");
        alice.locator("#review-queue-create").click();
        assertThat(alice.locator("#review-queue-status")).containsText("0 / 8 reviews of 4 items");
        Accessibility.assertNoSeriousViolations(alice, "the review page with its queue");

        // Both take an item at once: each gets one the other does not have.
        bob.navigate(app.url("/runs/" + queueRun + "/review"));
        alice.locator("#review-queue-next").click();
        assertThat(alice.locator("#review-item")).containsText("test-0");
        bob.locator("#review-queue-next").click();
        assertThat(bob.locator("#review-item")).containsText("test-1");
        bob.locator("#review-mine-filter input").check();
        bob.waitForURL(url -> url.contains("mine=true"));
        assertThat(bob.locator("#review-grid")
                        .getByText("test-1", new Locator.GetByTextOptions().setExact(true))
                        .filter(new Locator.FilterOptions().setVisible(true)))
                .hasCount(1);
        assertThat(bob.locator("#review-grid")
                        .getByText("test-0", new Locator.GetByTextOptions().setExact(true))
                        .filter(new Locator.FilterOptions().setVisible(true)))
                .hasCount(0);

        // A verdict in the queue is the reviewer's review, and the next item follows. Bob corrects the steps first.
        alice.locator("#review-mark-incorrect").click();
        assertThat(alice.locator("#review-item")).containsText("test-2");
        bob.locator("#review-edit").click();
        bob.locator("#review-step-2 textarea").fill("Report the sum of all the numbers.");
        bob.locator("#review-editor-save").click();
        assertThat(bob.locator("#review-item")).containsText("test-1 · revision 1");
        bob.locator("#review-mark-correct").click();
        assertThat(bob.locator("#review-item")).containsText("test-3");
        alice.locator("#review-mark-incorrect").click();
        // Every item has its first review (or is being given it): second reviews come next. Alice edits Bob's steps.
        assertThat(alice.locator("#review-item")).containsText("test-1");
        alice.locator("#review-edit").click();
        alice.locator("#review-step-2 textarea").fill("Report the total twice.");
        alice.locator("#review-editor-save").click();
        assertThat(alice.locator("#review-item")).containsText("test-1 · revision 2");
        alice.locator("#review-mark-incorrect").click();
        assertThat(alice.locator("#review-queue-status")).containsText("4 / 8 reviews");

        alice.locator("#review-agreement").click();
        assertThat(alice.locator("#review-agreement-dialog")).containsText("Fleiss' kappa");
        assertThat(alice.locator("#review-disagreement-test-1")).containsText("correct");
        Pages.choose(alice, "#review-adjudicate-verdict-test-1", "incorrect");
        // The final trace is Bob's revision, not the latest (Alice's): it is saved as the settling revision.
        Pages.choose(alice, "#review-adjudicate-trace-test-1", "Trace of " + bobEmail + " (revision 1)");
        alice.locator("#review-adjudicate-reason-test-1 input").fill("The student reports -1, never the total.");
        alice.locator("#review-adjudicate-test-1").click();
        assertThat(alice.locator("#review-disagreement-test-1")).containsText("settled by " + ADMIN);
        alice.keyboard().press("Escape");
        openItem(alice, "test-0");
        openItem(alice, "test-1");
        assertThat(alice.locator("#review-item")).containsText("test-1 · revision 3");
        assertThat(alice.locator("#review-steps")).containsText("Report the sum of all the numbers.");
        assertThat(alice.locator("#review-override")).containsText("Adjudicated: The student reports -1");
    }

    private static void openItem(Page page, String itemId) {
        page.locator("#review-grid")
                .getByText(itemId, new Locator.GetByTextOptions().setExact(true))
                .click();
        assertThat(page.locator("#review-item")).containsText(itemId);
    }

    /** Signs a new user up, makes them a reviewer of the admin's workspace, and returns their email. */
    private static String joinAsReviewer(Page page) {
        HttpResponse<String> invite = http.call("POST", "/api/v1/invitations", KEY, "{\"role\": \"REVIEWER\"}");
        String link = JSON.readTree(invite.body()).get("link").asString();
        String email = "bob-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        Pages.signUp(page, app, email, "Bob", PASSWORD);
        signIn(page, email);
        page.navigate(link);
        page.locator("#accept-invitation").click();
        page.waitForURL(url -> !url.contains("/invite/"));
        return email;
    }

    private static void signIn(Page page, String email) {
        Pages.signIn(page, app, email, PASSWORD, false);
    }

    private static String firstGold() throws Exception {
        JsonNode row = JSON.readTree(
                Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl")).getFirst());
        String answer = row.get("answer").asString();
        return answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", "");
    }
}
