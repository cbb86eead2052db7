package dev.tessera.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The verified-token cache against the real decoder and real RS256 tokens: a signature is verified
 * once per ttl, the claims on every use, and nothing that failed is kept.
 */
class VerifiedTokensTest {

    @TempDir
    Path dir;

    private DevSigningKey key;
    // tokens carry whole seconds: a clock on a whole second keeps the tests' margins exact
    private final MovableClock clock =
            new MovableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final AtomicInteger verifications = new AtomicInteger();
    private OAuth2TokenValidator<Jwt> validator;
    private JwtDecoder counting;

    @BeforeEach
    void setUp() {
        key = DevSigningKey.loadOrCreate(dir.resolve("key.jwk"));
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(key.publicKey())
                .signatureAlgorithm(SignatureAlgorithm.RS256).build();
        validator = ResourceServerSupport.validator(DevSigningKey.ISSUER, "tessera-api", Duration.ofSeconds(1), clock);
        nimbus.setJwtValidator(validator);
        counting = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
    }

    private VerifiedTokens tokens(Duration ttl, int maxEntries) {
        return new VerifiedTokens(counting, validator, ttl, maxEntries, clock);
    }

    private String token(String subject, String audience, Duration lifetime) {
        Instant now = clock.instant();
        return key.sign(new JWTClaimsSet.Builder().issuer(DevSigningKey.ISSUER).audience(audience).subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .claim("realm_access", Map.of("roles", List.of(Roles.AGENT))).build());
    }

    @Test
    void aTokenIsVerifiedOncePerTtlAndGivesTheSameClaims() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);
        String token = token("u1", "tessera-api", Duration.ofMinutes(5));

        Jwt first = tokens.decode(token);
        Jwt again = tokens.decode(token);
        clock.advance(Duration.ofSeconds(59));
        tokens.decode(token);

        assertThat(verifications).hasValue(1);
        assertThat(again.getSubject()).isEqualTo("u1");
        assertThat(again.getClaims()).isEqualTo(first.getClaims());

        clock.advance(Duration.ofSeconds(2));
        tokens.decode(token);
        assertThat(verifications).as("verified again once the ttl has passed").hasValue(2);
    }

    @Test
    void aKeptTokenIsRefusedOnceItExpiresAndDropped() {
        VerifiedTokens tokens = tokens(Duration.ofMinutes(5), 100);
        String token = token("u1", "tessera-api", Duration.ofSeconds(30));
        tokens.decode(token);

        clock.advance(Duration.ofSeconds(30 + 2));

        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
        assertThat(tokens.size()).isZero();
    }

    @Test
    void theClaimRulesRunOnEveryUseOfAKeptToken() {
        AtomicInteger checks = new AtomicInteger();
        OAuth2TokenValidator<Jwt> countingRules = jwt -> {
            checks.incrementAndGet();
            return validator.validate(jwt);
        };
        VerifiedTokens tokens = new VerifiedTokens(counting, countingRules, Duration.ofSeconds(60), 100, clock);
        String token = token("u1", "tessera-api", Duration.ofMinutes(5));
        tokens.decode(token);
        tokens.decode(token);
        tokens.decode(token);

        assertThat(verifications).hasValue(1);
        assertThat(checks).as("the two reuses; the first use was checked by the verifier").hasValue(2);
    }

    @Test
    void aTamperedTokenIsNotAcceptedBecauseItsOriginalWasVerified() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);
        String token = token("u1", "tessera-api", Duration.ofMinutes(5));
        tokens.decode(token);
        String[] parts = token.split("\\.");
        String otherSubject = token("admin", "tessera-api", Duration.ofMinutes(5)).split("\\.")[1];
        String forged = parts[0] + "." + otherSubject + "." + parts[2];
        char last = parts[2].charAt(parts[2].length() - 2);
        String badSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1);

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode(badSignature)).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).as("a failure is not kept").isInstanceOf(BadJwtException.class);
        assertThat(tokens.size()).isEqualTo(1);
    }

    @Test
    void tokensForAnotherAudienceAreRefusedEveryTimeAndNeverKept() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);
        String token = token("u1", "account", Duration.ofMinutes(5));

        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class);
        assertThatThrownBy(() -> tokens.decode(token)).isInstanceOf(JwtValidationException.class);
        assertThat(verifications).hasValue(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void theCacheStaysWithinItsBound() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 3);
        for (int i = 0; i < 10; i++) {
            tokens.decode(token("u" + i, "tessera-api", Duration.ofMinutes(5)));
            assertThat(tokens.size()).isLessThanOrEqualTo(3);
        }
        String kept = token("k", "tessera-api", Duration.ofMinutes(5));
        tokens.decode(kept);
        int before = verifications.get();
        tokens.decode(kept);
        assertThat(verifications).as("the newest token is kept").hasValue(before);
    }

    @Test
    void expiredEntriesMakeRoomFirst() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 2);
        tokens.decode(token("short", "tessera-api", Duration.ofSeconds(10)));
        String longLived = token("long", "tessera-api", Duration.ofMinutes(5));
        tokens.decode(longLived);
        clock.advance(Duration.ofSeconds(11));

        tokens.decode(token("new", "tessera-api", Duration.ofMinutes(5)));
        int before = verifications.get();
        tokens.decode(longLived);

        assertThat(verifications).as("the unexpired entry survived the clean-up").hasValue(before);
        assertThat(tokens.size()).isEqualTo(2);
    }

    @Test
    void aTokenInItsClockSkewGraceIsVerifiedEachTimeAndNotKept() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 100);
        String token = token("u1", "tessera-api", Duration.ofSeconds(10));
        clock.advance(Duration.ofMillis(10_500)); // expired half a second ago, within the 1 s skew

        tokens.decode(token);
        tokens.decode(token);

        assertThat(verifications).hasValue(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void theTtlIsAtMostFiveMinutes() {
        assertThatThrownBy(() -> tokens(Duration.ofMinutes(6), 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens(Duration.ofSeconds(-1), 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTtlOfZeroVerifiesEveryRequest() {
        VerifiedTokens tokens = tokens(Duration.ZERO, 100);
        String token = token("u1", "tessera-api", Duration.ofMinutes(5));
        tokens.decode(token);
        tokens.decode(token);
        assertThat(verifications).hasValue(2);
        assertThat(tokens.size()).isZero();
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
