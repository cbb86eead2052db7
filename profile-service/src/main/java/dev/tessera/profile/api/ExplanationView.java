package dev.tessera.profile.api;

import dev.tessera.core.identity.ProfileExplainer.Explanation;
import dev.tessera.core.identity.ProfileExplainer.RecordExplanation;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Why a profile holds each of its records: the rule or score that linked it, field by field. */
record ExplanationView(String profileId, List<RecordView> records) {

    record RecordView(
            String sourceRecordId,
            String source,
            boolean claimed,
            Instant observedAt,
            Map<String, String> attributes,
            List<ProfileView.IdentifierView> identifiers,
            String rule,
            List<String> matchedOn,
            List<String> mergedFrom,
            Double score,
            List<LinkEvidence.Contribution> contributions,
            Instant linkedAt,
            List<String> separatedFrom,
            List<Joined> joinedWith) {

        static RecordView of(RecordExplanation explained, Predicate<SourceRecordId> claimed) {
            LinkEvidence evidence = explained.evidence();
            boolean isClaimed = claimed.test(explained.record().id());
            return new RecordView(explained.record().id().key(), explained.record().id().source(),
                    isClaimed,
                    explained.record().observedAt(), explained.record().attributes(),
                    explained.record().identifiers().stream()
                            .map(i -> ProfileView.IdentifierView.of(i, isClaimed)).toList(),
                    evidence == null ? "unknown" : evidence.rule(),
                    evidence == null ? List.of() : evidence.matchedOn(),
                    evidence == null ? List.of() : evidence.mergedFrom().stream().map(Object::toString).toList(),
                    evidence == null ? null : evidence.score(),
                    evidence == null ? List.of() : evidence.contributions(),
                    evidence == null ? null : evidence.linkedAt(),
                    explained.separatedFrom().stream().map(SourceRecordId::key).toList(),
                    explained.joinedWith().entrySet().stream()
                            .map(e -> new Joined(e.getKey().key(), e.getValue().actor(), e.getValue().reason(),
                                    e.getValue().at()))
                            .toList());
        }
    }

    /** A person's decision that this record and {@code record} are one customer (must-link). */
    record Joined(String record, String decidedBy, String reason, Instant at) {}

    /**
     * The view of an explanation; {@code claimed} tells the records of claimed sources (identifiers anyone
     * can send: such a record joins at most one profile holding other sources' records and vouches for no
     * other record, docs/identity.md).
     */
    static ExplanationView of(Explanation explanation, Predicate<SourceRecordId> claimed) {
        return new ExplanationView(explanation.profile().id().value(),
                explanation.records().stream().map(r -> RecordView.of(r, claimed)).toList());
    }
}
