package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Per-principal limits on searches and profile reads, counted in Redis, answered with 429 and Retry-After. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class RateLimitIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("tessera.rate-limit.search", () -> "3");
        registry.add("tessera.rate-limit.profile-reads", () -> "2");
        registry.add("tessera.rate-limit.window", () -> "1h");
    }

    @BeforeEach
    void emptyStore() {
        RedisTestSupport.flush();
    }

    @Test
    void searchesBeyondTheLimitOfAPrincipalAre429WithRetryAfter() {
        String alice = bearer("alice");
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/v1/profiles?email=jane@example.com", alice).statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = get("/api/v1/profiles?name=smith", alice);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"status\":429");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
        // another principal has a count of its own, and profile reads a bucket of their own
        assertThat(get("/api/v1/profiles?name=smith", bearer("bob")).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/profiles/p-1", alice).statusCode()).isEqualTo(404);
    }

    @Test
    void profileReadsHaveTheirOwnLimitAndInvalidRequestsCountToo() {
        String carol = bearer("carol");
        assertThat(get("/api/v1/profiles/p-1", carol).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/profiles/p-1/timeline", carol).statusCode()).isEqualTo(404);

        assertThat(get("/api/v1/profiles/p-1/explanation", carol).statusCode()).isEqualTo(429);
        assertThat(get("/api/v1/profiles/p-1/metrics", carol).statusCode()).isEqualTo(429);
        // the count lives in Redis (shared by instances), under a digest of the principal
        try (var redis = RedisTestSupport.connect()) {
            assertThat(redis.commands().keys("rl:profile-reads:*")).singleElement()
                    .satisfies(key -> assertThat(key).doesNotContain("carol"));
        }
    }

    @Test
    void theProfileViewDecidesItsCountWithItsReadsAndRefusesBeforeAnsweringOrAuditing() {
        String id;
        try (RedisConnection connection = RedisTestSupport.connect()) {
            DeterministicResolver resolver = new DeterministicResolver(new ProfileStore(connection),
                    new GoldenRecordBuilder(), Clock.systemUTC());
            id = resolver.resolve(new CustomerRecord(new SourceRecordId("crm", "1"), Instant.parse("2025-01-01T00:00:00Z"),
                    List.of(new Identifier(IdentifierType.EMAIL, "jane@example.com")), Map.of("first_name", "Jane")))
                    .profileId().value();
        }
        String dave = bearer("dave");
        assertThat(get("/api/v1/profiles/" + id, dave).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/profiles/p-unknown", dave).statusCode()).isEqualTo(404);

        // the first request over the limit is decided in the handler, after its read: an unknown id
        HttpResponse<String> unknown = get("/api/v1/profiles/p-unknown", dave);
        HttpResponse<String> refused = get("/api/v1/profiles/" + id, dave);

        assertThat(unknown.statusCode()).as("over the limit an unknown id is not told apart").isEqualTo(429);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).doesNotContain("Jane").doesNotContain("first_name");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        try (var redis = RedisTestSupport.connect()) {
            assertThat(redis.commands().xrange("audit:log", io.lettuce.core.Range.create("-", "+")))
                    .as("only the read that was answered is audited").hasSize(1);
            String counter = redis.commands().keys("rl:profile-reads:*").get(0);
            assertThat(redis.commands().get(counter))
                    .as("after the first refusal the principal is refused without counting or reading").isEqualTo("3");
        }
        // the limit is the principal's: another agent still reads
        assertThat(get("/api/v1/profiles/" + id, bearer("erin")).statusCode()).isEqualTo(200);
    }

    private static String bearer(String subject) {
        return "Bearer " + TestTokens.key().mint(subject, List.of(Roles.AGENT), TestTokens.AUDIENCE, Duration.ofMinutes(5));
    }

    private HttpResponse<String> get(String path, String authorization) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
