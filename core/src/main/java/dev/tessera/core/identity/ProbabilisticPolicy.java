package dev.tessera.core.identity;

import dev.tessera.core.identity.match.BlockingKeys;
import dev.tessera.core.identity.match.MatchModel;
import dev.tessera.core.identity.match.MatchScore;
import dev.tessera.core.identity.match.PreparedRecord;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.LinkEvidence.Contribution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Links a record to a profile when a Fellegi–Sunter score says they are the same person: the record's
 * best match weight against the profile's records must reach {@code linkWeight}. Exact emails and
 * phones are strong evidence inside the score, not proof: a shared family mailbox with another first
 * name and birth date does not link. A shared external id (a customer number two systems share) is
 * proof and links deterministically.
 *
 * <p>Against chaining (A~B and B~C merging A with C although A and C clearly differ), a record never
 * joins a profile holding a record it scores below {@code vetoWeight} against, and so never bridges two
 * profiles whose people it cannot both be. Contradicting contact identifiers ({@link
 * dev.tessera.core.identity.match.MatchModel.ConflictCap}: namesakes with their own mailboxes and phones)
 * count as such a difference for records that share no identifier: a record reached only through
 * blocking keys does not join a profile holding a record whose identifiers contradict its own, and does
 * not bridge two profiles whose records contradict each other, since a record with only a common name and
 * a city resembles every namesake in that city and is evidence for none of them in particular. A record
 * that shares an identifier with the profile (with both, for a bridge) may: a person's second mailbox, or
 * one side's email with the other side's phone, is evidence.
 */
public final class ProbabilisticPolicy implements MatchPolicy {

    public static final double DEFAULT_LINK_WEIGHT = 6.0;
    public static final double DEFAULT_VETO_WEIGHT = -12.0;

    /**
     * Prepared (folded, parsed) records kept for reuse: the records of cached candidate profiles come
     * back for many incoming records, and preparing them again for each comparison was a large share of
     * the resolver's CPU. Keyed by the record instance (the store's profile cache hands out the same
     * instances until a profile changes; comparing records by value cost more than preparing them);
     * emptied when full, so memory stays bounded.
     */
    private static final int PREPARED_CACHE = 100_000;

    private final MatchModel model;
    private final double linkWeight;
    private final double vetoWeight;
    private final java.util.concurrent.ConcurrentHashMap<Instance, PreparedRecord> prepared =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A record compared by identity. */
    private record Instance(CustomerRecord record) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Instance other && other.record == record;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(record);
        }
    }

    public ProbabilisticPolicy(MatchModel model, double linkWeight, double vetoWeight) {
        if (vetoWeight > linkWeight) {
            throw new IllegalArgumentException("the veto weight must not exceed the link weight");
        }
        this.model = model;
        this.linkWeight = linkWeight;
        this.vetoWeight = vetoWeight;
    }

    public static ProbabilisticPolicy defaults() {
        return new ProbabilisticPolicy(MatchModel.defaults(), DEFAULT_LINK_WEIGHT, DEFAULT_VETO_WEIGHT);
    }

    @Override
    public Set<String> blockingKeys(CustomerRecord record) {
        return BlockingKeys.keys(prepared(record));
    }

    private PreparedRecord prepared(CustomerRecord record) {
        Instance key = new Instance(record);
        PreparedRecord known = prepared.get(key);
        if (known != null) {
            return known;
        }
        PreparedRecord fresh = PreparedRecord.of(record);
        if (prepared.size() >= PREPARED_CACHE) {
            prepared.clear();
        }
        prepared.put(key, fresh);
        return fresh;
    }

    @Override
    public List<Link> decide(CustomerRecord record, List<Candidate> candidates) {
        return decide(record, candidates, Map.of());
    }

    /**
     * Decides with the model {@link MatchModel#forNamesakes as it applies} to the record's name: the
     * fewest profiles any of its {@link BlockingKeys#namesakeKeys namesake keys} holds (0 when one is
     * unknown).
     */
    @Override
    public List<Link> decide(CustomerRecord record, List<Candidate> candidates, Map<String, Integer> blockSizes) {
        PreparedRecord incoming = prepared(record);
        MatchModel model = this.model.forNamesakes(namesakes(incoming, blockSizes));
        List<Link> links = new ArrayList<>();
        for (Candidate candidate : candidates) {
            Set<String> matchedOn = new TreeSet<>(candidate.foundBy());
            matchedOn.remove(ProfileResolver.SOURCE_ID);
            Compared compared = compare(model, record, incoming, candidate);
            if (sharesExternalId(record, candidate)) {
                // proof only while nothing about the person contradicts it: an external id several people can
                // carry (a browser's anonymous id, shared by everyone using one device) is evidence, like a
                // family mailbox; a record the veto separates from the profile does not join it on the id
                if (compared == null || compared.worst() >= vetoWeight) {
                    links.add(new Link(candidate.profile().id(), "external-id", List.copyOf(matchedOn), null, List.of()));
                }
                continue;
            }
            if (compared != null && compared.links()) {
                MatchScore explained = model.score(incoming, compared.best()); // the explanation, for the link only
                links.add(new Link(candidate.profile().id(), ProfileResolver.PROBABILISTIC, List.copyOf(matchedOn),
                        round(explained.matchWeight()), contributions(explained)));
            }
        }
        return links;
    }

    @Override
    public Optional<Review> review(CustomerRecord record, Candidate candidate, Map<String, Integer> blockSizes) {
        PreparedRecord incoming = prepared(record);
        MatchModel model = this.model.forNamesakes(namesakes(incoming, blockSizes));
        Compared compared = compare(model, record, incoming, candidate);
        if (compared == null) {
            return Optional.empty();
        }
        String verdict;
        if (sharesExternalId(record, candidate) || compared.links()) {
            verdict = Review.LINKS;
        } else if (compared.worst() < vetoWeight) {
            verdict = Review.VETOED;
        } else if (compared.contradicted()) {
            verdict = Review.CONTRADICTING_IDENTIFIERS;
        } else if (model != this.model && compare(this.model, record, incoming, candidate).links()) {
            verdict = Review.COMMON_NAME;
        } else {
            verdict = Review.BELOW_LINK_WEIGHT;
        }
        MatchScore explained = model.score(incoming, compared.best());
        return Optional.of(new Review(verdict, compared.bestRecord().id(), round(explained.matchWeight()),
                contributions(explained)));
    }

    /**
     * A record against a candidate's other records: the best pair, the worst weight, whether their contact
     * identifiers contradict (for a candidate found through blocks only), and so whether it links.
     */
    private record Compared(CustomerRecord bestRecord, PreparedRecord best, double worst, boolean contradicted,
            boolean links) {}

    /** {@link Compared} under {@code model}; null when the candidate holds no other record. */
    private Compared compare(MatchModel model, CustomerRecord record, PreparedRecord incoming, Candidate candidate) {
        CustomerRecord bestRecord = null;
        PreparedRecord best = null;
        double bestWeight = Double.NEGATIVE_INFINITY;
        double worst = Double.POSITIVE_INFINITY;
        Contacts contacts = new Contacts();
        for (CustomerRecord candidateRecord : candidate.records()) {
            if (candidateRecord.id().equals(record.id())) {
                continue;
            }
            PreparedRecord other = prepared(candidateRecord);
            MatchModel.Assessment assessment = model.assess(incoming, other);
            double weight = assessment.matchWeight();
            worst = Math.min(worst, weight);
            contacts.add(assessment);
            if (best == null || weight > bestWeight) {
                bestRecord = candidateRecord;
                best = other;
                bestWeight = weight;
            }
        }
        if (best == null) {
            return null;
        }
        boolean contradicted = contacts.contradicted() && !foundByIdentifier(candidate);
        return new Compared(bestRecord, best, worst, contradicted,
                bestWeight >= linkWeight && worst >= vetoWeight && !contradicted);
    }

    private static int namesakes(PreparedRecord record, Map<String, Integer> blockSizes) {
        if (blockSizes.isEmpty()) {
            return 0;
        }
        List<String> keys = BlockingKeys.namesakeKeys(record);
        if (keys.isEmpty()) {
            return 0;
        }
        int fewest = Integer.MAX_VALUE;
        for (String key : keys) {
            Integer size = blockSizes.get(key);
            fewest = Math.min(fewest, size == null ? 0 : size);
        }
        return fewest;
    }

    @Override
    public boolean mayMerge(Candidate a, Candidate b) {
        return mayMerge(null, a, b);
    }

    @Override
    public boolean mayMerge(CustomerRecord record, Candidate a, Candidate b) {
        boolean bridgedByIdentifiers = record != null && foundByIdentifier(a) && foundByIdentifier(b);
        Contacts contacts = new Contacts();
        for (CustomerRecord left : a.records()) {
            PreparedRecord leftPrepared = prepared(left);
            for (CustomerRecord right : b.records()) {
                MatchModel.Assessment assessment = model.assess(leftPrepared, prepared(right));
                if (assessment.matchWeight() < vetoWeight) {
                    return false;
                }
                contacts.add(assessment);
            }
        }
        return bridgedByIdentifiers || !contacts.contradicted();
    }

    /**
     * Whether two sets of records contradict in their contact identifiers: some pair of records conflicts,
     * and no pair agrees on one (at any level: a typo in an address still agrees) or compares them and
     * matches all the same (another address, but the birth date corroborates). One record with an old
     * address or a garbled birth date beside one that matches is not a contradiction; namesakes whose
     * every address and phone differ are, also when a record without identifiers (a bare name and city)
     * or with other kinds of them (a phone where the other has an email) sits between them.
     */
    private final class Contacts {
        private boolean conflict;
        private boolean compatible;

        void add(MatchModel.Assessment assessment) {
            if (assessment.conflicting()) {
                conflict = true;
            } else if (assessment.identifiersAgree()
                    || (assessment.identifiersCompared() && assessment.matchWeight() >= linkWeight)) {
                compatible = true;
            }
        }

        boolean contradicted() {
            return conflict && !compatible;
        }
    }

    /** True when the candidate was found through an identifier the record holds (email, phone, external id). */
    private static boolean foundByIdentifier(Candidate candidate) {
        for (String label : candidate.foundBy()) {
            if (!label.equals(ProfileResolver.SOURCE_ID) && !label.equals(ProfileResolver.BLOCK)
                    && !label.equals(ProfileResolver.MUST_LINK)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sharesExternalId(CustomerRecord record, Candidate candidate) {
        for (Identifier identifier : record.identifiers()) {
            if (identifier.type() == IdentifierType.EXTERNAL_ID && candidate.profile().identifiers().contains(identifier)) {
                return true;
            }
        }
        return false;
    }

    private static List<Contribution> contributions(MatchScore score) {
        return score.contributions().stream()
                .map(c -> new Contribution(c.field().id(), c.level().name().toLowerCase(java.util.Locale.ROOT),
                        round(c.weight())))
                .toList();
    }

    private static double round(double weight) {
        return Math.round(weight * 100) / 100.0;
    }
}
