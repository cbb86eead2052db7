package dev.tessera.core.identity.match;

import java.util.List;
import java.util.Objects;

/**
 * How strongly a model believes two records describe the same person, with the evidence per field.
 *
 * @param matchWeight   log2 odds of a match: the prior weight plus every field's weight
 * @param probability   the match probability, {@code 2^w / (1 + 2^w)} for match weight {@code w}
 * @param priorWeight   log2 of the prior odds {@code lambda / (1 - lambda)}
 * @param contributions one entry per {@link MatchField}, in field order; MISSING fields weigh 0
 * @param namesSwapped  true when first and last name were compared the other way round
 */
public record MatchScore(double matchWeight, double probability, double priorWeight,
        List<FieldContribution> contributions, boolean namesSwapped) {

    public MatchScore {
        contributions = List.copyOf(contributions);
    }

    /**
     * One field's part of a score.
     *
     * @param weight log2 Bayes factor {@code log2(m / u)} of the level; positive is evidence for a match
     */
    public record FieldContribution(MatchField field, ComparisonLevel level, double weight) {
        public FieldContribution {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(level, "level");
        }
    }

    /** The contribution of one field. */
    public FieldContribution contribution(MatchField field) {
        return contributions.stream().filter(c -> c.field() == field).findFirst().orElseThrow();
    }
}
