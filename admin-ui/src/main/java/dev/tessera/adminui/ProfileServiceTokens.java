package dev.tessera.adminui;

import dev.tessera.security.DevSigningKey;
import dev.tessera.security.TesseraSecurityProperties;
import dev.tessera.security.TesseraSecurityProperties.Mode;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * The token admin-ui sends to the profile service. Until admin-ui has its OIDC login (issue 6, next
 * step: authorization code with Keycloak, relaying the user's token), it runs only in the dev security
 * mode of the demo and the tests: it signs its own token with the demo's dev key, as the configured dev
 * user ({@code tessera.security.dev.subject}, roles {@code tessera.security.dev.roles}, by default an
 * agent). In keycloak mode it refuses to start rather than show every page as "refused".
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TesseraSecurityProperties.class)
class ProfileServiceTokens {

    private static final Logger log = LoggerFactory.getLogger(ProfileServiceTokens.class);
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);

    @Bean
    RestClientCustomizer profileServiceToken(TesseraSecurityProperties properties, Environment environment) {
        if (properties.mode() != Mode.DEV) {
            throw new IllegalStateException("admin-ui has no Keycloak (OIDC) login yet, so it cannot call the profile "
                    + "service in tessera.security.mode=keycloak. Run it with the demo profile (dev security mode); "
                    + "see docs/security.md.");
        }
        if (!environment.acceptsProfiles(Profiles.of("demo | test"))) {
            throw new IllegalStateException("tessera.security.mode=dev is allowed only with the demo or test profile");
        }
        DevSigningKey key = DevSigningKey.loadOrCreate(properties.dev().keyLocation());
        log.warn("""

                ****************************************************************************************
                *  DEV SECURITY MODE: no login. Every visitor acts as '{}' with roles {}
                *  (tokens signed with the local dev key {}). Demo/tests only.
                ****************************************************************************************""",
                properties.dev().subject(), properties.dev().roles(), properties.dev().keyLocation().toAbsolutePath());
        DevToken token = new DevToken(key, properties);
        return builder -> builder.requestInterceptor(token);
    }

    /** Signs a token for the dev user and renews it a minute before it expires. */
    static final class DevToken implements ClientHttpRequestInterceptor {

        private final DevSigningKey key;
        private final TesseraSecurityProperties properties;
        private String token;
        private Instant renewAt = Instant.MIN;

        DevToken(DevSigningKey key, TesseraSecurityProperties properties) {
            this.key = key;
            this.properties = properties;
        }

        @Override
        public org.springframework.http.client.ClientHttpResponse intercept(org.springframework.http.HttpRequest request,
                byte[] body, org.springframework.http.client.ClientHttpRequestExecution execution)
                throws java.io.IOException {
            request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + current());
            return execution.execute(request, body);
        }

        private synchronized String current() {
            Instant now = Instant.now();
            if (now.isAfter(renewAt)) {
                token = key.mint(properties.dev().subject(), properties.dev().roles(), properties.audience(), LIFETIME);
                renewAt = now.plus(LIFETIME).minus(RENEW_BEFORE);
            }
            return token;
        }
    }
}
