package dev.tessera.adminui;

import dev.tessera.core.testing.RedisTestServer;
import dev.tessera.profile.ProfileServiceApplication;
import dev.tessera.security.testing.TestTokens;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real profile service, started in this JVM on a free port as it runs in production but against the
 * test Redis, for tests that drive the admin UI against it. One instance per test class: it starts on the
 * first {@link #url()} and runs until {@link #stop()}.
 *
 * <p>Two details matter in a shared JVM: its own application.yml is named explicitly (the admin UI's,
 * first on the class path, would shadow it), and overrides are command-line arguments, which outrank
 * application.yml where builder default properties would not.
 */
final class InProcessProfileService {

    private final List<String> securityArguments;
    private ConfigurableApplicationContext context;

    /** In the dev security mode with this JVM's test key, which the admin UI under test signs with too. */
    InProcessProfileService() {
        this(TestTokens.arguments());
    }

    /** With these security settings as command-line arguments, e.g. keycloak mode and an issuer. */
    InProcessProfileService(List<String> securityArguments) {
        this.securityArguments = List.copyOf(securityArguments);
    }

    /** The service's base URL, starting it on first use. */
    synchronized String url() {
        if (context == null) {
            List<String> args = new ArrayList<>(List.of("--spring.config.location=" + config(),
                    "--server.port=0",
                    "--tessera.redis.url=" + RedisTestServer.url(),
                    // Camel is on the test class path for SourcesConsoleIT's ingestion app
                    "--spring.autoconfigure.exclude=org.apache.camel.spring.boot.CamelAutoConfiguration"));
            args.addAll(securityArguments);
            context = new SpringApplicationBuilder(ProfileServiceApplication.class)
                    .main(ProfileServiceApplication.class)
                    .run(args.toArray(String[]::new));
        }
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    /** Stops the service if it runs. */
    synchronized void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    private static String config() {
        String home = ProfileServiceApplication.class.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            return Collections.list(InProcessProfileService.class.getClassLoader().getResources("application.yml"))
                    .stream()
                    .map(URL::toString)
                    .filter(url -> url.startsWith(home) || url.startsWith("jar:" + home))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no application.yml in " + home));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
