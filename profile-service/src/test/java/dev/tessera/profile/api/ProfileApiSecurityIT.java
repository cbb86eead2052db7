package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;
import dev.tessera.core.testing.RedisTestSupport;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tessera.security.DevSigningKey;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Who may call what, with tokens signed by the test key (dev mode, same validation as with Keycloak):
 * every endpoint group for each role, without a token, and with tokens that are expired, for another
 * audience, from another issuer, or signed by another key. KeycloakSecurityIT does the same against a
 * real Keycloak.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ProfileApiSecurityIT {

    @TempDir
    static Path otherKeyDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    /** One request per endpoint group, and the roles that may send it. */
    /** Every segments endpoint and who may call it (docs/segments.md); KeycloakSecurityIT checks them too. */
    static Stream<Arguments> segmentEndpoints() {
        Set<String> marketers = Set.of(Roles.MARKETER, Roles.ADMIN);
        return Stream.of(
                Arguments.of("GET", "/api/v1/segments", marketers),
                Arguments.of("POST", "/api/v1/segments", marketers),
                Arguments.of("POST", "/api/v1/segments/preview", marketers),
                Arguments.of("GET", "/api/v1/segments/seg-unknown", marketers),
                Arguments.of("PUT", "/api/v1/segments/seg-unknown", marketers),
                Arguments.of("DELETE", "/api/v1/segments/seg-unknown", marketers),
                Arguments.of("GET", "/api/v1/segments/seg-unknown/members", marketers),
                Arguments.of("GET", "/api/v1/segments/seg-unknown/export", marketers));
    }

    static Stream<Arguments> endpoints() {
        return Stream.concat(otherEndpoints(), segmentEndpoints());
    }

    private static Stream<Arguments> otherEndpoints() {
        Set<String> agents = Set.of(Roles.AGENT, Roles.ADMIN);
        Set<String> marketers = Set.of(Roles.MARKETER, Roles.ADMIN);
        // marketers read profiles masked; by default they search by nothing (ProfileReadsIT: what they may)
        Set<String> readers = Set.of(Roles.AGENT, Roles.MARKETER, Roles.ADMIN);
        return Stream.of(
                Arguments.of("GET", "/api/v1/profiles?email=jane@example.com", agents),
                Arguments.of("GET", "/api/v1/profiles?phone=02079460958", agents),
                Arguments.of("GET", "/api/v1/profiles?name=smi", agents), // marketers: only if names are visible to them
                Arguments.of("GET", "/api/v1/profiles?source=crm&sourceId=1", agents), // marketers: only if source_id is
                Arguments.of("GET", "/api/v1/profiles/p-unknown", readers),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/timeline", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/explanation", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/possible-matches", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/metrics", agents),
                Arguments.of("POST", "/api/v1/profiles/p-unknown/split", agents),
                Arguments.of("POST", "/api/v1/profiles/p-unknown/merge", agents),
                Arguments.of("GET", "/api/v1/audit", Set.of(Roles.ADMIN)),
                // privacy: consent, subject access export, erasure (docs/privacy.md)
                Arguments.of("GET", "/api/v1/profiles/p-unknown/consent", agents),
                Arguments.of("PUT", "/api/v1/profiles/p-unknown/consent/marketing/email", agents),
                Arguments.of("GET", "/api/v1/profiles/p-unknown/export", Set.of(Roles.ADMIN)),
                Arguments.of("DELETE", "/api/v1/profiles/p-unknown?reason=subject-request", Set.of(Roles.ADMIN)),
                Arguments.of("GET", "/api/v1/metrics/summary", marketers),
                Arguments.of("GET", "/api/v1/metrics/nps", marketers),
                Arguments.of("GET", "/api/v1/metrics/csat", marketers),
                Arguments.of("GET", "/api/v1/metrics/ces", marketers),
                Arguments.of("GET", "/api/v1/metrics/complaints", marketers),
                Arguments.of("GET", "/api/v1/metrics/churn", marketers),
                Arguments.of("GET", "/api/v1/metrics/orders", marketers),
                // recomputing the aggregates is an operator's repair (docs/cx-metrics.md)
                Arguments.of("POST", "/api/v1/metrics/rebuild", Set.of(Roles.ADMIN)),
                Arguments.of("GET", "/actuator/info", Set.of(Roles.ADMIN)));
    }

    static final List<String> ALL_ROLES = List.of(Roles.AGENT, Roles.MARKETER, Roles.INTEGRATOR, Roles.ADMIN);

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void eachRoleGetsInOrIsForbidden(String method, String path, Set<String> allowed) throws Exception {
        for (String role : ALL_ROLES) {
            HttpResponse<String> response = send(method, path, TestTokens.bearer(role));
            if (allowed.contains(role)) {
                assertThat(response.statusCode()).as(role + " " + method + " " + path).isNotIn(401, 403);
            } else {
                assertThat(response.statusCode()).as(role + " " + method + " " + path).isEqualTo(403);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(response.body()).contains("\"status\":403");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void withoutAValidTokenEveryEndpointAnswers401(String method, String path, Set<String> allowed) throws Exception {
        DevSigningKey otherKey = DevSigningKey.loadOrCreate(otherKeyDir.resolve("other.jwk"));
        Map<String, String> invalid = Map.of(
                "expired", "Bearer " + TestTokens.key().sign(claims(Instant.now().minus(Duration.ofHours(1)))
                        .issuer(DevSigningKey.ISSUER).audience(TestTokens.AUDIENCE).build()),
                "other issuer", "Bearer " + TestTokens.key().sign(claims(Instant.now().plus(Duration.ofMinutes(5)))
                        .issuer("https://sso.example.com/realms/elsewhere").audience(TestTokens.AUDIENCE).build()),
                "other audience", "Bearer " + TestTokens.key().sign(claims(Instant.now().plus(Duration.ofMinutes(5)))
                        .issuer(DevSigningKey.ISSUER).audience("account").build()),
                "other key", "Bearer " + otherKey.mint("test-user", List.of(Roles.ADMIN), TestTokens.AUDIENCE,
                        Duration.ofMinutes(5)),
                "garbage", "Bearer not.a.jwt");

        HttpResponse<String> none = send(method, path, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        invalid.forEach((what, header) -> {
            HttpResponse<String> response = send(method, path, header);
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.body()).as(what).contains("\"title\":\"Unauthorized\"");
        });
    }

    @Test
    void healthIsPublicAndUnknownPathsAreDenied() {
        assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/internal/anything", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/internal/anything", TestTokens.bearer(Roles.ADMIN)).statusCode()).isEqualTo(403);
    }

    @Test
    void answersCarrySecurityHeadersAndNoCorsGrant() {
        HttpResponse<String> response = send("GET", "/api/v1/profiles/p-unknown", TestTokens.bearer(Roles.AGENT));
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                cache -> assertThat(cache).contains("no-store"));

        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri("/api/v1/profiles/p-unknown"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"));
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // a URL the firewall refuses is answered before the header filter runs: its answer carries them too
        HttpResponse<String> firewalled = send("GET", "/api/v1/profiles/bad%3Bid", TestTokens.bearer(Roles.AGENT));
        assertThat(firewalled.statusCode()).isEqualTo(400);
        assertThat(firewalled.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(firewalled.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(firewalled.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'"));
        assertThat(firewalled.headers().firstValue("Cache-Control")).hasValueSatisfying(
                cache -> assertThat(cache).contains("no-store"));
        assertThat(firewalled.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aRequestLineTomcatCannotParseIsRefusedWithoutLoggingItsQuery(CapturedOutput output) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            // '{' is not allowed in a request target: Tomcat answers 400 before any filter runs
            socket.getOutputStream().write(("GET /api/v1/profiles?email=rejected.person{@example.com HTTP/1.1\r\n"
                    + "Host: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(output.getAll()).doesNotContain("rejected.person");
    }

    @Test
    void theOAuthProtectedResourceMetadataIsNotServed() {
        // Spring Security 7 would answer it without a token, claiming certificate-bound tokens and taking the
        // resource URL from the Host header (docs/security.md)
        for (String path : List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/api",
                // the spellings Spring's filter decodes to the same path
                "/.well-known/oauth-protected-resourc%65", "/.well%2Dknown/oauth-protected-resource/api")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("resource\":");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
    }

    @Autowired
    ApplicationContext context;

    @Test
    void noFilterReadsFormBodiesBeforeTheBodyLimit() {
        // Spring's FormContentFilter reads a whole PUT/PATCH/DELETE form body into memory before the
        // security chain, so its body limit came too late
        assertThat(context.getBeanNamesForType(org.springframework.web.filter.FormContentFilter.class)).isEmpty();
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/api/v1/profiles/p-unknown/consent/marketing/email"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("granted=true")));
        assertThat(put.statusCode()).isEqualTo(415);
    }

    @Test
    void formAndMultipartBodiesAreRefusedAsUnsupportedNotAsServerErrors() {
        String boundary = "tessera-boundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"records\"\r\n\r\nshop:1\r\n--"
                + boundary + "--\r\n";
        List<HttpRequest.Builder> requests = List.of(
                HttpRequest.newBuilder(uri("/api/v1/profiles/p-unknown/split"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(multipart)),
                HttpRequest.newBuilder(uri("/api/v1/profiles/p-unknown/split"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("records=shop%3A1")),
                // a multipart type without a body: Spring would still try to parse parts
                HttpRequest.newBuilder(uri("/api/v1/segments"))
                        .header("Content-Type", "Multipart/Mixed; boundary=" + boundary).GET());
        for (HttpRequest.Builder request : requests) {
            HttpResponse<String> response = send(request.header("Authorization", TestTokens.bearer(Roles.ADMIN)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
            assertThat(response.body()).contains("unsupported-media-type");
        }
        // a GET declaring a form type has no body to parse: it passes
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/segments"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", TestTokens.bearer(Roles.ADMIN)).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenWithoutRealmRolesIsForbiddenNotUnauthorized() {
        String noRoles = "Bearer " + TestTokens.key().sign(claims(Instant.now().plus(Duration.ofMinutes(5)))
                .issuer(DevSigningKey.ISSUER).audience(TestTokens.AUDIENCE).build());
        assertThat(send("GET", "/api/v1/profiles/p-unknown", noRoles).statusCode()).isEqualTo(403);
    }

    @Test
    void theTestKeyFileIsOwnerReadableOnly() throws Exception {
        Path file = Path.of(TestTokens.properties().get("tessera.security.dev.key-location"));
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    private static JWTClaimsSet.Builder claims(Instant expiry) {
        return new JWTClaimsSet.Builder().subject("test-user")
                .issueTime(Date.from(expiry.minus(Duration.ofMinutes(5))))
                .expirationTime(Date.from(expiry));
    }

    private HttpResponse<String> send(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"records\":[\"shop:1\"]}")
                        : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
