package dev.tessera.ingestion.system;

import static org.assertj.core.api.Assertions.assertThat;
import dev.tessera.core.testing.RedisTestSupport;

import com.nimbusds.jwt.SignedJWT;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.KeycloakTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ingestion app in its production mode (keycloak) against a real Keycloak with the repository's
 * realm: each demo user, no token, an expired token and a token of another realm, for the admin API and
 * prometheus; the vendor transports stay outside token checks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeycloakSecurityIT {

    private static final List<String> ALL_ROLES = List.of(Roles.AGENT, Roles.MARKETER, Roles.INTEGRATOR, Roles.ADMIN);
    private static final java.util.Map<String, String> tokens = new java.util.HashMap<>();
    private static String otherIssuer;
    private static String expired;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        registry.add("tessera.security.issuer-uri", () -> KeycloakTestServer.get().issuer());
        registry.add("tessera.security.clock-skew", () -> "1s");
    }

    @BeforeAll
    static void fetchTokens() throws Exception {
        KeycloakTestServer keycloak = KeycloakTestServer.get();
        ALL_ROLES.forEach(role -> tokens.put(role, keycloak.token(role)));
        otherIssuer = keycloak.token(KeycloakTestServer.OTHER_REALM, KeycloakTestServer.CLIENT, Roles.ADMIN);
        expired = keycloak.token(KeycloakTestServer.REALM, KeycloakTestServer.SHORT_LIVED_CLIENT, Roles.ADMIN);
        Instant expiry = SignedJWT.parse(expired).getJWTClaimsSet().getExpirationTime().toInstant();
        long millis = Duration.between(Instant.now(), expiry.plus(Duration.ofMillis(1100))).toMillis();
        if (millis > 0) {
            Thread.sleep(millis); // the token's expiry (plus the 1 s skew) is the behaviour under test
        }
    }

    static Stream<Arguments> endpoints() {
        Set<String> integrators = Set.of(Roles.INTEGRATOR, Roles.ADMIN);
        return Stream.of(
                Arguments.of("GET", "/api/v1/sources", integrators),
                Arguments.of("GET", "/api/v1/sources/unknown", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/start", integrators),
                Arguments.of("GET", "/api/v1/sources/unknown/dead-letters", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/dead-letters/d1/replay", integrators),
                Arguments.of("DELETE", "/api/v1/sources/unknown/dead-letters/d1", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/dead-letters/replay", integrators),
                Arguments.of("GET", "/actuator/prometheus", Set.of(Roles.ADMIN)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void eachKeycloakRoleGetsInOrIsForbidden(String method, String path, Set<String> allowed) {
        for (String role : ALL_ROLES) {
            int status = send(method, path, "Bearer " + tokens.get(role)).statusCode();
            if (allowed.contains(role)) {
                assertThat(status).as(role + " " + method + " " + path).isNotIn(401, 403);
            } else {
                assertThat(status).as(role + " " + method + " " + path).isEqualTo(403);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void noTokenAnExpiredTokenAndAnotherIssuersTokenAre401(String method, String path, Set<String> allowed) {
        assertThat(send(method, path, null).statusCode()).as("no token").isEqualTo(401);
        assertThat(send(method, path, "Bearer " + expired).statusCode()).as("expired").isEqualTo(401);
        HttpResponse<String> other = send(method, path, "Bearer " + otherIssuer);
        assertThat(other.statusCode()).as("other issuer").isEqualTo(401);
        assertThat(other.body()).contains("\"title\":\"Unauthorized\"");
    }

    @Test
    void webhooksNeitherNeedNorCheckUserTokens() {
        assertThat(send("POST", "/webhooks/unknown", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/webhooks/unknown", "Bearer " + otherIssuer).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> send(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
