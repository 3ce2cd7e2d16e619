package dev.distillery.tenancy.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Locale;

/**
 * Token buckets per account and per client address (Bucket4j), kept in a bounded, expiring cache so a flood of
 * addresses cannot grow memory. Per instance: several instances multiply the allowance, which still stops guessing.
 */
class LoginThrottle {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
    private final int perAccount;
    private final int perIp;

    LoginThrottle(int perAccount, int perIp) {
        this.perAccount = perAccount;
        this.perIp = perIp;
    }

    /** Takes one attempt from both buckets; false when either is empty. */
    boolean tryAttempt(String account, String address) {
        Bucket accountBucket = buckets.get("a:" + account.strip().toLowerCase(Locale.ROOT), k -> bucket(perAccount));
        Bucket ipBucket = buckets.get("i:" + address, k -> bucket(perIp));
        // Check both before consuming so a blocked address does not also drain the account's allowance.
        if (accountBucket.getAvailableTokens() < 1 || ipBucket.getAvailableTokens() < 1) {
            return false;
        }
        return accountBucket.tryConsume(1) & ipBucket.tryConsume(1);
    }

    private static Bucket bucket(int perMinute) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build();
    }
}
