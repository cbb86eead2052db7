package dev.tessera.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * A {@link JwtDecoder} that checks each distinct token's signature once per {@code ttl} and its claims
 * on every request.
 *
 * <p>A caller sends the same access token with every request until it expires (Keycloak's default
 * lifetime is five minutes); parsing it and verifying its RS256 signature again each time was the
 * largest single cost of an API read. Here the first request with a token goes through the full
 * decoder (structure, algorithm, signature against the trusted key set, then the claim checks); later
 * requests with exactly the same token (compared as the whole string, not a hash) reuse the parsed token
 * and run the claim checks again (expiry, not-before, issuer, audience). An entry is kept until the
 * token's expiry at the latest, so an expired token goes through the full decoder again and is refused
 * at the same instant as without the cache; the re-check guards the rest. Tokens that fail are never
 * kept.
 *
 * <p>What the cache changes: a token signed by a key that the realm removes stays accepted for at most
 * {@code ttl} (default 60 s) after it was first verified, as long as it is unexpired; the key set cache
 * ({@link RealmKeys}) already keeps a removed key for up to five minutes, which is also the longest {@code ttl}
 * allowed. The map holds at most {@code maxEntries} tokens (each with its parsed claims: a few KB, so tens
 * of MB at most); when full, expired entries go first and then everything (the next request of each
 * caller verifies again). {@code ttl} zero turns the cache off.
 */
public final class VerifiedTokens implements JwtDecoder {

    /** The longest reuse allowed: the key set cache keeps a removed key this long too (by default). */
    public static final Duration MAX_TTL = Duration.ofMinutes(5);

    private final JwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> verified = new ConcurrentHashMap<>();

    private record Entry(Jwt jwt, Instant until) {
    }

    /**
     * @param verifier  the full decoder: signature and claims
     * @param validator the claim checks the verifier runs, run again on every reuse
     */
    public VerifiedTokens(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, Duration ttl, int maxEntries,
            Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 0 and " + MAX_TTL + ": " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        if (ttl.isZero() || token == null) {
            return verifier.decode(token);
        }
        Instant now = clock.instant();
        Entry entry = verified.get(token);
        if (entry != null && now.isBefore(entry.until())) {
            OAuth2TokenValidatorResult result = validator.validate(entry.jwt());
            if (result.hasErrors()) {
                verified.remove(token, entry);
                throw new JwtValidationException(firstDescription(result), result.getErrors());
            }
            return entry.jwt();
        }
        if (entry != null) {
            verified.remove(token, entry);
        }
        Jwt jwt = verifier.decode(token);
        Instant until = now.plus(ttl);
        if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
            until = jwt.getExpiresAt();
        }
        if (until.isAfter(now)) { // a token in its clock-skew grace is verified each time, not kept
            remember(token, new Entry(jwt, until), now);
        }
        return jwt;
    }

    /** How many verified tokens are kept now (for tests and diagnostics). */
    int size() {
        return verified.size();
    }

    private void remember(String token, Entry entry, Instant now) {
        if (verified.size() >= maxEntries) {
            verified.values().removeIf(old -> !now.isBefore(old.until()));
            if (verified.size() >= maxEntries) {
                verified.clear();
            }
        }
        verified.put(token, entry);
    }

    private static String firstDescription(OAuth2TokenValidatorResult result) {
        return result.getErrors().stream()
                .map(error -> error.getDescription() != null ? error.getDescription() : error.getErrorCode())
                .findFirst().orElse("invalid token");
    }
}
