package dev.tessera.core.model;

import java.util.Objects;

/**
 * A normalised identity key of a person. Construct through {@link dev.tessera.core.normalize.Identifiers},
 * which normalises raw input; this record only checks that the value is present.
 */
public record Identifier(IdentifierType type, String value) implements Comparable<Identifier> {

    public Identifier {
        Objects.requireNonNull(type, "identifier type");
        Objects.requireNonNull(value, "identifier value");
        if (value.isBlank() || value.length() > 320) {
            throw new IllegalArgumentException("identifier value must be 1-320 characters");
        }
    }

    @Override
    public int compareTo(Identifier other) {
        int byType = type.compareTo(other.type);
        return byType != 0 ? byType : value.compareTo(other.value);
    }

    /** A form safe for logs: type and a short fingerprint, never the value. */
    public String redacted() {
        return type.code() + ":" + Integer.toHexString(value.hashCode());
    }

    @Override
    public String toString() {
        return redacted();
    }
}
