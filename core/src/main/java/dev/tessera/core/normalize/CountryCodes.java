package dev.tessera.core.normalize;

import dev.tessera.core.identity.match.Countries;

/**
 * The canonical {@code country} attribute: the ISO 3166 alpha-2 code when the value names a country
 * ("Germany", "Deutschland", "deu", "de" → {@code DE}), else the value as written (stripped). One
 * spelling per country, so a segment rule {@code country eq DE} finds the shop's "DE" and the CRM's
 * "Germany" alike.
 */
public final class CountryCodes {

    private CountryCodes() {}

    /** The code, or the stripped value when it names no known country; null for null or blank. */
    public static String normalize(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return Countries.isoCode(raw).orElse(raw.strip());
    }
}
