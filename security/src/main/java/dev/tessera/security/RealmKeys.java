package dev.tessera.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realm's signing keys for the token decoder, fetched from its JWK set URL, made to survive a
 * Keycloak that is down, hangs or is flooded with tokens naming unknown keys.
 *
 * <p>What Spring's default key source does instead: it fetches again for every token whose key id is
 * unknown (so anyone can make the service call Keycloak once per request), waits up to Spring's
 * 30-second HTTP timeouts holding a lock other requests queue on, and fails every token, valid ones
 * too, once its five-minute cache expires while Keycloak is away. Here:
 * <ul>
 *   <li>the set is kept {@link TesseraSecurityProperties.KeySet#cacheTtl()} (5 min) and fetched again
 *       early when a token names a key not in it, at most once per
 *       {@link TesseraSecurityProperties.KeySet#refreshMinInterval()} (30 s) at most twice, one such fetch at a
 *       time: a token naming an unknown key in between is refused as invalid (401) without a fetch, and one
 *       arriving while that fetch runs is answered "try again" (503) without waiting for it;</li>
 *   <li>a fetch connects and reads within {@link TesseraSecurityProperties.KeySet#timeout()} (2 s) and is
 *       tried twice; requests waiting for another's fetch give up after both tries' time;</li>
 *   <li>while the URL cannot be reached, the set fetched last stays in use for
 *       {@link TesseraSecurityProperties.KeySet#outageTolerance()} (1 h) after its fetch, and the copy in the
 *       cache until that copy's own ttl ends (so up to outage tolerance plus cache ttl in all): Keycloak
 *       being restarted or briefly unreachable does not lock every user out;</li>
 *   <li>when no usable set exists (never fetched, or the outage lasted longer), token checks fail with
 *       {@link KeySourceException}, which Spring reports as an authentication service failure: the API
 *       answers 503 with {@code Retry-After} ({@link ProblemResponses}), not 401, since the token may be
 *       fine.</li>
 * </ul>
 */
final class RealmKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(RealmKeys.class);

    /** A Keycloak realm's key set is a few KB; refuse anything far larger. */
    static final int SIZE_LIMIT_BYTES = 256 * 1024;

    private final JWKSetSource<SecurityContext> sets;
    /** One early refresh at a time; tokens naming unknown keys meanwhile do not queue behind it. */
    private final Semaphore earlyRefresh = new Semaphore(1);

    RealmKeys(String jwkSetUri, TesseraSecurityProperties.KeySet settings) {
        this(urlSource(jwkSetUri, settings), settings);
    }

    /** Over any source of key sets (tests use this to count and fail fetches). */
    RealmKeys(JWKSetSource<SecurityContext> fetch, TesseraSecurityProperties.KeySet settings) {
        settings.check();
        long timeout = settings.timeout().toMillis();
        JWKSetSource<SecurityContext> source = new RetryingJWKSetSource<>(fetch, null);
        source = new OutageTolerantJWKSetSource<>(source, settings.outageTolerance().toMillis(),
                event -> {
                    if (event instanceof OutageTolerantJWKSetSource.OutageEvent<?> outage) {
                        log.warn("The realm's key set could not be fetched ({}); using the set fetched before, for at "
                                + "most {} s more", outage.getException().getMessage(), outage.getRemainingTime() / 1000);
                    }
                });
        source = new RateLimitedJWKSetSource<>(source, settings.refreshMinInterval().toMillis(), null);
        // two tries of connect and read each: a request waiting for another's fetch waits no longer
        this.sets = new CachingJWKSetSource<>(source, settings.cacheTtl().toMillis(), 4 * timeout + 500, null);
    }

    private static JWKSetSource<SecurityContext> urlSource(String jwkSetUri, TesseraSecurityProperties.KeySet settings) {
        Objects.requireNonNull(jwkSetUri, "jwkSetUri");
        settings.check(); // before the timeout is narrowed to an int
        int millis = Math.toIntExact(settings.timeout().toMillis());
        try {
            return new URLBasedJWKSetSource<>(URI.create(jwkSetUri).toURL(),
                    new DefaultResourceRetriever(millis, millis, SIZE_LIMIT_BYTES));
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("tessera.security.jwk-set-uri is not a URL: " + jwkSetUri, e);
        }
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        long now = System.currentTimeMillis();
        // no usable set at all: this throws, and the request is answered 503
        JWKSet known = sets.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
        List<JWK> found = selector.select(known);
        if (!found.isEmpty()) {
            return found;
        }
        // a key rotated in since the last fetch, or a made-up key id: fetch again, unless done moments ago; while
        // another such token's fetch runs, this one cannot be told apart yet: "try again" (503), not "invalid"
        // (a client throws away a token said to be invalid), and without waiting for that fetch
        if (!earlyRefresh.tryAcquire()) {
            throw new KeySourceException("the realm's key set is being fetched for another token; try again");
        }
        try {
            JWKSet recent = sets.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(known), now, context);
            return selector.select(recent);
        } catch (RateLimitReachedException e) {
            // the set was fetched less than refreshMinInterval ago and lacks this key: the token is invalid
            return List.of();
        } finally {
            earlyRefresh.release();
        }
    }
}
