package dev.tessera.profile.system;

import static dev.tessera.security.Roles.ADMIN;
import static dev.tessera.security.Roles.AGENT;
import static dev.tessera.security.Roles.MARKETER;

import dev.tessera.security.ResourceServerSupport;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what in the profile service: every access rule of this app is here, as the table
 * {@link #RULES} (first match wins, anything not listed is denied). The OpenAPI description reads the
 * same table to say which roles may call each operation. Token validation and the shared settings are
 * in {@link ResourceServerSupport}; docs/security.md has the same table.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import(ResourceServerSupport.class)
public class SecurityConfiguration {

    /**
     * One access rule: requests with this method (any when null) on one of these paths, and, when
     * {@code anyOfParameters} is not empty, carrying at least one of those query parameters, need one of
     * the roles.
     */
    public record AccessRule(HttpMethod method, List<String> paths, List<String> anyOfParameters, Set<String> roles,
            String why) {

        public AccessRule {
            paths = List.copyOf(paths);
            anyOfParameters = List.copyOf(anyOfParameters);
            roles = Set.copyOf(roles);
        }

        RequestMatcher matcher() {
            List<RequestMatcher> byPath = paths.stream()
                    .map(path -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(method, path))
                    .toList();
            return request -> byPath.stream().anyMatch(m -> m.matches(request)) && hasParameter(request);
        }

        private boolean hasParameter(HttpServletRequest request) {
            return anyOfParameters.isEmpty() || anyOfParameters.stream().map(request::getParameter)
                    .anyMatch(Objects::nonNull);
        }
    }

    public static final List<AccessRule> RULES = List.of(
            // an email or phone search answers "is this contact value known?": people who serve customers only
            new AccessRule(HttpMethod.GET, List.of("/api/v1/profiles"), List.of("email", "phone"), Set.of(AGENT, ADMIN),
                    "search by email or phone"),
            // marketers see masked profiles; they may search by name or source id only where those are visible to
            // them (tessera.privacy.marketer.visible-fields, checked in ProfileController)
            new AccessRule(HttpMethod.GET, List.of("/api/v1/profiles", "/api/v1/profiles/*"), List.of(),
                    Set.of(AGENT, MARKETER, ADMIN), "profile search by name or source id, profile 360"),
            // CX history, matching evidence, per-profile metrics, consent
            new AccessRule(HttpMethod.GET, List.of("/api/v1/profiles/*/timeline", "/api/v1/profiles/*/explanation",
                    "/api/v1/profiles/*/possible-matches", "/api/v1/profiles/*/metrics", "/api/v1/profiles/*/consent"),
                    List.of(), Set.of(AGENT, ADMIN), "profile details"),
            // recording consent an agent was given (docs/privacy.md)
            new AccessRule(HttpMethod.PUT, List.of("/api/v1/profiles/*/consent/*/*"), List.of(), Set.of(AGENT, ADMIN),
                    "consent"),
            // subject access export and erasure: everything about a person (docs/privacy.md)
            new AccessRule(HttpMethod.GET, List.of("/api/v1/profiles/*/export"), List.of(), Set.of(ADMIN),
                    "subject access export"),
            new AccessRule(HttpMethod.DELETE, List.of("/api/v1/profiles/*"), List.of(), Set.of(ADMIN), "erasure"),
            // correcting identity: split (unmerge) and merge
            new AccessRule(HttpMethod.POST, List.of("/api/v1/profiles/*/split", "/api/v1/profiles/*/merge"), List.of(),
                    Set.of(AGENT, ADMIN), "identity corrections"),
            // who read which personal data
            new AccessRule(HttpMethod.GET, List.of("/api/v1/audit"), List.of(), Set.of(ADMIN), "audit log"),
            // segments: definitions, members (profile ids), exports limited to the fields the role sees (docs/segments.md)
            new AccessRule(null, List.of("/api/v1/segments", "/api/v1/segments/**"), List.of(), Set.of(MARKETER, ADMIN),
                    "segments"),
            // recomputing every dashboard aggregate from the timelines: an operator's repair, not a marketer's
            // (must come before the rule below, which would let marketers in)
            new AccessRule(HttpMethod.POST, List.of("/api/v1/metrics/rebuild"), List.of(), Set.of(ADMIN),
                    "CX aggregates rebuild"),
            // aggregates over many profiles, no PII (issue 5)
            new AccessRule(null, List.of("/api/v1/metrics", "/api/v1/metrics/**"), List.of(), Set.of(MARKETER, ADMIN),
                    "CX aggregates"),
            new AccessRule(null, List.of("/actuator/**"), List.of(), Set.of(ADMIN), "operations"));

    /** The API description and Swagger UI: public, with a page-friendly CSP on those paths only. */
    @Bean
    @Order(1)
    SecurityFilterChain docs(HttpSecurity http) throws Exception {
        return ResourceServerSupport.docs(http);
    }

    @Bean
    @Order(2)
    SecurityFilterChain api(HttpSecurity http, JwtAuthenticationConverter converter) throws Exception {
        return ResourceServerSupport.apply(http, converter)
                .authorizeHttpRequests(rules -> {
                    ResourceServerSupport.commonRules(rules);
                    for (AccessRule rule : RULES) {
                        rules.requestMatchers(rule.matcher()).hasAnyRole(rule.roles().toArray(String[]::new));
                    }
                    rules.anyRequest().denyAll();
                })
                .build();
    }
}
