package dev.tessera.profile.system;

import static dev.tessera.security.Roles.ADMIN;
import static dev.tessera.security.Roles.AGENT;
import static dev.tessera.security.Roles.MARKETER;

import dev.tessera.security.ResourceServerSupport;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what in the profile service: every access rule of this app is here. Token validation
 * and the shared settings are in {@link ResourceServerSupport}; docs/security.md has the same table.
 * Anything not listed is denied.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import(ResourceServerSupport.class)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, JwtAuthenticationConverter converter) throws Exception {
        return ResourceServerSupport.apply(http, converter)
                .authorizeHttpRequests(rules -> {
                    ResourceServerSupport.commonRules(rules);
                    rules
                            // subject access export and erasure: everything about a person (docs/privacy.md)
                            .requestMatchers(HttpMethod.GET, "/api/v1/profiles/*/export").hasRole(ADMIN)
                            .requestMatchers(HttpMethod.DELETE, "/api/v1/profiles/*").hasRole(ADMIN)
                            // recording consent an agent was given (reading it: the GET rule below)
                            .requestMatchers(HttpMethod.PUT, "/api/v1/profiles/*/consent/*/*").hasAnyRole(AGENT, ADMIN)
                            // profile 360, search, timeline, explanation, per-profile metrics, consent
                            .requestMatchers(HttpMethod.GET, "/api/v1/profiles", "/api/v1/profiles/**")
                            .hasAnyRole(AGENT, ADMIN)
                            // correcting identity: split (unmerge) and merge
                            .requestMatchers(HttpMethod.POST, "/api/v1/profiles/*/split", "/api/v1/profiles/*/merge")
                            .hasAnyRole(AGENT, ADMIN)
                            // aggregates over many profiles, no PII (issue 5)
                            .requestMatchers("/api/v1/metrics", "/api/v1/metrics/**").hasAnyRole(MARKETER, ADMIN)
                            .requestMatchers("/actuator/**").hasRole(ADMIN)
                            .anyRequest().denyAll();
                })
                .build();
    }
}
