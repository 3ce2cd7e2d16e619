package dev.distillery.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordPolicyUnitTest {

    @Test
    void commonPasswordsAreRefusedWithAReason() {
        assertThat(PasswordPolicy.weakness("Password123!", List.of())).isPresent();
        assertThat(PasswordPolicy.weakness("qwertyuiop", List.of())).isPresent();
    }

    @Test
    void theUsersOwnEmailDoesNotMakeAStrongPassword() {
        assertThat(PasswordPolicy.weakness("ada.lovelace@example.com", List.of("ada.lovelace@example.com")))
                .isPresent();
    }

    @Test
    void longPassphrasesPass() {
        assertThat(PasswordPolicy.weakness("violet tractor harbour 42 quietly", List.of()))
                .isEmpty();
    }

    @Test
    void shortPasswordsAreRefusedByLength() {
        assertThat(PasswordPolicy.weakness("x9$Lq", List.of()))
                .hasValueSatisfying(r -> assertThat(r).contains("10"));
    }
}
