package dev.distillery.tenancy.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginThrottleUnitTest {

    @Test
    void anAddressIsLimitedAcrossAccounts() {
        var throttle = new LoginThrottle(100, 3);
        assertThat(throttle.tryAttempt("a@example.com", "10.0.0.1")).isTrue();
        assertThat(throttle.tryAttempt("b@example.com", "10.0.0.1")).isTrue();
        assertThat(throttle.tryAttempt("c@example.com", "10.0.0.1")).isTrue();
        assertThat(throttle.tryAttempt("d@example.com", "10.0.0.1")).isFalse();
        assertThat(throttle.tryAttempt("d@example.com", "10.0.0.2")).isTrue();
    }

    @Test
    void anAccountIsLimitedAcrossAddressesAndCaseInsensitively() {
        var throttle = new LoginThrottle(2, 100);
        assertThat(throttle.tryAttempt("Ada@example.com", "10.0.0.1")).isTrue();
        assertThat(throttle.tryAttempt("ada@example.com", "10.0.0.2")).isTrue();
        assertThat(throttle.tryAttempt("ADA@example.com", "10.0.0.3")).isFalse();
    }

    @Test
    void junkNamesAreRefusedAtOnceAndKeepNoBucket() {
        var throttle = new LoginThrottle(5, 10_000);
        String junk = "x".repeat(10_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(throttle.tryAttempt(junk + i, "10.0.0.9")).isFalse();
        }
        assertThat(throttle.entries()).as("only the address's bucket").isEqualTo(1);
        assertThat(throttle.tryAttempt("x".repeat(LoginThrottle.MAX_ACCOUNT_LENGTH), "10.0.0.8"))
                .isTrue();
    }

    @Test
    void aSuccessGivesItsAttemptBackSoOnlyFailuresCount() {
        var throttle = new LoginThrottle(2, 2);
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.tryAttempt("ada@example.com", "10.0.0.1")).isTrue();
            throttle.refund("Ada@example.com", "10.0.0.1");
        }
        assertThat(throttle.tryAttempt("ada@example.com", "10.0.0.1")).isTrue();
        assertThat(throttle.tryAttempt("ada@example.com", "10.0.0.1")).isTrue();
        assertThat(throttle.tryAttempt("ada@example.com", "10.0.0.1"))
                .as("two failures")
                .isFalse();
    }
}
