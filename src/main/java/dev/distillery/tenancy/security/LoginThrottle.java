package dev.distillery.tenancy.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Locale;

/**
 * Token buckets per account and per client address (Bucket4j), kept in a bounded, expiring cache of short keys so a
 * flood of addresses or names cannot grow memory. Per instance: several instances multiply the allowance, which still stops guessing.
 */
class LoginThrottle {

    /** The longest email address (RFC 5321 path limit, as sign-up enforces). */
    static final int MAX_ACCOUNT_LENGTH = 320;

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

    /**
     * Takes one attempt from both buckets; false when either is empty. A name longer than any email address is no
     * account: it is refused at once, costs its address an attempt, and gets no bucket of its own (junk names must not
     * fill the cache with large keys).
     */
    boolean tryAttempt(String account, String address) {
        Bucket ipBucket = buckets.get("i:" + address, k -> bucket(perIp));
        if (account.length() > MAX_ACCOUNT_LENGTH) {
            ipBucket.tryConsume(1);
            return false;
        }
        Bucket accountBucket = buckets.get("a:" + account.strip().toLowerCase(Locale.ROOT), k -> bucket(perAccount));
        // Check both before consuming so a blocked address does not also drain the account's allowance.
        if (accountBucket.getAvailableTokens() < 1 || ipBucket.getAvailableTokens() < 1) {
            return false;
        }
        return accountBucket.tryConsume(1) & ipBucket.tryConsume(1);
    }

    /** Gives back the attempt a successful sign-in took; a bucket that expired meanwhile starts full anyway. */
    void refund(String account, String address) {
        if (account.length() > MAX_ACCOUNT_LENGTH) {
            return;
        }
        Bucket ipBucket = buckets.getIfPresent("i:" + address);
        Bucket accountBucket = buckets.getIfPresent("a:" + account.strip().toLowerCase(Locale.ROOT));
        if (ipBucket != null) {
            ipBucket.addTokens(1);
        }
        if (accountBucket != null) {
            accountBucket.addTokens(1);
        }
    }

    /** How many buckets are kept (for tests of the bound). */
    long entries() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static Bucket bucket(int perMinute) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(perMinute)
                        .refillGreedy(perMinute, Duration.ofMinutes(1))
                        .build())
                .build();
    }
}
