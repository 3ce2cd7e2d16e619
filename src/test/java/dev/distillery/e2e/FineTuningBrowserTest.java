package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.distillery.TestHttp;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member launches a fine-tuning job from the Fine-tuning page, watches it succeed without reloading, finds the
 * fine-tuned model registered as an endpoint, and opens the run form pre-filled to evaluate it.
 */
class FineTuningBrowserTest {

    static final String ADMIN = "admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_fine_tuning_browser_key_0123456789";
    static PackagedApp app;
    static OpenAiSimulator sim;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = OpenAiSimulator.start(Config.defaults().models("student")).fineTuneStage(Duration.ofSeconds(1));
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY,
                "DISTILLERY_FINE_TUNING_POLL_INITIAL",
                "500ms",
                "DISTILLERY_FINE_TUNING_POLL_MAX",
                "1s"));
        new TestHttp(URI.create(app.url("/")).getPort())
                .call(
                        "POST",
                        "/api/v1/endpoints",
                        KEY,
                        "{\"name\": \"Student\", \"baseUrl\": \"" + sim.baseUrl() + "\", \"model\": \"student\"}");
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void aMemberLaunchesAFineTuneSeesItSucceedAndEvaluatesTheNewEndpoint() throws Exception {
        Path training = Files.createTempFile("train", ".jsonl");
        Files.writeString(training, """
                {"prompt": "Tom has 3 apples and buys 4 more. How many? ###", "completion": " 3 + 4 = 7 --> 7 END"}
                {"prompt": "Two boxes of 6 eggs: how many eggs? ###", "completion": " 6 * 2 = 12 --> 12 END"}
                """);
        Page page = browser.newUser();
        Pages.signIn(page, app, ADMIN, PASSWORD, false);

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Fine-tuning"))
                .click();
        page.locator("#new-fine-tune").click();
        assertThat(page.locator("#ft-endpoint")).containsText("Student (student)");
        assertThat(page.locator("#ft-model input")).hasValue("student");
        page.locator("#ft-suffix input").fill("gsm8k");
        page.locator("#ft-training-upload input[type=file]").setInputFiles(training);
        assertThat(page.locator("#ft-status-line")).containsText("Training file: train");
        page.locator("#launch-fine-tune").click();

        // The job page follows the job by itself: no reload.
        assertThat(page.locator("#ft-status"))
                .containsText("succeeded", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        assertThat(page.locator("#ft-title")).containsText("ft:student:distillery:gsm8k:");
        assertThat(page.locator("#ft-events")).containsText("The job has successfully completed");
        Accessibility.assertNoSeriousViolations(page, "a fine-tuning job's page");
        assertThat(page.locator("#ft-endpoint-link"))
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));

        page.locator("#ft-evaluate").click();
        page.waitForURL(Pattern.compile(".*runs/new\\?.*method=fine-tune-cot-student.*"));
        assertThat(page.locator("#run-method")).containsText("Fine-tune-CoT student");
        assertThat(page.locator("#run-role-student")).containsText("Student · ft:student:distillery:gsm8k:");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Endpoints"))
                .click();
        assertThat(page.locator("#endpoints-grid")).containsText("Student · ft:student:distillery:gsm8k:");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Fine-tuning"))
                .click();
        assertThat(page.locator("#fine-tune-grid")).containsText("succeeded");
        Accessibility.assertNoSeriousViolations(page, "the fine-tuning page with a job");
    }
}
