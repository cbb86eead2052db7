package dev.tessera.profile.api;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * An identity key; {@code claimed} when only records of claimed sources hold it (anyone could have sent
     * it: a phone number that finds this profile may be someone else's).
     */
    record IdentifierView(String type, String value, boolean claimed) {
        static IdentifierView of(Identifier identifier, boolean claimed) {
            return new IdentifierView(identifier.type().code(), identifier.value(), claimed);
        }
    }

    /** A source record of the profile; {@code claimed} when its source is a claimed one. */
    record RecordRef(String source, String sourceId, boolean claimed) {
        static RecordRef of(SourceRecordId id, boolean claimed) {
            return new RecordRef(id.source(), id.sourceId(), claimed);
        }
    }

    /**
     * The view of a profile; {@code claimed} tells the records of claimed sources, {@code claimedOnly} the
     * identifiers only such records hold ({@link #claimedOnly}).
     */
    static ProfileView of(Profile profile, Predicate<SourceRecordId> claimed, Set<Identifier> claimedOnly) {
        Map<String, AttributeView> attributes = new TreeMap<>();
        profile.golden().forEach((name, value) -> attributes.put(name,
                AttributeView.of(value, claimed.test(value.sourceRecord()))));
        return new ProfileView(profile.id().value(), attributes,
                profile.identifiers().stream().map(i -> IdentifierView.of(i, claimedOnly.contains(i))).toList(),
                profile.records().stream().map(id -> RecordRef.of(id, claimed.test(id))).toList(),
                profile.createdAt(), profile.updatedAt());
    }

    /** The identifiers that only records of claimed sources hold. */
    static Set<Identifier> claimedOnly(Collection<CustomerRecord> records, Predicate<SourceRecordId> claimed) {
        Set<Identifier> claimedOnes = new HashSet<>();
        records.stream().filter(r -> claimed.test(r.id())).forEach(r -> claimedOnes.addAll(r.identifiers()));
        if (!claimedOnes.isEmpty()) { // the usual case: no claimed record, nothing more to look at
            records.stream().filter(r -> !claimed.test(r.id())).forEach(r -> r.identifiers().forEach(claimedOnes::remove));
        }
        return claimedOnes;
    }
}
