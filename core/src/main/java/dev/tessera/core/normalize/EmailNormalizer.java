package dev.tessera.core.normalize;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises email addresses for matching: trims, drops a {@code mailto:} prefix, a display name
 * ({@code Jane Doe <jane@example.com>}), angle brackets and a full stop ending a sentence, lower-cases.
 * Rejects values that cannot be an address rather than guessing.
 */
public final class EmailNormalizer {

    /** {@code Display Name <address>}: the address in the brackets at the end. */
    private static final Pattern DISPLAY_NAME = Pattern.compile("^[^<>@]*<([^<>]+)>$");
    /** What separates several addresses in one value. */
    private static final Pattern SEPARATOR = Pattern.compile("\\s*[;,|]\\s*|\\s+");
    /** Most addresses one value is read as. */
    static final int MAX_ADDRESSES_PER_VALUE = 4;

    /**
     * Every address in a value that may hold several ({@code a@x.com; b@y.com}): the value itself when it
     * is one address, else each part between separators that is one, at most
     * {@value #MAX_ADDRESSES_PER_VALUE}, in order, without repeats.
     */
    public java.util.List<String> normalizeAll(String raw) {
        Optional<String> whole = normalize(raw);
        if (whole.isPresent()) {
            return java.util.List.of(whole.get());
        }
        // one "@" is one address at most: splitting "jane doe@example.com" at the space would make up
        // someone else's address (doe@example.com)
        if (raw == null || raw.length() > 256 * MAX_ADDRESSES_PER_VALUE || raw.indexOf('@') == raw.lastIndexOf('@')) {
            return java.util.List.of();
        }
        java.util.LinkedHashSet<String> addresses = new java.util.LinkedHashSet<>();
        for (String part : SEPARATOR.split(raw.strip(), 16)) {
            normalize(part).ifPresent(addresses::add);
            if (addresses.size() == MAX_ADDRESSES_PER_VALUE) {
                break;
            }
        }
        return java.util.List.copyOf(addresses);
    }

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
        java.util.regex.Matcher named = DISPLAY_NAME.matcher(value);
        if (named.matches()) {
            value = named.group(1).strip();
        }
        if (value.endsWith(".")) {
            value = value.substring(0, value.length() - 1); // "write to jane@example.com." in a note
        }
        value = value.toLowerCase(Locale.ROOT);
        if (value.length() > 254 || !SHAPE.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
