package dev.tessera.profile.system;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.privacy.PrivacySettings;
import dev.tessera.core.store.RedisSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the profile service (prefix {@code tessera}).
 *
 * @param phoneDefaultRegion region for phone numbers searched without a country prefix (ISO 3166)
 * @param identity           how records become profiles; must equal the ingestion app's (splits re-resolve)
 * @param privacy            erasure tombstones (key reference, identifier refusal); must equal the ingestion app's
 */
@Validated
@ConfigurationProperties("tessera")
public record ProfileServiceProperties(
        @Valid @NotNull @DefaultValue Redis redis,
        @NotNull @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 region code such as GB")
        @DefaultValue("GB") String phoneDefaultRegion,
        @NotNull @DefaultValue IdentitySettings identity,
        @NotNull @DefaultValue CxSettings cx,
        @NotNull @DefaultValue PrivacySettings privacy) {

    /** Redis connection; the default URL lives in core's {@link RedisSettings}. */
    public record Redis(String url, @DefaultValue("false") boolean cluster, Duration timeout) {

        public RedisSettings settings() {
            return new RedisSettings(url, cluster, timeout);
        }
    }
}
