package dev.tessera.core.testing;

import dev.tessera.core.store.ProfileStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis Cluster for tests, shared by all tests of one JVM and stopped when it exits: the seed node
 * at {@code REDIS_CLUSTER_URL} (its data is flushed by the tests), or three masters started here from
 * the same {@code redis-server} {@link RedisTestServer} uses, each on a free port with a private folder,
 * the 16,384 slots split in thirds, joined with {@code CLUSTER MEET} and awaited until every node reports
 * {@code cluster_state:ok}. Three masters, so that a profile's keys, its index keys and the aggregate
 * keys land on different nodes, as they do in production.
 *
 * <p>Tests run against it when {@link #enabled()}: the system property {@value #MODE_PROPERTY} or the
 * environment variable {@code TESSERA_TEST_REDIS} is {@code cluster} (the {@code redis-cluster} surefire
 * executions of core, profile-service and ingestion set it).
 */
public final class RedisTestCluster {

    public static final String MODE_PROPERTY = "tessera.test.redis";
    private static final int NODES = 3;
    private static final int SLOTS = 16384;

    private static String url;
    private static String description;

    private RedisTestCluster() {}

    /** True when this JVM's tests are to run against a Redis Cluster instead of a single node. */
    public static boolean enabled() {
        String mode = System.getProperty(MODE_PROPERTY, System.getenv("TESSERA_TEST_REDIS"));
        return "cluster".equalsIgnoreCase(mode == null ? "" : mode.strip());
    }

    /**
     * The store path the tests' Redis allows by default: per-key commands on a cluster, scripts on a single
     * node (as {@code new ProfileStore(connection)} chooses).
     */
    public static ProfileStore.Access defaultAccess() {
        return enabled() ? ProfileStore.Access.COMMANDS : ProfileStore.Access.SCRIPTS;
    }

    /** Skips a test of a store path the tests' Redis does not allow (scripts on a cluster). */
    public static void assumeAvailable(ProfileStore.Access access) {
        Assumptions.assumeFalse(enabled() && access == ProfileStore.Access.SCRIPTS,
                "scripted access runs on a single Redis node only");
    }

    /** Skips a test of something only a single node does (a script across slots, the settle check). */
    public static void assumeSingleNode(String why) {
        Assumptions.assumeFalse(enabled(), why);
    }

    /** The seed node's URL, starting the cluster on first use. */
    public static synchronized String url() {
        if (url == null) {
            start();
        }
        return url;
    }

    /** How the cluster was obtained, for test logs. */
    public static synchronized String description() {
        url();
        return description;
    }

    private static void start() {
        String fromEnv = System.getenv("REDIS_CLUSTER_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            url = fromEnv.strip();
            description = "REDIS_CLUSTER_URL";
            return;
        }
        Path binary = RedisTestServer.binary();
        IllegalStateException failed = null;
        // a port found free may be taken before a node binds it (or its bus port): start again on others
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                url = startOnce(binary);
                description = "three-master Redis Cluster (" + binary + ")";
                return;
            } catch (IllegalStateException e) {
                failed = e;
            }
        }
        throw failed;
    }

    private static String startOnce(Path binary) {
        List<Integer> ports = freePorts();
        List<Process> processes = new ArrayList<>();
        Path dir;
        try {
            dir = Files.createTempDirectory("tessera-redis-cluster-test-");
            for (int port : ports) {
                Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
                processes.add(new ProcessBuilder(List.of(binary.toString(),
                        "--bind", "127.0.0.1", "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000", "--dir", nodeDir.toString(), "--protected-mode", "yes"))
                        .redirectErrorStream(true)
                        .redirectOutput(nodeDir.resolve("redis.log").toFile())
                        .start());
            }
        } catch (IOException e) {
            processes.forEach(Process::destroyForcibly);
            throw new IllegalStateException("could not start " + binary + " in cluster mode", e);
        }
        Path folder = dir;
        Thread stopper = new Thread(() -> stop(processes, folder), "redis-test-cluster-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            for (int i = 0; i < NODES; i++) {
                RedisTestServer.awaitPort(ports.get(i), processes.get(i));
            }
            form(ports, processes);
        } catch (RuntimeException e) {
            stop(processes, folder);
            Runtime.getRuntime().removeShutdownHook(stopper);
            throw new IllegalStateException("the test Redis Cluster did not start on ports " + ports, e);
        }
        return "redis://127.0.0.1:" + ports.get(0);
    }

    /** Gives each node a third of the slots, introduces them to each other and waits for a healthy state. */
    private static void form(List<Integer> ports, List<Process> processes) {
        List<RedisClient> clients = new ArrayList<>();
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        try {
            List<RedisCommands<String, String>> nodes = new ArrayList<>();
            for (int port : ports) {
                RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
                clients.add(client);
                StatefulRedisConnection<String, String> connection = client.connect();
                connections.add(connection);
                nodes.add(connection.sync());
            }
            for (int i = 0; i < NODES; i++) {
                int from = SLOTS * i / NODES;
                int to = SLOTS * (i + 1) / NODES;
                nodes.get(i).clusterAddSlots(IntStream.range(from, to).toArray());
            }
            for (int i = 1; i < NODES; i++) {
                nodes.get(0).clusterMeet("127.0.0.1", ports.get(i));
            }
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!healthy(nodes)) {
                if (processes.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("a node of the test Redis Cluster exited (its bus port taken?)");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the test Redis Cluster did not reach cluster_state:ok: "
                            + nodes.get(0).clusterInfo());
                }
                sleep(50);
            }
        } finally {
            connections.forEach(StatefulRedisConnection::close);
            clients.forEach(RedisClient::shutdown);
        }
    }

    private static boolean healthy(List<RedisCommands<String, String>> nodes) {
        for (RedisCommands<String, String> node : nodes) {
            String info = node.clusterInfo();
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + NODES)) {
                return false;
            }
            // every node must see all three as masters with their slots before clients are sent to it
            long withSlots = node.clusterNodes().lines().filter(line -> line.contains("master")
                    && line.split(" ").length > 8).count();
            if (withSlots != NODES) {
                return false;
            }
        }
        return true;
    }

    /**
     * Ports p where p and its cluster bus port p + 10000 are both free and none is another node's port:
     * data ports 10000-22767, so bus ports stay below the kernel's usual ephemeral range (32768 and up),
     * where an outgoing connection could take one between this check and the node's bind.
     */
    private static List<Integer> freePorts() {
        List<Integer> ports = new ArrayList<>();
        for (int attempt = 0; attempt < 500 && ports.size() < NODES; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(10000, 22768);
            boolean clashes = ports.stream().anyMatch(p -> p == port || Math.abs(p - port) == 10000);
            if (!clashes && free(port) && free(port + 10000)) {
                ports.add(port);
            }
        }
        if (ports.size() < NODES) {
            throw new IllegalStateException("no free ports for a test Redis Cluster");
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static void stop(List<Process> processes, Path dir) {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RedisTestServer.deleteRecursively(dir);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
