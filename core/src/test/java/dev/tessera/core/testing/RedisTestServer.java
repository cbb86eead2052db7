package dev.tessera.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Redis for tests, shared by all tests of one JVM and stopped when it exits. In order of
 * preference: the server at {@code REDIS_URL} (its data is flushed by the tests: never point it at data
 * you want to keep); a Testcontainers container where Docker runs; a {@code redis-server} from PATH;
 * the binary bundled in embedded-redis. The last two run on a free port with a private folder.
 */
public final class RedisTestServer {

    private static String url;
    private static String description;

    private RedisTestServer() {}

    /** The Redis URL, starting a server on first use. */
    public static synchronized String url() {
        if (url == null) {
            start();
        }
        return url;
    }

    /** How the server was obtained, for test logs. */
    public static synchronized String description() {
        url();
        return description;
    }

    private static void start() {
        String fromEnv = System.getenv("REDIS_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            url = fromEnv;
            description = "REDIS_URL";
            return;
        }
        if (dockerAvailable()) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
                    .withExposedPorts(6379);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "redis-test-container-stop"));
            url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
            description = "Testcontainers redis:7-alpine";
            return;
        }
        Path binary = binary();
        description = onPath("redis-server") != null ? "redis-server from PATH" : "embedded-redis bundled binary";
        url = startProcess(binary);
    }

    /** The {@code redis-server} to start: the one on PATH, else the binary bundled in embedded-redis. */
    static Path binary() {
        Path binary = onPath("redis-server");
        return binary != null ? binary : EmbeddedRedisBinary.extract();
    }

    private static boolean dockerAvailable() {
        // Skip Testcontainers' probe (seconds, and an ERROR in the log) where no engine can be reached.
        boolean configured = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!configured) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String startProcess(Path binary) {
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("tessera-redis-test-");
            Process process = new ProcessBuilder(List.of(binary.toString(),
                    "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
                    "--dir", dir.toString(), "--protected-mode", "yes"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, dir), "redis-test-stop"));
            awaitPort(port, process);
            return "redis://127.0.0.1:" + port;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary, e);
        }
    }

    private static void stop(Process process, Path dir) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp folder is harmless
        }
    }

    static void awaitPort(int port, Process process) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue());
            }
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("redis-server did not open port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
