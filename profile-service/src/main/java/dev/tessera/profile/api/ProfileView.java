package dev.tessera.profile.api;

import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The JSON form of a unified profile: golden attributes with lineage, identifiers and source records. */
record ProfileView(
        String id,
        Map<String, AttributeView> attributes,
        List<IdentifierView> identifiers,
        List<RecordRef> records,
        Instant createdAt,
        Instant updatedAt) {

    /**
     * A golden value with its lineage; {@code claimed} when it comes from a claimed source (anyone could have
     * sent it: no other source has a value for this attribute, docs/identity.md "Claimed sources").
     */
    record AttributeView(String value, String source, String sourceRecordId, Instant observedAt, boolean claimed) {
        static AttributeView of(GoldenValue value, boolean claimed) {
            return new AttributeView(value.value(), value.sourceRecord().source(), value.sourceRecord().key(),
                    value.observedAt(), claimed);
        }
    }

    record IdentifierView(String type, String value) {
        static IdentifierView of(Identifier identifier) {
            return new IdentifierView(identifier.type().code(), identifier.value());
        }
    }

    /** A source record of the profile; {@code claimed} when its source is a claimed one. */
    record RecordRef(String source, String sourceId, boolean claimed) {
        static RecordRef of(SourceRecordId id, boolean claimed) {
            return new RecordRef(id.source(), id.sourceId(), claimed);
        }
    }

    /** The view of a profile; {@code claimed} tells the records of claimed sources. */
    static ProfileView of(Profile profile, Predicate<SourceRecordId> claimed) {
        Map<String, AttributeView> attributes = new TreeMap<>();
        profile.golden().forEach((name, value) -> attributes.put(name,
                AttributeView.of(value, claimed.test(value.sourceRecord()))));
        return new ProfileView(profile.id().value(), attributes,
                profile.identifiers().stream().map(IdentifierView::of).toList(),
                profile.records().stream().map(id -> RecordRef.of(id, claimed.test(id))).toList(),
                profile.createdAt(), profile.updatedAt());
    }
}
