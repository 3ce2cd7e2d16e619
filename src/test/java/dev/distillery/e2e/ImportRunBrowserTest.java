package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.distillery.SharedDatasets;
import dev.distillery.TestHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member imports a run produced elsewhere from the runs list: a file with a bad line is refused with that line
 * named, the fixed file is graded and opens as a run marked imported, and the runs list marks it too.
 */
class ImportRunBrowserTest {

    static final String ADMIN = "admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_import_browser_key_0123456789abcdef";
    static PackagedApp app;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        TestHttp http = new TestHttp(URI.create(app.url("/")).getPort());
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
    }

    @Test
    void aMemberImportsARunFromTheRunsListAndOpensIt() throws Exception {
        Page page = browser.newUser();
        Pages.signIn(page, app, ADMIN, PASSWORD, false);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Runs"))
                .click();

        page.locator("#import-run-open").click();
        Pages.choose(page, "#import-dataset", "GSM8K v1");
        page.locator("#import-student input").fill("tiny-1b");
        Path bad = Files.createTempFile("outputs", ".jsonl");
        Files.writeString(
                bad,
                "{\"itemId\": \"test-0\", \"output\": \"The answer is 18.\"}\n"
                        + "{\"itemId\": \"test-nope\", \"output\": \"The answer is 3.\"}\n",
                StandardCharsets.UTF_8);
        page.locator("#import-upload input[type=file]").setInputFiles(bad);
        assertThat(page.locator("#import-run")).isEnabled();
        page.locator("#import-run").click();
        assertThat(page.locator("#import-run-status")).containsText("nothing was stored");
        assertThat(page.locator("#import-run-problems")).containsText("test-nope");
        assertThat(page.locator("#import-run-problems")).containsText("item id");
        Accessibility.assertNoSeriousViolations(page, "the run import dialog with its problems");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel"))
                .click();
        // The closing dialog leaves the page before the next opens: its fields share the new one's ids.
        assertThat(page.locator("#import-upload")).hasCount(0);

        page.locator("#import-run-open").click();
        Pages.choose(page, "#import-dataset", "GSM8K v1");
        page.locator("#import-student input").fill("tiny-1b");
        page.locator("#import-method input").fill("standard");
        Path good = Files.createTempFile("outputs", ".csv");
        Files.writeString(
                good, "itemId,output\ntest-0,The answer is 18.\ntest-1,The answer is 4.\n", StandardCharsets.UTF_8);
        page.locator("#import-upload input[type=file]").setInputFiles(good);
        assertThat(page.locator("#import-run")).isEnabled();
        page.locator("#import-run").click();

        assertThat(page.locator("#run-config")).containsText("imported · standard / external");
        assertThat(page.locator("#run-config")).containsText("student: tiny-1b");
        assertThat(page.locator("#run-stats")).containsText("accuracy 50.0% (1/2)");
        assertThat(page.locator("#traces-grid")).containsText("test-1");
        Accessibility.assertNoSeriousViolations(page, "an imported run's page");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Runs"))
                .click();
        assertThat(page.locator("#runs-grid")).containsText("standard / external (imported)");
    }
}
