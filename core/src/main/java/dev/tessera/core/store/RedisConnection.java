package dev.tessera.core.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * One thread-safe Lettuce connection to a single Redis node or a Redis Cluster. Storage code is written
 * against {@link RedisClusterCommands}, the command set both topologies share, so nothing above this
 * class knows which one it talks to.
 */
public final class RedisConnection implements AutoCloseable {

    private final AutoCloseable client;
    private final AutoCloseable connection;
    private final RedisClusterCommands<String, String> commands;
    private final RedisClusterAsyncCommands<String, String> async;
    private final java.time.Duration timeout;
    private final boolean cluster;

    private RedisConnection(AutoCloseable client, AutoCloseable connection, RedisClusterCommands<String, String> commands,
            RedisClusterAsyncCommands<String, String> async, java.time.Duration timeout, boolean cluster) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.async = async;
        this.timeout = timeout;
        this.cluster = cluster;
    }

    public static RedisConnection open(RedisSettings settings) {
        RedisURI uri = RedisURI.create(settings.url());
        uri.setTimeout(settings.timeout());
        if (settings.cluster()) {
            RedisClusterClient client = RedisClusterClient.create(uri);
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            return new RedisConnection(client::shutdown, connection, connection.sync(), connection.async(),
                    settings.timeout(), true);
        }
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> connection = client.connect();
        return new RedisConnection(client::shutdown, connection, connection.sync(), connection.async(),
                settings.timeout(), false);
    }

    /** The system property that sets Netty's buffer leak detection (Lettuce runs on Netty). */
    public static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    /**
     * For an application's {@code main}, before anything loads Netty: turns Netty's buffer leak detection
     * off unless {@value #LEAK_DETECTION_PROPERTY} is set. At its default level it records a stack trace
     * for a sample of buffers, which was 2.5 % of the ingestion app's CPU under webhook load
     * (docs/benchmarks.md); set the property to {@code simple} or {@code paranoid} to look for a leak.
     */
    public static void leakDetectionOffUnlessAsked() {
        // also the older name Netty still reads (io.netty.leakDetectionLevel)
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty(LEAK_DETECTION_PROPERTY, "disabled");
        }
    }

    /** True for a Redis Cluster: a script may then only touch keys of one slot. */
    public boolean cluster() {
        return cluster;
    }

    public RedisClusterCommands<String, String> commands() {
        return commands;
    }

    /**
     * The same connection's asynchronous commands. Lettuce writes each command without waiting for
     * earlier replies, so issuing several and then awaiting them costs one round trip, not one each.
     */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** Waits for an asynchronous command within the configured timeout. */
    public <T> T await(io.lettuce.core.RedisFuture<T> future) {
        return io.lettuce.core.LettuceFutures.awaitOrCancel(future, timeout.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** True when Redis answers PING. */
    public boolean ping() {
        try {
            return "PONG".equals(commands.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Redis connection failed", e);
        }
    }
}
