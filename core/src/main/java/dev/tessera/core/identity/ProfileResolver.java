package dev.tessera.core.identity;

import dev.tessera.core.identity.MatchPolicy.Link;
import dev.tessera.core.identity.Resolution.Outcome;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.privacy.Tombstones;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves records into profiles: finds candidate profiles (by source id, identifiers and the policy's
 * blocking keys), lets the {@link MatchPolicy} decide, then creates, links or merges and stores.
 *
 * <p>Concurrency: profile writes are optimistic (versioned compare-and-set, retried on conflict). After
 * its write a record is checked once more against the indexes, which now include everything written
 * before it: if the policy would join it with another profile (one a concurrent writer created a moment
 * ago), the next attempt merges them. Of any two records that belong together, the one indexed later
 * sees the other, so concurrent runs end where a sequential run ends. Merges keep the oldest profile
 * (ties: smallest id), which makes the surviving id independent of arrival order too.
 *
 * <p>Decisions: a record joins the profiles holding the records a person joined it with (must-link, see
 * {@link MustLinkGroups}), whatever matching says, but never one holding a record an agent separated it,
 * or any record of its must-link group, from (cannot-link). Such a record is checked after its write by
 * looking its partners up again, so must-link groups converge under concurrency as matches do.
 *
 * <p>Claimed sources ({@link IdentitySettings#claimedSources()}): a record anyone could have sent joins at
 * most one profile holding records of other sources, and such a profile is compared with other records
 * through those records only. Which single profile a claimed record joins can depend on what arrived
 * before it (the better match at the time); that it brings no two such profiles together does not.
 */
public final class ProfileResolver implements IdentityResolver {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProfileResolver.class);

    /** Found-by key of the profile that already holds the record. */
    public static final String SOURCE_ID = ProfileStore.FOUND_BY_SOURCE;
    /** Found-by key of profiles that share a blocking key with the record. */
    public static final String BLOCK = ProfileStore.FOUND_BY_BLOCK;
    /** Found-by key of profiles holding a record a person joined with this one (must-link). */
    public static final String MUST_LINK = "must_link";
    /** Rule of a link to a profile holding one of the same records: a merge stopped halfway, finished. */
    public static final String SHARED_RECORD = "shared-record";

    static final int MAX_ATTEMPTS = 32;
    /** Rule of a link decided by the probabilistic policy's score. */
    static final String PROBABILISTIC = "probabilistic";
    /**
     * Two profiles that may not merge whose scores for a record are this close (a likelihood ratio below
     * 8:1) leave the record in neither: see {@link #closeCall}.
     */
    static final double AMBIGUITY_BITS = 3.0;
    /**
     * Blocks larger than this are too unselective to compare against (a very common name, say). Reading a
     * block costs Redis time per member, and a member of a large block is rarely among the candidates
     * ranked by rarity anyway; on CRM-like data with many namesakes 32 instead of 250 cut the candidate
     * script's time by a fifth and raised precision from 0.88 to 0.915 at the same recall, and left
     * Febrl 1-4 and fake_1000 unchanged (docs/benchmarks.md). 16 instead of 32 read half the block members
     * (most of the candidate script's time), for 10-25 % more records per second and the same precision
     * and recall on Febrl 1-4, fake_1000 and 30,000 and 100,000 CRM-like contacts: the block a true match
     * shares that is rarest is almost always far smaller.
     */
    static final int DEFAULT_MAX_BLOCK = 16;
    /**
     * Profiles found only through blocking keys that are compared at most, those sharing the most selective
     * keys first ({@code ProfileStore.blockWeight}). Ranked by selectivity, 8 find every pair that 20 ranked
     * by the number of shared keys found on Febrl 1-4 and fake_1000, and fewer wrong ones on CRM-like data.
     */
    static final int MAX_BLOCK_CANDIDATES = 8;

    private final ProfileStore store;
    private final MatchPolicy policy;
    private final GoldenRecordBuilder golden;
    private final Clock clock;
    private final int maxBlock;
    private final Tombstones tombstones;

    public ProfileResolver(ProfileStore store, MatchPolicy policy, GoldenRecordBuilder golden, Clock clock) {
        this(store, policy, golden, clock, DEFAULT_MAX_BLOCK);
    }

    public ProfileResolver(ProfileStore store, MatchPolicy policy, GoldenRecordBuilder golden, Clock clock,
            int maxBlock) {
        this(store, policy, golden, clock, maxBlock, null);
    }

    /**
     * A resolver that refuses the records of erased people: with {@code tombstones} (may be null: none),
     * every profile write is refused, atomically with the write, when the record's tombstone exists.
     */
    public ProfileResolver(ProfileStore store, MatchPolicy policy, GoldenRecordBuilder golden, Clock clock,
            int maxBlock, Tombstones tombstones) {
        this.store = store;
        this.policy = policy;
        this.golden = golden;
        this.clock = clock;
        this.maxBlock = maxBlock;
        this.tombstones = tombstones;
    }

    /**
     * This resolver for records Tessera holds already, resolved again by a split or a re-resolution: it
     * refuses only records whose own source record was erased, not those sharing an erased person's email
     * or phone ({@link Tombstones#sourceOnly}). New records from sources are refused on both.
     */
    public ProfileResolver forHeldRecords() {
        if (tombstones == null || !tombstones.refusesIdentifiers()) {
            return this;
        }
        return new ProfileResolver(store, policy, golden, clock, maxBlock, tombstones.sourceOnly());
    }

    /** The match policy this resolver decides with (its blocking keys name the index entries of a record). */
    public MatchPolicy policy() {
        return policy;
    }

    public ProfileStore store() {
        return store;
    }

    /**
     * True when the record comes from a claimed source ({@link IdentitySettings#claimedSources()}): it joins
     * at most one profile holding records of other sources and vouches for no other record.
     */
    public boolean claimed(SourceRecordId record) {
        return golden.claimed(record);
    }

    /** True when some source is claimed. */
    public boolean claimsAny() {
        return golden.claimsAny();
    }

    /** The golden record these settings make of these records. */
    public Map<String, dev.tessera.core.model.GoldenValue> goldenOf(java.util.Collection<CustomerRecord> records) {
        return golden.golden(records);
    }

    /** Files a profile under these settings' blocking keys of its records (index entries are idempotent). */
    public void indexUnder(ProfileId id, List<CustomerRecord> records) {
        Set<String> blocks = new LinkedHashSet<>();
        records.forEach(r -> blocks.addAll(policy.blockingKeys(r)));
        store.index(id, List.of(), List.of(), List.of(), blocks);
    }

    /**
     * Brings a profile whose records stay together up to these settings: its golden record (survivorship
     * rules, claimed sources) and its identifier and blocking-key index entries. A re-resolution's apply
     * calls it for the profiles it does not regroup; blocking keys of earlier settings are left (they find
     * the profile as a candidate at most).
     *
     * @return true when the golden record or the identifiers changed
     */
    public boolean refresh(ProfileId id) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            ProfileStore.Loaded current = store.loadLive(List.of(id)).get(id);
            if (current == null) {
                return false; // merged away or dissolved meanwhile: whoever did it wrote with these settings
            }
            Profile profile = current.profile();
            Set<String> blocks = new LinkedHashSet<>();
            current.records().forEach(r -> blocks.addAll(policy.blockingKeys(r)));
            Map<String, dev.tessera.core.model.GoldenValue> values = golden.golden(current.records());
            List<Identifier> identifiers = golden.identifiers(current.records());
            if (values.equals(profile.golden()) && identifiers.equals(profile.identifiers())) {
                store.index(profile.id(), identifiers, List.of(), profile.records(), blocks);
                return false;
            }
            Profile updated = new Profile(profile.id(), values, identifiers, profile.records(), profile.createdAt(),
                    clock.instant(), profile.version() + 1);
            List<Identifier> removed = new ArrayList<>(profile.identifiers());
            removed.removeAll(identifiers);
            // write, index entries and announcement in one script on a single node: a stop in between
            // left identifiers the golden record no longer holds still pointing here, and nobody told
            ProfileStore.Written written = store.writeAndIndex(updated, profile.version(), List.of(), List.of(),
                    new ProfileStore.IndexUpdate(identifiers, removed, profile.records(), blocks), "refreshed", null,
                    Map.of());
            if (written == ProfileStore.Written.WRITTEN) {
                return true;
            }
        }
        throw new IllegalStateException("profile " + id + " kept changing while its golden record was rebuilt");
    }

    @Override
    public Resolution resolve(CustomerRecord record) {
        return resolveFrom(record, new ProfileStore.CandidateQuery(record.id(), record.identifiers(),
                policy.blockingKeys(record), maxBlock, MAX_BLOCK_CANDIDATES), null);
    }

    /**
     * {@link #resolve}, continuing from {@code written} when a batch already wrote the record (its
     * outcome is the one reported, unless a merge follows) and its settle check found something.
     */
    private Resolution resolveFrom(CustomerRecord record, ProfileStore.CandidateQuery query, Resolution written) {
        Resolution first = written;
        Set<ProfileId> merged = new LinkedHashSet<>();
        if (written != null) {
            merged.addAll(written.merged());
        }
        List<String> refuse = tombstones == null ? List.of() : tombstones.keysOf(record);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            // the first pick of a record not yet stored creates its profile itself when it finds it alone
            Single alone = attempt == 0 && written == null && store.createsWhenAlone()
                    ? create(record, query, ALONE, clock.instant(), refuse) : null;
            Gathered gathered = alone == null ? gather(query) : gatherOrCreate(query, alone);
            if (gathered == null) {
                return alone.outcome();
            }
            if (query.blockSizes().isEmpty()) {
                query = query.withBlockSizes(gathered.blockSizes()); // every later pick ranks as this one did
            }
            Optional<Attempted> done = attempt(record, query, gathered, refuse);
            if (done.isEmpty()) {
                continue;
            }
            Resolution resolution = done.get().resolution();
            if (resolution.outcome() == Outcome.ERASED) {
                return resolution;
            }
            if (first == null) {
                first = resolution;
            }
            // every profile merged away on the way, also by a later attempt (their timelines must follow)
            merged.addAll(resolution.merged());
            ProfileId home = resolution.profileId();
            if (done.get().settled() || settled(record, query, home, gathered)) {
                Resolution.Outcome outcome = merged.isEmpty() ? first.outcome() : Resolution.Outcome.MERGED;
                return new Resolution(home, outcome, List.copyOf(merged));
            }
        }
        throw new IllegalStateException("record " + record.id() + " could not be resolved after "
                + MAX_ATTEMPTS + " attempts under contention");
    }

    /**
     * Resolves several records; ends where resolving them one after another in some order ends, as
     * concurrent {@link #resolve} calls do. Cheaper than one call each: records go in rounds of records
     * that share no lookup key (source id, identifier, blocking key) with one another or with an earlier
     * record still waiting, so records that may meet are decided in their order. In a round the candidates
     * of all records are picked in one round trip (with scripted access), and the records whose decision
     * is a single profile write (a new profile, a link, an update) are written in one more. Each write's
     * settle check sees the other records like any concurrent writer's; a record it does not settle, a
     * version conflict, a merge, an unchanged record and a record with decisions go on one by one through
     * {@link #resolve} right after their round (before the records waiting behind them). A profile that one of them merges into another is
     * reported as the one it went into, also for the records of the batch that landed in it first.
     *
     * @return one resolution per record, in the same order
     */
    public List<Resolution> resolveAll(List<CustomerRecord> records) {
        int n = records.size();
        if (n < 2) {
            return records.stream().map(this::resolve).toList();
        }
        List<ProfileStore.CandidateQuery> queries = new ArrayList<>(n);
        for (CustomerRecord record : records) {
            queries.add(new ProfileStore.CandidateQuery(record.id(), record.identifiers(),
                    policy.blockingKeys(record), maxBlock, MAX_BLOCK_CANDIDATES));
        }
        Resolution[] results = new Resolution[n];
        // Rounds: a record sharing a lookup key with an earlier record of the batch waits for a later
        // round, so records that may meet are decided in their order, each seeing the one before it
        // written (like one at a time), instead of meeting in their settle checks and merging afterwards.
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pending.add(i);
        }
        while (!pending.isEmpty()) {
            List<Integer> round = new ArrayList<>();
            List<Integer> later = new ArrayList<>();
            Set<String> taken = new java.util.HashSet<>();
            for (int i : pending) {
                List<String> keys = lookupKeys(queries.get(i));
                boolean meets = false;
                for (String key : keys) {
                    meets |= !taken.add(key); // taken also by a waiting record: who meets it waits behind it
                }
                (meets ? later : round).add(i);
            }
            Resolution[] written = new Resolution[n];
            resolveRound(records, queries, round, results, written);
            // what the round left goes on one by one now, before any record that waits behind it
            for (int i : round) {
                if (results[i] == null) {
                    results[i] = resolveFrom(records.get(i), queries.get(i), written[i]);
                }
            }
            pending = later;
        }
        // a record finished one by one may have merged the profile an earlier record of the batch landed in
        Map<ProfileId, ProfileId> mergedInto = new java.util.HashMap<>();
        for (Resolution r : results) {
            r.merged().forEach(away -> mergedInto.put(away, r.profileId()));
        }
        if (!mergedInto.isEmpty()) {
            for (int i = 0; i < n; i++) {
                ProfileId home = results[i].profileId();
                for (int hops = 0; home != null && mergedInto.containsKey(home) && hops < n; hops++) {
                    home = mergedInto.get(home);
                }
                if (home != null && !home.equals(results[i].profileId())) {
                    results[i] = new Resolution(home, results[i].outcome(), results[i].merged());
                }
            }
        }
        return List.of(results);
    }

    /** The index keys a record's candidates are looked up by, as plain strings (records sharing one may meet). */
    private static List<String> lookupKeys(ProfileStore.CandidateQuery query) {
        List<String> keys = new ArrayList<>();
        keys.add("s\u0000" + query.source().key());
        query.identifiers().forEach(i -> keys.add("i\u0000" + i.type().code() + "\u0000" + i.value()));
        query.blockingKeys().forEach(b -> keys.add("b\u0000" + b));
        return keys;
    }

    /**
     * One round of {@link #resolveAll}: the candidates of these records picked together, the single writes
     * sent together; fills {@code results} for the records that are done (settled), leaves the others null.
     */
    private void resolveRound(List<CustomerRecord> records, List<ProfileStore.CandidateQuery> queries,
            List<Integer> round, Resolution[] results, Resolution[] storedFirst) {
        if (round.size() == 1) {
            int i = round.get(0);
            results[i] = resolveFrom(records.get(i), queries.get(i), null);
            return;
        }
        List<ProfileStore.CandidateQuery> asked = new ArrayList<>(round.size());
        List<List<String>> refusals = new ArrayList<>(round.size());
        List<Single> alone = new ArrayList<>(round.size());
        boolean createAlone = store.createsWhenAlone();
        for (int i : round) {
            asked.add(queries.get(i));
            List<String> refuse = tombstones == null ? List.of() : tombstones.keysOf(records.get(i));
            refusals.add(refuse);
            // what the record gets when its pick finds nothing at all: written by the pick's own script
            alone.add(createAlone ? create(records.get(i), queries.get(i), ALONE, clock.instant(), refuse) : null);
        }
        List<ProfileStore.Candidates> found = store.candidatesOrCreateAll(asked,
                alone.stream().map(single -> single == null ? null : single.request()).toList());

        List<Integer> batched = new ArrayList<>();
        List<Single> singles = new ArrayList<>();
        List<Gathered> gathered = new ArrayList<>();
        for (int r = 0; r < round.size(); r++) {
            int i = round.get(r);
            CustomerRecord record = records.get(i);
            if (found.get(r) == null) {
                results[i] = alone.get(r).outcome(); // created in its pick, where nothing could come between
                continue;
            }
            Gathered g = gathered(queries.get(i), found.get(r));
            queries.set(i, queries.get(i).withBlockSizes(g.blockSizes())); // its settle check ranks as this pick
            if (g.group() != null) {
                continue; // decisions: one by one
            }
            List<String> refuse = refusals.get(r);
            Plan plan = plan(record, queries.get(i), g, refuse);
            if (plan.write() != null) {
                batched.add(i);
                singles.add(plan.write());
                gathered.add(g);
            }
        }
        List<ProfileStore.Written> written = store.writeAndIndexAll(
                singles.stream().map(Single::request).toList());
        for (int b = 0; b < batched.size(); b++) {
            int i = batched.get(b);
            Optional<Attempted> done = attempted(singles.get(b), written.get(b));
            if (done.isEmpty()) {
                continue; // another writer changed the profile first
            }
            Resolution resolution = done.get().resolution();
            if (resolution.outcome() == Outcome.ERASED || done.get().settled()
                    || settled(records.get(i), queries.get(i), resolution.profileId(), gathered.get(b))) {
                results[i] = resolution;
            } else {
                storedFirst[i] = resolution; // the record is stored; a later attempt joins what it met
            }
        }
    }

    /**
     * What {@link #resolve} sees of a record: its candidates (with the profiles of its must-link partners),
     * the records it must not share a profile with (its cannot-link partners and their must-link groups,
     * also those of its own group's members), and its must-link group (null when it has no decisions).
     */
    record Gathered(List<Candidate> candidates, Set<SourceRecordId> cannotLink, Map<ProfileId, Long> versions,
            MustLinkGroups.Group group, long generation, Map<String, Integer> blockSizes) {

        /** True when must-link decisions make the record join others: the store's settle check misses them. */
        boolean mustLink() {
            return group != null && group.enforced();
        }
    }

    /** What a record alone sees: no candidate, no decision (the store checks both before it creates). */
    private static final Gathered ALONE = new Gathered(List.of(), Set.of(), Map.of(), null, -1, Map.of());

    /** An attempt that got written; {@code settled} when the store's settle check already passed. */
    private record Attempted(Resolution resolution, boolean settled) {}

    /** The candidates a record would be compared with now (one script with scripted access). */
    Gathered gather(ProfileStore.CandidateQuery query) {
        return gathered(query, store.candidates(query));
    }

    /**
     * {@link #gather}, or null when the pick found the record alone and wrote {@code alone}, the profile it
     * gets then, in the same script ({@link ProfileStore#candidatesOrCreateAll}).
     */
    private Gathered gatherOrCreate(ProfileStore.CandidateQuery query, Single alone) {
        ProfileStore.Candidates found = store.candidatesOrCreateAll(List.of(query), List.of(alone.request())).get(0);
        return found == null ? null : gathered(query, found);
    }

    /** {@link #gather} from the candidates read already (with the record's must-link partners). */
    private Gathered gathered(ProfileStore.CandidateQuery query, ProfileStore.Candidates found) {
        Set<SourceRecordId> partners = found.mustLink();
        boolean decided = !partners.isEmpty() || !found.cannotLink().isEmpty();
        Map<ProfileId, Candidate> byId = new TreeMap<>();
        found.byLiveId().forEach((id, profile) -> byId.put(id,
                new Candidate(profile.loaded().profile(), profile.loaded().records(), profile.foundBy())));
        Map<ProfileId, Long> versions = new TreeMap<>(found.versions());
        if (!decided) {
            return new Gathered(List.copyOf(byId.values()), found.cannotLink(), versions, null, found.generation(),
                    found.blockSizes());
        }
        MustLinkGroups groups = new MustLinkGroups(store);
        MustLinkGroups.Group group = groups.group(query.source());
        Set<SourceRecordId> forbidden = new TreeSet<>(found.cannotLink());
        forbidden.addAll(group.separated());
        if (group.enforced()) {
            // the profiles holding the record's must-link partners now (the index may name a merged-away
            // id: loadLive follows it, and a profile that no longer holds the partner is left out)
            Map<ProfileId, SourceRecordId> partnerAt = new LinkedHashMap<>();
            group.members().stream().filter(m -> !m.equals(query.source()))
                    .forEach(m -> groups.indexedHome(m).ifPresent(home -> partnerAt.putIfAbsent(home, m)));
            Map<ProfileId, ProfileStore.Loaded> live = store.loadLive(partnerAt.keySet());
            live.forEach((indexed, loaded) -> {
                if (loaded.profile().records().stream().noneMatch(group.members()::contains)) {
                    return;
                }
                ProfileId id = loaded.profile().id();
                Candidate held = byId.get(id);
                Set<String> foundBy = new TreeSet<>(held == null ? Set.of() : held.foundBy());
                foundBy.add(MUST_LINK);
                byId.put(id, new Candidate(loaded.profile(), loaded.records(), foundBy));
                versions.put(id, loaded.profile().version());
            });
        }
        // read more after the candidates were picked: the write generation says nothing about those reads
        return new Gathered(List.copyOf(byId.values()), Set.copyOf(forbidden), versions, group, -1,
                found.blockSizes());
    }

    /** Records of one profile looked up at most by {@link #possibleMatches}, the most recent first. */
    public static final int MAX_RECORDS_REVIEWED = 20;

    /**
     * Another profile that may hold the same person as the one asked about: its best pair of records and
     * what matching makes of it ({@link MatchPolicy.Review}), and whether an agent separated a record of it
     * from one of this profile's ({@code keptApart}: matching will never join them).
     */
    public record PossibleMatch(ProfileId profile, SourceRecordId record, MatchPolicy.Review review,
            boolean keptApart) {}

    /**
     * Profiles that may hold the same person as {@code id} but are not merged with it: for each of its
     * records (the {@value #MAX_RECORDS_REVIEWED} most recent), the candidates {@link #resolve} would
     * compare it with, looked up for all records in one round trip and reviewed by the policy as if the
     * record arrived now (the block sizes it decides with leave out the record's own profile, which a
     * new arrival is not yet in), keeping each other profile's best pair. A profile whose best pair scores
     * below {@value #POSSIBLE_MATCH_FLOOR} bits (its fields say more against one person than for) is not a
     * possible match: a shared surname and town found it, its first name and birth date differ. Those the
     * policy would link come first, then by score. Read-only. A merged-away id answers for the profile it was merged into. Empty
     * for a policy that does not score pairs.
     *
     * @throws java.util.NoSuchElementException when no live profile has that id
     */
    public List<PossibleMatch> possibleMatches(ProfileId id, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        ProfileStore.Loaded loaded = store.loadLive(List.of(id)).get(id);
        if (loaded == null) {
            throw new java.util.NoSuchElementException("no profile " + id);
        }
        ProfileId live = loaded.profile().id();
        List<CustomerRecord> records = new ArrayList<>(loaded.records());
        records.sort(Comparator.comparing(CustomerRecord::observedAt).reversed().thenComparing(CustomerRecord::id));
        records = records.subList(0, Math.min(records.size(), MAX_RECORDS_REVIEWED));
        boolean vouchingHere = loaded.records().stream().anyMatch(r -> !golden.claimed(r.id()));
        List<ProfileStore.CandidateQuery> queries = new ArrayList<>();
        for (CustomerRecord record : records) {
            queries.add(new ProfileStore.CandidateQuery(record.id(), record.identifiers(), policy.blockingKeys(record),
                    maxBlock, MAX_BLOCK_CANDIDATES));
        }
        List<ProfileStore.Candidates> found = store.candidatesAll(queries);
        Map<ProfileId, PossibleMatch> best = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            CustomerRecord record = records.get(i);
            Gathered gathered = gathered(queries.get(i), found.get(i));
            // the record's profile (at least its live id) is in every block of the record's own keys
            Map<String, Integer> asArriving = new java.util.HashMap<>();
            gathered.blockSizes().forEach((key, size) -> asArriving.put(key, Math.max(0, size - 1)));
            boolean claimed = golden.claimed(record.id());
            List<Candidate> seen = claimed ? gathered.candidates()
                    : vouchedFor(record, gathered.candidates()); // as resolve compares them
            for (Candidate candidate : seen) {
                if (candidate.profile().id().equals(live)) {
                    continue;
                }
                if (claimed && vouchingHere && vouching(candidate)) {
                    continue; // never a reason to merge: anyone could have sent this record (claimed source)
                }
                Optional<MatchPolicy.Review> review = policy.review(record, candidate, asArriving);
                if (review.isEmpty()) {
                    continue;
                }
                boolean keptApart = candidate.profile().records().stream().anyMatch(gathered.cannotLink()::contains);
                PossibleMatch fresh = new PossibleMatch(candidate.profile().id(), record.id(), review.get(), keptApart);
                best.merge(fresh.profile(), fresh, (held, next) -> {
                    PossibleMatch stronger = STRONGEST_FIRST.compare(next, held) < 0 ? next : held;
                    return new PossibleMatch(stronger.profile(), stronger.record(), stronger.review(),
                            held.keptApart() || next.keptApart());
                });
            }
        }
        // the floor applies to each profile's best pair, after keptApart has been gathered from all its pairs
        return best.values().stream().filter(m -> m.review().score() >= POSSIBLE_MATCH_FLOOR)
                .sorted(STRONGEST_FIRST.thenComparing(PossibleMatch::profile)).limit(limit).toList();
    }

    /** The least score of a pair that makes its profile a possible match: as much evidence for as against. */
    static final double POSSIBLE_MATCH_FLOOR = 0.0;

    /** Links first, then by score. */
    static final Comparator<PossibleMatch> STRONGEST_FIRST = Comparator
            .comparing((PossibleMatch m) -> !MatchPolicy.Review.LINKS.equals(m.review().verdict()))
            .thenComparing(Comparator.comparingDouble((PossibleMatch m) -> m.review().score()).reversed());

    /** The candidates a record would be compared with now: what {@link #resolve} sees. */
    public List<Candidate> candidates(CustomerRecord record) {
        return gather(new ProfileStore.CandidateQuery(record.id(), record.identifiers(),
                policy.blockingKeys(record), maxBlock, MAX_BLOCK_CANDIDATES)).candidates();
    }

    /**
     * True when the policy would keep the record where it is, with no other profile joining. Cheap when
     * the candidates are the ones decided on, unchanged (same versions); otherwise decided again in full.
     */
    private boolean settled(CustomerRecord record, ProfileStore.CandidateQuery query, ProfileId home,
            Gathered before) {
        Gathered now = gather(query);
        if (ProfileStore.unchanged(now.versions(), before.versions(), home)) {
            return true;
        }
        return joined(record, now).stream().allMatch(link -> link.profile().equals(home));
    }

    /**
     * The profiles the record joins. The profile holding it always stays (moving a record out is an
     * explicit split). Other links follow the policy, strongest first, skipping any profile that holds a
     * record an agent separated from this one, or from a profile already chosen.
     */
    private List<Link> joined(CustomerRecord record, Gathered gathered) {
        boolean claimed = golden.claimed(record.id());
        List<Candidate> candidates = claimed ? gathered.candidates() : vouchedFor(record, gathered.candidates());
        Map<ProfileId, Candidate> byId = new LinkedHashMap<>();
        candidates.forEach(c -> byId.put(c.profile().id(), c));
        Set<ProfileId> holders = holders(gathered, record); // from the candidates as found, as plan() sees them
        Map<ProfileId, Link> links = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            if (holders.contains(candidate.profile().id())) {
                links.put(candidate.profile().id(), new Link(candidate.profile().id(), "source-id",
                        List.of(SOURCE_ID), null, List.of()));
            }
        }
        for (Candidate candidate : candidates) {
            if (candidate.foundBy().contains(MUST_LINK)) {
                // also where the record already is: the decision, not its earlier arrival, keeps it there
                links.put(candidate.profile().id(), new Link(candidate.profile().id(), MANUAL_MERGE,
                        List.of(MUST_LINK), null, List.of()));
            }
        }
        List<Link> decided = new ArrayList<>(policy.decide(record, candidates, gathered.blockSizes()));
        decided.sort(Comparator.comparing((Link l) -> l.score() == null ? Double.POSITIVE_INFINITY : l.score())
                .reversed()
                .thenComparing(l -> byId.get(l.profile()).profile().createdAt())
                .thenComparing(Link::profile));
        for (Link link : decided) {
            // a person's decision stays the reason (the explanation shows it), whatever matching adds
            links.merge(link.profile(), link, (held, fresh) -> MANUAL_MERGE.equals(held.rule()) ? held : fresh);
        }
        if (links.isEmpty()) {
            return List.of();
        }
        Set<SourceRecordId> forbidden = gathered.cannotLink();
        List<Link> chosen = new ArrayList<>();
        Set<SourceRecordId> chosenRecords = new java.util.HashSet<>();
        Set<ProfileId> guesses = new java.util.HashSet<>();
        for (Link link : links.values()) {
            Candidate candidate = byId.get(link.profile());
            boolean forced = holders.contains(candidate.profile().id());
            // a must-link overrides matching (the veto included), never a cannot-link decision
            boolean joinedByPerson = candidate.foundBy().contains(MUST_LINK);
            if (!forced && candidate.profile().records().stream().anyMatch(forbidden::contains)) {
                continue;
            }
            if (!chosen.isEmpty() && !forced && separatedFrom(candidate, chosenRecords)) {
                // kept apart by a person: like profiles that may not merge, matching both about equally well
                // makes joining either a guess (twins split by an agent, a record with only their surname)
                chosen.stream()
                        .filter(c -> separatedFrom(candidate, Set.copyOf(byId.get(c.profile()).profile().records())))
                        .filter(c -> closeCall(holders.contains(c.profile()), byId.get(c.profile()), c, link))
                        .forEach(c -> guesses.add(c.profile()));
                continue;
            }
            if (!forced && !joinedByPerson) {
                // a claimed record joins at most one profile holding records of other sources: anyone can
                // send one person's email with another's phone number, which would merge their profiles
                boolean vouching = claimed && vouching(candidate);
                List<Link> refusedBy = chosen.stream()
                        .filter(c -> !policy.mayMerge(record, byId.get(c.profile()), candidate)
                                || vouching && vouching(byId.get(c.profile())))
                        .toList();
                if (!refusedBy.isEmpty()) {
                    refusedBy.stream().filter(c -> closeCall(holders.contains(c.profile()), byId.get(c.profile()), c, link))
                            .forEach(c -> guesses.add(c.profile()));
                    continue;
                }
            }
            chosen.add(link);
            chosenRecords.addAll(candidate.profile().records());
        }
        if (!guesses.isEmpty()) {
            // it resembles people who are clearly not one another about equally: evidence for none of them
            chosen = chosen.stream().filter(l -> !guesses.contains(l.profile())).toList();
        }
        return finishingHalfDoneMerges(chosen, gathered.candidates(), forbidden);
    }

    /**
     * The candidates that hold the record, which it stays with whatever matching says: a profile that lists
     * it. An index entry alone is not enough: one left behind (a record an agent moved out, refused on the
     * way) would make a record join where it is not, past the decisions that keep it apart. A profile that
     * lists the record but was found through another key (its source entry lost) still keeps it, so an
     * update that matching alone would not join to it makes no second copy elsewhere. When several list it
     * (a merge that stopped halfway on Redis Cluster), only the one its source entry names holds it; the
     * others go through the decisions like any candidate ({@link #finishingHalfDoneMerges}).
     */
    private static Set<ProfileId> holders(Gathered gathered, CustomerRecord record) {
        List<Candidate> listing = gathered.candidates().stream()
                .filter(c -> c.profile().records().contains(record.id())).toList();
        if (listing.size() <= 1) {
            return listing.isEmpty() ? Set.of() : Set.of(listing.get(0).profile().id());
        }
        Set<ProfileId> named = new java.util.HashSet<>();
        listing.stream().filter(c -> c.foundBy().contains(SOURCE_ID)).forEach(c -> named.add(c.profile().id()));
        if (named.isEmpty()) {
            // the entry is lost too: the oldest, as a merge keeps it (the survivor of the one that stopped),
            // among those holding no record an agent separated from this one
            listing.stream().filter(c -> c.profile().records().stream().noneMatch(gathered.cannotLink()::contains))
                    .min(Comparator.comparing((Candidate c) -> c.profile().createdAt())
                            .thenComparing(c -> c.profile().id()))
                    .ifPresent(c -> named.add(c.profile().id()));
        }
        return named;
    }

    /**
     * {@code chosen} plus every other candidate whose records a chosen profile all holds too. A record is
     * in one profile; in two live ones only when a merge stopped between writing its survivor (which holds
     * the absorbed profiles' records) and forwarding the absorbed profiles, two steps on Redis Cluster.
     * Such a profile was decided to be part of the survivor already and holds nothing the survivor does
     * not, so the record joining the survivor finishes the merge, whatever matching says about it (a later
     * record found through its keys may look like a namesake only); only newer copies of the same records
     * come along. One that gained a record of its own since is left to matching: finishing would bring that
     * record in by no one's decision. A profile holding a record separated from this one stays out.
     */
    private static List<Link> finishingHalfDoneMerges(List<Link> chosen, List<Candidate> candidates,
            Set<SourceRecordId> forbidden) {
        if (chosen.isEmpty() || candidates.size() < 2) {
            return chosen;
        }
        Set<ProfileId> chosenIds = new java.util.HashSet<>();
        chosen.forEach(l -> chosenIds.add(l.profile()));
        Set<SourceRecordId> held = new java.util.HashSet<>();
        for (Candidate c : candidates) {
            if (chosenIds.contains(c.profile().id())) {
                held.addAll(c.profile().records());
            }
        }
        List<Link> withRepairs = null;
        for (Candidate c : candidates) {
            List<SourceRecordId> records = c.profile().records();
            if (!chosenIds.contains(c.profile().id()) && held.containsAll(records)
                    && records.stream().noneMatch(forbidden::contains)) {
                if (withRepairs == null) {
                    withRepairs = new ArrayList<>(chosen);
                }
                withRepairs.add(new Link(c.profile().id(), SHARED_RECORD, List.of(SHARED_RECORD), null, List.of()));
            }
        }
        return withRepairs == null ? chosen : withRepairs;
    }

    /** True when the candidate holds a record of a source that is not claimed. */
    private boolean vouching(Candidate candidate) {
        return candidate.records().stream().anyMatch(r -> !golden.claimed(r.id()));
    }

    /**
     * The candidates as a record of a source that is not claimed sees them: a profile that also holds
     * records of other sources is compared through those only, and found only through the identifiers
     * they share with the record. A claimed record vouches for no one: someone who answered a survey with
     * another person's email and their own phone number is on that person's profile, but a later support
     * request from that phone number does not join it; nor can such a record veto a join. A profile of
     * claimed records alone (a web visitor who identified herself) is compared as it is, so her CRM record
     * still finds it.
     */
    private List<Candidate> vouchedFor(CustomerRecord record, List<Candidate> candidates) {
        if (!golden.claimsAny()) {
            return candidates;
        }
        List<Candidate> seen = new ArrayList<>(candidates.size());
        Set<String> blocks = null;
        for (Candidate candidate : candidates) {
            List<CustomerRecord> vouching = candidate.records().stream().filter(r -> !golden.claimed(r.id())).toList();
            if (vouching.isEmpty() || vouching.size() == candidate.records().size()) {
                seen.add(candidate);
                continue;
            }
            Set<String> foundBy = new TreeSet<>();
            for (String label : candidate.foundBy()) {
                if (BLOCK.equals(label)) {
                    if (blocks == null) {
                        blocks = policy.blockingKeys(record);
                    }
                    if (sharesBlock(blocks, vouching)) {
                        foundBy.add(label);
                    }
                } else if (SOURCE_ID.equals(label) || MUST_LINK.equals(label)
                        || sharedIdentifier(record, vouching, label)) {
                    foundBy.add(label);
                }
            }
            if (!foundBy.isEmpty()) {
                // the policy reads identifiers (a shared external id links) from the profile too
                Profile profile = candidate.profile();
                Profile seenAs = new Profile(profile.id(), profile.golden(), golden.identifiers(vouching),
                        profile.records(), profile.createdAt(), profile.updatedAt(), profile.version());
                seen.add(new Candidate(seenAs, vouching, foundBy));
            }
        }
        return seen;
    }

    /** True when one of {@code records} has one of these blocking keys. */
    private boolean sharesBlock(Set<String> blocks, List<CustomerRecord> records) {
        for (CustomerRecord r : records) {
            for (String key : policy.blockingKeys(r)) {
                if (blocks.contains(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when one of {@code records} has an identifier of type {@code code} that the record has too. */
    private static boolean sharedIdentifier(CustomerRecord record, List<CustomerRecord> records, String code) {
        for (Identifier identifier : record.identifiers()) {
            if (identifier.type().code().equals(code)
                    && records.stream().anyMatch(r -> r.identifiers().contains(identifier))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a matched profile that was kept and one that may not merge with it explain the record
     * about equally well (scores within {@value #AMBIGUITY_BITS} bits either way): a record with nothing
     * but "Amelia Williams, London" beside several such namesakes. Keeping the first would be a guess, so
     * the record does not join it. The profile already holding the record, or one a person joined it
     * with, is never a guess.
     */
    private static boolean closeCall(boolean keptHolds, Candidate keptCandidate, Link kept, Link refused) {
        return !keptHolds && !keptCandidate.foundBy().contains(MUST_LINK)
                && PROBABILISTIC.equals(kept.rule()) && PROBABILISTIC.equals(refused.rule())
                && kept.score() != null && refused.score() != null
                && Math.abs(kept.score() - refused.score()) <= AMBIGUITY_BITS;
    }

    private boolean separatedFrom(Candidate candidate, Set<SourceRecordId> records) {
        for (SourceRecordId id : candidate.profile().records()) {
            if (store.cannotLink(id).stream().anyMatch(records::contains)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits a profile: the chosen records move out, and every record of the profile is resolved again
     * with the decision remembered (cannot-link between moved and remaining records), so matching never
     * puts them back together. The old id forwards to the profile that the remaining records now form.
     * Must-link decisions between moved and remaining records are dropped (the newer decision wins); the
     * others hold: records a person joined stay together, also with records in other profiles.
     *
     * @throws IllegalArgumentException when {@code moveOut} is empty, covers every record, or names a
     *                                  record the profile does not hold
     * @throws java.util.NoSuchElementException when there is no such profile
     * @throws java.util.ConcurrentModificationException when the profile changed meanwhile (retry)
     * @throws MustLinkConflictException when a chain of must-link decisions through a record outside the
     *                                   two sides joins records the split separates (nothing changed)
     */
    public SplitResult split(ProfileId id, Set<SourceRecordId> moveOut) {
        return split(id, moveOut, null, moved -> {});
    }

    /**
     * {@link #split(ProfileId, Set)}, then {@code followUp} with where the records went (what follows a
     * profile, its CX timeline and consent, moves there: {@code CxIdentityHooks.afterMoved}) before the
     * records are let go: until then they stay held in Redis, so a process that stops midway leaves
     * nothing lost, and {@link #finishDissolved} completes the split (decisions, records, follow-up).
     */
    public SplitResult split(ProfileId id, Set<SourceRecordId> moveOut,
            java.util.function.Consumer<ReResolution.Moved> followUp) {
        return split(id, moveOut, null, followUp);
    }

    /**
     * {@link #split(ProfileId, Set, java.util.function.Consumer)} of a profile the caller saw holding exactly
     * {@code expected} (null: not checked): a profile that holds other records now (a merge brought some
     * in, or its id forwards elsewhere) is refused with a {@link java.util.ConcurrentModificationException}
     * and nothing changes, so the split never separates records the caller did not see. The check is made
     * against the version the dissolve is guarded by.
     */
    public SplitResult split(ProfileId id, Set<SourceRecordId> moveOut, Set<SourceRecordId> expected,
            java.util.function.Consumer<ReResolution.Moved> followUp) {
        Profile profile = store.find(id).orElseThrow(() -> new java.util.NoSuchElementException("no profile " + id));
        List<CustomerRecord> records = store.records(profile.id());
        Set<SourceRecordId> held = new TreeSet<>(profile.records());
        if (expected != null && (!profile.id().equals(id) || !held.equals(new TreeSet<>(expected)))) {
            throw new java.util.ConcurrentModificationException("profile " + id + " is not what the caller saw");
        }
        if (moveOut.isEmpty() || !held.containsAll(moveOut) || moveOut.containsAll(held)) {
            throw new IllegalArgumentException(
                    "choose at least one and not all of the records the profile holds");
        }
        refuseNewConflicts(held, moveOut, held.stream().filter(r -> !moveOut.contains(r)).toList());
        // dissolved first, checked against the version read: a profile that changed meanwhile is refused
        // with no decision written (the caller retries); the records stay held in Redis, with the records
        // moved out, until they are resolved again and followed up
        if (!store.dissolve(profile.id(), profile.version(), moveOut)) {
            throw new java.util.ConcurrentModificationException("profile " + id + " changed during the split");
        }
        return completeSplit(profile.id(), records, moveOut, true, followUp);
    }

    /**
     * The rest of a split once its profile is dissolved (also when a stopped process left it): the
     * decisions come before any record is resolved again, the remaining records are resolved first.
     */
    private SplitResult completeSplit(ProfileId id, List<CustomerRecord> records, Set<SourceRecordId> moveOut,
            boolean decide, java.util.function.Consumer<ReResolution.Moved> followUp) {
        List<CustomerRecord> moved = records.stream().filter(r -> moveOut.contains(r.id())).toList();
        List<CustomerRecord> rest = records.stream().filter(r -> !moveOut.contains(r.id())).toList();
        for (CustomerRecord m : decide ? moved : List.<CustomerRecord>of()) {
            for (CustomerRecord r : rest) {
                store.addCannotLink(m.id(), r.id());
                store.removeMustLink(m.id(), r.id()); // the newer decision wins
            }
        }
        unindexDissolved(id, records);
        ProfileResolver held = forHeldRecords(); // held records: refused only when erased themselves
        ReResolution.Merges merges = new ReResolution.Merges(); // a record may join two other profiles again
        for (CustomerRecord record : rest) {
            merges.resolve(held, record, id);
        }
        for (CustomerRecord record : moved) {
            merges.resolve(held, record, id);
        }
        List<ProfileId> restProfiles = liveProfiles(rest);
        List<ProfileId> movedProfiles = liveProfiles(moved);
        // the remaining records' first profile takes the old id; when every one was erased meanwhile, the old
        // id forwards nowhere: never to a profile of the records an agent said are someone else
        followUpDissolved(id, records, restProfiles.isEmpty() ? null : restProfiles.get(0), restProfiles.isEmpty(),
                followUp, merges.ended(), "split");
        return new SplitResult(id, restProfiles, movedProfiles);
    }

    /** Takes a dissolved profile out of the indexes its records filed it under (this policy's keys and the default's). */
    void unindexDissolved(ProfileId id, List<CustomerRecord> records) {
        Set<String> blocks = new LinkedHashSet<>();
        Set<Identifier> identifiers = new LinkedHashSet<>();
        records.forEach(r -> {
            // whatever policy filed the record before, its keys go: this one's and the default's
            blocks.addAll(policy.blockingKeys(r));
            blocks.addAll(dev.tessera.core.identity.match.BlockingKeys.keys(r));
            identifiers.addAll(r.identifiers());
        });
        store.unindex(id, identifiers, blocks);
    }

    /**
     * After a dissolved profile's records were resolved again: the old id forwards to {@code forwardTo}
     * (else, unless {@code nowhere}, to the profile holding most of them), {@code followUp} learns where
     * each went, the change feed gets {@code announcement} for the old id, and only then are the held
     * records let go: a process that stops before the release leaves the work to {@link #finishDissolved},
     * which announces it again (at least once, never lost).
     */
    void followUpDissolved(ProfileId id, List<CustomerRecord> records, ProfileId forwardTo, boolean nowhere,
            java.util.function.Consumer<ReResolution.Moved> followUp, Map<ProfileId, ProfileId> merged,
            String announcement) {
        Map<ProfileId, Set<SourceRecordId>> homes = new LinkedHashMap<>();
        for (CustomerRecord r : records) {
            store.findBySource(r.id()).ifPresent(home -> homes.computeIfAbsent(home, h -> new LinkedHashSet<>())
                    .add(r.id()));
        }
        ProfileId target = forwardTo != null || nowhere ? forwardTo
                : homes.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                        .map(Map.Entry::getKey).orElse(null); // first of equals: the earliest record's
        if (target != null) {
            store.forwardDissolved(id, target);
            Map<ProfileId, Set<SourceRecordId>> to = new LinkedHashMap<>();
            to.put(target, homes.getOrDefault(target, new LinkedHashSet<>()));
            homes.forEach(to::putIfAbsent);
            followUp.accept(new ReResolution.Moved(id, to, merged, true));
        } else if (!homes.isEmpty() || !merged.isEmpty()) {
            // no forward (every remaining record erased meanwhile): the records that were resolved again take
            // their own interactions; nothing else of the old id goes anywhere
            followUp.accept(new ReResolution.Moved(id, homes, merged, false));
        }
        store.publishChange(id, announcement);
        store.releaseDissolved(id);
    }

    /**
     * Finishes what a process that stopped midway left of a split or a re-resolution: every dissolved
     * profile whose records are still held and that was dissolved at least {@code grace} ago (so a split
     * in progress elsewhere is left alone) has its records resolved again as the split or re-resolution
     * would have, its old id forwarded, and {@code followUp} told where they went. Records of people erased
     * meanwhile are refused, as on ingestion. Idempotent; several processes may run it.
     *
     * @return the dissolved profiles finished
     */
    public List<ProfileId> finishDissolved(java.time.Duration grace,
            java.util.function.Consumer<ReResolution.Moved> followUp) {
        List<ProfileId> finished = new ArrayList<>();
        RuntimeException failure = null;
        for (ProfileId id : store.dissolvedHeld()) {
            if (!store.claimDissolved(id, grace.toMillis())) {
                continue; // dissolved just now (in progress), or finished by another process
            }
            try {
                finishDissolved(id, followUp);
                finished.add(id);
            } catch (RuntimeException e) {
                // still held, claimed now: tried again after the grace; the others go on
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return finished;
    }

    private void finishDissolved(ProfileId id, java.util.function.Consumer<ReResolution.Moved> followUp) {
        List<CustomerRecord> records = store.dissolvedRecords(id);
        Set<SourceRecordId> moveOut = store.splitOut(id);
        if (records.isEmpty()) {
            store.releaseDissolved(id);
        } else if (!moveOut.isEmpty()) {
            // once the old id forwards, the split had written its decisions before it stopped: writing them
            // again would undo a newer decision an agent made since (a merge back with its override)
            boolean forwarded = store.canonical(id).isPresent();
            completeSplit(id, records, moveOut, !forwarded, followUp);
        } else {
            List<CustomerRecord> ordered = records.stream().sorted(ReResolution.ORDER).toList();
            unindexDissolved(id, ordered);
            ReResolution.Merges merges = new ReResolution.Merges();
            ProfileResolver held = forHeldRecords();
            ordered.forEach(r -> merges.resolve(held, r, id));
            followUpDissolved(id, ordered, null, false, followUp, merges.ended(), "re-resolved");
        }
    }

    /**
     * Refuses a split that would contradict must-link decisions: when a chain of must-links that does not
     * run only between the two sides (a record of another profile joined with both, say) would join
     * records the split separates. Conflicts that exist already are not the split's to settle.
     */
    private void refuseNewConflicts(Set<SourceRecordId> held, Set<SourceRecordId> moved, List<SourceRecordId> rest) {
        Set<SourceRecordId> before = new MustLinkGroups(store).conflicts(held);
        Set<SourceRecordId> after = new MustLinkGroups(store).assumingSplit(moved, rest).conflicts(held);
        after.removeAll(before);
        if (!after.isEmpty()) {
            throw new MustLinkConflictException("the split contradicts must-link decisions", after);
        }
    }

    /**
     * Refuses a manual merge that would contradict decisions: when the must-links it adds chain the two
     * profiles' records to a record that an agent separated from one of them (a record of a third profile
     * joined with one side and separated from the other, say). Conflicts that exist already are not the
     * merge's to settle.
     */
    private void refuseMergeConflicts(SourceRecordId anchor, List<SourceRecordId> kept, List<SourceRecordId> moved) {
        List<SourceRecordId> both = new ArrayList<>(kept);
        both.addAll(moved);
        Set<SourceRecordId> before = new MustLinkGroups(store).conflicts(both);
        Set<SourceRecordId> after = new MustLinkGroups(store).assumingMerge(anchor, kept, moved).conflicts(both);
        after.removeAll(before);
        if (!after.isEmpty()) {
            throw new MustLinkConflictException("the merge contradicts earlier decisions", after);
        }
    }

    /** How often a manual merge re-reads and tries again when a profile changes under it. */
    private static final int MERGE_ATTEMPTS = 8;

    /**
     * Merges two profiles because a person decided they are one customer (must-link), whatever matching
     * says: the older profile survives (as in every merge), takes the other's records, and the other id
     * forwards to it. The decision is kept with the records ({@link ProfileStore#mustLink}), each moved
     * record's evidence says {@code manual-merge}. Interactions are the caller's to move
     * ({@code CxIdentityHooks.afterMerge}). When an agent kept records of the two profiles apart
     * (cannot-link, e.g. by a split), the merge is refused unless {@code overrideKeptApart}: then those
     * decisions are dropped (the newer decision wins).
     *
     * @throws KeptApartException when records of the two profiles were kept apart and
     *                            {@code overrideKeptApart} is false (nothing changed)
     * @throws java.util.NoSuchElementException when either profile does not exist
     * @throws IllegalArgumentException when both ids stand for the same profile
     * @throws java.util.ConcurrentModificationException when the profiles kept changing meanwhile (retry)
     * @throws MustLinkConflictException when the decision would chain records an agent separated (nothing
     *                                   changed)
     */
    public Resolution merge(ProfileId first, ProfileId second, MergeDecision decision, boolean overrideKeptApart) {
        return merge(first, second, decision, overrideKeptApart, false);
    }

    /**
     * {@link #merge(ProfileId, ProfileId, MergeDecision, boolean)}; with {@code exactIds}, an id that forwards
     * (merged away or split since the caller read it) is refused with a
     * {@link java.util.ConcurrentModificationException} instead of followed, so the decision never joins
     * records the caller did not see.
     */
    public Resolution merge(ProfileId first, ProfileId second, MergeDecision decision, boolean overrideKeptApart,
            boolean exactIds) {
        List<CustomerRecord> tried = null; // the records of the attempt before: {kept anchor, moved...}
        for (int attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
            Profile a = store.find(first).orElseThrow(() -> new java.util.NoSuchElementException("no profile " + first));
            Profile b = store.find(second).orElseThrow(() -> new java.util.NoSuchElementException("no profile " + second));
            if (tried != null && a.id().equals(b.id())) {
                // matching merged the two while this attempt wrote: the agent's decision is still recorded,
                // so that a later split or re-resolution does not part them
                SourceRecordId anchor = tried.get(0).id();
                tried.subList(1, tried.size()).forEach(m -> store.addMustLink(anchor, m.id(), decision));
                return new Resolution(a.id(), Outcome.MERGED, List.of(a.id().equals(first) ? second : first));
            }
            if (exactIds && (!a.id().equals(first) || !b.id().equals(second))) {
                throw new java.util.ConcurrentModificationException("a profile forwards elsewhere now");
            }
            if (a.id().equals(b.id())) {
                throw new IllegalArgumentException("the two ids stand for the same profile");
            }
            Comparator<Profile> age = Comparator.comparing(Profile::createdAt).thenComparing(Profile::id);
            Profile survivor = age.compare(a, b) <= 0 ? a : b;
            Profile absorbed = survivor == a ? b : a;
            List<CustomerRecord> kept = store.records(survivor.id());
            List<CustomerRecord> moved = store.records(absorbed.id());
            if (kept.isEmpty() || moved.isEmpty()) {
                continue; // merged away or dissolved since it was read: read both again
            }
            if (!overrideKeptApart) {
                refuseKeptApart(kept, moved);
            }
            refuseMergeConflicts(kept.get(0).id(), kept.stream().map(CustomerRecord::id).toList(),
                    moved.stream().map(CustomerRecord::id).toList());
            tried = new ArrayList<>();
            tried.add(kept.get(0));
            tried.addAll(moved);
            Map<SourceRecordId, CustomerRecord> records = new LinkedHashMap<>();
            kept.forEach(r -> records.put(r.id(), r));
            moved.forEach(r -> records.put(r.id(), r));
            Instant now = decision.at();
            List<Identifier> identifiers = golden.identifiers(records.values());
            Profile updated = new Profile(survivor.id(), golden.golden(records.values()), identifiers,
                    List.copyOf(records.keySet()), survivor.createdAt(), now, survivor.version() + 1);
            List<LinkEvidence> evidence = moved.stream()
                    .map(r -> LinkEvidence.exact(r.id(), MANUAL_MERGE, List.of(), List.of(absorbed.id()), now))
                    .toList();
            List<Identifier> removed = new ArrayList<>(survivor.identifiers());
            removed.removeAll(identifiers);
            Set<String> movedBlocks = new LinkedHashSet<>();
            moved.forEach(r -> movedBlocks.addAll(policy.blockingKeys(r)));
            SourceRecordId anchor = kept.get(0).id();
            if (store.mergesAtomically()) {
                // in one step, each profile at the version read: a profile erased, split or grown meanwhile
                // is never copied without being forwarded; read both again. The agent's decision is written
                // in that step too, so a stop right after the merge cannot leave it out
                // keep-apart entries between the two sides exist only when the agent overrides them
                // (refuseKeptApart refused otherwise): lifting them is kept x moved arguments, sent only then
                ProfileStore.AgentMerge agent = new ProfileStore.AgentMerge(anchor,
                        overrideKeptApart ? kept.stream().map(CustomerRecord::id).toList() : List.of(),
                        moved.stream().map(CustomerRecord::id).toList(), decision);
                if (store.mergeWrite(updated, survivor.version(), moved, evidence,
                        Map.of(absorbed.id(), absorbed.version()), List.of(), agent) != ProfileStore.Written.WRITTEN) {
                    continue;
                }
            } else {
                if (!store.write(updated, survivor.version(), moved, evidence)) {
                    continue;
                }
                if (!store.forward(absorbed.id(), absorbed.version(), survivor.id())) {
                    // the survivor already holds the records: index them (as resolve does), then try again
                    store.index(survivor.id(), identifiers, removed, records.keySet(), movedBlocks);
                    continue;
                }
            }
            store.index(survivor.id(), identifiers, removed, records.keySet(), movedBlocks);
            store.unindex(absorbed.id(), absorbed.identifiers(), movedBlocks);
            if (!store.mergesAtomically()) { // the one-step merge wrote the decision and announced itself
                // after the merge, not before: a merge refused after its decisions were written (a profile
                // forwards elsewhere now) would leave must-links the agent was told did not happen
                for (CustomerRecord m : moved) {
                    store.addMustLink(anchor, m.id(), decision);
                    // keep-apart entries between the sides exist only when the agent overrides them
                    for (CustomerRecord k : overrideKeptApart ? kept : List.<CustomerRecord>of()) {
                        store.removeCannotLink(k.id(), m.id());
                    }
                }
                store.publishChange(absorbed.id(), "merged-away");
                store.publishChange(survivor.id(), "merged");
            }
            return new Resolution(survivor.id(), Outcome.MERGED, List.of(absorbed.id()));
        }
        throw new java.util.ConcurrentModificationException("profiles " + first + " and " + second
                + " kept changing during the merge");
    }

    /** {@link #merge(ProfileId, ProfileId, MergeDecision, boolean)} that never overrides a keep-apart decision. */
    public Resolution merge(ProfileId first, ProfileId second, MergeDecision decision) {
        return merge(first, second, decision, false);
    }

    private void refuseKeptApart(List<CustomerRecord> kept, List<CustomerRecord> moved) {
        Set<SourceRecordId> movedIds = new java.util.HashSet<>();
        moved.forEach(r -> movedIds.add(r.id()));
        Set<SourceRecordId> separated = new TreeSet<>();
        for (CustomerRecord k : kept) {
            for (SourceRecordId other : store.cannotLink(k.id())) {
                if (movedIds.contains(other)) {
                    separated.add(k.id());
                    separated.add(other);
                }
            }
        }
        if (!separated.isEmpty()) {
            throw new KeptApartException(separated);
        }
    }

    /** The rule in the evidence of records a person merged in. */
    public static final String MANUAL_MERGE = "manual-merge";

    private List<ProfileId> liveProfiles(List<CustomerRecord> records) {
        return records.stream()
                .flatMap(r -> store.findBySource(r.id()).stream()) // none for a record refused (erased)
                .distinct()
                .toList();
    }

    /** Where the records of a split profile went. */
    public record SplitResult(ProfileId split, List<ProfileId> remaining, List<ProfileId> movedOut) {}

    /**
     * What a record's decision comes to before anything is written: one profile write (a new profile, or
     * one profile gaining or updating the record: {@code write}), nothing to write ({@code done}:
     * unchanged), or a merge of several profiles (the rest of the fields, for {@link #merge}).
     */
    private record Plan(Single write, Attempted done, Candidate survivor,
            List<Candidate> absorbed, Map<SourceRecordId, CustomerRecord> records, List<CustomerRecord> toWrite,
            List<LinkEvidence> evidence, Profile updated, List<Identifier> identifiers, List<Identifier> removed,
            Set<String> movedBlocks, List<ProfileId> mergedIds, Set<String> staleBlocks) {

        static Plan write(Single write) {
            return new Plan(write, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        static Plan done(Attempted done) {
            return new Plan(null, done, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /** A single profile write and what it means for the record when it succeeds. */
    private record Single(ProfileStore.WriteRequest request, Resolution outcome, Set<String> staleBlocks) {

        Single(ProfileStore.WriteRequest request, Resolution outcome) {
            this(request, outcome, Set.of());
        }
    }

    /** One optimistic attempt; empty when another writer interfered and the caller should retry. */
    private Optional<Attempted> attempt(CustomerRecord record, ProfileStore.CandidateQuery query,
            Gathered gathered, List<String> refuse) {
        Plan plan = plan(record, query, gathered, refuse);
        if (plan.done() != null) {
            return Optional.of(plan.done());
        }
        if (plan.write() != null) {
            return attempted(plan.write(), store.writeAndIndex(plan.write().request()));
        }
        return merge(plan, refuse);
    }

    /**
     * What a planned single write came to; empty on a version conflict (retry). A written update also takes
     * the profile out of the blocks its record had before and no record of it has now.
     */
    private Optional<Attempted> attempted(Single write, ProfileStore.Written written) {
        if (written == ProfileStore.Written.CONFLICT) {
            return Optional.empty();
        }
        if (written == ProfileStore.Written.ERASED) {
            return Optional.of(new Attempted(Resolution.erased(), true));
        }
        if (!write.staleBlocks().isEmpty()) {
            dropStaleBlocks(write.request().profile(), write.staleBlocks());
        }
        return Optional.of(new Attempted(write.outcome(), written == ProfileStore.Written.SETTLED));
    }

    /**
     * Takes the profile just written out of blocks none of its records has now. Best effort: the record is
     * stored whatever happens here (an entry left costs what it cost before). On a single node one script
     * removes them if the profile is still at the version written; on Redis Cluster they are removed first
     * and the keys of the records the profile holds then are filed again, so a record written meanwhile
     * keeps its entries and both topologies end with the same blocks (block sizes steer matching).
     */
    private void dropStaleBlocks(Profile profile, Set<String> stale) {
        try {
            if (!store.connection().cluster()) {
                store.unindexStaleBlocks(profile.id(), profile.version(), stale);
                return;
            }
            store.removeFromIndex(stale.stream().map(store.namespace()::block).toList(), List.of(profile.id().value()));
            Set<String> back = new LinkedHashSet<>();
            store.records(profile.id()).forEach(r -> back.addAll(policy.blockingKeys(r)));
            back.retainAll(stale);
            if (!back.isEmpty()) {
                store.index(profile.id(), List.of(), List.of(), List.of(), back);
            }
        } catch (RuntimeException e) {
            log.warn("Profile {} stays filed under {} block(s) its records no longer have: {}", profile.id(),
                    stale.size(), e.toString());
        }
    }

    /** The blocking keys of {@code replaced} that none of {@code now} has (the profile is filed under them for nothing). */
    private Set<String> staleBlocks(List<CustomerRecord> replaced, java.util.Collection<CustomerRecord> now) {
        Set<String> stale = new LinkedHashSet<>();
        replaced.forEach(r -> stale.addAll(policy.blockingKeys(r)));
        for (CustomerRecord r : now) {
            if (stale.isEmpty()) {
                break;
            }
            stale.removeAll(policy.blockingKeys(r));
        }
        return stale;
    }

    private Plan plan(CustomerRecord record, ProfileStore.CandidateQuery query, Gathered gathered,
            List<String> refuse) {
        List<Candidate> candidates = gathered.candidates();
        Set<ProfileId> holders = holders(gathered, record);
        // an older copy of a record a profile holds newer: the record is not what it says any more, so it
        // decides nothing (matching it would merge on data the record no longer has); when a profile holds
        // it, only that one's copy counts (another that lists it is a leftover, and is not reported)
        for (Candidate holder : candidates) {
            if (!holders.isEmpty() && !holders.contains(holder.profile().id())) {
                continue;
            }
            for (CustomerRecord held : holder.records()) {
                if (held.id().equals(record.id()) && held.observedAt().isAfter(record.observedAt())) {
                    return unchanged(holder, record, holders.contains(holder.profile().id()));
                }
            }
        }
        List<Link> links = joined(record, gathered);
        Instant now = clock.instant();
        if (links.isEmpty()) {
            return Plan.write(create(record, query, gathered, now, refuse));
        }
        Map<ProfileId, Candidate> byId = new LinkedHashMap<>();
        candidates.forEach(c -> byId.put(c.profile().id(), c));
        List<Candidate> joining = links.stream().map(l -> byId.get(l.profile()))
                .sorted(Comparator.comparing((Candidate c) -> c.profile().createdAt()).thenComparing(c -> c.profile().id()))
                .toList();
        Candidate survivor = joining.get(0);
        List<Candidate> absorbed = joining.subList(1, joining.size());

        Map<SourceRecordId, CustomerRecord> records = new LinkedHashMap<>();
        survivor.records().forEach(r -> records.put(r.id(), r));
        List<CustomerRecord> toWrite = new ArrayList<>();
        List<LinkEvidence> evidence = new ArrayList<>();
        for (Candidate other : absorbed) {
            for (CustomerRecord r : other.records()) {
                // the survivor holds a copy already only after a merge stopped halfway: the newer one stays
                CustomerRecord copy = records.get(r.id());
                if (copy == null || !copy.observedAt().isAfter(r.observedAt())) {
                    records.put(r.id(), r);
                    toWrite.add(r);
                }
            }
            evidence.addAll(store.links(other.profile().id()).values());
        }
        CustomerRecord stored = records.get(record.id());
        if (absorbed.isEmpty() && stored != null
                && (stored.equals(record) || stored.observedAt().isAfter(record.observedAt()))) {
            return unchanged(survivor, record, holders.contains(survivor.profile().id()));
        }
        if (stored == null || !stored.observedAt().isAfter(record.observedAt())) {
            records.put(record.id(), record);
            toWrite.add(record);
        }
        List<ProfileId> mergedIds = absorbed.stream().map(c -> c.profile().id()).toList();
        evidence.add(evidence(record, links, mergedIds, now));
        // the survivor is filed under the blocks of the records it gains, as they are now: not under those of
        // a copy replaced by a newer one (an absorbed profile's old version of this record), nor under this
        // record's when it is an older copy that is not written
        Set<String> movedBlocks = new LinkedHashSet<>();
        if (records.get(record.id()) == record) {
            movedBlocks.addAll(query.blockingKeys());
        }
        for (Candidate other : absorbed) {
            for (CustomerRecord r : other.records()) {
                if (records.get(r.id()) == r) {
                    movedBlocks.addAll(policy.blockingKeys(r));
                }
            }
        }
        // an updated record's old name or address: the profile is no longer filed under what none of its
        // records has (else blocks fill with stale entries and pass the size limit that makes them unread);
        // the survivor was filed under its own copies only, so those replaced by a newer one are what may be
        // stale (this record's, or after a merge stopped halfway one of the absorbed records')
        Set<String> stale = staleBlocks(survivor.records().stream().filter(held -> records.get(held.id()) != held)
                .toList(), records.values());

        Profile current = survivor.profile();
        List<Identifier> identifiers = golden.identifiers(records.values());
        Profile updated = new Profile(current.id(), golden.golden(records.values()), identifiers,
                List.copyOf(records.keySet()), current.createdAt(), now, current.version() + 1);
        List<Identifier> removed = new ArrayList<>(current.identifiers());
        removed.removeAll(identifiers);
        if (absorbed.isEmpty()) {
            // the common case: one profile gains or updates a record; written and indexed together
            Outcome outcome = stored != null ? Outcome.UPDATED : Outcome.LINKED;
            ProfileStore.IndexUpdate index = new ProfileStore.IndexUpdate(identifiers, removed,
                    records.keySet(), movedBlocks);
            return Plan.write(new Single(new ProfileStore.WriteRequest(updated, current.version(), toWrite, evidence,
                    index, outcome.name().toLowerCase(Locale.ROOT), settleQuery(query, gathered), gathered.versions(),
                    gathered.generation(), refuse), new Resolution(current.id(), outcome, List.of()), stale));
        }
        return new Plan(null, null, survivor, absorbed, records, toWrite, evidence, updated, identifiers, removed,
                movedBlocks, mergedIds, stale);
    }

    /**
     * Nothing to write: the profile has the record already. When it holds it ({@code holds}: see
     * {@link #holders}) and the source index entry did not lead there (it names another profile, as one
     * left behind by a refused record, or none), the entry is pointed there now; never at a profile that
     * only lists it beside the holder.
     */
    private Plan unchanged(Candidate holder, CustomerRecord record, boolean holds) {
        Profile profile = holder.profile();
        if (holds && !holder.foundBy().contains(SOURCE_ID)) {
            store.repairSource(profile.id(), profile.version(), record.id());
        }
        return Plan.done(new Attempted(new Resolution(profile.id(), Outcome.UNCHANGED, List.of()), false));
    }

    /** Writes a planned merge: the survivor first, then forwards, index entries and change-feed entries. */
    private Optional<Attempted> merge(Plan plan, List<String> refuse) {
        Profile current = plan.survivor().profile();
        if (store.mergesAtomically()) {
            // survivor written and the absorbed forwarded in one step, each at the version read: an absorbed
            // profile that changed meanwhile (erased, split, grown) is never copied without being forwarded
            Map<ProfileId, Long> absorbedVersions = new LinkedHashMap<>();
            plan.absorbed().forEach(c -> absorbedVersions.put(c.profile().id(), c.profile().version()));
            ProfileStore.Written merged = store.mergeWrite(plan.updated(), current.version(), plan.toWrite(),
                    plan.evidence(), absorbedVersions, refuse);
            if (merged == ProfileStore.Written.ERASED) {
                return Optional.of(new Attempted(Resolution.erased(), true));
            }
            if (merged != ProfileStore.Written.WRITTEN) {
                return Optional.empty();
            }
            return Optional.of(indexMerge(plan));
        }
        ProfileStore.Written survivorWritten = store.write(plan.updated(), current.version(), plan.toWrite(),
                plan.evidence(), refuse);
        if (survivorWritten == ProfileStore.Written.ERASED) {
            return Optional.of(new Attempted(Resolution.erased(), true));
        }
        if (survivorWritten != ProfileStore.Written.WRITTEN) {
            return Optional.empty();
        }
        List<Identifier> identifiers = plan.identifiers();
        for (Candidate other : plan.absorbed()) {
            if (!store.forward(other.profile().id(), other.profile().version(), current.id())) {
                // The survivor already holds this record and the absorbed ones' records. Index it before
                // trying again: a retry that finds the record in the survivor answers UNCHANGED and would
                // otherwise leave the record without its source index entry (found by a 16-thread test).
                store.index(current.id(), identifiers, plan.removed(), plan.records().keySet(), plan.movedBlocks());
                // and out of the blocks of what it replaced: the retry finds the new copy held, nothing stale
                if (!plan.staleBlocks().isEmpty()) {
                    dropStaleBlocks(plan.updated(), plan.staleBlocks());
                }
                return Optional.empty();
            }
        }
        return Optional.of(indexMerge(plan));
    }

    /** After a merge's write and forwards: the survivor's index entries, the absorbed ones' removed, the feed (unless the write told it). */
    private Attempted indexMerge(Plan plan) {
        Profile current = plan.survivor().profile();
        store.index(current.id(), plan.identifiers(), plan.removed(), plan.records().keySet(), plan.movedBlocks());
        if (!plan.staleBlocks().isEmpty()) {
            dropStaleBlocks(plan.updated(), plan.staleBlocks());
        }
        for (Candidate other : plan.absorbed()) {
            Set<String> otherBlocks = new LinkedHashSet<>();
            other.records().forEach(r -> otherBlocks.addAll(policy.blockingKeys(r)));
            store.unindex(other.profile().id(), other.profile().identifiers(), otherBlocks);
            if (!store.mergesAtomically()) { // the one-step merge announced itself
                store.publishChange(other.profile().id(), "merged-away");
            }
        }
        if (!store.mergesAtomically()) {
            store.publishChange(current.id(), "merged");
        }
        return new Attempted(new Resolution(current.id(), Outcome.MERGED, plan.mergedIds()), false);
    }

    private static LinkEvidence evidence(CustomerRecord record, List<Link> links, List<ProfileId> merged,
            Instant now) {
        Link best = links.stream()
                .max(Comparator.comparing((Link l) -> l.score() == null ? Double.NEGATIVE_INFINITY : l.score()))
                .orElseThrow();
        Set<String> matchedOn = new TreeSet<>();
        links.forEach(l -> matchedOn.addAll(l.matchedOn()));
        boolean decided = links.stream().anyMatch(l -> MANUAL_MERGE.equals(l.rule()));
        String rule = decided ? MANUAL_MERGE : merged.isEmpty() ? best.rule() : "merge";
        return new LinkEvidence(record.id(), rule, List.copyOf(matchedOn), merged, now, best.score(),
                best.contributions());
    }

    /**
     * The query of the store's settle check, which compares candidates found by keys; a record with
     * must-link partners gets none (null) and is checked by {@link #settled}, which looks its partners up.
     */
    private static ProfileStore.CandidateQuery settleQuery(ProfileStore.CandidateQuery query, Gathered gathered) {
        return gathered.mustLink() ? null : query;
    }

    private Single create(CustomerRecord record, ProfileStore.CandidateQuery query,
            Gathered gathered, Instant now, List<String> refuse) {
        ProfileId id = ProfileId.random();
        Profile profile = new Profile(id, golden.golden(List.of(record)), record.identifiers(),
                List.of(record.id()), now, now, 1);
        LinkEvidence evidence = LinkEvidence.exact(record.id(), "new-profile", List.of(), List.of(), now);
        ProfileStore.IndexUpdate index = new ProfileStore.IndexUpdate(record.identifiers(), List.of(),
                List.of(record.id()), query.blockingKeys());
        return new Single(new ProfileStore.WriteRequest(profile, 0, List.of(record), List.of(evidence), index,
                "created", settleQuery(query, gathered), gathered.versions(), gathered.generation(), refuse),
                new Resolution(id, Outcome.CREATED, List.of()));
    }
}
