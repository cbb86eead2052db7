package dev.tessera.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The redis-server binary that the embedded-redis library ships inside its jar, extracted to a private
 * temp folder that is deleted at exit. We run it ourselves rather than through the library so that it
 * gets the same flags, port choice and clean-up as a redis-server from PATH.
 */
final class EmbeddedRedisBinary {

    private EmbeddedRedisBinary() {}

    static Path extract() {
        String resource = resourceName();
        try (InputStream in = redis.embedded.RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("embedded-redis has no binary " + resource);
            }
            Path dir = Files.createTempDirectory("tessera-redis-bin-");
            Path binary = dir.resolve("redis-server");
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            binary.toFile().setExecutable(true);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RedisTestServer.deleteRecursively(dir)));
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("could not extract the embedded Redis binary", e);
        }
    }

    private static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm");
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        throw new IllegalStateException("no bundled Redis for " + os + "/" + arch + ": install redis-server or set REDIS_URL");
    }
}
