package dev.tessera.adminui.security;

import dev.tessera.adminui.AdminUiProperties;
import dev.tessera.security.DevSigningKey;
import dev.tessera.security.TesseraSecurityProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The demo's dev login ({@code tessera.security.mode=dev}, allowed only with the demo or test profile):
 * a sign-in form for the demo users of {@code tessera.dev-users}, the same names, passwords and roles as
 * the realm's demo users, so the demo shows each role without a Keycloak. Calls to the profile service
 * carry a token for the signed-in user, signed with the demo's local dev key, which the demo's profile
 * service trusts in its own dev mode.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tessera.security.mode", havingValue = "dev")
class DevLogin implements Login {

    private static final Logger log = LoggerFactory.getLogger(DevLogin.class);
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);

    private final TesseraSecurityProperties security;
    private final AdminUiProperties properties;
    private final DevSigningKey key;
    private final Map<String, Minted> tokens = new ConcurrentHashMap<>();

    DevLogin(TesseraSecurityProperties security, AdminUiProperties properties, Environment environment) {
        if (!environment.acceptsProfiles(Profiles.of("demo | test"))) {
            throw new IllegalStateException("tessera.security.mode=dev is allowed only with the demo or test profile");
        }
        if (properties.devUsers().isEmpty()) {
            throw new IllegalStateException("tessera.dev-users is empty: the dev login needs at least one demo user");
        }
        this.security = security;
        this.properties = properties;
        this.key = DevSigningKey.loadOrCreate(security.dev().keyLocation());
        log.warn("""

                ****************************************************************************************
                *  DEV SECURITY MODE: demo users {} sign in with the demo passwords, and calls to the
                *  profile service are signed with the local dev key {}. Demo/tests only.
                ****************************************************************************************""",
                properties.devUsers().stream().map(AdminUiProperties.DevUser::username).toList(),
                security.dev().keyLocation().toAbsolutePath());
    }

    @Bean
    UserDetailsService demoUsers() {
        List<UserDetails> users = properties.devUsers().stream()
                .map(user -> User.withUsername(user.username())
                        .password(user.password())
                        .roles(user.roles().toArray(String[]::new))
                        .build())
                .toList();
        return new InMemoryUserDetailsManager(users);
    }

    @Override
    public void configure(HttpSecurity http) throws Exception {
        http.formLogin(Customizer.withDefaults())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"));
    }

    @Override
    public ClientHttpRequestInterceptor relay() {
        return (request, body, execution) -> {
            Authentication user = SecurityContextHolder.getContext().getAuthentication();
            if (user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken)) {
                request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + token(user));
            }
            return execution.execute(request, body);
        };
    }

    private String token(Authentication user) {
        List<String> roles = user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith("ROLE_"))
                .map(authority -> authority.substring(5))
                .sorted()
                .toList();
        String cacheKey = user.getName() + "\n" + String.join(",", roles);
        Instant now = Instant.now();
        return tokens.compute(cacheKey, (k, minted) -> minted != null && now.isBefore(minted.renewAt())
                ? minted
                : new Minted(key.mint(user.getName(), roles, security.audience(), LIFETIME),
                        now.plus(LIFETIME).minus(RENEW_BEFORE))).token();
    }

    private record Minted(String token, Instant renewAt) {
    }
}
