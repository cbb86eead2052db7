package dev.tessera.profile.segment;

import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.RedisConnection;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A Redis lock held for as long as its holder keeps renewing it: taken with {@code SET NX PX} and a
 * random token, extended by {@link #renewIfDue} while the work runs, released only by its holder. A
 * holder that stops (a killed instance) lets it expire after {@code ttl}, so another instance can take the
 * work over soon. A holder whose lock expired during a stall is told so by {@link LostException} and must
 * stop, whether another instance holds it now or not: it cannot tell "nobody took it" from "another took it,
 * finished the work and released it", and in the second case carrying on would redo the work and write
 * progress over the finished work's status. The work's own resumption picks it up again.
 */
final class BuildLock implements AutoCloseable {

    /** Thrown by {@link #renewIfDue} when the lock expired (and another instance may have taken it over). */
    static final class LostException extends RuntimeException {
        LostException(String key) {
            super("the lock " + key + " expired; another instance may have taken the work over");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** KEYS: lock. ARGV: token, ttl millis. Extends the lock when it is still ours: 1; 0 when it expired. */
    private static final LuaScript RENEW = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 0
            """);

    /** KEYS: lock. ARGV: token. Deletes the lock only when it is still ours (it may have expired and been taken). */
    private static final LuaScript RELEASE = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    private final RedisConnection connection;
    private final String key;
    private final String token;
    private final Duration ttl;
    private long renewedAt;

    private BuildLock(RedisConnection connection, String key, String token, Duration ttl) {
        this.connection = connection;
        this.key = key;
        this.token = token;
        this.ttl = ttl;
        this.renewedAt = System.nanoTime();
    }

    /** Takes the lock, or empty when another holds it. */
    static Optional<BuildLock> tryAcquire(RedisConnection connection, String key, Duration ttl) {
        Objects.requireNonNull(key, "key");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms");
        }
        String token = Long.toHexString(RANDOM.nextLong());
        if (connection.commands().set(key, token, SetArgs.Builder.nx().px(ttl.toMillis())) == null) {
            return Optional.empty();
        }
        return Optional.of(new BuildLock(connection, key, token, ttl));
    }

    /**
     * Extends the lock to a full {@code ttl} when a quarter of it has passed since it was taken or last
     * extended (cheap to call often, e.g. on every progress step).
     *
     * @throws LostException when the lock expired meanwhile
     */
    void renewIfDue() {
        long now = System.nanoTime();
        if (now - renewedAt < ttl.toNanos() / 4) {
            return;
        }
        long extended = RENEW.run(connection, new String[] {key}, token, Long.toString(ttl.toMillis()));
        if (extended == 0) {
            throw new LostException(key);
        }
        renewedAt = now;
    }

    /**
     * Releases the lock when it is still this holder's. A release that fails (Redis unreachable) is not an
     * error of the work it guarded: the lock then expires after its ttl.
     */
    @Override
    public void close() {
        try {
            RELEASE.run(connection, new String[] {key}, token);
        } catch (RuntimeException e) {
            // expires by itself
        }
    }
}
