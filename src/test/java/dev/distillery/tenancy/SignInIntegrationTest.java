package dev.distillery.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestTenants;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.security.web.WebAttributes;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** The form sign-in chain through MockMvc, built on the shared web context (see ApiIntegrationTest). */
class SignInIntegrationTest extends ApiIntegrationTest {

    @Autowired
    WebApplicationContext context;

    @Autowired
    TestTenants fixtures;

    MockMvc mvc;

    @BeforeEach
    void mockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .apply(SecurityMockMvcConfigurers.springSecurity())
                .build();
    }

    @Autowired
    AccountService accounts;

    @Test
    void signingInWithStaySignedInSetsARememberMeCookieThatSignsInLater() throws Exception {
        String email = fixtures.signUp("remember");
        MvcResult result = mvc.perform(post("/login")
                        .with(csrf())
                        .param("username", email)
                        .param("password", TestTenants.PASSWORD)
                        .param("remember-me", "on"))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(302);
        assertThat(result.getResponse().getRedirectedUrl()).doesNotContain("error");
        Cookie remember = result.getResponse().getCookie("remember-me");
        assertThat(remember).isNotNull();
        assertThat(remember.getMaxAge()).isGreaterThan(7 * 24 * 3600);
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery("SELECT count(*) FROM persistent_logins WHERE username = '" + email + "'");
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
        // That the cookie alone signs a new browser session in is shown by the browser test.
    }

    @Test
    void theRememberMeTokenIsStoredOnlyAsADigestAndStillSignsIn() throws Exception {
        String email = fixtures.signUp("digest");
        Cookie remember = mvc.perform(post("/login")
                        .with(csrf())
                        .param("username", email)
                        .param("password", TestTenants.PASSWORD)
                        .param("remember-me", "on"))
                .andReturn()
                .getResponse()
                .getCookie("remember-me");
        String[] seriesAndToken = decode(remember);
        assertThat(storedToken(seriesAndToken[0]))
                .isEqualTo(Secrets.hash(seriesAndToken[1]))
                .isNotEqualTo(seriesAndToken[1]);

        // The cookie alone signs in, and is renewed.
        MvcResult later = mvc.perform(get("/").cookie(remember))
                .andExpect(authenticated().withUsername(email))
                .andReturn();
        String[] renewed = decode(later.getResponse().getCookie("remember-me"));
        assertThat(renewed[0]).isEqualTo(seriesAndToken[0]);
        assertThat(storedToken(renewed[0])).isEqualTo(Secrets.hash(renewed[1]));

        // The stored digest itself, put in a cookie, signs nobody in.
        Cookie forged = new Cookie(
                "remember-me",
                java.util.Base64.getEncoder()
                        .withoutPadding()
                        .encodeToString((java.net.URLEncoder.encode(renewed[0], java.nio.charset.StandardCharsets.UTF_8)
                                        + ":" + storedToken(renewed[0]))
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // It is taken for a stolen cookie: refused, and the account's remember-me tokens are deleted.
        assertThatThrownBy(() -> mvc.perform(get("/").cookie(forged)))
                .satisfies(e -> assertThat(org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e))
                        .isInstanceOf(
                                org.springframework.security.web.authentication.rememberme.CookieTheftException.class));
        mvc.perform(get("/").cookie(later.getResponse().getCookie("remember-me")))
                .andExpect(unauthenticated());
    }

    @Test
    void signingOutEverywhereEndsEverySessionOfTheUserAndTheirRememberMeTokens() throws Exception {
        String email = fixtures.signUp("everywhere");
        MvcResult first = mvc.perform(post("/login")
                        .with(csrf())
                        .param("username", email)
                        .param("password", TestTenants.PASSWORD)
                        .param("remember-me", "on"))
                .andReturn();
        MvcResult second = mvc.perform(
                        post("/login").with(csrf()).param("username", email).param("password", TestTenants.PASSWORD))
                .andReturn();
        var laptop = (org.springframework.mock.web.MockHttpSession)
                first.getRequest().getSession();
        var phone = (org.springframework.mock.web.MockHttpSession)
                second.getRequest().getSession();
        mvc.perform(get("/").session(phone)).andExpect(authenticated().withUsername(email));

        fixtures.as(email, () -> accounts.signOutEverywhere());

        mvc.perform(get("/").session(phone)).andExpect(unauthenticated());
        mvc.perform(get("/").session(laptop)).andExpect(unauthenticated());
        mvc.perform(get("/").cookie(first.getResponse().getCookie("remember-me")))
                .andExpect(unauthenticated());
        MvcResult again = mvc.perform(
                        post("/login").with(csrf()).param("username", email).param("password", TestTenants.PASSWORD))
                .andReturn();
        mvc.perform(get("/").session((org.springframework.mock.web.MockHttpSession)
                        again.getRequest().getSession()))
                .andExpect(authenticated().withUsername(email));
    }

    private static String[] decode(Cookie cookie) {
        String value = cookie.getValue();
        String[] parts = new String(
                        java.util.Base64.getDecoder().decode(value + "=".repeat((4 - value.length() % 4) % 4)),
                        java.nio.charset.StandardCharsets.UTF_8)
                .split(":");
        // Spring Security URL-encodes each part before joining them.
        return java.util.Arrays.stream(parts)
                .map(part -> java.net.URLDecoder.decode(part, java.nio.charset.StandardCharsets.UTF_8))
                .toArray(String[]::new);
    }

    private static String storedToken(String series) throws java.sql.SQLException {
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery("SELECT token FROM persistent_logins WHERE series = '" + series + "'");
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void everyPageForbidsFramingAndSniffingAndKeepsItsAddressToItself() throws Exception {
        var http = new dev.distillery.TestHttp(port);
        for (String path :
                new String[] {"/login", "/", "/api/v1/workspace", "/v3/api-docs", "/_static/distillery/public-board.js"
                }) {
            var headers = http.call("GET", path, null, null).headers();
            assertThat(headers.firstValue("Content-Security-Policy"))
                    .as(path)
                    .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
            assertThat(headers.firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(headers.firstValue("Referrer-Policy"))
                    .as(path)
                    .hasValueSatisfying(policy -> assertThat(policy).isIn("same-origin", "no-referrer"));
        }
    }

    @Test
    void signingInWithoutStaySignedInSetsNoRememberMeCookie() throws Exception {
        String email = fixtures.signUp("forget");
        MvcResult result = mvc.perform(
                        post("/login").with(csrf()).param("username", email).param("password", TestTenants.PASSWORD))
                .andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).doesNotContain("error");
        assertThat(result.getResponse().getCookie("remember-me")).isNull();
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery("SELECT count(*) FROM audit_events WHERE action = 'auth.sign-in' AND target = '"
                            + email + "'");
            rows.next();
            assertThat(rows.getInt(1)).as("sign-in in the audit log").isEqualTo(1);
        }
    }

    @Test
    void aSignInWithoutCsrfTokenIsRefused() throws Exception {
        String email = fixtures.signUp("csrf");
        MvcResult result = mvc.perform(post("/login").param("username", email).param("password", TestTenants.PASSWORD))
                .andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/login?expired");
        assertThat(result.getRequest().getSession(false) == null
                        || result.getRequest().getSession(false).getAttribute("SPRING_SECURITY_CONTEXT") == null)
                .isTrue();
    }

    @Test
    void repeatedFailuresThrottleTheAccountEvenForTheRightPassword() throws Exception {
        String email = fixtures.signUp("throttled");
        for (int i = 0; i < 5; i++) {
            MvcResult wrong = mvc.perform(post("/login")
                            .with(csrf())
                            .param("username", email)
                            .param("password", "not the password at all"))
                    .andReturn();
            assertThat(wrong.getResponse().getRedirectedUrl()).contains("error");
        }
        MvcResult blocked = mvc.perform(
                        post("/login").with(csrf()).param("username", email).param("password", TestTenants.PASSWORD))
                .andReturn();
        assertThat(blocked.getResponse().getRedirectedUrl()).contains("error");
        Object error = blocked.getRequest().getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        assertThat(error).isNotNull();
        assertThat(((Exception) error).getMessage()).contains("Too many sign-in attempts");
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement()
                    .executeQuery(
                            "SELECT count(*) FROM audit_events WHERE action = 'auth.sign-in-failed' AND target = '"
                                    + email + "'");
            rows.next();
            assertThat(rows.getInt(1)).as("failed attempts in the audit log").isEqualTo(5);
        }

        // Other accounts from the same address are not affected.
        String other = fixtures.signUp("unaffected");
        MvcResult fine = mvc.perform(
                        post("/login").with(csrf()).param("username", other).param("password", TestTenants.PASSWORD))
                .andReturn();
        assertThat(fine.getResponse().getRedirectedUrl()).doesNotContain("error");
    }
}
