package dev.tessera.security.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real Keycloak for the security integration tests: the server distribution (the Maven artifact
 * {@code org.keycloak:keycloak-quarkus-dist:zip}, which the module's build resolves and names in the
 * system property {@code keycloak.dist.zip}) unpacked once into a cache folder, started as a local
 * process on free ports with an in-memory database, stopped (with its child JVM) when the test JVM ends.
 * One server per test JVM, shared by the module's test classes.
 *
 * <p>It imports the repository's realm ({@code keycloak/tessera-realm.json}) through the admin API with
 * two test-only clients added, both allowing the password grant with the realm's audience mapper:
 * {@value #CLIENT} and {@value #SHORT_LIVED_CLIENT} (1-second tokens, to test expiry without waiting
 * minutes). The same realm is imported a second time as {@value #OTHER_REALM}: same users, roles and
 * audience, another issuer and other keys.
 *
 * <p>Settings: {@code TESSERA_KEYCLOAK_CACHE} (default {@code ~/.cache/tessera}) is where the
 * distribution is unpacked; its first start there adds a one-time build (about 50 s, later starts
 * 12-20 s on two cores). Docker is not used: there is none on the development machines, and the local
 * process is the same server.
 */
public final class KeycloakTestServer {

    public static final String VERSION = "26.7.3";
    public static final String REALM = "tessera";
    public static final String OTHER_REALM = "tessera-other";
    public static final String CLIENT = "tessera-test";
    public static final String SHORT_LIVED_CLIENT = "tessera-test-short-lived";
    /** admin-ui's confidential client in the realm export, and its demo-only secret (keycloak/README.md). */
    public static final String ADMIN_UI_CLIENT = "tessera-admin-ui";
    public static final String ADMIN_UI_SECRET = "demo-only-admin-ui-secret";

    /** The realm's demo users by role (passwords: keycloak/README.md, demo only). */
    private static final Map<String, String[]> USERS = Map.of(
            "cdp-agent", new String[] {"alice.agent", "demo-only-agent"},
            "cdp-marketer", new String[] {"mark.marketer", "demo-only-marketer"},
            "cdp-integrator", new String[] {"ian.integrator", "demo-only-integrator"},
            "cdp-admin", new String[] {"ada.admin", "demo-only-admin"});

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private static KeycloakTestServer instance;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final String baseUrl;
    private final Duration startTime;

    private KeycloakTestServer(Process process, String baseUrl, Duration startTime) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.startTime = startTime;
    }

    /** The server of this JVM, started (and the realms imported) on first use. */
    public static synchronized KeycloakTestServer get() {
        if (instance == null) {
            instance = start();
            KeycloakTestServer started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "keycloak-test-server-stop"));
            started.importRealm(REALM);
            started.importRealm(OTHER_REALM);
            System.err.printf("Keycloak %s ready in %d s at %s (realms %s, %s imported)%n", VERSION,
                    started.startTime.toSeconds(), started.baseUrl, REALM, OTHER_REALM);
        }
        return instance;
    }

    /** The issuer of realm {@value #REALM}, as the services must be configured with it. */
    public String issuer() {
        return issuer(REALM);
    }

    public String issuer(String realm) {
        return baseUrl + "/realms/" + realm;
    }

    /** How long the start took, until Keycloak reported ready (without the realm imports). */
    public Duration startTime() {
        return startTime;
    }

    /** An access token of the realm's demo user with this role, by the password grant of {@value #CLIENT}. */
    public String token(String role) {
        return token(REALM, CLIENT, role);
    }

    /** An access token of a demo user with this role, from any realm and test client. */
    public String token(String realm, String client, String role) {
        String[] user = USERS.get(role);
        if (user == null) {
            throw new IllegalArgumentException("no demo user has role " + role);
        }
        JsonNode answer = postForm(issuer(realm) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", client, "username", user[0], "password", user[1],
                "scope", "openid"), null);
        return answer.get("access_token").asString();
    }

    // ---- start and stop

    private static KeycloakTestServer start() {
        Path home = install();
        int httpPort = freePort();
        int managementPort = freePort();
        Path log = Path.of("target", "keycloak-test-server.log").toAbsolutePath();
        Instant begin = Instant.now();
        Process process;
        // one start at a time per installation: the first start writes the server's build into it
        try (FileChannel channel = FileChannel.open(home.resolveSibling(home.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + httpPort, "--http-management-port=" + managementPort,
                    "--db=dev-mem", "--health-enabled=true", "--cache=local")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
            builder.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
            process = builder.start();
            KeycloakTestServer server = new KeycloakTestServer(process, "http://127.0.0.1:" + httpPort, null);
            server.awaitReady(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"), log);
            return new KeycloakTestServer(process, server.baseUrl, Duration.between(begin, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
    }

    private void awaitReady(URI ready, Path log) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting:\n" + tail(log));
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            process.onExit().completeOnTimeout(process, 500, java.util.concurrent.TimeUnit.MILLISECONDS).join();
        }
        stop();
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT + ":\n" + tail(log));
    }

    /** Stops kc.sh and the server JVM it runs (a child process unless the script exec'd it). */
    void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            process.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception slow) {
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return all.subList(Math.max(0, all.size() - 30), all.size()).stream().collect(Collectors.joining("\n"));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ")";
        }
    }

    // ---- installation

    /** The unpacked distribution in the cache folder, unpacking it (atomically) when missing. */
    private static Path install() {
        String cache = System.getenv("TESSERA_KEYCLOAK_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "tessera");
        Path home = root.resolve("keycloak-" + VERSION);
        if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Path zip = distribution();
        try {
            Files.createDirectories(root);
            Path unpacking = Files.createTempDirectory(root, "keycloak-" + VERSION + ".unpacking-");
            unzip(zip, unpacking);
            Path unpacked = unpacking.resolve("keycloak-" + VERSION);
            try {
                Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException anotherJvmWasFaster) {
                if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                    throw anotherJvmWasFaster;
                }
            }
            deleteRecursively(unpacking);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + " into " + root, e);
        }
    }

    private static Path distribution() {
        String configured = System.getProperty("keycloak.dist.zip");
        if (configured != null && !configured.isBlank() && !configured.startsWith("${")) {
            return Path.of(configured);
        }
        Path local = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "keycloak",
                "keycloak-quarkus-dist", VERSION, "keycloak-quarkus-dist-" + VERSION + ".zip");
        if (Files.isRegularFile(local)) {
            return local;
        }
        throw new IllegalStateException("no Keycloak distribution: run the tests through Maven (the module resolves "
                + "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip), or fetch it with ./mvnw -N dependency:copy "
                + "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip");
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out);
                    if (entry.getName().endsWith(".sh")) {
                        out.toFile().setExecutable(true);
                    }
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- realm import

    private void importRealm(String name) {
        ObjectNode realm = (ObjectNode) readRealmExport();
        realm.put("realm", name);
        JsonNode audienceMapper = audienceMapper(realm);
        ArrayNode clients = (ArrayNode) realm.get("clients");
        clients.add(testClient(CLIENT, audienceMapper, null));
        clients.add(testClient(SHORT_LIVED_CLIENT, audienceMapper, "1"));
        allowAdminUiOnAnyLoopbackPort(clients);
        String adminToken = postForm(baseUrl + "/realms/master/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"), null)
                .get("access_token").asString();
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(realm))));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("importing realm " + name + " failed with " + created.statusCode() + ": "
                    + created.body());
        }
    }

    /**
     * admin-ui under test listens on a random port of 127.0.0.1; the realm's client allows only the demo's
     * fixed URL. Keycloak accepts a trailing wildcard, so this copy allows any port of the loopback address.
     */
    private static void allowAdminUiOnAnyLoopbackPort(ArrayNode clients) {
        for (JsonNode client : clients) {
            if (ADMIN_UI_CLIENT.equals(client.path("clientId").asString())) {
                ((ArrayNode) client.get("redirectUris")).add("http://127.0.0.1:*");
                ObjectNode attributes = (ObjectNode) client.get("attributes");
                attributes.put("post.logout.redirect.uris",
                        attributes.path("post.logout.redirect.uris").asString() + "##http://127.0.0.1:*");
                return;
            }
        }
        throw new IllegalStateException("the realm export has no client " + ADMIN_UI_CLIENT);
    }

    private static JsonNode readRealmExport() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("keycloak/tessera-realm.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("keycloak/tessera-realm.json not found above " + Path.of("").toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(dir.resolve("keycloak/tessera-realm.json"))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode audienceMapper(JsonNode realm) {
        for (JsonNode client : realm.get("clients")) {
            for (JsonNode mapper : client.path("protocolMappers")) {
                if (mapper.path("protocolMapper").asString().equals("oidc-audience-mapper")) {
                    return mapper;
                }
            }
        }
        throw new IllegalStateException("the realm export has no audience mapper");
    }

    private static ObjectNode testClient(String clientId, JsonNode audienceMapper, String lifespanSeconds) {
        ObjectNode client = JSON.createObjectNode();
        client.put("clientId", clientId);
        client.put("description", "added by KeycloakTestServer for tests only");
        client.put("enabled", true);
        client.put("publicClient", true);
        client.put("directAccessGrantsEnabled", true);
        client.put("standardFlowEnabled", false);
        client.putArray("protocolMappers").add(audienceMapper.deepCopy());
        if (lifespanSeconds != null) {
            client.putObject("attributes").put("access.token.lifespan", lifespanSeconds);
        }
        return client;
    }

    private JsonNode postForm(String url, Map<String, String> form, String bearer) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> answer = send(request);
        if (answer.statusCode() != 200) {
            // the answer names the OAuth error, never the password
            throw new IllegalStateException("token request to " + url + " failed with " + answer.statusCode() + ": "
                    + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
