package dev.tessera.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a Tessera app authenticates API callers (prefix {@code tessera.security}). Defaults live here only.
 *
 * @param mode      {@code keycloak} (the default): only tokens of the configured issuer are accepted;
 *                  {@code dev}: only tokens signed by the local dev key, allowed with the {@code demo} or
 *                  {@code test} profile only (see docs/security.md)
 * @param issuerUri the realm's issuer, e.g. {@code https://sso.example.com/realms/tessera}; required in
 *                  keycloak mode, compared exactly with the tokens' {@code iss}
 * @param jwkSetUri where the realm's signing keys are; by default Keycloak's
 *                  {@code <issuer>/protocol/openid-connect/certs}
 * @param audience  what the tokens' {@code aud} must contain (Keycloak adds it by an audience mapper)
 * @param clockSkew tolerance when checking {@code exp} and {@code nbf}
 * @param verifiedTokenTtl how long a token whose signature was verified is reused without verifying it
 *                  again (its claims are checked on every request; see {@link VerifiedTokens}); 0 = verify
 *                  every request; at most 5 minutes
 * @param keySet    how the realm's key set is fetched and kept in keycloak mode (see {@link RealmKeys})
 * @param cors      browser origins allowed to call the API; none by default
 * @param dev       the dev mode's signing key and, for admin-ui, the identity it acts as
 */
@Validated
@ConfigurationProperties("tessera.security")
public record TesseraSecurityProperties(
        @NotNull @DefaultValue("keycloak") Mode mode,
        URI issuerUri,
        URI jwkSetUri,
        @NotBlank @DefaultValue("tessera-api") String audience,
        @NotNull @DefaultValue("30s") Duration clockSkew,
        @NotNull @DefaultValue("60s") Duration verifiedTokenTtl,
        @Valid @NotNull @DefaultValue KeySet keySet,
        @Valid @NotNull @DefaultValue Cors cors,
        @Valid @NotNull @DefaultValue Dev dev) {

    public enum Mode {
        KEYCLOAK, DEV
    }

    /**
     * @param cacheTtl           how long a fetched key set is used before it is fetched again
     * @param refreshMinInterval a token naming a key not in the set makes it fetched again early, twice per
     *                           this interval at most; such tokens are refused without a fetch beyond that
     * @param outageTolerance    how long after its fetch the last key set stays in use while the key set
     *                           URL cannot be reached
     * @param timeout            connect and read timeout of one fetch (a fetch is tried twice)
     */
    public record KeySet(
            @NotNull @DefaultValue("5m") Duration cacheTtl,
            @NotNull @DefaultValue("30s") Duration refreshMinInterval,
            @NotNull @DefaultValue("1h") Duration outageTolerance,
            @NotNull @DefaultValue("2s") Duration timeout) {

        /** The defaults, for code that builds the properties itself. */
        public static KeySet defaults() {
            return new KeySet(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(2));
        }

        /** Fails with the setting's name when the durations do not fit together. */
        void check() {
            require(timeout.compareTo(Duration.ofMillis(100)) >= 0 && timeout.compareTo(Duration.ofSeconds(30)) <= 0,
                    "timeout must be between 100ms and 30s (it is " + timeout + ")");
            require(!refreshMinInterval.isNegative() && !refreshMinInterval.isZero() && refreshMinInterval.compareTo(cacheTtl) < 0,
                    "refresh-min-interval must be positive and shorter than cache-ttl (they are " + refreshMinInterval
                            + " and " + cacheTtl + ")");
            require(!outageTolerance.isNegative(), "outage-tolerance must not be negative (it is " + outageTolerance + ")");
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalStateException("tessera.security.key-set." + message);
            }
        }
    }

    /** @param allowedOrigins exact origins such as {@code https://app.example.com}; empty = CORS closed */
    public record Cors(@NotNull @DefaultValue List<String> allowedOrigins) {
    }

    /**
     * @param keyLocation the dev signing key (a JWK with its private part), created on first use; the
     *                    apps of one demo share it
     * @param subject     the user admin-ui acts as in dev mode
     * @param roles       that user's realm roles
     */
    public record Dev(
            @NotNull @DefaultValue(".tessera/dev-security/signing-key.jwk") Path keyLocation,
            @NotBlank @DefaultValue("demo-agent") String subject,
            @NotEmpty @DefaultValue(Roles.AGENT) List<String> roles) {
    }

    /** The issuer to trust in keycloak mode; fails with the setting's name when it is missing. */
    public String requiredIssuer() {
        if (issuerUri == null || issuerUri.toString().isBlank()) {
            throw new IllegalStateException("tessera.security.issuer-uri is not set: the service validates tokens of "
                    + "one Keycloak realm and needs its issuer, e.g. https://sso.example.com/realms/tessera "
                    + "(the zero-setup demo runs with the demo profile instead, see docs/security.md)");
        }
        return issuerUri.toString();
    }

    /** The realm's key set: the configured one, else Keycloak's location below the issuer. */
    public String effectiveJwkSetUri() {
        if (jwkSetUri != null) {
            return jwkSetUri.toString();
        }
        String issuer = requiredIssuer();
        return (issuer.endsWith("/") ? issuer : issuer + "/") + "protocol/openid-connect/certs";
    }
}
