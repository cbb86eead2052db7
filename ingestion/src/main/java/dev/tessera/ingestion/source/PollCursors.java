package dev.tessera.ingestion.source;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Map;
import java.util.Optional;

/**
 * Where each cursor-following poll source goes on: the next page's URL, in the Redis hash
 * {@code tessera:poll-cursor:<source name>} (fields {@code next} and {@code url}, the configured first
 * page it belongs to). Source names are configuration, never personal data. A cursor saved for another
 * {@code poll.url} is ignored, so changing the URL starts the source over from the new one.
 */
public final class PollCursors {

    private final RedisClusterCommands<String, String> redis;

    public PollCursors(RedisConnection connection) {
        this.redis = connection.commands();
    }

    public static String key(String source) {
        return "tessera:poll-cursor:" + source;
    }

    /** The URL to fetch next, when a page of the configured URL was stored before. */
    public Optional<String> next(Source source) {
        Map<String, String> cursor = redis.hgetall(key(source.name()));
        if (!source.poll().url().equals(cursor.get("url"))) {
            return Optional.empty();
        }
        return Optional.ofNullable(cursor.get("next"));
    }

    /** Moves the cursor on: call only once the page that named {@code next} is stored. */
    void advance(Source source, String next) {
        redis.hset(key(source.name()), Map.of("url", source.poll().url(), "next", next));
    }
}
