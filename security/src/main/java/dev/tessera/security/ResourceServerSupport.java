package dev.tessera.security;

import dev.tessera.security.TesseraSecurityProperties.Mode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What both resource servers share: how tokens are validated, how Keycloak realm roles become
 * authorities, and the settings every filter chain gets ({@link #apply}). Each app keeps its own access
 * rules in its {@code SecurityConfiguration}, which imports this class.
 *
 * <p>Tokens must be RS256-signed by the trusted key set, unexpired, issued by the one trusted issuer and
 * meant for {@link TesseraSecurityProperties#audience()}. In keycloak mode (the default) the service
 * refuses to start without an issuer; dev mode is refused unless the {@code demo} or {@code test}
 * profile is active, and says so loudly when it runs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TesseraSecurityProperties.class)
public class ResourceServerSupport {

    private static final Logger log = LoggerFactory.getLogger(ResourceServerSupport.class);

    /** Authorities are the realm roles with this prefix, so rules say {@code hasRole("cdp-agent")}. */
    static final String ROLE_PREFIX = "ROLE_";

    @Bean
    JwtDecoder jwtDecoder(TesseraSecurityProperties properties, Environment environment) {
        NimbusJwtDecoder decoder;
        String issuer;
        if (properties.mode() == Mode.DEV) {
            requireDevProfile(environment);
            DevSigningKey key = DevSigningKey.loadOrCreate(properties.dev().keyLocation());
            warnLoudly(properties);
            decoder = NimbusJwtDecoder.withPublicKey(key.publicKey()).signatureAlgorithm(SignatureAlgorithm.RS256).build();
            issuer = DevSigningKey.ISSUER;
        } else {
            issuer = properties.requiredIssuer();
            // the key set is fetched on first use and cached, so the service starts before Keycloak does; it
            // outlasts a Keycloak outage and is not fetched again for every unknown key id (RealmKeys)
            decoder = NimbusJwtDecoder.withJwkSource(new RealmKeys(properties.effectiveJwkSetUri(), properties.keySet()))
                    .jwsAlgorithm(SignatureAlgorithm.RS256).build();
            log.info("Accepting tokens of issuer {} for audience {}", issuer, properties.audience());
        }
        OAuth2TokenValidator<Jwt> validator = validator(issuer, properties.audience(), properties.clockSkew(),
                Clock.systemUTC());
        decoder.setJwtValidator(validator);
        Duration ttl = properties.verifiedTokenTtl();
        if (ttl.isNegative() || ttl.compareTo(VerifiedTokens.MAX_TTL) > 0) {
            throw new IllegalStateException("tessera.security.verified-token-ttl must be between 0s and 5m (it is "
                    + ttl + "): a token signed by a removed key is accepted that long after its first check");
        }
        return new VerifiedTokens(decoder, validator, ttl, VERIFIED_TOKENS_KEPT, Clock.systemUTC());
    }

    /** At most this many verified tokens are kept per instance (a few KB each with their claims). */
    static final int VERIFIED_TOKENS_KEPT = 10_000;

    static OAuth2TokenValidator<Jwt> validator(String issuer, String audience, Duration clockSkew, Clock clock) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
        timestamps.setClock(clock);
        JwtClaimValidator<Object> expiryRequired = new JwtClaimValidator<>(JwtClaimNames.EXP, exp -> exp != null);
        JwtClaimValidator<Collection<String>> audienceValidator = new JwtClaimValidator<>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(audience));
        return new DelegatingOAuth2TokenValidator<>(List.of(timestamps, expiryRequired, new JwtIssuerValidator(issuer),
                audienceValidator));
    }

    private static void requireDevProfile(Environment environment) {
        if (!environment.acceptsProfiles(Profiles.of("demo | test"))) {
            throw new IllegalStateException("tessera.security.mode=dev accepts tokens signed by a local key anyone on "
                    + "this machine can read; it is allowed only with the demo or test profile. Use "
                    + "tessera.security.mode=keycloak with tessera.security.issuer-uri (see docs/security.md).");
        }
    }

    private static void warnLoudly(TesseraSecurityProperties properties) {
        log.warn("""

                ****************************************************************************************
                *  DEV SECURITY MODE: tokens are trusted when signed by the local dev key                *
                *  {}
                *  Not Keycloak. Anyone who can read that file can act with any role. Demo/tests only.  *
                ****************************************************************************************""",
                properties.dev().keyLocation().toAbsolutePath());
    }

    /**
     * No Spring Security observations (a timer and span per filter, per authentication and per
     * authorization decision): they cost about a fifth of an API read's CPU. Request timings stay, as
     * {@code http.server.requests} of every endpoint, and the audit log keeps who read what.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** Keycloak puts realm roles in {@code realm_access.roles}; each becomes {@code ROLE_<role>}. */
    @Bean
    JwtAuthenticationConverter jwtAuthenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(ResourceServerSupport::realmRoles);
        // the subject id, not preferred_username or email: principals end up in logs and audit
        converter.setPrincipalClaimName(JwtClaimNames.SUB);
        return converter;
    }

    static Collection<GrantedAuthority> realmRoles(Jwt jwt) {
        Object realmAccess = jwt.getClaims().get("realm_access");
        if (!(realmAccess instanceof Map<?, ?> access) || !(access.get("roles") instanceof Collection<?> roles)) {
            return List.of();
        }
        return roles.stream()
                .filter(String.class::isInstance)
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority(ROLE_PREFIX + role))
                .toList();
    }

    /** URLs the firewall refuses get a problem body too (the default is an empty 400). */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return new ProblemResponses();
    }

    /** CORS is closed unless origins are configured: no browser page elsewhere may call the API. */
    @Bean
    CorsConfigurationSource corsConfigurationSource(TesseraSecurityProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        List<String> origins = properties.cors().allowedOrigins();
        if (!origins.isEmpty()) {
            CorsConfiguration api = new CorsConfiguration();
            api.setAllowedOrigins(origins);
            api.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE")); // PUT: consent statements, segment edits
            api.setAllowedHeaders(List.of("Authorization", "Content-Type"));
            api.setMaxAge(Duration.ofHours(1));
            source.registerCorsConfiguration("/api/**", api);
        }
        return source;
    }

    /**
     * The settings every chain of a Tessera API gets: bearer tokens only (no sessions, no cookies, hence
     * no CSRF to defend against), problem+json for 401/403, CORS as configured, strict headers, request
     * bodies of at most {@link RequestBodyLimit#DEFAULT_MAX_BYTES} (413 before the token is even looked
     * at), and error dispatches let through so a failing request still gets its error body.
     */
    public static HttpSecurity apply(HttpSecurity http, JwtAuthenticationConverter converter) throws Exception {
        ProblemResponses problems = new ProblemResponses();
        return http
                .addFilterBefore(new RequestBodyLimit(RequestBodyLimit.DEFAULT_MAX_BYTES),
                        BearerTokenAuthenticationFilter.class)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .cors(cors -> { })
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .oauth2ResourceServer(oauth2 -> {
                    oauth2.bearerTokenResolver(new BearerHeaderResolver())
                            .jwt(jwt -> jwt.jwtAuthenticationConverter(converter))
                            .authenticationEntryPoint(problems)
                            .accessDeniedHandler(problems);
                    // 503 instead of a thrown exception (a bare 500) when the realm's keys are out of reach
                    oauth2.addObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                        @Override
                        public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
                            filter.setAuthenticationFailureHandler(problems);
                            return filter;
                        }
                    });
                })
                // before the resource server's metadata filter, which is added later, at a later position
                .addFilterAfter(new NoResourceMetadata(), HeaderWriterFilter.class);
    }

    /**
     * Spring Security 7 answers {@code GET /.well-known/oauth-protected-resource} (RFC 9728) without a
     * token, by default and undocumented: its answer claims certificate-bound tokens, which Tessera does
     * not use, names no authorization server, and takes the resource's URL from the request's
     * {@code Host} header. Tessera's clients get the realm from their configuration (docs/security.md),
     * so the path answers 404 like any other unknown path, before that filter sees it.
     */
    static final class NoResourceMetadata extends OncePerRequestFilter {

        static final String PATH = "/.well-known/oauth-protected-resource";

        // the matcher Spring's filter uses (on the decoded path, so %65 or %2D spellings match too), any method
        private final RequestMatcher metadata = PathPatternRequestMatcher.withDefaults().matcher(PATH + "/**");

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (metadata.matches(request)) {
                ProblemResponses.write(response, 404, "Not Found", "not-found", "There is nothing at this path.");
                return;
            }
            chain.doFilter(request, response);
        }
    }

    /** The API description (springdoc) and its Swagger UI. */
    public static final String[] DOCS_PATHS = {"/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
        "/swagger-ui.html", "/swagger-ui/**"};

    /**
     * The chain for {@link #DOCS_PATHS}: public (the description holds no data and the code is open
     * source; docs/security.md, decision in docs/architecture.md) and read-only. Swagger UI is a page of
     * its own scripts and styles, so these paths, and only these, get a policy that lets the page load
     * them from this origin; the API's answers keep {@code default-src 'none'}. Register it with a
     * higher precedence than the API chain.
     */
    public static SecurityFilterChain docs(HttpSecurity http) throws Exception {
        return http
                .securityMatcher(DOCS_PATHS)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> { })
                .headers(headers -> headers
                        // Swagger UI sets inline styles and shows data: images; no inline scripts, no other origin
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; script-src 'self'; "
                                + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                                + "font-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .authorizeHttpRequests(rules -> rules
                        .requestMatchers(HttpMethod.GET, DOCS_PATHS).permitAll()
                        .anyRequest().denyAll())
                .build();
    }

    /** Rules every app shares, before its own: error dispatches pass, health is public. */
    public static void commonRules(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules) {
        rules.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                .requestMatchers("/actuator/prometheus").hasRole(Roles.ADMIN);
    }
}
