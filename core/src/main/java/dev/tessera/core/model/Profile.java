package dev.tessera.core.model;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A unified profile: the golden record computed from the source records it holds.
 *
 * @param golden      attribute name to surviving value with lineage
 * @param identifiers union of the identity keys of its records
 * @param records     the source records linked into this profile
 * @param version     incremented on every write; used for optimistic concurrency
 */
public record Profile(
        ProfileId id,
        Map<String, GoldenValue> golden,
        List<Identifier> identifiers,
        List<SourceRecordId> records,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    public Profile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        golden = Collections.unmodifiableMap(new TreeMap<>(golden));
        identifiers = identifiers.stream().distinct().sorted().toList();
        records = records.stream().distinct().sorted().toList();
    }
}
