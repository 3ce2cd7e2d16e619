package dev.distillery.bench;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestHttp;
import dev.distillery.TestTenants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * What the contributor API's password check costs a request (HTTP Basic on every call): the password hash the
 * account keeps, checked once (median of 7 after 3 warm-ups), against a whole request whose check is remembered
 * ({@code GET /api/v1/contribute}, the contributor's campaigns, over real HTTP), and the first such request, which
 * checks the hash. {@code ./mvnw -o -B -Pbench verify -Dit.test=ContributorSignInBenchmark}.
 */
class ContributorSignInBenchmark extends ApiIntegrationTest {

    @Autowired
    PasswordEncoder passwords;

    @Test
    void aContributorsRequestsAfterTheFirstDoNotPayForThePasswordHash() throws Exception {
        String email = tenants.signUp("bench-contributor");
        String hash = passwords.encode(TestTenants.PASSWORD);
        double hashMs = BenchReport.medianMs(() -> passwords.matches(TestTenants.PASSWORD, hash));
        TestHttp http = new TestHttp(port);
        String basic = TestHttp.basic(email, TestTenants.PASSWORD);
        long start = System.nanoTime();
        int status = http.callWith("GET", "/api/v1/contribute", basic, null).statusCode();
        double firstMs = (System.nanoTime() - start) / 1e6;
        if (status != 200) {
            throw new IllegalStateException("The contributor's request was answered " + status);
        }
        double rememberedMs = BenchReport.medianMs(
                () -> http.callWith("GET", "/api/v1/contribute", basic, null).statusCode());
        BenchReport.record(
                "contributor-sign-in",
                String.format(
                        "Contributor API password check | the password hash checked: %.1f ms | first request (hash"
                                + " checked): %.1f ms | later requests (check remembered): %.1f ms",
                        hashMs, firstMs, rememberedMs));
    }
}
