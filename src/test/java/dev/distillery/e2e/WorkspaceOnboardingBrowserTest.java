package dev.distillery.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new team's first minutes, in a real browser against the packaged app: sign up, stay signed in, create a second
 * workspace, invite a colleague who joins through the link, make them a viewer, and see that a viewer cannot reach
 * the administrators' actions.
 */
class WorkspaceOnboardingBrowserTest {

    static final String PASSWORD = "violet tractor harbour 42 quietly";
    static PackagedApp app;

    @RegisterExtension
    static Browser browser = new Browser();

    @BeforeAll
    static void startApp() throws Exception {
        app = PackagedApp.start(Map.of());
    }

    @AfterAll
    static void stop() {
        browser.close();
        app.close();
    }

    @Test
    void aTeamSignsUpInvitesAColleagueAndRestrictsTheirRole() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String ownerEmail = "owner-" + suffix + "@example.com";
        String guestEmail = "guest-" + suffix + "@example.com";

        Page owner = browser.newUser();
        signUp(owner, ownerEmail, "Olga");
        signIn(owner, ownerEmail, true);
        assertThat(owner.locator("#workspace-name")).hasText("Olga's workspace");
        Accessibility.assertNoSeriousViolations(owner, "the home page");

        // Stay signed in: a browser that lost its session but kept the remember-me cookie is still signed in.
        List<Cookie> remembered = owner.context().cookies().stream()
                .filter(c -> !c.name.equals("JSESSIONID"))
                .toList();
        owner.context().clearCookies();
        owner.context().addCookies(remembered);
        owner.navigate(app.url("/"));
        assertThat(owner.locator("#workspace-name")).hasText("Olga's workspace");

        owner.locator("#new-workspace").click();
        owner.locator("#new-workspace-name input").fill("Research Lab");
        owner.locator("#create-workspace").click();
        assertThat(owner.locator("#settings-heading")).hasText("Research Lab");
        Accessibility.assertNoSeriousViolations(owner, "the settings page");

        owner.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Invitations"))
                .click();
        owner.locator("#create-invitation").click();
        Accessibility.assertNoSeriousViolations(owner, "the settings' invitations tab");
        String link = owner.locator("#invite-link input").inputValue();
        org.assertj.core.api.Assertions.assertThat(link).startsWith(app.url("/invite/"));

        Page guest = browser.newUser();
        guest.navigate(link);
        guest.waitForURL("**/login");
        guest.getByText("Create one").click();
        signUp(guest, guestEmail, "Gus");
        signIn(guest, guestEmail, false);
        assertThat(guest.getByText("invites you to join as Member")).isVisible();
        Accessibility.assertNoSeriousViolations(guest, "the invitation page");
        guest.locator("#accept-invitation").click();
        assertThat(guest.locator("#workspace-name")).hasText("Research Lab");

        // A used link does not work twice.
        Page third = browser.newUser();
        signUp(third, "third-" + suffix + "@example.com", "Tia");
        signIn(third, "third-" + suffix + "@example.com", false);
        third.navigate(link);
        assertThat(third.locator("#invitation-message")).containsText("already been used");

        owner.navigate(app.url("/settings"));
        owner.locator("[id='role-" + guestEmail + "']").click();
        owner.getByRole(
                        AriaRole.OPTION,
                        new Page.GetByRoleOptions().setName("Viewer").setExact(true))
                .click();
        assertThat(owner.getByText(guestEmail + " is now Viewer.")).isVisible();

        guest.navigate(app.url("/settings"));
        assertThat(guest.getByText("Your role: Viewer")).isVisible();
        assertThat(guest.locator("#members-grid")).containsText(ownerEmail);
        assertThat(guest.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Invitations")))
                .hasCount(0);
        assertThat(guest.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("API keys")))
                .hasCount(0);
        assertThat(guest.locator("vaadin-select[id^='role-']")).hasCount(0);

        // The owner sees all of it in the audit log.
        owner.navigate(app.url("/settings"));
        owner.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Audit log"))
                .click();
        assertThat(owner.locator("#audit-grid")).containsText("member.role-changed");
        assertThat(owner.locator("#audit-grid")).containsText("member.joined");
        Accessibility.assertNoSeriousViolations(owner, "the settings' audit log");

        // Signing out everywhere ends the owner's other sessions and their "stay signed in" cookie too.
        Page ownerElsewhere = browser.newUser();
        signIn(ownerElsewhere, ownerEmail, false);
        assertThat(ownerElsewhere.locator("#workspace-name")).isVisible();
        List<Cookie> stillRemembered = owner.context().cookies().stream()
                .filter(c -> c.name.equals("remember-me"))
                .toList();
        org.assertj.core.api.Assertions.assertThat(stillRemembered).hasSize(1);
        owner.locator("#user-menu vaadin-menu-bar-button").first().click();
        owner.locator("#sign-out-everywhere").click();
        owner.waitForURL("**/login");
        ownerElsewhere.navigate(app.url("/settings"));
        ownerElsewhere.waitForURL("**/login");
        Page withOldCookie = browser.newUser();
        withOldCookie.context().addCookies(stillRemembered);
        withOldCookie.navigate(app.url("/settings"));
        withOldCookie.waitForURL("**/login");
    }

    @Test
    void signUpAndSignInExplainWhatIsWrong() {
        Page page = browser.newUser();
        page.navigate(app.url("/signup"));
        Accessibility.assertNoSeriousViolations(page, "the sign-up page");
        page.locator("#signup-email input")
                .fill("weak-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com");
        page.locator("#signup-name input").fill("Weak");
        page.locator("#signup-password input").fill("password12");
        page.locator("#signup-repeat input").fill("password12");
        page.locator("#signup-submit").click();
        assertThat(page.locator("#signup-password")).hasAttribute("invalid", "");
        assertThat(page.locator("#signup-password")).containsText("passphrase");

        page.navigate(app.url("/login"));
        Accessibility.assertNoSeriousViolations(page, "the sign-in page");
        page.locator("#username input").fill("nobody@example.com");
        page.locator("#password input").fill("wrong password here");
        page.locator("#sign-in").click();
        assertThat(page.locator("#login-message")).containsText("Incorrect email or password");
        Accessibility.assertNoSeriousViolations(page, "the sign-in page with its error");
    }

    @Test
    void aNewWorkspacesHomeTicksEachFirstStepOnceDoneAndLinksToIt() {
        String email = "home-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        Page page = browser.newUser();
        signUp(page, email, "Hana");
        signIn(page, email, false);

        Locator steps = page.locator("#getting-started > li");
        assertThat(steps).hasCount(5);
        assertThat(page.locator("#getting-started > li[data-done='true']")).hasCount(0);
        assertThat(page.locator("#getting-started-heading")).hasText("Getting started (0 of 5 done)");
        assertThat(page.getByText("No run is queued or running.")).isVisible();

        page.locator("#step-endpoint-link").click();
        page.waitForURL("**/endpoints");
        page.locator("#new-endpoint").click();
        page.locator("#endpoint-name input").fill("Teacher");
        page.locator("#endpoint-base-url input").fill("http://127.0.0.1:9/v1");
        page.locator("#endpoint-model input").fill("teacher-70b");
        page.locator("#save-endpoint").click();
        assertThat(page.locator("#endpoints-grid")).containsText("Teacher");
        Accessibility.assertNoSeriousViolations(page, "the endpoints page");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Overview"))
                .click();
        assertThat(page.locator("#step-endpoint")).hasAttribute("data-done", "true");
        assertThat(page.locator("#step-endpoint")).containsText("done");
        assertThat(page.locator("#getting-started > li[data-done='true']")).hasCount(1);
        assertThat(page.locator("#getting-started-heading")).hasText("Getting started (1 of 5 done)");
        Accessibility.assertNoSeriousViolations(page, "the home page after the first step");

        page.locator("#step-dataset-link").click();
        page.waitForURL("**/datasets");
        Accessibility.assertNoSeriousViolations(page, "the datasets page");
        page.goBack();
        page.locator("#step-run-link").click();
        page.waitForURL("**/runs/new");
        Accessibility.assertNoSeriousViolations(page, "the run form");
        page.goBack();
        page.locator("#step-review-link").click();
        page.waitForURL("**/runs");
        Accessibility.assertNoSeriousViolations(page, "the runs page");
        page.goBack();
        page.locator("#step-leaderboard-link").click();
        page.waitForURL("**/leaderboards");
        Accessibility.assertNoSeriousViolations(page, "the leaderboards page");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Fine-tuning"))
                .click();
        page.waitForURL("**/fine-tuning");
        Accessibility.assertNoSeriousViolations(page, "the fine-tuning page");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Grader"))
                .click();
        page.waitForURL("**/grading");
        Accessibility.assertNoSeriousViolations(page, "the grader page");
    }

    private static void signUp(Page page, String email, String name) {
        Pages.signUp(page, app, email, name, PASSWORD);
    }

    private static void signIn(Page page, String email, boolean remember) {
        Pages.signIn(page, app, email, PASSWORD, remember);
    }
}
