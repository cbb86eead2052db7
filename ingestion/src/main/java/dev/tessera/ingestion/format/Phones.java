package dev.tessera.ingestion.format;

import dev.tessera.core.normalize.Identifiers;

/**
 * Core's normalisers for a format: phone numbers without a prefix are read in the record's country when
 * the payload gives one (a shop address's country code or name, {@link Identifiers#phone(String, String)}),
 * which beats the configured default region.
 */
final class Phones {

    private final Identifiers identifiers;

    Phones(String defaultRegion) {
        this.identifiers = new Identifiers(defaultRegion);
    }

    Identifiers identifiers() {
        return identifiers;
    }
}
