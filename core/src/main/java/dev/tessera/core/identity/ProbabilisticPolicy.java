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
 * profiles whose people it cannot both be.
 */
public final class ProbabilisticPolicy implements MatchPolicy {

    public static final double DEFAULT_LINK_WEIGHT = 6.0;
    public static final double DEFAULT_VETO_WEIGHT = -12.0;

    private final MatchModel model;
    private final double linkWeight;
    private final double vetoWeight;

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
        return BlockingKeys.keys(record);
    }

    @Override
    public List<Link> decide(CustomerRecord record, List<Candidate> candidates) {
        PreparedRecord incoming = PreparedRecord.of(record);
        List<Link> links = new ArrayList<>();
        for (Candidate candidate : candidates) {
            Set<String> matchedOn = new TreeSet<>(candidate.foundBy());
            matchedOn.remove(ProfileResolver.SOURCE_ID);
            if (sharesExternalId(record, candidate)) {
                links.add(new Link(candidate.profile().id(), "external-id", List.copyOf(matchedOn), null, List.of()));
                continue;
            }
            MatchScore best = null;
            double worst = Double.POSITIVE_INFINITY;
            for (CustomerRecord other : candidate.records()) {
                if (other.id().equals(record.id())) {
                    continue;
                }
                PreparedRecord prepared = PreparedRecord.of(other);
                double weight = model.matchWeight(incoming, prepared);
                worst = Math.min(worst, weight);
                if (best == null || weight > best.matchWeight()) {
                    best = model.score(incoming, prepared);
                }
            }
            if (best != null && best.matchWeight() >= linkWeight && worst >= vetoWeight) {
                links.add(new Link(candidate.profile().id(), "probabilistic", List.copyOf(matchedOn),
                        round(best.matchWeight()), contributions(best)));
            }
        }
        return links;
    }

    @Override
    public boolean mayMerge(Candidate a, Candidate b) {
        for (CustomerRecord left : a.records()) {
            PreparedRecord prepared = PreparedRecord.of(left);
            for (CustomerRecord right : b.records()) {
                if (model.matchWeight(prepared, PreparedRecord.of(right)) < vetoWeight) {
                    return false;
                }
            }
        }
        return true;
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
