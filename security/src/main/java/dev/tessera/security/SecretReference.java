package dev.tessera.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Secrets in Tessera's configuration are references, never values: {@code env:NAME} (an environment
 * variable) or {@code file:/path} (a file, e.g. a mounted Kubernetes or Docker secret; surrounding
 * whitespace is stripped). Errors name the setting and the reference, never the value.
 */
public final class SecretReference {

    private SecretReference() {
    }

    /** Reads the secret that {@code reference}, given at setting {@code at}, points to. */
    public static String read(String reference, String at) {
        return read(reference, at, System::getenv);
    }

    /** As {@link #read(String, String)}, with the environment given (for tests). */
    public static String read(String reference, String at, Function<String, String> environment) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalStateException(at + ": a secret reference is required (env:NAME or file:/path)");
        }
        String value;
        if (reference.startsWith("env:")) {
            value = environment.apply(reference.substring(4));
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(at + ": environment variable " + reference.substring(4)
                        + " is not set");
            }
        } else if (reference.startsWith("file:")) {
            Path file = Path.of(reference.substring(5));
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException(at + ": cannot read the secret file " + file);
            }
            if (value.isEmpty()) {
                throw new IllegalStateException(at + ": the secret file " + file + " is empty");
            }
        } else {
            throw new IllegalStateException(at + ": must be a reference, env:NAME or file:/path");
        }
        return value;
    }
}
