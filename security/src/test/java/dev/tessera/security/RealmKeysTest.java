package dev.tessera.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetRetrievalException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.security.TesseraSecurityProperties.KeySet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The realm's key set as the token decoder sees it: fetched once and reused, fetched again for a rotated
 * key but not for every made-up key id, kept through an outage, and a clear "cannot check" (not "invalid
 * token") when there is no set to check against. Time-based cases use short real durations: the key set
 * caches run on the system clock.
 */
class RealmKeysTest {

    private static final KeySet QUICK = new KeySet(Duration.ofMillis(400), Duration.ofMillis(150), Duration.ofHours(1),
            Duration.ofMillis(300));

    private final RSAKey realmKey = newKey("realm-1");
    private final FakeRealm realm = new FakeRealm(new JWKSet(realmKey.toPublicJWK()));

    @Test
    void aKnownKeyIsFetchedOnceAndReused() {
        JwtDecoder decoder = decoder(realm, KeySet.defaults());

        decoder.decode(token(realmKey));
        decoder.decode(token(realmKey));

        assertThat(realm.fetches.get()).isEqualTo(1);
    }

    @Test
    void madeUpKeyIdsAreRefusedAsInvalidWithAtMostOneFetchPerInterval() {
        JwtDecoder decoder = decoder(realm, KeySet.defaults());
        decoder.decode(token(realmKey));

        RSAKey forger = newKey("made-up");
        for (int i = 0; i < 20; i++) {
            String forged = token(new RSAKey.Builder(forger).keyID("made-up-" + i).build());
            // BadJwtException: 401 invalid_token, not "cannot check"
            assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class);
        }

        assertThat(realm.fetches.get()).as("the first fetch and one early refresh, not one per token").isEqualTo(2);
    }

    @Test
    void tokensNamingUnknownKeysDoNotQueueBehindAnEarlyRefreshThatHangs() throws Exception {
        JwtDecoder decoder = decoder(realm, KeySet.defaults());
        decoder.decode(token(realmKey));
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        realm.onFetch = () -> {
            fetching.countDown();
            release.await();
        };
        RSAKey forger = newKey("made-up");
        Thread first = new Thread(() -> {
            try {
                decoder.decode(token(new RSAKey.Builder(forger).keyID("made-up-1").build()));
            } catch (JwtException expected) {
                // refused once its refresh ends
            }
        });
        first.start();
        try {
            assertThat(fetching.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // the first token's refresh hangs; the next unknown key is answered at once, not after the fetch, and
            // as "try again" (it may be a key just rotated in), not as an invalid token
            String second = token(new RSAKey.Builder(forger).keyID("made-up-2").build());
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> decoder.decode(second))
                    .isInstanceOf(JwtException.class).isNotInstanceOf(BadJwtException.class));
            // and a token of a known key is checked against the set in hand meanwhile
            assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThat(decoder.decode(token(realmKey)).getSubject()).isEqualTo("user-1"));
        } finally {
            release.countDown();
            first.join(10_000);
        }
    }

    @Test
    void aKeyRotatedInIsFoundWithoutWaitingForTheCacheToExpire() {
        JwtDecoder decoder = decoder(realm, KeySet.defaults());
        decoder.decode(token(realmKey));
        RSAKey rotated = newKey("realm-2");
        realm.set.set(new JWKSet(java.util.List.of(realmKey.toPublicJWK(), rotated.toPublicJWK())));

        assertThat(decoder.decode(token(rotated)).getSubject()).isEqualTo("user-1");
    }

    @Test
    void theLastSetStaysInUseWhileTheRealmIsDown() throws Exception {
        JwtDecoder decoder = decoder(realm, QUICK);
        decoder.decode(token(realmKey));
        realm.down = true;
        Thread.sleep(QUICK.cacheTtl().toMillis() + 100); // the cache has expired: the next token fetches again

        assertThat(decoder.decode(token(realmKey)).getSubject()).isEqualTo("user-1");
        assertThat(realm.fetches.get()).as("the refresh was tried").isGreaterThan(1);
        String forged = token(newKey("made-up"));
        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void withoutAnySetTokensCannotBeCheckedWhichIsNotTheSameAsInvalid() {
        realm.down = true;
        JwtDecoder decoder = decoder(realm, KeySet.defaults());

        for (int i = 0; i < 5; i++) { // the rate limit lets two fetches through per interval; the rest fetch nothing
            assertThatThrownBy(() -> decoder.decode(token(realmKey)))
                    .isInstanceOf(JwtException.class).isNotInstanceOf(BadJwtException.class);
        }
        assertThat(realm.fetches.get()).as("two fetches, each tried twice").isEqualTo(4);
    }

    @Test
    void anOutageLongerThanTheToleranceStopsTokensUntilTheRealmIsBack() throws Exception {
        KeySet shortTolerance = new KeySet(QUICK.cacheTtl(), QUICK.refreshMinInterval(), Duration.ofMillis(200),
                QUICK.timeout());
        JwtDecoder decoder = decoder(realm, shortTolerance);
        decoder.decode(token(realmKey));
        realm.down = true;
        Thread.sleep(shortTolerance.cacheTtl().toMillis() + 100);

        assertThatThrownBy(() -> decoder.decode(token(realmKey)))
                .isInstanceOf(JwtException.class).isNotInstanceOf(BadJwtException.class);

        realm.down = false;
        Thread.sleep(shortTolerance.refreshMinInterval().toMillis() + 50);
        assertThat(decoder.decode(token(realmKey)).getSubject()).isEqualTo("user-1");
    }

    @Test
    void aRealmThatHangsHoldsARequestForTheTimeoutsNotForHalfAMinute() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer hanging = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hanging.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hanging.start();
        try {
            String url = "http://127.0.0.1:" + hanging.getAddress().getPort() + "/realms/tessera/protocol/openid-connect/certs";
            JwtDecoder decoder = NimbusJwtDecoder.withJwkSource(new RealmKeys(url, QUICK))
                    .jwsAlgorithm(SignatureAlgorithm.RS256).build();

            // two tries of 300 ms each, far below the old 15-30 s; the bound is generous for a loaded machine
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> decoder.decode(token(realmKey)))
                    .isInstanceOf(JwtException.class).isNotInstanceOf(BadJwtException.class));
        } finally {
            release.countDown();
            hanging.stop(0);
        }
    }

    @Test
    void settingsThatDoNotFitTogetherStopStartUpNamingTheSetting() {
        KeySet intervalTooLong = new KeySet(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofSeconds(2));
        KeySet noTimeout = new KeySet(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ZERO);
        KeySet hugeTimeout = new KeySet(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofDays(30));

        assertThatThrownBy(() -> new RealmKeys(realm, intervalTooLong))
                .hasMessageContaining("tessera.security.key-set.refresh-min-interval");
        assertThatThrownBy(() -> new RealmKeys(realm, noTimeout)).hasMessageContaining("tessera.security.key-set.timeout");
        assertThatThrownBy(() -> new RealmKeys("https://sso.example.com/certs", hugeTimeout))
                .hasMessageContaining("tessera.security.key-set.timeout");
        assertThatThrownBy(() -> new RealmKeys("not a url", KeySet.defaults()))
                .hasMessageContaining("tessera.security.jwk-set-uri");
    }

    private static JwtDecoder decoder(JWKSetSource<SecurityContext> source, KeySet settings) {
        return NimbusJwtDecoder.withJwkSource(new RealmKeys(source, settings)).jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
    }

    private static RSAKey newKey(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(RSAKey key) {
        Instant now = Instant.now();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    new JWTClaimsSet.Builder().subject("user-1").issueTime(Date.from(now))
                            .expirationTime(Date.from(now.plusSeconds(300))).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A realm's key set URL as a source: counts fetches, can be taken down. */
    private static final class FakeRealm implements JWKSetSource<SecurityContext> {
        final AtomicReference<JWKSet> set;
        final AtomicInteger fetches = new AtomicInteger();
        volatile boolean down;
        volatile Blocking onFetch = () -> { };

        interface Blocking {
            void run() throws InterruptedException;
        }

        FakeRealm(JWKSet set) {
            this.set = new AtomicReference<>(set);
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
                throws KeySourceException {
            fetches.incrementAndGet();
            try {
                onFetch.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (down) {
                throw new JWKSetRetrievalException("Couldn't retrieve JWK set from URL: Connection refused", null);
            }
            return set.get();
        }

        @Override
        public void close() throws IOException {
        }
    }
}
