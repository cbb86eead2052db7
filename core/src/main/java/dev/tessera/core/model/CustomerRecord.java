package dev.tessera.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one source system says about one person at one time: the "who" of ingestion.
 *
 * @param id          the record's identity in its source system
 * @param observedAt  when the source last changed the record (drives "most recent" survivorship)
 * @param identifiers normalised identity keys (email, phone, external ids)
 * @param attributes  canonical attribute name to value, e.g. {@code first_name}; blank values are dropped
 */
public record CustomerRecord(
        SourceRecordId id, Instant observedAt, List<Identifier> identifiers, Map<String, String> attributes) {

    public CustomerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(observedAt, "observedAt");
        identifiers = List.copyOf(identifiers.stream().distinct().sorted().toList());
        TreeMap<String, String> clean = new TreeMap<>();
        attributes.forEach((name, value) -> {
            if (!Attributes.isValidName(name)) {
                throw new IllegalArgumentException("attribute name must match " + Attributes.NAME_PATTERN);
            }
            if (value != null && !value.isBlank()) {
                clean.put(name, value.strip());
            }
        });
        attributes = java.util.Collections.unmodifiableMap(clean);
    }

    /** True when the record carries at least one identity key besides its source id. */
    public boolean hasIdentifiers() {
        return !identifiers.isEmpty();
    }
}
