package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.ProfileResolver.PossibleMatch;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Possible matches the policy would link come before stronger-scored ones it would not. */
class PossibleMatchOrderTest {

    @Test
    void linksComeFirstThenTheHigherScore() {
        PossibleMatch weakLink = match("a", MatchPolicy.Review.LINKS, 6.5);
        PossibleMatch strongLink = match("b", MatchPolicy.Review.LINKS, 14.0);
        PossibleMatch commonName = match("c", MatchPolicy.Review.COMMON_NAME, 3.0);
        PossibleMatch contradicted = match("d", MatchPolicy.Review.CONTRADICTING_IDENTIFIERS, 8.0);
        List<PossibleMatch> all = new ArrayList<>(List.of(commonName, weakLink, contradicted, strongLink));

        all.sort(ProfileResolver.STRONGEST_FIRST);

        assertThat(all).containsExactly(strongLink, weakLink, contradicted, commonName);
    }

    private static PossibleMatch match(String id, String verdict, double score) {
        return new PossibleMatch(new ProfileId(id), new SourceRecordId("crm", "1"),
                new MatchPolicy.Review(verdict, new SourceRecordId("shop", id), score, List.of()), false);
    }
}
