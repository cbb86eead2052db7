package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Marketers configured to see first and last names in clear, but not {@code name} or {@code full_name}
 * (which support tools send as one field, and which marketers see as an initial): the name index holds
 * those too, so a search by name prefix would spell them out letter by letter. Refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class MarketerNameSearchIT {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("tessera.privacy.marketer.visible-fields[0]", () -> "first_name");
        registry.add("tessera.privacy.marketer.visible-fields[1]", () -> "last_name");
    }

    @Test
    void aNameSearchIsRefusedWhileFullNamesAreMaskedForTheRole() throws Exception {
        HttpResponse<String> marketer = get("/api/v1/profiles?name=jane", Roles.MARKETER);
        assertThat(marketer.statusCode()).as(marketer.body()).isEqualTo(403);
        assertThat(marketer.body()).contains("\"parameter\":\"name\"");

        assertThat(get("/api/v1/profiles?name=jane", Roles.AGENT).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String role) throws Exception {
        String token = TestTokens.key().mint(role + "-1", List.of(role), TestTokens.AUDIENCE, Duration.ofMinutes(5));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
