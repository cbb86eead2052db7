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
import org.springframework.security.web.header.HeaderWriterFilter;
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
                // CORS answers for listed pages, never a refusal: see SegmentApiCors
                .cors(cors -> cors.disable())
                .addFilterAfter(new SegmentApiCors(segmentApiCors(properties)), HeaderWriterFilter.class)
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
    static final class SegmentApiCors extends org.springframework.web.filter.CorsFilter {

        SegmentApiCors(CorsConfigurationSource source) {
            super(source);
            setCorsProcessor(new LenientCors());
        }
    }

    /**
     * Spring's processor refuses (403) any call whose {@code Origin} is not listed. Here the list only
     * decides which pages may read the answers: the write key authenticates the call, and callers that send
     * an Origin without being a listed page (a server-side sender, a proxy passing the browser's Origin on,
     * a sandboxed frame's {@code null}) were stored before the list existed and still are. Preflights of
     * unlisted origins are refused as before (they carry no data).
     */
    static final class LenientCors extends org.springframework.web.cors.DefaultCorsProcessor {
        @Override
        public boolean processRequest(CorsConfiguration config, jakarta.servlet.http.HttpServletRequest request,
                jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
            if (config != null && !org.springframework.web.cors.CorsUtils.isPreFlightRequest(request)
                    && config.checkOrigin(request.getHeader("Origin")) == null) {
                return true; // no CORS headers: the browser hides the answer, the call itself is taken
            }
            return super.processRequest(config, request, response);
        }
    }

    /** The CORS settings of {@code /v1/**}, from the Segment source's {@code webhook.allowed-origins}. */
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
