package dev.tessera.ingestion.system;

import static org.assertj.core.api.Assertions.assertThat;
import dev.tessera.core.testing.RedisTestSupport;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tessera.security.DevSigningKey;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what in the ingestion app, with tokens signed by the test key (dev mode, the same
 * validation as with Keycloak; KeycloakSecurityIT repeats it against a real Keycloak). Vendor transports
 * ignore user tokens altogether: their signatures are checked in code (SourceRoutesIT).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class IngestionSecurityIT {

    static final List<String> ALL_ROLES = List.of(Roles.AGENT, Roles.MARKETER, Roles.INTEGRATOR, Roles.ADMIN);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    static Stream<Arguments> endpoints() {
        Set<String> integrators = Set.of(Roles.INTEGRATOR, Roles.ADMIN);
        return Stream.of(
                Arguments.of("GET", "/api/v1/sources", integrators),
                Arguments.of("GET", "/api/v1/sources/unknown", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/stop", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/start", integrators),
                Arguments.of("GET", "/api/v1/sources/unknown/dead-letters", integrators),
                Arguments.of("GET", "/api/v1/sources/unknown/dead-letters/d1", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/dead-letters/d1/replay", integrators),
                Arguments.of("DELETE", "/api/v1/sources/unknown/dead-letters/d1", integrators),
                Arguments.of("GET", "/api/v1/sources/unknown/dead-letters/reasons", integrators),
                Arguments.of("POST", "/api/v1/sources/unknown/dead-letters/replay", integrators),
                Arguments.of("DELETE", "/api/v1/sources/unknown/dead-letters?reason=r", integrators),
                Arguments.of("GET", "/actuator/prometheus", Set.of(Roles.ADMIN)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void eachRoleGetsInOrIsForbidden(String method, String path, Set<String> allowed) {
        for (String role : ALL_ROLES) {
            HttpResponse<String> response = send(method, path, TestTokens.bearer(role));
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
    void withoutAValidTokenEveryEndpointAnswers401(String method, String path, Set<String> allowed) {
        Instant later = Instant.now().plus(Duration.ofMinutes(5));
        Map<String, String> invalid = Map.of(
                "none", "",
                "expired", "Bearer " + TestTokens.key().sign(claims(Instant.now().minusSeconds(3600))
                        .issuer(DevSigningKey.ISSUER).audience(TestTokens.AUDIENCE).build()),
                "other issuer", "Bearer " + TestTokens.key().sign(claims(later)
                        .issuer("https://sso.example.com/realms/elsewhere").audience(TestTokens.AUDIENCE).build()),
                "other audience", "Bearer " + TestTokens.key().sign(claims(later)
                        .issuer(DevSigningKey.ISSUER).audience("account").build()));
        invalid.forEach((what, header) -> {
            HttpResponse<String> response = send(method, path, header.isEmpty() ? null : header);
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        });
    }

    @Test
    void vendorTransportsAreLeftToTheirSignatureChecks() {
        // no source "nope": the controller answers, not Spring Security, whatever Authorization says
        assertThat(send("POST", "/webhooks/nope", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/webhooks/nope", "Bearer not.a.jwt").statusCode()).isEqualTo(404);
        // no Segment source configured: refused by the controller, not for a missing user token
        HttpResponse<String> segment = send("POST", "/v1/track", "Basic d2s6");
        assertThat(segment.statusCode()).isNotEqualTo(403);
        assertThat(segment.headers().firstValue("WWW-Authenticate").orElse("")).doesNotStartWith("Bearer");
    }

    @Test
    void healthIsPublic() {
        assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/somewhere/else", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theSharedChainSettingsHoldHereToo() throws Exception {
        // no OAuth protected resource metadata (docs/security.md)
        HttpResponse<String> metadata = send("GET", "/.well-known/oauth-protected-resource", null);
        assertThat(metadata.statusCode()).isEqualTo(404);
        assertThat(metadata.body()).doesNotContain("resource\":");
        // a multipart body to the admin API is refused as unsupported, not parsed from a consumed stream (500)
        HttpResponse<String> multipart = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/sources/crm/dead-letters/replay"))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .header("Authorization", TestTokens.bearer(Roles.INTEGRATOR))
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(415);
    }

    private static JWTClaimsSet.Builder claims(Instant expiry) {
        return new JWTClaimsSet.Builder().subject("test-user")
                .issueTime(Date.from(expiry.minus(Duration.ofMinutes(5)))).expirationTime(Date.from(expiry))
                .claim("realm_access", Map.of("roles", List.of(Roles.ADMIN)));
    }

    @Test
    void theApiDescriptionIsPublicAndDescribesTokensAndVendorSignatures() throws Exception {
        HttpResponse<String> docs = send("GET", "/v3/api-docs", null);
        HttpResponse<String> ui = send("GET", "/swagger-ui/index.html", null);

        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode api = JsonMapper.builder().build().readTree(docs.body());
        assertThat(api.at("/components/securitySchemes/bearer-jwt/scheme").asString()).isEqualTo("bearer");
        assertThat(api.at("/components/securitySchemes/vendor-signature/type").asString()).isEqualTo("apiKey");
        for (String path : List.of("/api/v1/sources", "/api/v1/sources/{name}", "/api/v1/sources/{name}/stop",
                "/api/v1/sources/{name}/start", "/api/v1/sources/{name}/dead-letters",
                "/api/v1/sources/{name}/dead-letters/{id}", "/api/v1/sources/{name}/dead-letters/{id}/replay",
                "/api/v1/sources/{name}/dead-letters/reasons", "/api/v1/sources/{name}/dead-letters/replay")) {
            JsonNode item = api.path("paths").path(path);
            assertThat(item.isMissingNode()).as(path).isFalse();
            item.properties().forEach(op -> {
                assertThat(op.getValue().get("x-roles").asString()).as(path).isEqualTo("cdp-admin, cdp-integrator");
                assertThat(op.getValue().at("/security/0/bearer-jwt").isArray()).as(path).isTrue();
                assertThat(op.getValue().at("/responses/403/content").has("application/problem+json")).as(path).isTrue();
            });
        }
        for (String path : List.of("/webhooks/{source}", "/v1/identify", "/v1/track", "/v1/batch")) {
            JsonNode post = api.path("paths").path(path).path("post");
            assertThat(post.at("/security/0/vendor-signature").isArray()).as(path).isTrue();
            assertThat(post.at("/responses/401/content").has("application/problem+json")).as(path).isTrue();
        }
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("script-src 'self'"));
        assertThat(send("GET", "/api/v1/sources", null).headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; frame-ancestors 'none'");
    }

    private HttpResponse<String> send(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
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
