package dev.tessera.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tessera.security.TesseraSecurityProperties.Cors;
import dev.tessera.security.TesseraSecurityProperties.Dev;
import dev.tessera.security.TesseraSecurityProperties.KeySet;
import dev.tessera.security.TesseraSecurityProperties.Mode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class ResourceServerSupportTest {

    @TempDir
    Path dir;

    private final ResourceServerSupport support = new ResourceServerSupport();

    @Test
    void keycloakModeRefusesToStartWithoutAnIssuer() {
        assertThatThrownBy(() -> support.jwtDecoder(properties(Mode.KEYCLOAK, null), new MockEnvironment()))
                .hasMessageContaining("tessera.security.issuer-uri is not set");
    }

    @Test
    void keycloakModeFindsTheKeySetBelowTheIssuer() {
        TesseraSecurityProperties properties = properties(Mode.KEYCLOAK, URI.create("https://sso.example.com/realms/tessera"));
        assertThat(properties.effectiveJwkSetUri()).isEqualTo("https://sso.example.com/realms/tessera/protocol/openid-connect/certs");
        assertThat(support.jwtDecoder(properties, new MockEnvironment())).isNotNull();
    }

    @Test
    void devModeIsRefusedWithoutTheDemoOrTestProfile() {
        MockEnvironment production = new MockEnvironment();
        production.setActiveProfiles("prod");

        assertThatThrownBy(() -> support.jwtDecoder(properties(Mode.DEV, null), production))
                .hasMessageContaining("allowed only with the demo or test profile");
    }

    @Test
    void devModeTrustsTheDevKeyWithTheSameChecks() {
        MockEnvironment demo = new MockEnvironment();
        demo.setActiveProfiles("demo");
        TesseraSecurityProperties properties = properties(Mode.DEV, null);
        JwtDecoder decoder = support.jwtDecoder(properties, demo);
        DevSigningKey key = DevSigningKey.loadOrCreate(properties.dev().keyLocation());

        Jwt jwt = decoder.decode(key.mint("u1", List.of(Roles.AGENT), "tessera-api", Duration.ofMinutes(1)));

        assertThat(ResourceServerSupport.realmRoles(jwt)).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_cdp-agent");
        assertThatThrownBy(() -> decoder.decode(key.mint("u1", List.of(Roles.AGENT), "account", Duration.ofMinutes(1))))
                .isInstanceOf(JwtValidationException.class);
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        String expired = key.sign(new JWTClaimsSet.Builder().issuer(DevSigningKey.ISSUER).audience("tessera-api")
                .subject("u1").issueTime(Date.from(hourAgo)).expirationTime(Date.from(hourAgo.plusSeconds(300))).build());
        assertThatThrownBy(() -> decoder.decode(expired)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aVerifiedTokenTtlAboveFiveMinutesStopsStartUpNamingTheSetting() {
        MockEnvironment demo = new MockEnvironment();
        demo.setActiveProfiles("demo");
        TesseraSecurityProperties base = properties(Mode.DEV, null);
        TesseraSecurityProperties tooLong = new TesseraSecurityProperties(base.mode(), null, null, base.audience(),
                base.clockSkew(), Duration.ofMinutes(10), base.keySet(), base.cors(), base.dev());

        assertThatThrownBy(() -> support.jwtDecoder(tooLong, demo))
                .hasMessageContaining("tessera.security.verified-token-ttl");
    }

    @Test
    void appsStartingTogetherShareOneDevKey() {
        Path file = dir.resolve("shared/key.jwk");
        DevSigningKey first = DevSigningKey.loadOrCreate(file);
        DevSigningKey second = DevSigningKey.loadOrCreate(file);
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
    }

    @Test
    void tokensWithoutRealmRolesHaveNoAuthorities() {
        Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256").subject("u").issuedAt(Instant.now())
                .claims(claims -> claims.putAll(Map.of("realm_access", Map.of("other", List.of())))).build();
        assertThat(ResourceServerSupport.realmRoles(jwt)).isEmpty();
    }

    @Test
    void configuredCorsAllowsEveryMethodTheApisUseAndClosedCorsAllowsNothing() {
        TesseraSecurityProperties open = new TesseraSecurityProperties(Mode.DEV, null, null, "tessera-api",
                Duration.ofSeconds(30), Duration.ofSeconds(60), KeySet.defaults(), new Cors(List.of("https://app.example.com")),
                new Dev(dir.resolve("dev.jwk"), "demo-agent", List.of(Roles.AGENT)));
        org.springframework.mock.web.MockHttpServletRequest request =
                new org.springframework.mock.web.MockHttpServletRequest("PUT", "/api/v1/segments/s-1");

        var config = support.corsConfigurationSource(open).getCorsConfiguration(request);

        // PUT: consent statements and segment edits; a browser client's preflight must pass for them
        assertThat(config).isNotNull();
        assertThat(config.getAllowedMethods()).contains("GET", "POST", "PUT", "DELETE");
        assertThat(config.checkOrigin("https://elsewhere.example.com")).isNull();
        assertThat(support.corsConfigurationSource(properties(Mode.DEV, null)).getCorsConfiguration(request)).isNull();
    }

    private TesseraSecurityProperties properties(Mode mode, URI issuer) {
        return new TesseraSecurityProperties(mode, issuer, null, "tessera-api", Duration.ofSeconds(30), Duration.ofSeconds(60),
                KeySet.defaults(), new Cors(List.of()), new Dev(dir.resolve("dev.jwk"), "demo-agent", List.of(Roles.AGENT)));
    }
}
