package dev.tessera.profile.limit;

import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import java.time.Duration;
import java.util.List;

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
        String key = "rl:" + bucket + ":" + RedisKeys.digest(principal);
        // by SHA (EVALSHA), async and awaited: this runs before every read of personal data
        List<Object> result = COUNT.runForList(connection, new String[] {key}, Long.toString(window.toMillis()));
        long count = (Long) result.get(0);
        return new Decision(count <= limit, count, Duration.ofMillis((Long) result.get(1)));
    }
}
