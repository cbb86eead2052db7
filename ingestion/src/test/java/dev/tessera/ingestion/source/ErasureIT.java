package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.ingestion.operations.SourceActivity;
import dev.tessera.profile.ProfileServiceApplication;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The right to erasure end to end: a CRM file through the real folder route, an admin's DELETE on the
 * profile service, then the same file again: the erased person stays out (no profile, no dead letter,
 * counted as erased), the other person of the file is unaffected. Both apps share a configured tombstone
 * key (a file: reference).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ErasureIT {

    static final String AGENT = TestTokens.bearer(Roles.AGENT);
    static final String ADMIN = TestTokens.bearer(Roles.ADMIN);

    @TempDir
    static Path dir;

    static ConfigurableApplicationContext profileService;
    static String api;

    @Autowired
    DeadLetterStore deadLetters;

    @Autowired
    SourceActivity activity;

    private final HttpClient http = HttpClient.newHttpClient();

    static String keyFile() {
        try {
            Path file = dir.resolve("tombstone.key");
            if (!Files.exists(file)) {
                Files.writeString(file, "an-erasure-test-key-0123456789abcdef", StandardCharsets.UTF_8);
            }
            return file.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void sources(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("tessera.privacy.tombstone-secret", () -> "file:" + keyFile());
        registry.add("tessera.sources[0].name", () -> "crm");
        registry.add("tessera.sources[0].kind", () -> "crm");
        registry.add("tessera.sources[0].folder.inbox", () -> dir.resolve("crm").toString());
        registry.add("tessera.sources[0].folder.poll-delay", () -> "100ms");
        registry.add("tessera.sources[0].mapping.source-id", () -> "contact_id");
        registry.add("tessera.sources[0].mapping.email", () -> "email");
        registry.add("tessera.sources[0].mapping.phone", () -> "phone");
        registry.add("tessera.sources[0].mapping.observed-at", () -> "updated_at");
        registry.add("tessera.sources[0].mapping.attributes.first_name", () -> "first_name");
        registry.add("tessera.sources[0].mapping.attributes.last_name", () -> "last_name");
        registry.add("tessera.sources[0].mapping.attributes.consent_marketing_email", () -> "newsletter");
    }

    @BeforeAll
    static void startProfileService() {
        RedisTestSupport.flush();
        profileService = new SpringApplicationBuilder(ProfileServiceApplication.class)
                .properties("server.port=0", "tessera.redis.url=" + RedisTestSupport.settings().url(),
                "tessera.redis.cluster=" + RedisTestSupport.settings().cluster(),
                        "tessera.privacy.tombstone-secret=file:" + keyFile(),
                        "spring.autoconfigure.exclude=org.apache.camel.spring.boot.CamelAutoConfiguration")
                // on the command line: builder properties are defaults, and ingestion's application.yml on
                // this classpath would put the profile service on ingestion's fixed port 8082
                .run(java.util.stream.Stream.concat(TestTokens.arguments().stream(), java.util.stream.Stream.of(
                        "--server.port=0")).toArray(String[]::new));
        api = "http://localhost:" + profileService.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stopProfileService() {
        profileService.close();
    }

    static final String CONTACTS = """
            contact_id,email,phone,first_name,last_name,newsletter,updated_at
            k-4711,winifred.ashcombe@example.com,020 7946 0321,Winifred,Ashcombe,yes,2025-03-01T09:00:00Z
            k-4712,barnaby.fenwick@example.com,,Barnaby,Fenwick,no,2025-03-01T09:00:00Z
            """;

    @Test
    void anErasedPersonStaysOutWhenTheSameFileArrivesAgain() throws Exception {
        importFile("contacts.csv", CONTACTS);
        JsonNode found = json(send("GET", "/api/v1/profiles?email=winifred.ashcombe@example.com", AGENT));
        assertThat(found.get("count").asInt()).isEqualTo(1);
        String winifred = found.at("/items/0/id").asString();
        assertThat(json(send("GET", "/api/v1/profiles/" + winifred + "/consent", AGENT)).at("/current/0/status")
                .asString()).as("the CSV column became a consent statement").isEqualTo("granted");

        HttpResponse<String> erased = send("DELETE", "/api/v1/profiles/" + winifred + "?reason=subject-request", ADMIN);
        assertThat(erased.statusCode()).isEqualTo(200);
        long before = activity.snapshot("crm").erased();
        long lettersBefore = deadLetters.count("source-crm");

        importFile("contacts-again.csv", CONTACTS);

        assertThat(json(send("GET", "/api/v1/profiles?email=winifred.ashcombe@example.com", AGENT)).get("count").asInt())
                .isZero();
        assertThat(send("GET", "/api/v1/profiles/" + winifred, AGENT).statusCode()).isEqualTo(404);
        assertThat(json(send("GET", "/api/v1/profiles?email=barnaby.fenwick@example.com", AGENT)).get("count").asInt())
                .isEqualTo(1);
        assertThat(activity.snapshot("crm").erased()).isEqualTo(before + 1);
        assertThat(deadLetters.count("source-crm")).as("refused, not dead-lettered").isEqualTo(lettersBefore);
        assertNoTraceOf("winifred", "ashcombe", "7946 0321", "2079460321", "k-4711");
    }

    @Test
    void anErasedPersonsRowRefusedByItsFormatIsNotKeptAsADeadLetterEither() throws Exception {
        importFile("more-contacts.csv", """
                contact_id,email,phone,first_name,last_name,newsletter,updated_at
                k-4801,cressida.marlowe@example.com,020 7946 0555,Cressida,Marlowe,yes,2025-03-01T09:00:00Z
                k-4802,dorian.pelham@example.com,,Dorian,Pelham,no,2025-03-01T09:00:00Z
                """);
        JsonNode found = json(send("GET", "/api/v1/profiles?email=cressida.marlowe@example.com", AGENT));
        assertThat(found.get("count").asInt()).isEqualTo(1);
        String cressida = found.at("/items/0/id").asString();
        assertThat(send("DELETE", "/api/v1/profiles/" + cressida + "?reason=subject-request", ADMIN).statusCode())
                .isEqualTo(200);
        long erasedBefore = activity.snapshot("crm").erased();
        long lettersBefore = deadLetters.count("source-crm");

        // the next export: every row with a date the mapping cannot read; her row, and a row of another record
        // of the source that carries her email, are hers
        importFile("more-contacts-again.csv", """
                contact_id,email,phone,first_name,last_name,newsletter,updated_at
                k-4801,cressida.marlowe@example.com,020 7946 0555,Cressida,Marlowe,yes,last Tuesday
                k-4899,Cressida.Marlowe@Example.com,,C.,Marlowe,yes,last Tuesday
                k-4802,dorian.pelham@example.com,,Dorian,Pelham,no,last Tuesday
                """);

        assertThat(activity.snapshot("crm").erased()).isEqualTo(erasedBefore + 2);
        assertThat(deadLetters.count("source-crm")).as("Dorian's row only").isEqualTo(lettersBefore + 1);
        assertThat(deadLetters.list("source-crm", 0, 10)).anySatisfy(letter -> {
            assertThat(letter.sourceId()).isEqualTo("k-4802");
            assertThat(letter.reason()).contains("updated_at");
        });
        assertNoTraceOf("cressida", "7946 0555", "2079460555", "k-4801", "k-4899");
    }

    private static void assertNoTraceOf(String... needles) {
        try (var connection = RedisTestSupport.connect()) {
            var redis = connection.commands();
            List<String> dump = new ArrayList<>();
            ScanIterator<String> keys = ScanIterator.scan(redis, ScanArgs.Builder.limit(500));
            while (keys.hasNext()) {
                String key = keys.next();
                dump.add(key);
                switch (redis.type(key)) {
                    case "string" -> dump.add(redis.get(key));
                    case "hash" -> redis.hgetall(key).forEach((k, v) -> dump.add(k + "=" + v));
                    case "set" -> dump.addAll(redis.smembers(key));
                    case "zset" -> dump.addAll(redis.zrange(key, 0, -1));
                    case "list" -> dump.addAll(redis.lrange(key, 0, -1));
                    case "stream" -> redis.xrange(key, io.lettuce.core.Range.create("-", "+"))
                            .forEach(m -> dump.add(m.getBody().toString()));
                    default -> { }
                }
            }
            assertThat(String.join("\n", dump)).contains("barnaby"); // the scan sees the other person
            for (String entry : dump) {
                for (String needle : needles) {
                    assertThat(entry.toLowerCase(Locale.ROOT)).doesNotContain(needle.toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    private void importFile(String name, String content) throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("crm"));
        Path done = inbox.resolve(".done");
        long before = count(done);
        Path tmp = inbox.resolve("." + name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve(name));
        await().atMost(Duration.ofSeconds(20)).until(() -> count(done) > before);
    }

    private static long count(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".csv")).count();
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
