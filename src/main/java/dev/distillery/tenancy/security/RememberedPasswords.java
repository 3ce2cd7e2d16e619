package dev.distillery.tenancy.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The contributor API's password check, remembered for a few minutes. That API takes the password on every request,
 * and a password hash is slow by design (bcrypt, tens of milliseconds of a core, docs/BENCHMARKS.md): a crowd answering
 * through it would spend the server on hashing. A success is kept under an HMAC of the email and password, with a key
 * made at start and never stored (what is kept reveals neither, and means nothing to another instance), together with
 * the account's password hash at that moment. A later request with the same email and password is accepted when the
 * account still has that hash and may still sign in: a changed password, or a locked, disabled or removed account,
 * ends it at once. Anything else (a different password, a miss) goes to the full check.
 */
final class RememberedPasswords implements AuthenticationProvider {

    static final Duration KEPT = Duration.ofMinutes(5);

    private final AuthenticationProvider passwords;
    private final UserDetailsService accounts;
    private final SecretKeySpec key;
    private final AccountStatusUserDetailsChecker status = new AccountStatusUserDetailsChecker();
    private final Cache<String, String> verified =
            Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(KEPT).build();

    RememberedPasswords(AuthenticationProvider passwords, UserDetailsService accounts) {
        this.passwords = passwords;
        this.accounts = accounts;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public @Nullable Authentication authenticate(Authentication authentication) {
        if (!(authentication.getCredentials() instanceof String password)) {
            return passwords.authenticate(authentication);
        }
        String name = authentication.getName();
        String digest = digest(name, password);
        String hash = verified.getIfPresent(digest);
        if (hash != null) {
            UserDetails account = account(name);
            if (account != null && hash.equals(account.getPassword())) {
                status.check(account);
                UsernamePasswordAuthenticationToken result =
                        UsernamePasswordAuthenticationToken.authenticated(account, null, account.getAuthorities());
                result.setDetails(authentication.getDetails());
                return result;
            }
            verified.invalidate(digest);
        }
        Authentication result = passwords.authenticate(authentication);
        if (result != null
                && result.isAuthenticated()
                && result.getPrincipal() instanceof UserDetails checked
                && checked.getPassword() != null) {
            verified.put(digest, checked.getPassword());
        }
        return result;
    }

    /** The account as it is now; null when it is gone, which the full check then answers as it answers a stranger. */
    private @Nullable UserDetails account(String name) {
        try {
            return accounts.loadUserByUsername(name);
        } catch (UsernameNotFoundException gone) {
            return null;
        }
    }

    private String digest(String name, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            // A separator no email holds, so that no other split of the same bytes gives the same digest.
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }
}
