package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Links on exact identity keys only: a shared normalised email, E.164 phone or external id joins
 * profiles. Simple and predictable, but trusts a shared family mailbox as proof; the probabilistic
 * policy treats such keys as evidence instead.
 */
public final class ExactKeyPolicy implements MatchPolicy {

    @Override
    public Set<String> blockingKeys(CustomerRecord record) {
        return Set.of();
    }

    @Override
    public List<Link> decide(CustomerRecord record, List<Candidate> candidates) {
        List<Link> links = new java.util.ArrayList<>();
        for (Candidate c : candidates) {
            Set<String> keys = new TreeSet<>(c.foundBy());
            keys.remove(ProfileResolver.BLOCK);
            if (!c.profile().records().contains(record.id())) {
                keys.remove(ProfileResolver.SOURCE_ID); // an index entry left behind: no proof the profile holds it
            }
            if (!keys.isEmpty()) {
                String rule = keys.equals(Set.of(ProfileResolver.SOURCE_ID)) ? "source-id" : "exact-identifier";
                links.add(new Link(c.profile().id(), rule, List.copyOf(keys), null, List.of()));
            }
        }
        return links;
    }
}
