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

    /** How long a page's first-seen time is remembered ({@link #firstSeen}). */
    static final java.time.Duration SEEN_FOR = java.time.Duration.ofDays(30);

    /**
     * When this exact page (its URL and body) was first fetched, {@code now} if never (within
     * {@link #SEEN_FOR}). A polled page is its payload's receive time, which formats use for items that
     * carry no time of their own: dated {@code now} on every tick, an unchanged page was a new version of
     * each such record every time. Keyed by a SHA-256 digest, never the content.
     */
    java.time.Instant firstSeen(Source source, String url, byte[] body, java.time.Instant now) {
        String key = "tessera:poll-seen:" + source.name() + ":" + digest(url, body);
        String stored = redis.set(key, Long.toString(now.toEpochMilli()),
                io.lettuce.core.SetArgs.Builder.nx().px(SEEN_FOR.toMillis())) != null ? null : redis.get(key);
        if (stored == null) {
            return now;
        }
        try {
            return java.time.Instant.ofEpochMilli(Long.parseLong(stored));
        } catch (NumberFormatException e) {
            return now;
        }
    }

    private static String digest(String url, byte[] body) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(url.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(body);
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves the cursor on: call only once the page that named {@code next} is stored. */
    void advance(Source source, String next) {
        redis.hset(key(source.name()), Map.of("url", source.poll().url(), "next", next));
    }
}
