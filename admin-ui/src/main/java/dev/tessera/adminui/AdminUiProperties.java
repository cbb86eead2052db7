package dev.tessera.adminui;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the admin UI, bound from {@code tessera.*}. Defaults live here only. How users log in
 * depends on {@code tessera.security.mode} (shared with the APIs): {@code keycloak} uses {@link #oidc},
 * the demo's {@code dev} mode uses {@link #devUsers}.
 *
 * @param profileService where the profile-service REST API is
 * @param ingestion      where the ingestion app's operations API is (the integrators' source console)
 * @param oidc           admin-ui as a client of the Keycloak realm (keycloak mode)
 * @param devUsers       the demo's local users (dev mode only: demo and test profiles)
 */
@Validated
@ConfigurationProperties("tessera")
public record AdminUiProperties(
        @DefaultValue @Valid @NotNull ProfileService profileService,
        @DefaultValue @Valid @NotNull Ingestion ingestion,
        @DefaultValue @Valid @NotNull Oidc oidc,
        @DefaultValue @Valid @NotNull List<@Valid DevUser> devUsers) {

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

    /** @param url base URL of the ingestion app, e.g. {@code http://localhost:8082} */
    public record Ingestion(
            @DefaultValue("http://localhost:8082")
            @NotBlank
            @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an http(s) URL without query or fragment")
            String url) {

        public URI baseUri() {
            return URI.create(url);
        }
    }

    /**
     * @param clientId     the realm's confidential client for admin-ui
     * @param clientSecret a reference to its secret, {@code env:NAME} or {@code file:/path}, never the value
     * @param scopes       scopes requested at login ({@code openid} is required)
     */
    public record Oidc(
            @NotBlank @DefaultValue("tessera-admin-ui") String clientId,
            @NotBlank @DefaultValue("env:TESSERA_ADMIN_UI_CLIENT_SECRET") String clientSecret,
            @NotEmpty @DefaultValue({"openid", "profile"}) List<String> scopes) {
    }

    /**
     * A demo user of the dev login, mirroring the realm's demo users (keycloak/README.md).
     *
     * @param password as Spring Security stores it, e.g. {@code {noop}demo-only-agent} (demo only)
     * @param roles    realm roles such as {@code cdp-agent}
     */
    public record DevUser(
            @NotBlank @Pattern(regexp = "[a-z0-9._-]{1,64}", message = "must be 1-64 of a-z 0-9 . _ -") String username,
            @NotBlank String password,
            @NotEmpty List<@NotBlank String> roles) {
    }
}
