package dev.tessera.adminui.security;

import dev.tessera.adminui.AdminUiProperties;
import dev.tessera.security.SecretReference;
import dev.tessera.security.TesseraSecurityProperties;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;

/**
 * Sign-in with the Keycloak realm (the default, {@code tessera.security.mode=keycloak}): OpenID Connect
 * authorization code flow with PKCE as the realm's confidential client {@code tessera-admin-ui}. The
 * access token Keycloak issues for the user (audience {@code tessera-api}, realm roles) is kept in the
 * user's session, refreshed when it expires, and relayed to the profile service, so the API sees (and
 * audits) the real user. Signing out ends the Keycloak session too.
 *
 * <p>The realm's endpoints are derived from {@code tessera.security.issuer-uri} with Keycloak's fixed
 * paths rather than discovered at start-up, so admin-ui starts before Keycloak answers, as the APIs do.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tessera.security.mode", havingValue = "keycloak", matchIfMissing = true)
class KeycloakLogin implements Login {

    static final String REGISTRATION = "keycloak";

    private final ClientRegistrationRepository registrations;
    private final OAuth2AuthorizedClientRepository authorizedClients = new HttpSessionOAuth2AuthorizedClientRepository();
    private final OAuth2AuthorizedClientManager manager;

    KeycloakLogin(TesseraSecurityProperties security, AdminUiProperties properties) {
        this.registrations = new InMemoryClientRegistrationRepository(registration(security, properties.oidc()));
        DefaultOAuth2AuthorizedClientManager clients =
                new DefaultOAuth2AuthorizedClientManager(registrations, authorizedClients);
        clients.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode()
                .refreshToken()
                .build());
        this.manager = clients;
    }

    static ClientRegistration registration(TesseraSecurityProperties security, AdminUiProperties.Oidc oidc) {
        String issuer = security.requiredIssuer().replaceAll("/+$", "");
        String endpoints = issuer + "/protocol/openid-connect";
        return ClientRegistration.withRegistrationId(REGISTRATION)
                .clientName("Keycloak")
                .clientId(oidc.clientId())
                .clientSecret(SecretReference.read(oidc.clientSecret(), "tessera.oidc.client-secret"))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope(oidc.scopes())
                .issuerUri(issuer)
                .authorizationUri(endpoints + "/auth")
                .tokenUri(endpoints + "/token")
                .jwkSetUri(security.effectiveJwkSetUri())
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(Map.of("end_session_endpoint", endpoints + "/logout"))
                .build();
    }

    @Bean
    ClientRegistrationRepository clientRegistrationRepository() {
        return registrations;
    }

    @Override
    public void configure(HttpSecurity http) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver withPkce = new DefaultOAuth2AuthorizationRequestResolver(
                registrations, "/oauth2/authorization");
        withPkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OidcClientInitiatedLogoutSuccessHandler endKeycloakSession =
                new OidcClientInitiatedLogoutSuccessHandler(registrations);
        endKeycloakSession.setPostLogoutRedirectUri("{baseUrl}/");
        http.oauth2Login(login -> login
                        .clientRegistrationRepository(registrations)
                        .authorizedClientRepository(authorizedClients)
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(withPkce))
                        .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new RealmRoles())))
                .oauth2Client(client -> client
                        .clientRegistrationRepository(registrations)
                        .authorizedClientRepository(authorizedClients))
                .logout(logout -> logout.logoutSuccessHandler(endKeycloakSession));
    }

    @Override
    public ClientHttpRequestInterceptor relay() {
        OAuth2ClientHttpRequestInterceptor relay = new OAuth2ClientHttpRequestInterceptor(manager);
        relay.setClientRegistrationIdResolver(request -> REGISTRATION);
        return relay;
    }
}
