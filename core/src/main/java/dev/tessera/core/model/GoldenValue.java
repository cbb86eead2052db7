package dev.tessera.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One attribute of a profile's golden record with its lineage: which source record supplied the value
 * and when that source observed it.
 */
public record GoldenValue(String value, SourceRecordId sourceRecord, Instant observedAt) {

    public GoldenValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(sourceRecord, "sourceRecord");
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
