package dev.tessera.profile.api;

import dev.tessera.core.identity.ProfileResolver.PossibleMatch;
import dev.tessera.core.model.LinkEvidence;
import java.util.List;

/**
 * Profiles that may hold the same person as {@code profileId}, strongest first. Ids, record keys, field
 * names and levels only: no values (the agent opens a profile to see them).
 *
 * @param profileId the profile asked about (the survivor, for an id that was merged away)
 */
record PossibleMatchesView(String profileId, List<MatchView> matches) {

    /**
     * One other profile.
     *
     * @param profileId     the other profile
     * @param verdict       what matching makes of the pair: {@code links} (would join now),
     *                      {@code below-link-weight}, {@code common-name}, {@code contradicting-identifiers},
     *                      {@code vetoed}
     * @param score         the pair's match weight in bits (links at 6 by default)
     * @param record        this profile's record of the pair ({@code source:id})
     * @param against       the other profile's record of the pair
     * @param keptApart     an agent separated one of its records from this one's: matching never joins them
     * @param contributions the pair's weight per field
     */
    record MatchView(String profileId, String verdict, double score, String record, String against,
            boolean keptApart, List<LinkEvidence.Contribution> contributions) {}

    static PossibleMatchesView of(String profileId, List<PossibleMatch> matches) {
        return new PossibleMatchesView(profileId, matches.stream()
                .map(m -> new MatchView(m.profile().value(), m.review().verdict(), m.review().score(),
                        m.record().key(), m.review().against().key(), m.keptApart(),
                        m.review().contributions()))
                .toList());
    }
}
