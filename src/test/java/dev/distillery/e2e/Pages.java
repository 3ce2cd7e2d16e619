package dev.distillery.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.AriaRole;

/** Page steps the browser tests share. */
final class Pages {

    private Pages() {}

    /** Waits until the page has loaded and Vaadin's client has no request in flight (a value sent has arrived). */
    static void awaitServer(Page page) {
        page.waitForFunction("""
                () => document.readyState === 'complete' && (!window.Vaadin || !window.Vaadin.Flow
                    || !window.Vaadin.Flow.clients
                    || Object.values(window.Vaadin.Flow.clients).every(c => !c.isActive || !c.isActive()))""");
    }

    /** Picks {@code option} in the Vaadin select {@code select}. */
    static void choose(Page page, String select, String option) {
        Locator options = page.getByRole(
                        AriaRole.OPTION,
                        new Page.GetByRoleOptions().setName(option).setExact(true))
                .filter(new Locator.FilterOptions().setVisible(true));
        awaitServer(page);
        for (int attempt = 1; ; attempt++) {
            page.locator(select).click();
            // The previous select's list may still be closing (animated); wait until only the open one shows the
            // option. A click that lands while a freshly navigated view is still attaching opens nothing: on a
            // loaded machine that happens, so the list is closed and opened again rather than waited for in vain.
            try {
                page.waitForCondition(() -> options.count() == 1, new Page.WaitForConditionOptions().setTimeout(5_000));
                break;
            } catch (PlaywrightException notOpened) {
                if (attempt == 4) {
                    throw notOpened;
                }
                page.keyboard().press("Escape");
                awaitServer(page);
            }
        }
        options.click();
    }

    /** Signs up on the sign-up page (opened unless the page is on it) and waits for the sign-in page. */
    static void signUp(Page page, PackagedApp app, String email, String name, String password) {
        if (!page.url().endsWith("/signup")) {
            page.navigate(app.url("/signup"));
        }
        page.locator("#signup-email input").fill(email);
        page.locator("#signup-name input").fill(name);
        page.locator("#signup-password input").fill(password);
        page.locator("#signup-repeat input").fill(password);
        page.locator("#signup-submit").click();
        page.waitForURL("**/login?registered");
    }

    /** Signs in on the sign-in page (opened unless the page is on it) and waits to leave it. */
    static void signIn(Page page, PackagedApp app, String email, String password, boolean remember) {
        if (!page.url().contains("/login")) {
            page.navigate(app.url("/login"));
        }
        page.locator("#username input").fill(email);
        page.locator("#password input").fill(password);
        if (remember) {
            page.locator("#remember-me input").check();
        }
        page.locator("#sign-in").click();
        page.waitForURL(url -> !url.contains("/login"));
    }
}
