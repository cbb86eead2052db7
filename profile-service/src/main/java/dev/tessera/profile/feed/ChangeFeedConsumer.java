package dev.tessera.profile.feed;

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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A consumer group on the profile change feed ({@code tessera:changes}) that keeps something derived from
 * profiles up to date outside the resolver's write path (the name index, segment memberships). Every
 * instance of the service joins the group, so each change is handled once; changes only name a profile,
 * so handlers re-read it and must be idempotent (a change may be handled twice, or after a later one).
 *
 * <p>When the group does not exist (first start, or the stream was deleted) it is created at the end of
 * the stream and {@link #prepare()} of the subclass runs (e.g. a full rebuild), so nothing written
 * meanwhile is missed; after a restart the group continues where it stopped. Changes a crashed instance
 * had taken are claimed by the others after {@link #CLAIM_AFTER}. A change whose handling fails stays
 * pending and is claimed again later. Reads block on a connection of the consumer's own.
 *
 * <p>The feed is capped (about a million entries): a group that falls further behind loses changes it
 * never read. Before reading while behind (a full batch last time) and once a minute, the consumer asks
 * Redis whether that happened ({@link #trimmedUnread}) and then calls {@link #missed()}, which catches up
 * like a new group.
 */
public abstract class ChangeFeedConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeedConsumer.class);

    public static final Duration CLAIM_AFTER = Duration.ofMinutes(1);
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final int BATCH = 100;

    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final String stream;
    private final String group;
    private final Consumer<String> consumer;
    private final AtomicLong handled = new AtomicLong();
    private volatile boolean running;
    private volatile Thread worker;

    /**
     * @param connection a connection for this consumer alone (it blocks on XREADGROUP); closed on stop
     */
    protected ChangeFeedConsumer(RedisConnection connection, String stream, String group) {
        this.connection = connection;
        this.redis = connection.commands();
        this.stream = stream;
        this.group = group;
        this.consumer = Consumer.from(group, ManagementFactory.getRuntimeMXBean().getName());
    }

    /** Runs once the group exists, before the first change is read: catch up what the group cannot know. */
    protected abstract void prepare();

    /** Handles one change; throwing leaves it pending, to be claimed and handled again. */
    protected abstract void handle(StreamMessage<String, String> change);

    @Override
    public void start() {
        running = true;
        Thread thread = new Thread(this::run, group + "-feed");
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
        long lastTrimCheck = 0;
        boolean behind = true;
        while (running) {
            try {
                if (!ready) {
                    createGroup();
                    prepare();
                    ready = true;
                    consume(redis.xreadgroup(consumer, XReadArgs.Builder.count(BATCH),
                            XReadArgs.StreamOffset.from(stream, "0"))); // ours, taken but not acknowledged
                }
                if (behind || System.currentTimeMillis() - lastTrimCheck > CLAIM_AFTER.toMillis()) {
                    // before the next read: once the group reads past the gap, Redis no longer shows it
                    if (trimmedUnread()) {
                        log.warn("Change feed consumer {} fell behind the capped feed and lost changes it had not"
                                + " read; catching up as a new group would", group);
                        // the group moves to the end first: the catch-up reads the current state of everything,
                        // so the backlog is superseded, and changes from now on arrive as usual (nor is the same
                        // gap counted again: Redis does not count trimmed entries as read)
                        skipToEnd();
                        missed();
                    }
                    lastTrimCheck = System.currentTimeMillis();
                }
                if (System.currentTimeMillis() - lastClaim > CLAIM_AFTER.toMillis()) {
                    var claimed = redis.xautoclaim(stream,
                            XAutoClaimArgs.Builder.xautoclaim(consumer, CLAIM_AFTER, claimCursor).count(BATCH));
                    consume(claimed.getMessages());
                    claimCursor = claimed.getId();
                    lastClaim = System.currentTimeMillis();
                }
                List<StreamMessage<String, String>> read = redis.xreadgroup(consumer,
                        XReadArgs.Builder.block(BLOCK).count(BATCH), XReadArgs.StreamOffset.lastConsumed(stream));
                behind = read.size() == BATCH;
                consume(read);
            } catch (RedisCommandExecutionException e) {
                // NOGROUP, or UNBLOCKED while waiting: the stream or the group was deleted. Prepare again,
                // which recreates the group and catches up.
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

    /**
     * Called when this instance created the group (first start, or the stream or group was deleted): the
     * changes before it were never seen by the group, so whatever they feed must be caught up.
     */
    protected void groupCreated() {
    }

    /**
     * Called when entries the group had not read were trimmed from the capped feed: by default what a new
     * group does ({@link #groupCreated()}); a consumer that rebuilds only in {@link #prepare()} overrides it.
     */
    protected void missed() {
        groupCreated();
    }

    /**
     * True when the capped feed (probably) dropped entries this group had not read. The feed is only ever
     * trimmed from its start, so the first {@code entries-added - length} entries are gone; the group lost
     * some when it had read fewer than that. Redis counts what the group read ({@code entries-read}) while
     * it can; otherwise every stored entry still unread ({@code lag} at least the length), or a last
     * delivered id before the first stored entry, says the group is behind the trim point. That may also
     * be the exact boundary (only read entries went): a needless catch-up, never a missed one.
     */
    boolean trimmedUnread() {
        java.util.Map<String, Object> mine = null;
        for (Object info : redis.xinfoGroups(stream)) {
            java.util.Map<String, Object> fields = pairs(info);
            if (group.equals(text(fields.get("name")))) {
                mine = fields;
            }
        }
        if (mine == null) {
            return false;
        }
        long length = redis.xlen(stream);
        Object added = pairs(redis.xinfoStream(stream)).get("entries-added");
        if (!(added instanceof Long total) || total <= length) {
            return false; // nothing trimmed yet
        }
        if (mine.get("entries-read") instanceof Long read) {
            return total - read > length;
        }
        if (mine.get("lag") instanceof Long lag) {
            return lag >= length;
        }
        List<StreamMessage<String, String>> first = redis.xrange(stream, io.lettuce.core.Range.unbounded(),
                io.lettuce.core.Limit.from(1));
        String lastDelivered = text(mine.get("last-delivered-id"));
        return !first.isEmpty() && lastDelivered != null && compareIds(lastDelivered, first.get(0).getId()) < 0;
    }

    /** Moves the group to the end of the feed, counting every entry so far as read. */
    private void skipToEnd() {
        Object added = pairs(redis.xinfoStream(stream)).get("entries-added");
        SKIP_TO_END.run(connection, new String[] {stream}, group, added instanceof Long n ? Long.toString(n) : "0");
    }

    private static final dev.tessera.core.store.LuaScript SKIP_TO_END = new dev.tessera.core.store.LuaScript("""
            redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], '$', 'ENTRIESREAD', ARGV[2])
            return 1
            """);

    private static java.util.Map<String, Object> pairs(Object reply) {
        java.util.Map<String, Object> fields = new java.util.HashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(text(list.get(i)), list.get(i + 1));
            }
        }
        return fields;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : value == null ? null : value.toString();
    }

    static int compareIds(String a, String b) {
        String[] x = a.split("-", 2);
        String[] y = b.split("-", 2);
        int c = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(x.length > 1 ? x[1] : "0"),
                Long.parseUnsignedLong(y.length > 1 ? y[1] : "0"));
    }

    private void createGroup() {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.latest(stream), group, XGroupCreateArgs.Builder.mkstream());
            groupCreated();
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
            // the group exists (a restart, or another instance): catch up from where the group is
        }
    }

    /**
     * Handles the changes of one read (up to {@value #BATCH}), by default one by one; a consumer may merge
     * them (e.g. handle each profile once). Throwing leaves the whole batch pending.
     */
    protected void handleBatch(List<StreamMessage<String, String>> changes) {
        changes.forEach(this::handle);
    }

    private void consume(List<StreamMessage<String, String>> messages) {
        if (messages.isEmpty()) {
            return;
        }
        handleBatch(messages);
        redis.xack(stream, group, messages.stream().map(StreamMessage::getId).toArray(String[]::new));
        handled.addAndGet(messages.size());
    }

    private void pause(RuntimeException e) {
        // exception types only: messages of storage errors can quote keys and values
        log.warn("Change feed consumer {} failed ({}); retrying in 1 s", group, e.getClass().getSimpleName());
        try {
            Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
