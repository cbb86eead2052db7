package dev.tessera.ingestion.system;

import static dev.tessera.security.Roles.ADMIN;
import static dev.tessera.security.Roles.INTEGRATOR;

import dev.tessera.security.ResourceServerSupport;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Who may call what in the ingestion app: every access rule of this app is here (docs/security.md has
 * the same table). Two chains: vendor transports, which authenticate each request by the vendor's
 * signature in code (WebhookController, PayloadIntake) and never see user tokens; and everything else,
 * which needs a Keycloak token. Anything not listed is denied.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import(ResourceServerSupport.class)
class SecurityConfiguration {

    /** Who manages sources, their routes and dead letters (the OpenAPI description says the same). */
    static final String[] SOURCE_ADMINS = {INTEGRATOR, ADMIN};

    /** The API description and Swagger UI: public, with a page-friendly CSP on those paths only. */
    @Bean
    @Order(0)
    SecurityFilterChain docs(HttpSecurity http) throws Exception {
        return ResourceServerSupport.docs(http);
    }

    /**
     * Shopify, Typeform, ... webhooks and the Segment API: open at this level because the signature (or
     * write key) check happens on the raw body in code, and vendors cannot send our tokens. No CSRF: no
     * cookies or sessions are involved, and vendors could not send a CSRF token either.
     */
    @Bean
    @Order(1)
    SecurityFilterChain vendorTransports(HttpSecurity http, IngestionProperties properties) throws Exception {
        return http
                .securityMatcher("/webhooks/**", "/v1/**")
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .cors(cors -> cors.configurationSource(segmentApiCors(properties)))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(rules -> rules.anyRequest().permitAll())
                .build();
    }

    /**
     * The Segment API answers the web pages its source lists ({@code webhook.allowed-origins}), so that
     * analytics.js can read whether a call arrived (without it the browser hides every answer and the
     * library retries each call). No credentials: the write key travels in the body or the
     * {@code Authorization} header, never in cookies. Vendor webhooks get no CORS answer at all.
     */
    static CorsConfigurationSource segmentApiCors(IngestionProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        properties.sources().stream()
                .filter(s -> IngestionProperties.SEGMENT_API.equals(s.format()) && s.enabled())
                .findFirst()
                .map(s -> s.webhook().allowedOrigins())
                .filter(origins -> !origins.isEmpty())
                .ifPresent(origins -> {
                    CorsConfiguration segment = new CorsConfiguration();
                    segment.setAllowedOrigins(origins);
                    segment.setAllowedMethods(List.of("POST"));
                    segment.setAllowedHeaders(List.of("Content-Type", "Authorization"));
                    segment.setAllowCredentials(false);
                    segment.setMaxAge(Duration.ofHours(1));
                    source.registerCorsConfiguration("/v1/**", segment);
                });
        return source;
    }

    @Bean
    @Order(2)
    SecurityFilterChain api(HttpSecurity http, JwtAuthenticationConverter converter) throws Exception {
        return ResourceServerSupport.apply(http, converter)
                .authorizeHttpRequests(rules -> {
                    ResourceServerSupport.commonRules(rules);
                    rules
                            // sources, their routes and dead letters (list, inspect, replay, discard)
                            .requestMatchers("/api/v1/sources", "/api/v1/sources/**").hasAnyRole(SOURCE_ADMINS)
                            .requestMatchers("/actuator/**").hasRole(ADMIN)
                            .anyRequest().denyAll();
                })
                .build();
    }
}
