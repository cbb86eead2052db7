package dev.tessera.profile.api;

import dev.tessera.core.identity.ProfileExplainer.Explanation;
import dev.tessera.core.identity.ProfileExplainer.RecordExplanation;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Why a profile holds each of its records: the rule or score that linked it, field by field. */
record ExplanationView(String profileId, List<RecordView> records) {

    record RecordView(
            String sourceRecordId,
            String source,
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

        static RecordView of(RecordExplanation explained) {
            LinkEvidence evidence = explained.evidence();
            return new RecordView(explained.record().id().key(), explained.record().id().source(),
                    explained.record().observedAt(), explained.record().attributes(),
                    explained.record().identifiers().stream().map(ProfileView.IdentifierView::of).toList(),
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

    static ExplanationView of(Explanation explanation) {
        return new ExplanationView(explanation.profile().id().value(),
                explanation.records().stream().map(RecordView::of).toList());
    }
}
