package dev.tessera.core.identity;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads must-link decisions as groups: records joined by a chain of decisions (A–B and B–C put A, B and C
 * together), where a pair that also has a cannot-link decision is not joined (the cannot-link is the newer
 * decision: a manual merge drops the cannot-links between the records it joins, so one that exists next
 * to a must-link was made after it). A group in which an agent separated two members (A–B, B–C decided,
 * A and C separated) is <b>conflicted</b>: the decisions contradict each other and none of them is
 * enforced, rather than one being picked silently; {@link ReResolution} reports such groups.
 *
 * <p>One instance reads each record's decisions once (a cache per use): make a new one for each
 * resolve attempt, since decisions and source index entries change.
 */
final class MustLinkGroups {

    /** Records whose decisions are read in one round trip. */
    private static final int BATCH = 500;

    private final ProfileStore store;
    private final Map<SourceRecordId, ProfileStore.Decisions> known = new HashMap<>();

    MustLinkGroups(ProfileStore store) {
        this.store = store;
    }

    /** Decisions already read (the resolver has a record's own ones from its candidate lookup). */
    MustLinkGroups knowing(SourceRecordId id, ProfileStore.Decisions decisions) {
        known.put(id, decisions);
        return this;
    }

    /**
     * The group of one record.
     *
     * @param members    the records the decisions join it with, itself included (just itself when the group
     *                   is conflicted: nothing is enforced then)
     * @param conflicted true when an agent separated two records that a chain of must-links joins
     * @param whole      every record of the chain, also when conflicted
     * @param separated  the records it must not share a profile with: the cannot-link partners of its
     *                   members and their own (enforced) groups, since a partner's group ends in one profile
     */
    record Group(SourceRecordId of, Set<SourceRecordId> members, boolean conflicted, Set<SourceRecordId> whole,
            Set<SourceRecordId> separated) {

        /** True when the group makes the record join records that matching alone need not join it with. */
        boolean enforced() {
            return members.size() > 1;
        }
    }

    /** The group of {@code id} with the records it is separated from. */
    Group group(SourceRecordId id) {
        Chain chain = chain(id);
        Set<SourceRecordId> members = chain.conflicted() ? Set.of(id) : chain.records();
        Set<SourceRecordId> separated = new TreeSet<>();
        for (SourceRecordId member : members) {
            for (SourceRecordId other : decisions(member).cannotLink()) {
                Chain theirs = chain(other);
                separated.addAll(theirs.conflicted() ? Set.of(other) : theirs.records());
            }
        }
        return new Group(id, Set.copyOf(members), chain.conflicted(), chain.records(), Set.copyOf(separated));
    }

    /** The live-or-stale profile id each record's source index names now (read with the decisions). */
    Optional<ProfileId> indexedHome(SourceRecordId id) {
        return decisions(id).home();
    }

    /** Records joined by must-link decisions not overridden by a cannot-link, and whether they conflict. */
    record Chain(Set<SourceRecordId> records, boolean conflicted) {}

    Chain chain(SourceRecordId start) {
        Set<SourceRecordId> reached = new TreeSet<>(List.of(start));
        List<SourceRecordId> frontier = List.of(start);
        while (!frontier.isEmpty()) {
            read(frontier);
            List<SourceRecordId> next = new ArrayList<>();
            for (SourceRecordId record : frontier) {
                ProfileStore.Decisions mine = known.get(record);
                for (SourceRecordId partner : mine.mustLink()) {
                    if (!mine.cannotLink().contains(partner) && reached.add(partner)) {
                        next.add(partner);
                    }
                }
            }
            frontier = next;
        }
        boolean conflicted = reached.stream()
                .anyMatch(r -> known.get(r).cannotLink().stream().anyMatch(reached::contains));
        return new Chain(Set.copyOf(reached), conflicted);
    }

    private ProfileStore.Decisions decisions(SourceRecordId id) {
        read(List.of(id));
        return known.get(id);
    }

    /** Reads the decisions not read yet, {@value #BATCH} records per round trip. */
    void read(Collection<SourceRecordId> ids) {
        List<SourceRecordId> missing = ids.stream().filter(id -> !known.containsKey(id)).distinct().toList();
        for (int from = 0; from < missing.size(); from += BATCH) {
            known.putAll(store.decisions(missing.subList(from, Math.min(missing.size(), from + BATCH))));
        }
    }

    /**
     * Reads these records' decisions as they would be after a split separates {@code moved} from
     * {@code rest}: cannot-link between them, no must-link.
     */
    MustLinkGroups assumingSplit(Collection<SourceRecordId> moved, Collection<SourceRecordId> rest) {
        read(moved);
        read(rest);
        for (SourceRecordId m : moved) {
            for (SourceRecordId r : rest) {
                separate(m, r);
                separate(r, m);
            }
        }
        return this;
    }

    /**
     * Reads these records' decisions as they would be after a manual merge joins {@code moved} to the
     * profile holding {@code kept}: no cannot-link between a kept and a moved record (as {@link
     * ProfileResolver#merge} writes them), and all of them held together as one group. The merge writes
     * must-links from {@code anchor} to the moved records only, but the records share one profile from
     * then on, so a record joined with any of them and separated from another can no longer be placed.
     */
    MustLinkGroups assumingMerge(SourceRecordId anchor, Collection<SourceRecordId> kept,
            Collection<SourceRecordId> moved) {
        read(kept);
        read(moved);
        for (SourceRecordId k : kept) {
            if (!k.equals(anchor)) {
                join(anchor, k);
                join(k, anchor);
            }
        }
        for (SourceRecordId m : moved) {
            join(anchor, m);
            join(m, anchor);
            for (SourceRecordId k : kept) {
                forgetSeparation(k, m);
                forgetSeparation(m, k);
            }
        }
        return this;
    }

    private void join(SourceRecordId a, SourceRecordId b) {
        ProfileStore.Decisions held = known.get(a);
        Set<SourceRecordId> must = new TreeSet<>(held.mustLink());
        must.add(b);
        known.put(a, new ProfileStore.Decisions(must, held.cannotLink(), held.home()));
    }

    private void forgetSeparation(SourceRecordId a, SourceRecordId b) {
        ProfileStore.Decisions held = known.get(a);
        Set<SourceRecordId> cannot = new TreeSet<>(held.cannotLink());
        cannot.remove(b);
        known.put(a, new ProfileStore.Decisions(held.mustLink(), cannot, held.home()));
    }

    private void separate(SourceRecordId a, SourceRecordId b) {
        ProfileStore.Decisions held = known.get(a);
        Set<SourceRecordId> must = new TreeSet<>(held.mustLink());
        Set<SourceRecordId> cannot = new TreeSet<>(held.cannotLink());
        must.remove(b);
        cannot.add(b);
        known.put(a, new ProfileStore.Decisions(must, cannot, held.home()));
    }

    /** Every record of a conflicted chain through any of {@code ids}. */
    Set<SourceRecordId> conflicts(Collection<SourceRecordId> ids) {
        Set<SourceRecordId> conflicting = new TreeSet<>();
        for (SourceRecordId id : ids) {
            if (!conflicting.contains(id)) {
                Chain chain = chain(id);
                if (chain.conflicted()) {
                    conflicting.addAll(chain.records());
                }
            }
        }
        return conflicting;
    }

    /** Whether the record has any must-link decision (after {@link #read}). */
    boolean hasMustLink(SourceRecordId id) {
        return !decisions(id).mustLink().isEmpty();
    }
}
