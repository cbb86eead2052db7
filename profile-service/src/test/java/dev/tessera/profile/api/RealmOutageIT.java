package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.Roles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The profile service in keycloak mode while the realm's key set URL is down, comes back and goes down
 * again: tokens that cannot be checked get 503 with Retry-After (not a bare 500), the key set fetched
 * last keeps valid tokens working through an outage, and a token naming an unknown key stays 401. The
 * realm is a small HTTP server of this test serving the key set, so it can be switched off; the key
 * set's cache times are shortened to fit a test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RealmOutageIT {

    private static final String ISSUER = "https://sso.example.test/realms/tessera";
    private static final RSAKey REALM_KEY = newKey("realm-key");
    private static volatile boolean realmUp;
    private static final HttpServer REALM = startRealm();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        registry.add("tessera.security.mode", () -> "keycloak");
        registry.add("tessera.security.issuer-uri", () -> ISSUER);
        registry.add("tessera.security.jwk-set-uri",
                () -> "http://127.0.0.1:" + REALM.getAddress().getPort() + "/realms/tessera/protocol/openid-connect/certs");
        registry.add("tessera.security.verified-token-ttl", () -> "0s"); // every request checks its token's key
        registry.add("tessera.security.key-set.cache-ttl", () -> "1s");
        registry.add("tessera.security.key-set.refresh-min-interval", () -> "200ms");
        registry.add("tessera.security.key-set.timeout", () -> "500ms");
    }

    @AfterAll
    static void stopRealm() {
        REALM.stop(0);
    }

    @Test
    void tokensWaitForTheRealmAndOutlastItsOutage() throws Exception {
        ApiCalls api = new ApiCalls(port);
        String agent = "Bearer " + token(REALM_KEY, Roles.AGENT);

        realmUp = false;
        ApiCalls.Response unavailable = api.send("GET", "/api/v1/profiles/p-unknown", agent, null);
        assertThat(unavailable.status()).as(unavailable.body()).isEqualTo(503);
        assertThat(unavailable.contentType()).startsWith("application/problem+json");
        assertThat(unavailable.json().get("type").asString()).endsWith("/authentication-unavailable");
        assertThat(unavailable.retryAfter()).isEqualTo("30");
        assertThat(api.send("GET", "/api/v1/profiles/p-unknown", agent, null).status())
                .as("again at once, within the refresh interval").isEqualTo(503);
        assertThat(api.send("GET", "/api/v1/profiles/p-unknown", null, null).status())
                .as("no token is still simply unauthorised").isEqualTo(401);

        realmUp = true;
        assertThat(statusOnceTheRealmIsSeen(api, agent)).as("an agent reading an unknown profile").isEqualTo(404);

        realmUp = false;
        Thread.sleep(1_200); // the key set's cache has expired: the next token makes it fetch again, and fail
        assertThat(api.send("GET", "/api/v1/profiles/p-unknown", agent, null).status())
                .as("the key set fetched last stays in use").isEqualTo(404);
        ApiCalls.Response forged = api.send("GET", "/api/v1/profiles/p-unknown",
                "Bearer " + token(newKey("made-up"), Roles.ADMIN), null);
        assertThat(forged.status()).as("a key the realm never had").isEqualTo(401);
    }

    private static int statusOnceTheRealmIsSeen(ApiCalls api, String authorization) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            int status = api.send("GET", "/api/v1/profiles/p-unknown", authorization, null).status();
            if (status != 503 || Instant.now().isAfter(deadline)) {
                return status;
            }
            Thread.sleep(100);
        }
    }

    private static HttpServer startRealm() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] keys = new JWKSet(REALM_KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/realms/tessera/protocol/openid-connect/certs", exchange -> {
                if (realmUp) {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, keys.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(keys);
                    }
                } else {
                    exchange.sendResponseHeaders(503, -1); // as a proxy in front of a stopped Keycloak answers
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RSAKey newKey(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(RSAKey key, String role) {
        Instant now = Instant.now();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    new JWTClaimsSet.Builder().issuer(ISSUER).audience("tessera-api").subject("user-1")
                            .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                            .claim("realm_access", Map.of("roles", List.of(role))).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
