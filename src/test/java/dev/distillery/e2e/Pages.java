package dev.distillery.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

/** Page steps the browser tests share. */
final class Pages {

    private Pages() {
    }

    /** Picks {@code option} in the Vaadin select {@code select}. */
    static void choose(Page page, String select, String option) {
        page.locator(select).click();
        Locator options = page.getByRole(AriaRole.OPTION, new Page.GetByRoleOptions().setName(option).setExact(true))
                .filter(new Locator.FilterOptions().setVisible(true));
        // The previous select's list may still be closing (animated); wait until only the open one shows the option.
        page.waitForCondition(() -> options.count() == 1);
        options.click();
    }
}
