package dev.tessera.adminui.security;

import static dev.tessera.security.Roles.ADMIN;
import static dev.tessera.security.Roles.AGENT;
import static dev.tessera.security.Roles.INTEGRATOR;
import static dev.tessera.security.Roles.MARKETER;

import dev.tessera.security.TesseraSecurityProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Who may see which admin-ui page: every access rule of admin-ui is here (docs/security.md has the same
 * table). Users sign in through the configured {@link Login}; the session cookie that follows is
 * protected against CSRF (Spring Security's default token, which Thymeleaf forms carry). The profile
 * service checks the relayed token again on every call, so these rules decide what is shown, the API
 * decides what is served. Anything not listed is denied.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TesseraSecurityProperties.class)
class AdminUiSecurity {

    /** Pages only: the UI loads no script and no third-party resource. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain pages(HttpSecurity http, Login login) throws Exception {
        http.authorizeHttpRequests(rules -> rules
                        .requestMatchers("/css/**", "/favicon.ico", "/error", "/login", "/default-ui.css").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // the start page sends each role to its section (ProfileController)
                        .requestMatchers(HttpMethod.GET, "/").authenticated()
                        // finding a customer by email
                        .requestMatchers(HttpMethod.GET, "/profiles").hasAnyRole(AGENT, ADMIN)
                        // the search form posts, so the customer's email stays out of URLs, history and proxy logs
                        .requestMatchers(HttpMethod.POST, "/profiles").hasAnyRole(AGENT, ADMIN)
                        // one profile: agents with its CX history; marketers come from a segment's members and
                        // see what the API shows them (masked, no history)
                        .requestMatchers(HttpMethod.GET, "/profiles/*").hasAnyRole(AGENT, MARKETER, ADMIN)
                        // an agent merging a possible duplicate or splitting a wrong merge (the profile service
                        // checks the role again)
                        .requestMatchers(HttpMethod.POST, "/profiles/*/merge", "/profiles/*/split")
                        .hasAnyRole(AGENT, ADMIN)
                        // the CX dashboard: aggregates only, no personal data
                        .requestMatchers(HttpMethod.GET, "/dashboard").hasAnyRole(MARKETER, ADMIN)
                        // segments: list, rule editor, members (profile ids), CSV export, delete
                        .requestMatchers(HttpMethod.GET, "/segments", "/segments/**").hasAnyRole(MARKETER, ADMIN)
                        .requestMatchers(HttpMethod.POST, "/segments", "/segments/*", "/segments/*/export",
                                "/segments/*/delete")
                        .hasAnyRole(MARKETER, ADMIN)
                        // the sources console: status, stop/start, dead letters, replay, discard (one, or in bulk by reason)
                        .requestMatchers(HttpMethod.GET, "/sources", "/sources/**").hasAnyRole(INTEGRATOR, ADMIN)
                        .requestMatchers(HttpMethod.POST, "/sources/*/stop", "/sources/*/start",
                                "/sources/*/dead-letters/*/replay", "/sources/*/dead-letters/*/discard",
                                "/sources/*/dead-letters/replay-all", "/sources/*/dead-letters/discard-reason")
                        .hasAnyRole(INTEGRATOR, ADMIN)
                        .requestMatchers("/actuator/**").hasRole(ADMIN)
                        .anyRequest().denyAll())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()));
        login.configure(http);
        return http.build();
    }

    /** Every call to the profile service carries the signed-in user's token. */
    @Bean
    RestClientCustomizer relayUserToken(Login login) {
        return builder -> builder.requestInterceptor(login.relay());
    }
}
