package dev.tessera.profile.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change feed is capped: a group that fell behind further than the cap must know it lost changes. */
class ChangeFeedTrimTest {

    private static final String STREAM = "test:feed";
    private static final String GROUP = "g";
    private RedisConnection redis;
    private ChangeFeedConsumer consumer;
    private final java.util.concurrent.atomic.AtomicInteger caughtUp = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        consumer = new ChangeFeedConsumer(RedisTestSupport.connect(), STREAM, GROUP) {
            @Override
            protected void prepare() {
            }

            @Override
            protected void handle(StreamMessage<String, String> change) {
            }

            @Override
            protected void missed() {
                caughtUp.incrementAndGet();
            }
        };
    }

    @AfterEach
    void tearDown() {
        consumer.stop();
        redis.close();
    }

    private void add(int n) {
        for (int i = 0; i < n; i++) {
            redis.commands().xadd(STREAM, Map.of("profile", "p-" + i));
        }
    }

    private void read(int n) {
        redis.commands().xreadgroup(Consumer.from(GROUP, "c"), XReadArgs.Builder.count(n),
                XReadArgs.StreamOffset.lastConsumed(STREAM));
    }

    @Test
    void aGroupCreatedOnAnEmptyFeedLosesNothingUntilUnreadEntriesAreTrimmed() {
        redis.commands().xgroupCreate(XReadArgs.StreamOffset.latest(STREAM), GROUP, XGroupCreateArgs.Builder.mkstream());
        add(5);
        assertThat(consumer.trimmedUnread()).isFalse();

        redis.commands().xtrim(STREAM, 2);
        assertThat(consumer.trimmedUnread()).isTrue();
    }

    @Test
    void trimmingWhatTheGroupReadIsNoLossTrimmingPastItIs() {
        add(1);
        redis.commands().xgroupCreate(XReadArgs.StreamOffset.latest(STREAM), GROUP);
        add(4);
        read(4);
        add(3);
        redis.commands().xtrim(STREAM, 4); // the one before the group and three of those read went
        assertThat(consumer.trimmedUnread()).as("only read entries trimmed").isFalse();

        redis.commands().xtrim(STREAM, 2); // the last read one and one unread go too
        assertThat(consumer.trimmedUnread()).isTrue();
    }

    @Test
    void aRunningConsumerThatFindsChangesTrimmedUnreadCatchesUpOnce() throws Exception {
        redis.commands().xgroupCreate(XReadArgs.StreamOffset.latest(STREAM), GROUP, XGroupCreateArgs.Builder.mkstream());
        add(5);
        redis.commands().xtrim(STREAM, 2); // while this instance was stopped

        consumer.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (caughtUp.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        add(3); // changes after the catch-up arrive as usual
        while (consumer.handled() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(caughtUp.get()).isEqualTo(1);
        assertThat(consumer.handled()).as("the backlog the catch-up superseded is skipped").isEqualTo(3);
        assertThat(consumer.trimmedUnread()).as("the same gap is not counted again").isFalse();
    }

    @Test
    void aGroupThatNeverReadLosesWhatIsTrimmedAfterItsStart() {
        add(1);
        redis.commands().xgroupCreate(XReadArgs.StreamOffset.latest(STREAM), GROUP);
        add(3);
        assertThat(consumer.trimmedUnread()).isFalse();

        redis.commands().xtrim(STREAM, 1);
        assertThat(consumer.trimmedUnread()).isTrue();
    }
}
