package dev.tessera.adminui.security;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * How users sign in to admin-ui and how their identity reaches the profile service. Two kinds, chosen by
 * {@code tessera.security.mode}: {@link KeycloakLogin} (OpenID Connect, the user's own access token is
 * relayed) and {@link DevLogin} (the demo's local users, tokens signed with the demo's dev key).
 */
interface Login {

    /** Adds the login and logout of this kind to admin-ui's filter chain. */
    void configure(HttpSecurity http) throws Exception;

    /** Puts the signed-in user's access token on each call to the profile service. */
    ClientHttpRequestInterceptor relay();
}
