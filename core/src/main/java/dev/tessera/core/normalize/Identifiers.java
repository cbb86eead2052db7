package dev.tessera.core.normalize;

import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import java.util.Optional;

/** Builds normalised {@link Identifier}s from raw source values. Thread-safe. */
public final class Identifiers {

    private final EmailNormalizer email = new EmailNormalizer();
    private final PhoneNormalizer phone;

    public Identifiers(String defaultPhoneRegion) {
        this.phone = new PhoneNormalizer(defaultPhoneRegion);
    }

    public Optional<Identifier> email(String raw) {
        return email.normalize(raw).map(value -> new Identifier(IdentifierType.EMAIL, value));
    }

    public Optional<Identifier> phone(String raw) {
        return phone.normalize(raw).map(value -> new Identifier(IdentifierType.PHONE, value));
    }

    /** An id shared across systems, e.g. a customer number, namespaced so ids of two systems never collide. */
    public Optional<Identifier> external(String namespace, String raw) {
        if (raw == null || raw.isBlank() || namespace == null || !namespace.matches("[a-z0-9_-]{1,32}")) {
            return Optional.empty();
        }
        return Optional.of(new Identifier(IdentifierType.EXTERNAL_ID, namespace + ":" + raw.strip()));
    }

    public Optional<Identifier> of(IdentifierType type, String raw) {
        return switch (type) {
            case EMAIL -> email(raw);
            case PHONE -> phone(raw);
            case EXTERNAL_ID -> {
                int colon = raw == null ? -1 : raw.indexOf(':');
                yield colon <= 0 ? Optional.empty() : external(raw.substring(0, colon), raw.substring(colon + 1));
            }
        };
    }
}
