package dev.tessera.adminui;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the admin UI, bound from {@code tessera.*}. Defaults live here only.
 *
 * @param profileService where the profile-service REST API is
 */
@Validated
@ConfigurationProperties("tessera")
public record AdminUiProperties(@DefaultValue @Valid @NotNull ProfileService profileService) {

    /** @param url base URL of the profile service, e.g. {@code http://localhost:8081} */
    public record ProfileService(
            @DefaultValue("http://localhost:8081")
            @NotBlank
            @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an http(s) URL without query or fragment")
            String url) {

        public URI baseUri() {
            return URI.create(url);
        }
    }
}
