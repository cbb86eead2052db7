package dev.tessera.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identifies one record in one source system: the source name (as configured, e.g. {@code crm}) and the
 * record's id in that system. Re-delivering a record with the same id updates it instead of adding one.
 */
public record SourceRecordId(String source, String sourceId) implements Comparable<SourceRecordId> {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    @JsonCreator
    public SourceRecordId {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceId, "source id");
        if (!SOURCE.matcher(source).matches()) {
            throw new IllegalArgumentException("source must be 1-64 characters of [a-z0-9_-], starting with a letter or digit");
        }
        sourceId = sourceId.strip();
        if (sourceId.isEmpty() || sourceId.length() > 256) {
            throw new IllegalArgumentException("source id must be 1-256 characters");
        }
    }

    /** Stable text form {@code source:sourceId}, used as a hash field and in index keys. */
    @JsonIgnore
    public String key() {
        return source + ":" + sourceId;
    }

    /** Parses the {@link #key()} form; the source part never contains a colon. */
    public static SourceRecordId parse(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a source record key");
        }
        return new SourceRecordId(key.substring(0, colon), key.substring(colon + 1));
    }

    @Override
    public int compareTo(SourceRecordId other) {
        return key().compareTo(other.key());
    }

    @Override
    public String toString() {
        return key();
    }
}
