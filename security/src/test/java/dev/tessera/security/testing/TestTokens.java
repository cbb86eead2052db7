package dev.tessera.security.testing;

import dev.tessera.security.DevSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Tokens for tests that run the services without Keycloak: the services run in the dev security mode
 * (they must also run with the {@code test} profile, which dev mode requires) and trust a signing key
 * private to this test JVM; tokens signed with it go through the same validation as Keycloak's (issuer,
 * audience, expiry, signature), only the trusted key and issuer differ. Tests against a real Keycloak use
 * {@code KeycloakTestServer} instead.
 */
public final class TestTokens {

    public static final String AUDIENCE = "tessera-api";

    private static final Path KEY_FILE = keyFile();
    private static final DevSigningKey KEY = DevSigningKey.loadOrCreate(KEY_FILE);

    private TestTokens() {
    }

    /** The settings that make a service trust this JVM's test key. */
    public static Map<String, String> properties() {
        return Map.of("tessera.security.mode", "dev", "tessera.security.dev.key-location", KEY_FILE.toString());
    }

    /** The same settings as command-line arguments, plus the test profile, for apps started by hand. */
    public static List<String> arguments() {
        return List.of("--spring.profiles.active=test", "--tessera.security.mode=dev",
                "--tessera.security.dev.key-location=" + KEY_FILE);
    }

    /** An {@code Authorization} header value for a user with these realm roles, valid for five minutes. */
    public static String bearer(String... roles) {
        return "Bearer " + KEY.mint("test-user", List.of(roles), AUDIENCE, Duration.ofMinutes(5));
    }

    /** The key itself, for tokens with unusual claims (expired, other audience or issuer). */
    public static DevSigningKey key() {
        return KEY;
    }

    private static Path keyFile() {
        try {
            Path dir = Files.createTempDirectory("tessera-test-key");
            Path file = dir.resolve("signing-key.jwk");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
