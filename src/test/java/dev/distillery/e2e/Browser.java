package dev.distillery.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Debian's Chromium driven by Playwright, headless and offline (no browser download). Each context is a separate
 * user. On a failed test every open page is saved as a screenshot under {@code target/e2e-screenshots/}.
 */
final class Browser implements AutoCloseable, TestWatcher {

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser chromium;
    private final List<BrowserContext> contexts = new ArrayList<>();

    Browser() {
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        chromium = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run",
                                "--disable-quic")));
    }

    /** A new, independent user session. */
    Page newUser() {
        return newUser("UTC");
    }

    /** A new, independent user session whose browser keeps time in {@code timeZoneId}. */
    Page newUser(String timeZoneId) {
        BrowserContext context = chromium.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900)
                .setTimezoneId(timeZoneId));
        context.setDefaultTimeout(20_000);
        contexts.add(context);
        return context.newPage();
    }

    @Override
    public void testFailed(ExtensionContext test, Throwable cause) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "e2e-screenshots"));
            int n = 0;
            for (BrowserContext context : contexts) {
                for (Page page : context.pages()) {
                    page.screenshot(new Page.ScreenshotOptions()
                            .setFullPage(true)
                            .setPath(
                                    dir.resolve(test.getDisplayName().replaceAll("\\W+", "_") + "-" + (n++) + ".png")));
                }
            }
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        contexts.forEach(BrowserContext::close);
        chromium.close();
        playwright.close();
    }
}
