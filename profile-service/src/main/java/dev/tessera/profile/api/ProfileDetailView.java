package dev.tessera.profile.api;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Profile 360: the golden record with lineage, identifiers, the source records as the sources sent them
 * (with the rule that linked each), the CX metrics summary and the segments the profile is in.
 * {@code masked} says whether personal data was masked for the caller.
 *
 * @param requestedId the id asked for; differs from {@code id} when it was merged into this profile
 */
record ProfileDetailView(
        String id,
        String requestedId,
        Map<String, ProfileView.AttributeView> attributes,
        List<ProfileView.IdentifierView> identifiers,
        List<ProfileView.RecordRef> records,
        List<SourceRecordView> sourceRecords,
        CxMetrics metrics,
        List<SegmentRef> segments,
        Instant createdAt,
        Instant updatedAt,
        boolean masked) {

    /** A segment the profile is in, since when. */
    record SegmentRef(String id, String name, Instant joinedAt) {}

    /** One source record of the profile and why it is there; {@code claimed} when its source is a claimed one. */
    record SourceRecordView(String key, String source, String sourceId, Instant observedAt,
            Map<String, String> attributes, List<ProfileView.IdentifierView> identifiers, String linkedBy,
            Instant linkedAt, boolean claimed) {

        static SourceRecordView of(CustomerRecord record, LinkEvidence evidence, boolean claimed) {
            return new SourceRecordView(record.id().key(), record.id().source(), record.id().sourceId(),
                    record.observedAt(), new TreeMap<>(record.attributes()),
                    record.identifiers().stream().map(i -> ProfileView.IdentifierView.of(i, claimed)).toList(),
                    evidence == null ? "unknown" : evidence.rule(), evidence == null ? null : evidence.linkedAt(),
                    claimed);
        }
    }

    static ProfileDetailView of(String requestedId, Profile profile, List<CustomerRecord> records,
            Map<SourceRecordId, LinkEvidence> links, CxMetrics metrics, List<SegmentRef> segments,
            Predicate<SourceRecordId> claimed) {
        ProfileView summary = ProfileView.of(profile, claimed, ProfileView.claimedOnly(records, claimed));
        return new ProfileDetailView(summary.id(), requestedId, summary.attributes(), summary.identifiers(),
                summary.records(), records.stream()
                        .map(r -> SourceRecordView.of(r, links.get(r.id()), claimed.test(r.id()))).toList(),
                metrics, segments, summary.createdAt(), summary.updatedAt(), false);
    }
}
