package dev.tessera.profile.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The segment build lock against a real Redis: held while renewed, handed over only after it expired. */
class BuildLockTest {

    private static final String KEY = "tessera:segment-lock:test";

    private RedisConnection redis;

    @BeforeEach
    void open() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void aBuildThatKeepsRenewingHoldsItsLockLongerThanItsTtlAndReleasesIt() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        BuildLock lock = BuildLock.tryAcquire(redis, KEY, ttl).orElseThrow();
        assertThat(BuildLock.tryAcquire(redis, KEY, ttl)).as("held").isEmpty();

        for (int step = 0; step < 30; step++) { // 3 s of work, half again the ttl
            Thread.sleep(100);
            lock.renewIfDue();
        }

        assertThat(redis.commands().pttl(KEY)).as("still held after more than its ttl").isPositive();
        assertThat(BuildLock.tryAcquire(redis, KEY, ttl)).isEmpty();
        lock.close();
        assertThat(redis.commands().exists(KEY)).as("released").isZero();
        BuildLock.tryAcquire(redis, KEY, ttl).orElseThrow().close();
    }

    @Test
    void aHolderWhoseLockExpiredIsToldToStopEvenWhenNobodyHoldsItNow() throws Exception {
        BuildLock stalled = BuildLock.tryAcquire(redis, KEY, Duration.ofMillis(100)).orElseThrow();
        Thread.sleep(250); // a stall longer than its ttl: the lock expired
        // another instance took the work over, finished it and released the lock: from here that looks
        // the same as nobody having taken it, and carrying on would redo the work over a finished status
        BuildLock.tryAcquire(redis, KEY, Duration.ofSeconds(30)).orElseThrow().close();

        assertThatThrownBy(stalled::renewIfDue).isInstanceOf(BuildLock.LostException.class);
        assertThat(redis.commands().exists(KEY)).as("not taken again").isZero();
        stalled.close();
    }

    @Test
    void aHolderWhoseLockExpiredAndWasTakenOverIsToldToStopAndLeavesTheNewHoldersLock() throws Exception {
        BuildLock stalled = BuildLock.tryAcquire(redis, KEY, Duration.ofMillis(100)).orElseThrow();
        Thread.sleep(250); // a stall longer than its ttl: the lock expired
        BuildLock other = BuildLock.tryAcquire(redis, KEY, Duration.ofSeconds(30)).orElseThrow();

        assertThatThrownBy(stalled::renewIfDue).isInstanceOf(BuildLock.LostException.class)
                .hasMessageContaining(KEY);
        stalled.close();
        assertThat(redis.commands().exists(KEY)).as("the other's lock stays").isOne();
        assertThatThrownBy(() -> BuildLock.tryAcquire(redis, KEY, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        other.close();
        assertThat(redis.commands().exists(KEY)).isZero();
    }
}
