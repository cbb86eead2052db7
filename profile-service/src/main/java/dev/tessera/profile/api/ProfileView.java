package dev.tessera.profile.api;

import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON form of a unified profile: golden attributes with lineage, identifiers and source records. */
record ProfileView(
        String id,
        Map<String, AttributeView> attributes,
        List<IdentifierView> identifiers,
        List<RecordRef> records,
        Instant createdAt,
        Instant updatedAt) {

    record AttributeView(String value, String source, String sourceRecordId, Instant observedAt) {
        static AttributeView of(GoldenValue value) {
            return new AttributeView(value.value(), value.sourceRecord().source(), value.sourceRecord().key(),
                    value.observedAt());
        }
    }

    record IdentifierView(String type, String value) {
        static IdentifierView of(Identifier identifier) {
            return new IdentifierView(identifier.type().code(), identifier.value());
        }
    }

    record RecordRef(String source, String sourceId) {
        static RecordRef of(SourceRecordId id) {
            return new RecordRef(id.source(), id.sourceId());
        }
    }

    static ProfileView of(Profile profile) {
        Map<String, AttributeView> attributes = new TreeMap<>();
        profile.golden().forEach((name, value) -> attributes.put(name, AttributeView.of(value)));
        return new ProfileView(profile.id().value(), attributes,
                profile.identifiers().stream().map(IdentifierView::of).toList(),
                profile.records().stream().map(RecordRef::of).toList(),
                profile.createdAt(), profile.updatedAt());
    }
}
