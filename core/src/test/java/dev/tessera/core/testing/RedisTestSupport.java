package dev.tessera.core.testing;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;

/** Opens connections to the shared test Redis and wipes it between tests. */
public final class RedisTestSupport {

    private RedisTestSupport() {}

    public static RedisConnection connect() {
        return RedisConnection.open(RedisSettings.of(RedisTestServer.url()));
    }

    /** Deletes every key, so each test starts from an empty store. */
    public static void flush() {
        try (RedisConnection connection = connect()) {
            connection.commands().flushall();
        }
    }
}
