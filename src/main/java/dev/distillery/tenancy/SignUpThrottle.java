package dev.distillery.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.distillery.tenancy.security.SecurityProperties;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * New accounts per client address per hour (Bucket4j), in a bounded, expiring cache: a script cannot fill the
 * database with accounts and workspaces. Per app instance, like the sign-in throttle.
 */
@Component
class SignUpThrottle {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();
    private final int perHour;

    SignUpThrottle(SecurityProperties security) {
        this.perHour = security.signUpsPerIpPerHour();
    }

    /** Whether {@code address} may create another account now; does not use up the allowance. */
    boolean allows(String address) {
        return bucket(address).getAvailableTokens() > 0;
    }

    /** Counts an account created from {@code address}. */
    void created(String address) {
        bucket(address).tryConsume(1);
    }

    private Bucket bucket(String address) {
        return buckets.get(
                address,
                k -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(perHour)
                                .refillGreedy(perHour, Duration.ofHours(1))
                                .build())
                        .build());
    }
}
