package dev.tessera.core.store;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where Redis is. {@code url} is a Redis URI ({@code redis://host:port}, {@code rediss://...} for TLS);
 * with {@code cluster} true it is the seed node of a Redis Cluster.
 */
public record RedisSettings(String url, boolean cluster, Duration timeout) {

    public static final String DEFAULT_URL = "redis://localhost:6379";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public RedisSettings {
        url = url == null || url.isBlank() ? DEFAULT_URL : url.strip();
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        String scheme = URI.create(url).getScheme();
        if (!Objects.equals(scheme, "redis") && !Objects.equals(scheme, "rediss")) {
            throw new IllegalArgumentException("redis url must start with redis:// or rediss://");
        }
    }

    public static RedisSettings of(String url) {
        return new RedisSettings(url, false, null);
    }

    /** The URL without credentials, for logs. */
    public String redactedUrl() {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    }
}
