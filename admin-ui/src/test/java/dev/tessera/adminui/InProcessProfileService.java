package dev.tessera.adminui;

import dev.tessera.profile.ProfileServiceApplication;
import dev.tessera.security.testing.TestTokens;
import java.util.ArrayList;
import java.util.List;

/** The real profile service in this JVM (see {@link InProcessApp}). */
final class InProcessProfileService extends InProcessApp {

    /** In the dev security mode with this JVM's test key, which the admin UI under test signs with too. */
    InProcessProfileService() {
        this(TestTokens.arguments());
    }

    /** With these security settings as command-line arguments, e.g. keycloak mode and an issuer. */
    InProcessProfileService(List<String> securityArguments) {
        super(ProfileServiceApplication.class, arguments(securityArguments));
    }

    private static List<String> arguments(List<String> security) {
        // Camel is on the test class path for SourcesConsoleIT's ingestion app; the profile service runs none
        List<String> args = new ArrayList<>(List.of(
                "--spring.autoconfigure.exclude=org.apache.camel.spring.boot.CamelAutoConfiguration"));
        args.addAll(security);
        return args;
    }
}
