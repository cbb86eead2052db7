package dev.tessera.profile.limit;

import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Fixed-window request counts per principal and bucket, kept in Redis so that every instance of the
 * service counts against the same limit. One script increments the counter, starts its window on the
 * first request and reports the time left, so concurrent requests cannot miss the expiry. Counter keys
 * hold a digest of the principal, not the principal.
 */
public final class RateLimiter {

    private static final LuaScript COUNT = new LuaScript("""
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if n == 1 or ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}
            """);

    private final RedisConnection connection;

    public RateLimiter(RedisConnection connection) {
        this.connection = connection;
    }

    /** The outcome of one request: allowed, or refused with the time until the window ends. */
    public record Decision(boolean allowed, long count, Duration retryAfter) {

        /** Whole seconds for a {@code Retry-After} header, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /** Counts one request of {@code principal} in {@code bucket} against {@code limit} per {@code window}. */
    public Decision acquire(String bucket, String principal, int limit, Duration window) {
        return acquireLater(bucket, principal, limit, window).get();
    }

    /**
     * {@link #acquire} sent now, decided when asked: a caller that sends its reads right after shares one
     * round trip with the count (and must ask before it answers or records anything).
     */
    public Supplier<Decision> acquireLater(String bucket, String principal, int limit, Duration window) {
        String key = "rl:" + bucket + ":" + RedisKeys.digest(principal);
        // by SHA (EVALSHA): this runs before every read of personal data
        Supplier<List<Object>> sent = COUNT.runForListLater(connection, new String[] {key},
                Long.toString(window.toMillis()));
        return () -> {
            List<Object> result = sent.get();
            long count = (Long) result.get(0);
            return new Decision(count <= limit, count, Duration.ofMillis((Long) result.get(1)));
        };
    }
}
