package dev.tessera.profile.api;

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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The profile service in its production mode (keycloak) against a real Keycloak with the repository's
 * realm: tokens of each demo user, no token, an expired token and a token of another realm (issuer), for
 * every endpoint group.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeycloakSecurityIT {

    private static final List<String> ALL_ROLES = List.of(Roles.AGENT, Roles.MARKETER, Roles.INTEGRATOR, Roles.ADMIN);
    private static final Map<String, String> tokens = new ConcurrentHashMap<>();
    private static String expired;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        registry.add("tessera.security.issuer-uri", () -> KeycloakTestServer.get().issuer());
        // a 1-second token must be refused soon after it expires, not 30 s later
        registry.add("tessera.security.clock-skew", () -> "1s");
    }

    static Stream<Arguments> endpoints() {
        return Stream.concat(otherEndpoints(), ProfileApiSecurityIT.segmentEndpoints());
    }

    private static Stream<Arguments> otherEndpoints() {
        Set<String> agents = Set.of(Roles.AGENT, Roles.ADMIN);
        Set<String> readers = Set.of(Roles.AGENT, Roles.MARKETER, Roles.ADMIN);
        return Stream.of(
                Arguments.of("GET", "/api/v1/profiles?email=jane@example.com", agents),
                Arguments.of("GET", "/api/v1/profiles?name=smi", agents), // marketers: only if names are visible to them
                Arguments.of("GET", "/api/v1/profiles?source=crm&sourceId=1", agents), // marketers: only if source_id is
                Arguments.of("GET", "/api/v1/profiles/p-unknown", readers),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/timeline", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/explanation", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/metrics", agents),
                Arguments.of("POST", "/api/v1/profiles/p-unknown/split", agents),
                Arguments.of("POST", "/api/v1/profiles/p-unknown/merge", agents),
                Arguments.of("GET", "/api/v1/audit", Set.of(Roles.ADMIN)),
                // privacy: consent, subject access export, erasure (docs/privacy.md)
                Arguments.of("GET", "/api/v1/profiles/p-unknown/consent", agents),
                Arguments.of("PUT", "/api/v1/profiles/p-unknown/consent/marketing/email", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/export", Set.of(Roles.ADMIN)),
                Arguments.of("DELETE", "/api/v1/profiles/p-unknown?reason=subject-request", Set.of(Roles.ADMIN)),
                Arguments.of("GET", "/api/v1/metrics/nps", Set.of(Roles.MARKETER, Roles.ADMIN)),
                Arguments.of("GET", "/actuator/info", Set.of(Roles.ADMIN)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void eachKeycloakRoleGetsInOrIsForbidden(String method, String path, Set<String> allowed) {
        for (String role : ALL_ROLES) {
            HttpResponse<String> response = send(method, path, "Bearer " + token(role));
            if (allowed.contains(role)) {
                assertThat(response.statusCode()).as(role + " " + method + " " + path).isNotIn(401, 403);
            } else {
                assertThat(response.statusCode()).as(role + " " + method + " " + path).isEqualTo(403);
                assertThat(response.body()).contains("\"status\":403");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void noTokenAndTokensOfAnotherIssuerAre401(String method, String path, Set<String> allowed) {
        String otherIssuer = KeycloakTestServer.get().token(KeycloakTestServer.OTHER_REALM, KeycloakTestServer.CLIENT,
                Roles.ADMIN);

        assertThat(send(method, path, null).statusCode()).isEqualTo(401);
        HttpResponse<String> response = send(method, path, "Bearer " + otherIssuer);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void anExpiredKeycloakTokenIs401(String method, String path, Set<String> allowed) throws Exception {
        String shortLived = expiredToken();

        HttpResponse<String> response = send(method, path, "Bearer " + shortLived);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                header -> assertThat(header).contains("invalid_token"));
    }

    @Test
    void keycloakTokensCarryTheAudienceAndTheRealmRoles() throws Exception {
        var claims = SignedJWT.parse(token(Roles.MARKETER)).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(KeycloakTestServer.get().issuer());
        assertThat(claims.getAudience()).contains("tessera-api");
        assertThat(claims.getJSONObjectClaim("realm_access").get("roles")).asList().contains(Roles.MARKETER);
    }

    /** An admin's token of the client whose tokens live 1 s, once it has expired (fetched and awaited once). */
    private static synchronized String expiredToken() throws Exception {
        if (expired == null) {
            String shortLived = KeycloakTestServer.get().token(KeycloakTestServer.REALM,
                    KeycloakTestServer.SHORT_LIVED_CLIENT, Roles.ADMIN);
            Instant expiry = SignedJWT.parse(shortLived).getJWTClaimsSet().getExpirationTime().toInstant();
            // past expiry plus the 1 s clock skew configured above
            waitUntil(expiry.plus(Duration.ofMillis(1100)));
            expired = shortLived;
        }
        return expired;
    }

    /** Tokens are cached per role: fetching them costs a Keycloak round trip each. */
    private static String token(String role) {
        return tokens.computeIfAbsent(role, r -> KeycloakTestServer.get().token(r));
    }

    private static void waitUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis); // waiting for a token's expiry is the behaviour under test, not a race
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"records\":[\"shop:1\"]}")
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
