package dev.distillery.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.http.Cookie;
import dev.distillery.TestTenants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.web.WebAttributes;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
class SignInIntegrationTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestTenants fixtures;

    @Test
    void signingInWithStaySignedInSetsARememberMeCookieThatSignsInLater() throws Exception {
        String email = fixtures.signUp("remember");
        MvcResult result = mvc.perform(post("/login").with(csrf())
                        .param("username", email).param("password", TestTenants.PASSWORD).param("remember-me", "on"))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(302);
        assertThat(result.getResponse().getRedirectedUrl()).doesNotContain("error");
        Cookie remember = result.getResponse().getCookie("remember-me");
        assertThat(remember).isNotNull();
        assertThat(remember.getMaxAge()).isGreaterThan(7 * 24 * 3600);
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement().executeQuery(
                    "SELECT count(*) FROM persistent_logins WHERE username = '" + email + "'");
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
        // That the cookie alone signs a new browser session in is shown by the browser test.
    }

    @Test
    void signingInWithoutStaySignedInSetsNoRememberMeCookie() throws Exception {
        String email = fixtures.signUp("forget");
        MvcResult result = mvc.perform(post("/login").with(csrf())
                .param("username", email).param("password", TestTenants.PASSWORD)).andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).doesNotContain("error");
        assertThat(result.getResponse().getCookie("remember-me")).isNull();
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement().executeQuery(
                    "SELECT count(*) FROM audit_events WHERE action = 'auth.sign-in' AND target = '" + email + "'");
            rows.next();
            assertThat(rows.getInt(1)).as("sign-in in the audit log").isEqualTo(1);
        }
    }

    @Test
    void aSignInWithoutCsrfTokenIsRefused() throws Exception {
        String email = fixtures.signUp("csrf");
        MvcResult result = mvc.perform(post("/login")
                .param("username", email).param("password", TestTenants.PASSWORD)).andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/login?expired");
        assertThat(result.getRequest().getSession(false) == null
                || result.getRequest().getSession(false).getAttribute("SPRING_SECURITY_CONTEXT") == null).isTrue();
    }

    @Test
    void repeatedFailuresThrottleTheAccountEvenForTheRightPassword() throws Exception {
        String email = fixtures.signUp("throttled");
        for (int i = 0; i < 5; i++) {
            MvcResult wrong = mvc.perform(post("/login").with(csrf())
                    .param("username", email).param("password", "not the password at all")).andReturn();
            assertThat(wrong.getResponse().getRedirectedUrl()).contains("error");
        }
        MvcResult blocked = mvc.perform(post("/login").with(csrf())
                .param("username", email).param("password", TestTenants.PASSWORD)).andReturn();
        assertThat(blocked.getResponse().getRedirectedUrl()).contains("error");
        Object error = blocked.getRequest().getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        assertThat(error).isNotNull();
        assertThat(((Exception) error).getMessage()).contains("Too many sign-in attempts");
        try (var owner = dev.distillery.TestDatabase.ownerConnection()) {
            var rows = owner.createStatement().executeQuery(
                    "SELECT count(*) FROM audit_events WHERE action = 'auth.sign-in-failed' AND target = '" + email + "'");
            rows.next();
            assertThat(rows.getInt(1)).as("failed attempts in the audit log").isEqualTo(5);
        }

        // Other accounts from the same address are not affected.
        String other = fixtures.signUp("unaffected");
        MvcResult fine = mvc.perform(post("/login").with(csrf())
                .param("username", other).param("password", TestTenants.PASSWORD)).andReturn();
        assertThat(fine.getResponse().getRedirectedUrl()).doesNotContain("error");
    }
}
