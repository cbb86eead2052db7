package dev.tessera.adminui.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A unified profile as the profile service returns it. Tolerant of fields the service adds later.
 *
 * @param attributes golden attributes by canonical name, sorted by name for display
 * @param segments   the segments the profile is in now (docs/segments.md)
 * @param masked     whether the service masked personal data for the caller (marketers)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Profile(
        String id,
        Map<String, Attribute> attributes,
        List<Identifier> identifiers,
        List<SourceRecord> records,
        Instant createdAt,
        Instant updatedAt,
        List<SegmentRef> segments,
        Boolean masked) {

    Profile {
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(attributes));
        identifiers = identifiers == null ? List.of() : List.copyOf(identifiers);
        records = records == null ? List.of() : List.copyOf(records);
        segments = segments == null ? List.of() : List.copyOf(segments);
        masked = Boolean.TRUE.equals(masked);
    }

    /** First and last name when the golden record has them, for headings and result lists. Public for SpEL. */
    public String displayName() {
        String name = String.join(" ", Stream.of("first_name", "last_name")
                .map(attributes::get)
                .filter(Objects::nonNull)
                .map(Attribute::value)
                .filter(value -> value != null && !value.isBlank())
                .toList());
        return name.isBlank() ? "Unnamed profile" : name;
    }

    /**
     * One golden attribute with its lineage; {@code claimed} when it comes from a source anyone can send
     * identities to (a survey link, a web page's analytics) and no other source has a value for it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Attribute(String value, String source, String sourceRecordId, Instant observedAt, Boolean claimed) {
        public Attribute {
            claimed = Boolean.TRUE.equals(claimed); // absent from a profile service before claimed sources: not claimed
        }
    }

    /**
     * A normalised identity key such as an email or an E.164 phone number; {@code claimed} when only records
     * of claimed sources hold it (it may be someone else's).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Identifier(String type, String value, Boolean claimed) {
        public Identifier {
            claimed = Boolean.TRUE.equals(claimed);
        }
    }

    /** A segment the profile is in, and since when. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SegmentRef(String id, String name, Instant joinedAt) {}

    /** A source record linked into the profile; {@code claimed} when its source is a claimed one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SourceRecord(String source, String sourceId, Boolean claimed) {
        public SourceRecord {
            claimed = Boolean.TRUE.equals(claimed);
        }
    }
}
