package dev.tessera.core.normalize;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises email addresses for matching: trims, drops a {@code mailto:} prefix and angle brackets,
 * lower-cases. Rejects values that cannot be an address rather than guessing.
 */
public final class EmailNormalizer {

    // Deliberately permissive on the local part (RFC 5321 allows much), strict on structure.
    private static final Pattern SHAPE =
            Pattern.compile("[^\\s@<>()\\[\\],;:\"]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");

    public Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String value = raw.strip();
        if (value.regionMatches(true, 0, "mailto:", 0, 7)) {
            value = value.substring(7);
        }
        if (value.startsWith("<") && value.endsWith(">")) {
            value = value.substring(1, value.length() - 1).strip();
        }
        value = value.toLowerCase(Locale.ROOT);
        if (value.length() > 254 || !SHAPE.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
