package dev.tessera.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Why a source record sits in its profile: the rule that linked it, the identity keys it shared and, for
 * probabilistic links, the score with each field's contribution. Kept per record so that every merge can
 * be explained and undone.
 *
 * @param rule          e.g. {@code new-profile}, {@code source-id}, {@code exact-identifier}, {@code probabilistic}, {@code merge}
 * @param matchedOn     identity keys (identifier types, {@code source_id}) the record shared with the profile
 * @param mergedFrom    profiles this record's arrival merged into the one it joined
 * @param score         total match weight (log2 Bayes factor) for probabilistic links, else null
 * @param contributions per-field parts of {@code score}
 */
public record LinkEvidence(
        SourceRecordId record,
        String rule,
        List<String> matchedOn,
        List<ProfileId> mergedFrom,
        Instant linkedAt,
        Double score,
        List<Contribution> contributions) {

    /** One field's part in a match score: the agreement level found and the weight it added. */
    public record Contribution(String field, String level, double weight) {
        public Contribution {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(level, "level");
        }
    }

    public LinkEvidence {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(linkedAt, "linkedAt");
        matchedOn = matchedOn == null ? List.of() : List.copyOf(matchedOn);
        mergedFrom = mergedFrom == null ? List.of() : List.copyOf(mergedFrom);
        contributions = contributions == null ? List.of() : List.copyOf(contributions);
    }

    /** Evidence of a link on exact keys, without a score. */
    public static LinkEvidence exact(SourceRecordId record, String rule, List<String> matchedOn,
            List<ProfileId> mergedFrom, Instant linkedAt) {
        return new LinkEvidence(record, rule, matchedOn, mergedFrom, linkedAt, null, List.of());
    }
}
