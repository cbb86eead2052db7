package dev.tessera.core.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
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

    private RedisConnection(AutoCloseable client, AutoCloseable connection, RedisClusterCommands<String, String> commands) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
    }

    public static RedisConnection open(RedisSettings settings) {
        RedisURI uri = RedisURI.create(settings.url());
        uri.setTimeout(settings.timeout());
        if (settings.cluster()) {
            RedisClusterClient client = RedisClusterClient.create(uri);
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            return new RedisConnection(client::shutdown, connection, connection.sync());
        }
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> connection = client.connect();
        return new RedisConnection(client::shutdown, connection, connection.sync());
    }

    public RedisClusterCommands<String, String> commands() {
        return commands;
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
