package dev.tessera.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Why a source record sits in its profile: the rule that linked it and the identity keys it matched on.
 * Kept per record so every merge can be explained and, later, undone.
 *
 * @param rule      e.g. {@code new-profile}, {@code source-id}, {@code email}, {@code phone}, {@code merge}
 * @param matchedOn identifier types (or {@code source_id}) that the record shared with the profile
 * @param mergedFrom for rule {@code merge}: the profile ids that were merged into this one
 */
public record LinkEvidence(
        SourceRecordId record, String rule, List<String> matchedOn, List<ProfileId> mergedFrom, Instant linkedAt) {

    public LinkEvidence {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(linkedAt, "linkedAt");
        matchedOn = List.copyOf(matchedOn);
        mergedFrom = List.copyOf(mergedFrom);
    }
}
