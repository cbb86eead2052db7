package dev.tessera.core.testing;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;

/**
 * Opens connections to the shared test Redis and wipes it between tests: a single node, or a Redis Cluster
 * when {@link RedisTestCluster#enabled()} (the same tests then run the cluster paths of the stores).
 */
public final class RedisTestSupport {

    private RedisTestSupport() {}

    public static RedisConnection connect() {
        return RedisConnection.open(settings());
    }

    /** Where the tests' Redis is: the shared single node, or the test cluster's seed node. */
    public static RedisSettings settings() {
        return RedisTestCluster.enabled()
                ? new RedisSettings(RedisTestCluster.url(), true, null)
                : RedisSettings.of(RedisTestServer.url());
    }

    /** Deletes every key, so each test starts from an empty store. */
    public static void flush() {
        try (RedisConnection connection = connect()) {
            // on a cluster connection Lettuce sends FLUSHALL to every master
            connection.commands().flushall();
        }
    }
}
