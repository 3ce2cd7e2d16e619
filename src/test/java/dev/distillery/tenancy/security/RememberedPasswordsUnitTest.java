package dev.distillery.tenancy.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A remembered password check skips the hash only for the same email and password, and only while the account keeps
 * the hash it had and may sign in.
 */
class RememberedPasswordsUnitTest {

    static final String ADA = "ada@example.com";

    final AtomicInteger hashed = new AtomicInteger();
    // Counts the slow comparisons; the stored "hash" is the password reversed, which is all a test needs.
    final PasswordEncoder encoder = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return new StringBuilder(raw).reverse().toString();
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            hashed.incrementAndGet();
            return encode(raw).equals(encoded);
        }
    };
    final InMemoryUserDetailsManager accounts = new InMemoryUserDetailsManager();
    RememberedPasswords remembered;

    @BeforeEach
    void setUp() {
        accounts.createUser(user("first secret", false));
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(accounts);
        passwords.setPasswordEncoder(encoder);
        remembered = new RememberedPasswords(passwords, accounts);
    }

    @Test
    void theSamePasswordIsHashedOnceAndAnotherIsAlwaysChecked() {
        assertThat(signIn("first secret").isAuthenticated()).isTrue();
        assertThat(signIn("first secret").isAuthenticated()).isTrue();
        assertThat(signIn("first secret").getName()).isEqualTo(ADA);
        assertThat(hashed).hasValue(1);

        assertThatThrownBy(() -> signIn("first secreT")).isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> signIn("first secreT")).isInstanceOf(BadCredentialsException.class);
        assertThat(hashed).as("a wrong password is never remembered").hasValue(3);
    }

    @Test
    void aChangedPasswordEndsWhatWasRemembered() {
        signIn("first secret");
        accounts.updateUser(user("second secret", false));
        assertThatThrownBy(() -> signIn("first secret")).isInstanceOf(BadCredentialsException.class);
        assertThat(signIn("second secret").isAuthenticated()).isTrue();
        assertThat(signIn("second secret").isAuthenticated()).isTrue();
        assertThat(hashed).hasValue(3);
    }

    @Test
    void aLockedOrRemovedAccountIsRefusedThoughItsPasswordWasRemembered() {
        signIn("first secret");
        accounts.updateUser(user("first secret", true));
        assertThatThrownBy(() -> signIn("first secret")).isInstanceOf(LockedException.class);
        accounts.deleteUser(ADA);
        // Refused as a stranger's password is, not as an account that was there.
        assertThatThrownBy(() -> signIn("first secret")).isInstanceOf(BadCredentialsException.class);
    }

    @Test
    void anotherAccountsPasswordIsNotTheOnesRemembered() {
        accounts.createUser(User.withUsername("bob@example.com")
                .password(encoder.encode("first secret"))
                .build());
        signIn("first secret");
        assertThat(remembered
                        .authenticate(
                                UsernamePasswordAuthenticationToken.unauthenticated("bob@example.com", "first secret"))
                        .getName())
                .isEqualTo("bob@example.com");
        assertThat(hashed).hasValue(2);
    }

    private Authentication signIn(String password) {
        return remembered.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(ADA, password));
    }

    private User user(String password, boolean locked) {
        return (User) User.withUsername(ADA)
                .password(encoder.encode(password))
                .accountLocked(locked)
                .build();
    }
}
