package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which profiles an incoming record belongs to. The {@link ProfileResolver} finds the candidates
 * (through identifiers, source ids and this policy's blocking keys), asks the policy, then writes.
 * Implementations are stateless and thread-safe.
 */
public interface MatchPolicy {

    /**
     * Keys under which records are filed so that similar records find each other (phonetic name plus
     * birth year, say). Empty for policies that link on exact identifiers only.
     */
    Set<String> blockingKeys(CustomerRecord record);

    /**
     * The candidates the record belongs with, each with the evidence. More than one means those profiles
     * are one person and merge; none means a new profile.
     */
    List<Link> decide(CustomerRecord record, List<Candidate> candidates);

    /**
     * {@link #decide(CustomerRecord, List)} knowing how many profiles each of the record's blocking keys
     * holds (what the candidate lookup read; a key not in the map is unknown). Policies that weigh how
     * common a name is use them; the default ignores them.
     */
    default List<Link> decide(CustomerRecord record, List<Candidate> candidates, Map<String, Integer> blockSizes) {
        return decide(record, candidates);
    }

    /**
     * Whether two profiles may become one because a record links to both. Policies that veto clear
     * mismatches say no when any record of one is clearly another person than any record of the other,
     * so a record cannot chain two different people together.
     */
    default boolean mayMerge(Candidate a, Candidate b) {
        return true;
    }

    /**
     * Whether two profiles may become one because {@code record} links to both: {@link #mayMerge(Candidate,
     * Candidate)} unless the policy weighs how the record reached them (a record that shares an identifier
     * with both sides is stronger evidence than one that merely resembles both).
     */
    default boolean mayMerge(CustomerRecord record, Candidate a, Candidate b) {
        return mayMerge(a, b);
    }

    /**
     * How {@code record} compares with {@code candidate}, whether or not it links: for agents looking for
     * profiles that may be one person. Empty when the policy does not score pairs (exact keys only) or the
     * candidate holds no other record to compare with.
     */
    default Optional<Review> review(CustomerRecord record, Candidate candidate, Map<String, Integer> blockSizes) {
        return Optional.empty();
    }

    /**
     * A record compared with a candidate profile.
     *
     * @param verdict       what matching makes of it: {@link #LINKS}, {@link #BELOW_LINK_WEIGHT},
     *                      {@link #COMMON_NAME}, {@link #CONTRADICTING_IDENTIFIERS} or {@link #VETOED}
     * @param against       the candidate's record it compares best with
     * @param score         that pair's match weight in bits
     * @param contributions that pair's weight per field
     */
    record Review(String verdict, SourceRecordId against, double score,
            List<LinkEvidence.Contribution> contributions) {

        /** It links: the record would join the profile if it arrived now. */
        public static final String LINKS = "links";
        /** Its best pair does not reach the link weight. */
        public static final String BELOW_LINK_WEIGHT = "below-link-weight";
        /** It would link on name and city, but others carry the name there (decision 32). */
        public static final String COMMON_NAME = "common-name";
        /** Their emails or phones contradict, and nothing personal corroborates the pair. */
        public static final String CONTRADICTING_IDENTIFIERS = "contradicting-identifiers";
        /** A record of the profile is clearly another person (below the veto weight). */
        public static final String VETOED = "vetoed";

        public Review {
            Objects.requireNonNull(verdict, "verdict");
            contributions = contributions == null ? List.of() : List.copyOf(contributions);
        }
    }

    /** The decision to put a record into a profile, and why. */
    record Link(ProfileId profile, String rule, List<String> matchedOn, Double score,
            List<LinkEvidence.Contribution> contributions) {

        public Link {
            matchedOn = List.copyOf(matchedOn);
            contributions = contributions == null ? List.of() : List.copyOf(contributions);
        }
    }
}
