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

    /** How long a page URL's last body is remembered ({@link #firstSeen}). */
    static final java.time.Duration SEEN_FOR = java.time.Duration.ofDays(30);

    /**
     * Since when {@code url} has answered this very body: the time it was first fetched with it when the
     * previous fetch of the URL gave the same body, else {@code now}. A polled page is its payload's
     * receive time, which formats use for items that carry no time of their own: dated {@code now} on
     * every tick, an unchanged page was a new version of each such record every time. Only the URL's last
     * body counts, so a page that changes back to an earlier body is dated now again (an older date would
     * lose to the version in between). Kept in {@code tessera:poll-seen:<source>:<digest of the URL>}
     * (fields {@code body}, a SHA-256 digest, and {@code since}) for {@link #SEEN_FOR} after the last fetch.
     */
    java.time.Instant firstSeen(Source source, String url, byte[] body, java.time.Instant now) {
        String key = "tessera:poll-seen:" + source.name() + ":" + digest(url.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String bodyDigest = digest(body);
        Map<String, String> seen = redis.hgetall(key);
        java.time.Instant since = now;
        if (bodyDigest.equals(seen.get("body"))) {
            try {
                since = java.time.Instant.ofEpochMilli(Long.parseLong(seen.get("since")));
            } catch (NumberFormatException | NullPointerException e) {
                since = now;
            }
        }
        redis.hset(key, Map.of("body", bodyDigest, "since", Long.toString(since.toEpochMilli())));
        redis.pexpire(key, SEEN_FOR.toMillis());
        return since;
    }

    private static String digest(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves the cursor on: call only once the page that named {@code next} is stored. */
    void advance(Source source, String next) {
        redis.hset(key(source.name()), Map.of("url", source.poll().url(), "next", next));
    }
}
