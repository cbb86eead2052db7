package dev.tessera.profile.search;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link NameIndex} up to date from the profile change feed ({@code tessera:changes}), outside
 * the resolver's write path. Every instance of the service joins the consumer group
 * {@value #GROUP}, so each change is handled once; a change only names a profile, so the handler re-reads
 * it: a live profile has its names replaced, a profile that is gone (erased) or forwards elsewhere (merged
 * away, split) loses its entries. Handling is idempotent and ordered by profile version, so a change
 * handled twice or out of order does no harm.
 *
 * <p>When the group does not exist (first start, or the stream was deleted) the group is created at the
 * end of the stream and then every stored profile is indexed, so nothing written meanwhile is missed;
 * after a restart the group continues where it stopped (catch-up). Changes a crashed instance had taken
 * are claimed by the others after {@link #CLAIM_AFTER}.
 *
 * <p>Reads block on a connection of its own, never on the shared one.
 */
public final class NameIndexFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NameIndexFeed.class);

    static final String GROUP = "name-index";
    static final Duration CLAIM_AFTER = Duration.ofMinutes(1);
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final int BATCH = 100;

    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final ProfileStore store;
    private final NameIndex index;
    private final String stream;
    private final Consumer<String> consumer;
    private final AtomicLong handled = new AtomicLong();
    private volatile boolean running;
    private volatile Thread worker;

    /**
     * @param connection a connection for this feed alone (it blocks on XREADGROUP); closed on stop
     */
    public NameIndexFeed(RedisConnection connection, ProfileStore store, NameIndex index) {
        this.connection = connection;
        this.redis = connection.commands();
        this.store = store;
        this.index = index;
        this.stream = store.namespace().changeFeed();
        this.consumer = Consumer.from(GROUP, ManagementFactory.getRuntimeMXBean().getName());
    }

    @Override
    public void start() {
        running = true;
        Thread thread = new Thread(this::run, "name-index-feed");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = worker;
        if (thread != null) {
            try {
                thread.join(BLOCK.multipliedBy(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connection.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Changes handled since start (a number for tests and metrics, not a position). */
    public long handled() {
        return handled.get();
    }

    private void run() {
        boolean ready = false;
        String claimCursor = "0-0";
        long lastClaim = 0;
        while (running) {
            try {
                if (!ready) {
                    prepare();
                    ready = true;
                    handle(redis.xreadgroup(consumer, XReadArgs.Builder.count(BATCH),
                            XReadArgs.StreamOffset.from(stream, "0"))); // ours, taken but not acknowledged
                }
                if (System.currentTimeMillis() - lastClaim > CLAIM_AFTER.toMillis()) {
                    var claimed = redis.xautoclaim(stream,
                            XAutoClaimArgs.Builder.xautoclaim(consumer, CLAIM_AFTER, claimCursor).count(BATCH));
                    handle(claimed.getMessages());
                    claimCursor = claimed.getId();
                    lastClaim = System.currentTimeMillis();
                }
                handle(redis.xreadgroup(consumer, XReadArgs.Builder.block(BLOCK).count(BATCH),
                        XReadArgs.StreamOffset.lastConsumed(stream)));
            } catch (RedisCommandExecutionException e) {
                // NOGROUP, or UNBLOCKED while waiting: the stream or the group was deleted. Prepare again,
                // which recreates the group and rebuilds when the index went with it.
                ready = false;
                String code = e.getMessage() == null ? "" : e.getMessage().split(" ", 2)[0];
                if (!code.equals("NOGROUP") && !code.equals("UNBLOCKED")) {
                    pause(e);
                }
            } catch (RuntimeException e) {
                if (running) {
                    pause(e);
                }
            }
        }
    }

    /** Creates the group when it is missing and rebuilds the index when it was never completed. */
    void prepare() {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.latest(stream), GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
            // the group exists (a restart, or another instance): catch up from where the group is
        }
        if (!index.built()) {
            rebuild();
        }
    }

    /** Indexes every stored profile; changes after the group's creation arrive through the stream. */
    void rebuild() {
        long count = 0;
        for (ProfileId id : store.profileIds()) {
            apply(id);
            count++;
        }
        index.markBuilt();
        log.info("Name index rebuilt from {} profiles", count);
    }

    private void handle(List<StreamMessage<String, String>> messages) {
        for (StreamMessage<String, String> message : messages) {
            String profile = message.getBody().get("profile");
            if (profile != null && ProfileId.isValid(profile)) {
                apply(new ProfileId(profile));
            }
            redis.xack(stream, GROUP, message.getId());
            handled.incrementAndGet();
        }
    }

    /** Re-reads the profile and replaces its entries, or removes them when it is gone or forwards. */
    void apply(ProfileId id) {
        Optional<ProfileId> live = store.canonical(id);
        if (live.isPresent() && live.get().equals(id)) {
            store.find(id).ifPresentOrElse(index::put, () -> index.remove(id));
        } else {
            index.remove(id);
        }
    }

    private void pause(RuntimeException e) {
        // ids and exception types only: messages of storage errors can quote keys and values
        log.warn("Name index feed failed ({}); retrying in 1 s", e.getClass().getSimpleName());
        try {
            Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
