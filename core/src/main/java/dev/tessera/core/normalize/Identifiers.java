package dev.tessera.core.normalize;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.tessera.core.identity.match.Countries;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Builds normalised {@link Identifier}s from raw source values. Thread-safe. */
public final class Identifiers {

    private final EmailNormalizer email = new EmailNormalizer();
    private final PhoneNormalizer phone;
    private final Map<String, PhoneNormalizer> phoneByRegion = new ConcurrentHashMap<>();

    public Identifiers(String defaultPhoneRegion) {
        this.phone = new PhoneNormalizer(defaultPhoneRegion);
        phoneByRegion.put(phone.defaultRegion(), phone);
    }

    public Optional<Identifier> email(String raw) {
        return email.normalize(raw).map(value -> new Identifier(IdentifierType.EMAIL, value));
    }

    /** Every address of a value that may hold several ({@code a@x.com; b@y.com}, {@link EmailNormalizer#normalizeAll}). */
    public List<Identifier> emails(String raw) {
        return email.normalizeAll(raw).stream().map(value -> new Identifier(IdentifierType.EMAIL, value)).toList();
    }

    public Optional<Identifier> phone(String raw) {
        return phone.normalize(raw).map(value -> new Identifier(IdentifierType.PHONE, value));
    }

    /**
     * A phone number written without a country prefix is read in the record's own country when the record
     * names one that has a numbering plan ({@code DE}, "Germany", "Deutschland"...), else in the default
     * region: a multi-country export writes each customer's number as that country dials it, and "030
     * 1234567" is a Berlin number for a German customer, not a British one. Numbers with a prefix are the
     * same whatever the country.
     */
    public Optional<Identifier> phone(String raw, String country) {
        return phoneIn(country).normalize(raw).map(value -> new Identifier(IdentifierType.PHONE, value));
    }

    /**
     * Every phone number of a value that may hold several ("020 7946 0958 / 07700 900123", see
     * {@link PhoneNormalizer#normalizeAll}), read in the record's country as {@link #phone(String, String)}.
     */
    public List<Identifier> phones(String raw, String country) {
        return phoneIn(country).normalizeAll(raw).stream().map(value -> new Identifier(IdentifierType.PHONE, value))
                .toList();
    }

    private PhoneNormalizer phoneIn(String country) {
        return Countries.isoCode(country)
                .filter(PhoneNumberUtil.getInstance().getSupportedRegions()::contains)
                .map(code -> phoneByRegion.computeIfAbsent(code, PhoneNormalizer::new))
                .orElse(phone);
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
