package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.distillery.SharedDatasets;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member sets up what runs need, in the browser: registers an endpoint (after a refused URL), tests the connection
 * against the simulator, uploads a file with a bad line and sees which line and why, then uploads GSM8K and browses it.
 */
class ModelsAndDataBrowserTest {

    static final String ADMIN = "admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static PackagedApp app;
    static OpenAiSimulator sim;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = OpenAiSimulator.start(Config.defaults().models("teacher-70b").apiKey("sk-browser-1234"));
        app = PackagedApp.start(Map.of("DISTILLERY_ADMIN_EMAIL", ADMIN, "DISTILLERY_ADMIN_PASSWORD", PASSWORD));
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void aMemberRegistersAnEndpointAndUploadsDatasets() throws Exception {
        Page page = browser.newUser();
        page.navigate(app.url("/login"));
        page.locator("#username input").fill(ADMIN);
        page.locator("#password input").fill(PASSWORD);
        page.locator("#sign-in").click();
        page.waitForURL(url -> !url.contains("/login"));

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Endpoints"))
                .click();
        page.locator("#new-endpoint").click();
        page.locator("#endpoint-name input").fill("Teacher");
        page.locator("#endpoint-base-url input").fill("ftp://example.com/v1");
        page.locator("#endpoint-model input").fill("teacher-70b");
        page.locator("#endpoint-api-key input").fill("sk-browser-1234");
        page.locator("#save-endpoint").click();
        assertThat(page.locator("#endpoint-base-url")).hasAttribute("invalid", "");
        assertThat(page.locator("#endpoint-base-url")).containsText("http://");
        page.locator("#endpoint-base-url input").fill(sim.baseUrl());
        page.locator("#save-endpoint").click();
        assertThat(page.locator("#endpoints-grid")).containsText("Teacher");
        assertThat(page.locator("#endpoints-grid")).containsText("••••1234");
        assertThat(page.locator("#endpoints-grid")).not().containsText("sk-browser-1234");
        assertThat(page.locator("#endpoint-base-url")).hasCount(0);
        page.locator("[id='test-Teacher']").click();
        assertThat(page.locator("#test-result"))
                .containsText("Connected in", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Close"))
                .click();

        // Moving the endpoint to another server asks for its key again: a stored key only goes where it was given.
        page.getByRole(
                        AriaRole.BUTTON,
                        new Page.GetByRoleOptions().setName("Edit").setExact(true))
                .click();
        page.locator("#endpoint-base-url input").fill(sim.baseUrl().replace("127.0.0.1", "localhost"));
        page.locator("#save-endpoint").click();
        assertThat(page.locator("#endpoint-api-key")).hasAttribute("invalid", "");
        assertThat(page.locator("#endpoint-api-key")).containsText("enter the API key for the new server");
        page.locator("#endpoint-api-key input").fill("sk-browser-1234");
        page.locator("#save-endpoint").click();
        assertThat(page.locator("#endpoints-grid")).containsText("localhost");
        // The editor has left the page before the grid's buttons are used: while it closes it still takes the click.
        assertThat(page.locator("#endpoint-base-url")).hasCount(0);
        page.locator("[id='test-Teacher']").click();
        assertThat(page.locator("#test-result"))
                .containsText("Connected in", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Close"))
                .click();

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Datasets"))
                .click();
        page.locator("#upload-dataset").click();
        Path bad = Files.createTempFile("broken", ".jsonl");
        Files.writeString(
                bad,
                "{\"question\": \"1+1?\", \"answer\": \"#### 2\"}\n{\"question\": \"oops\"\n",
                StandardCharsets.UTF_8);
        page.locator("#dataset-upload input[type=file]").setInputFiles(bad);
        assertThat(page.locator("#import-dataset")).isEnabled();
        page.locator("#dataset-name input").fill("Broken");
        page.locator("#import-dataset").click();
        assertThat(page.locator("#import-status")).containsText("nothing was stored");
        assertThat(page.locator("#import-problems")).containsText("2");
        Accessibility.assertNoSeriousViolations(page, "the upload dialog with its problems");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel"))
                .click();
        assertThat(page.locator("#datasets-grid")).not().containsText("Broken");
        // Until the closing dialog has left the page, a file given to "the" upload may reach it rather than the new
        // one.
        assertThat(page.locator("#dataset-upload")).hasCount(0);

        page.locator("#upload-dataset").click();
        page.locator("#dataset-upload input[type=file]").setInputFiles(SharedDatasets.file("gsm8k/test.jsonl"));
        assertThat(page.locator("#import-status")).containsText("GSM8K");
        page.locator("#dataset-name input").fill("GSM8K");
        page.locator("#dataset-source input").fill("openai/grade-school-math, MIT");
        page.locator("#import-dataset").click();
        assertThat(page.locator("#datasets-grid")).containsText("1319");
        page.locator("#datasets-grid")
                .getByText("GSM8K", new com.microsoft.playwright.Locator.GetByTextOptions().setExact(true))
                .first()
                .click();
        assertThat(page.locator("#dataset-counts")).containsText("1319 items");
        assertThat(page.locator("#dataset-counts")).containsText("number 1319");
        page.locator("#dataset-search input").fill("Janet");
        assertThat(page.locator("#dataset-items")).containsText("test-0");
        Accessibility.assertNoSeriousViolations(page, "a dataset's page");
    }
}
