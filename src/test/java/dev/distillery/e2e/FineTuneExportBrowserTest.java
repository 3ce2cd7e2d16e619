package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * A member opens a finished Fine-tune-CoT run, downloads its ft-cot samples from the "Export training data" dialog,
 * is refused once a test set holds one of the questions, and exports anyway with a reason.
 */
class FineTuneExportBrowserTest {

    static final String ADMIN = "admin@example.com";
    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static final String KEY = "dk_export_browser_key_0123456789abcdef";
    static PackagedApp app;
    static OpenAiSimulator sim;
    static TestHttp http;
    static String runId;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void start() throws Exception {
        sim = OpenAiSimulator.start(Config.defaults().models("teacher"));
        sim.when(r -> r.prompt().endsWith("Therefore, the answer is")).reply(" 6.");
        sim.when(r -> true).reply(" 10 - 4 = 6.");
        app = PackagedApp.start(Map.of(
                "DISTILLERY_ADMIN_EMAIL",
                ADMIN,
                "DISTILLERY_ADMIN_PASSWORD",
                PASSWORD,
                "DISTILLERY_ADMIN_API_KEY",
                KEY));
        http = new TestHttp(URI.create(app.url("/")).getPort());
        JsonMapper json = JsonMapper.builder().build();
        TestRuns runs = new TestRuns(http, json);
        String teacher = runs.endpoint(KEY, sim.baseUrl(), "teacher");
        String dataset = json.readTree(http.upload(
                                "/api/v1/datasets",
                                KEY,
                                Map.of("name", "Tiny", "format", "gsm8k", "split", "train"),
                                "train.jsonl",
                                ("{\"question\": \"What is 10 minus 4?\", \"answer\": \"#### 6\"}\n"
                                                + "{\"question\": \"What is 3 plus 3?\", \"answer\": \"#### 6\"}\n")
                                        .getBytes(StandardCharsets.UTF_8))
                        .body())
                .get("datasetId")
                .asString();
        runId = runs.completed(KEY, """
                {"method": "fine-tune-cot", "datasetId": "%s", "split": "train", "roles": {"teacher": "%s"}}""".formatted(dataset, teacher));
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
        sim.close();
    }

    @Test
    void aMemberDownloadsFineTuneCotSamplesFromTheRunPageAndOverridesTheContaminationGuardWithAReason()
            throws Exception {
        Page page = browser.newUser();
        Pages.signIn(page, app, ADMIN, PASSWORD, false);
        page.navigate(app.url("/runs/" + runId));
        page.locator("#run-export").click();
        assertThat(page.locator("#export-format")).containsText("ft-cot");
        page.locator("#export-prepare").click();
        assertThat(page.locator("#export-message")).containsText("Ready: 2 training samples from 2 items");
        Accessibility.assertNoSeriousViolations(page, "the fine-tuning export dialog");
        Download download =
                page.waitForDownload(() -> page.locator("#export-download").click());
        assertThat(download.suggestedFilename()).endsWith("-ft-cot.jsonl");
        assertThat(Files.readString(download.path()))
                .isEqualTo("{\"prompt\":\"What is 10 minus 4? ###\",\"completion\":\" 10 - 4 = 6. --> 6 END\"}\n"
                        + "{\"prompt\":\"What is 3 plus 3? ###\",\"completion\":\" 10 - 4 = 6. --> 6 END\"}\n");

        http.upload(
                "/api/v1/datasets",
                KEY,
                Map.of("name", "Held out", "format", "gsm8k", "split", "test"),
                "test.jsonl",
                "{\"question\": \"what is 3 plus 3\", \"answer\": \"#### 6\"}\n".getBytes(StandardCharsets.UTF_8));
        page.locator("#export-prepare").click();
        assertThat(page.locator("#export-message")).containsText("Refused: 1 item would put test data into training");
        assertThat(page.locator("#export-message")).containsText("train-1 (= test-0 of Held out v1)");
        assertThat(page.locator("#export-download")).isHidden();
        page.locator("#export-override-reason textarea").fill("Held out is a paraphrase probe, not an evaluation set");
        page.locator("#export-prepare").click();
        assertThat(page.locator("#export-message")).containsText("including 1 test items (override recorded)");
        Download overridden =
                page.waitForDownload(() -> page.locator("#export-download").click());
        assertThat(Files.readString(overridden.path()).lines()).hasSize(2);
    }
}
