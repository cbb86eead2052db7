package dev.tessera.core.identity;

import dev.tessera.core.identity.Resolution.Outcome;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Links on exact identity keys: the source record id, a normalised email, an E.164 phone or an external
 * id. A record that matches several profiles merges them into the oldest (ties: smallest id), so the
 * outcome does not depend on arrival order.
 *
 * <p>Concurrency: profile writes are optimistic (versioned, retried on conflict). Two writers that
 * create profiles for the same new identifier at once both index it; the check after indexing sees two
 * live profiles behind one key and merges them, so concurrent runs converge on the sequential result.
 */
public final class DeterministicResolver implements IdentityResolver {

    static final int MAX_ATTEMPTS = 32;
    static final String SOURCE_ID = "source_id";

    private final ProfileStore store;
    private final GoldenRecordBuilder golden;
    private final Clock clock;

    public DeterministicResolver(ProfileStore store, GoldenRecordBuilder golden, Clock clock) {
        this.store = store;
        this.golden = golden;
        this.clock = clock;
    }

    @Override
    public Resolution resolve(CustomerRecord record) {
        Resolution first = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Resolution> done = attempt(record);
            if (done.isEmpty()) {
                continue;
            }
            if (first == null) {
                first = done.get();
            }
            if (!sharesIdentifierWithAnotherProfile(record)) {
                ProfileId live = store.canonical(first.profileId()).orElse(first.profileId());
                return new Resolution(live, first.outcome(), first.merged());
            }
            // A concurrent writer created a second profile for one of our keys: the next attempt merges it.
        }
        throw new IllegalStateException("record " + record.id() + " could not be resolved after "
                + MAX_ATTEMPTS + " attempts under contention");
    }

    private boolean sharesIdentifierWithAnotherProfile(CustomerRecord record) {
        for (Identifier identifier : record.identifiers()) {
            if (store.findByIdentifier(identifier).size() > 1) {
                return true;
            }
        }
        return false;
    }

    /** One optimistic attempt; empty when another writer interfered and the caller should retry. */
    private Optional<Resolution> attempt(CustomerRecord record) {
        Map<ProfileId, Set<String>> matches = candidates(record);
        Instant now = clock.instant();
        if (matches.isEmpty()) {
            return create(record, now);
        }
        List<Profile> profiles = new ArrayList<>();
        for (ProfileId id : matches.keySet()) {
            Optional<Profile> profile = store.find(id);
            if (profile.isEmpty() || !profile.get().id().equals(id)) {
                return Optional.empty();
            }
            profiles.add(profile.get());
        }
        profiles.sort(Comparator.comparing(Profile::createdAt).thenComparing(Profile::id));
        Profile survivor = profiles.get(0);
        List<Profile> absorbed = profiles.subList(1, profiles.size());

        Map<SourceRecordId, CustomerRecord> records = new LinkedHashMap<>();
        store.records(survivor.id()).forEach(r -> records.put(r.id(), r));
        List<CustomerRecord> toWrite = new ArrayList<>();
        List<LinkEvidence> evidence = new ArrayList<>();
        for (Profile other : absorbed) {
            for (CustomerRecord r : store.records(other.id())) {
                records.put(r.id(), r);
                toWrite.add(r);
            }
            evidence.addAll(store.links(other.id()).values());
        }
        CustomerRecord stored = records.get(record.id());
        if (absorbed.isEmpty() && stored != null
                && (stored.equals(record) || stored.observedAt().isAfter(record.observedAt()))) {
            return Optional.of(new Resolution(survivor.id(), Outcome.UNCHANGED, List.of()));
        }
        boolean keepStored = stored != null && stored.observedAt().isAfter(record.observedAt());
        if (!keepStored) {
            records.put(record.id(), record);
            toWrite.add(record);
        }
        List<ProfileId> mergedIds = absorbed.stream().map(Profile::id).toList();
        Set<String> matchedOn = new TreeSet<>();
        matches.values().forEach(matchedOn::addAll);
        evidence.add(new LinkEvidence(record.id(), absorbed.isEmpty() ? rule(matchedOn) : "merge",
                List.copyOf(matchedOn), mergedIds, now));

        List<Identifier> identifiers = golden.identifiers(records.values());
        Profile updated = new Profile(survivor.id(), golden.golden(records.values()), identifiers,
                List.copyOf(records.keySet()), survivor.createdAt(), now, survivor.version() + 1);
        if (!store.write(updated, survivor.version(), toWrite, evidence)) {
            return Optional.empty();
        }
        for (Profile other : absorbed) {
            if (!store.forward(other.id(), other.version(), survivor.id())) {
                return Optional.empty();
            }
        }
        List<Identifier> removed = new ArrayList<>(survivor.identifiers());
        removed.removeAll(identifiers);
        store.index(survivor.id(), identifiers, removed, records.keySet());
        for (Profile other : absorbed) {
            store.unindex(other.id(), other.identifiers());
            store.publishChange(other.id(), "merged-away");
        }
        Outcome outcome = !absorbed.isEmpty() ? Outcome.MERGED : stored != null ? Outcome.UPDATED : Outcome.LINKED;
        store.publishChange(survivor.id(), outcome.name().toLowerCase(java.util.Locale.ROOT));
        return Optional.of(new Resolution(survivor.id(), outcome, mergedIds));
    }

    private Optional<Resolution> create(CustomerRecord record, Instant now) {
        ProfileId id = ProfileId.random();
        Profile profile = new Profile(id, golden.golden(List.of(record)), record.identifiers(),
                List.of(record.id()), now, now, 1);
        LinkEvidence evidence = new LinkEvidence(record.id(), "new-profile", List.of(), List.of(), now);
        if (!store.write(profile, 0, List.of(record), List.of(evidence))) {
            return Optional.empty();
        }
        store.index(id, record.identifiers(), List.of(), List.of(record.id()));
        store.publishChange(id, "created");
        return Optional.of(new Resolution(id, Outcome.CREATED, List.of()));
    }

    private Map<ProfileId, Set<String>> candidates(CustomerRecord record) {
        Map<ProfileId, Set<String>> matches = new TreeMap<>();
        store.findBySource(record.id())
                .ifPresent(id -> matches.computeIfAbsent(id, k -> new TreeSet<>()).add(SOURCE_ID));
        for (Identifier identifier : record.identifiers()) {
            for (ProfileId id : store.findByIdentifier(identifier)) {
                matches.computeIfAbsent(id, k -> new TreeSet<>()).add(identifier.type().code());
            }
        }
        return matches;
    }

    private static String rule(Set<String> matchedOn) {
        return matchedOn.equals(Set.of(SOURCE_ID)) ? "source-id" : "exact-identifier";
    }
}
