package dev.tessera.adminui.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Locale;

/**
 * Other profiles that may hold the same person, as the profile service reviews them (strongest first):
 * ids, record keys and field levels, never values. Tolerant of fields the service adds later.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PossibleMatches(String profileId, List<Match> matches) {

    PossibleMatches {
        matches = matches == null ? List.of() : List.copyOf(matches);
    }

    /** One other profile and what matching makes of its best pair of records. Public accessors for the template. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Match(String profileId, String verdict, double score, String record, String against, boolean keptApart,
            List<Contribution> contributions) {

        Match {
            contributions = contributions == null ? List.of() : List.copyOf(contributions);
        }

        /** The verdict in an agent's words. */
        public String reason() {
            return switch (verdict == null ? "" : verdict) {
                case "links" -> "Matches: left apart as an unclear guess, or the evidence came later";
                case "below-link-weight" -> "Too little in common to be sure";
                case "common-name" -> "Same name and city, but others share that name there";
                case "contradicting-identifiers" -> "Another email or phone, nothing personal in common";
                case "vetoed" -> "One of its records is clearly someone else";
                default -> verdict == null ? "" : verdict;
            };
        }

        /** The fields that speak for the pair, strongest first, as "first_name exact". */
        public String agreeing() {
            return contributions.stream().filter(c -> c.weight() > 0)
                    .sorted((a, b) -> Double.compare(b.weight(), a.weight()))
                    .map(c -> c.field() + " " + c.level().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .reduce((a, b) -> a + ", " + b).orElse("nothing");
        }

        /** The fields that speak against it. */
        public String disagreeing() {
            return contributions.stream().filter(c -> c.weight() < 0)
                    .sorted((a, b) -> Double.compare(a.weight(), b.weight()))
                    .map(Contribution::field)
                    .reduce((a, b) -> a + ", " + b).orElse("");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Contribution(String field, String level, double weight) {}
}
