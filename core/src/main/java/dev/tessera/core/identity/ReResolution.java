package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Batch re-resolution of every stored record after a rule change (another policy, weights or match
 * model): first a dry run that says what would change, then, when asked, the change itself.
 *
 * <p><b>Dry run</b> ({@link #dryRun}): reads every live profile (SCAN {@code {p:*}:records}), copies the
 * agents' cannot-link and must-link decisions into a fresh scratch namespace ({@code rr:RUN:}, see
 * {@link RedisKeys.Namespace}), resolves all records there with the new settings in a fixed order
 * (observed-at, then source record key), compares the scratch clustering with the live one, and deletes
 * the scratch namespace. Live keys are only read. Must-link groups that do not end in one profile
 * (contradicted by cannot-link decisions) are counted in the report.
 *
 * <p><b>Apply</b> ({@link #apply}): computes the same plan, then, for each group of live profiles whose
 * records the new rules regroup (the profiles and new clusters connected through shared records),
 * dissolves those profiles and resolves their records again into the live data in the same fixed order;
 * each dissolved id forwards to the profile holding most of its records. Unchanged profiles are not
 * touched. Under concurrent ingestion the resolver's normal optimistic checks keep the data consistent
 * and convergent, but the outcome can differ from the dry run (records arriving meanwhile are matched as
 * well, and a profile changed by a writer is dissolved as it is then); the report of {@code apply}
 * therefore describes what actually happened, comparing the live clustering before and after.
 *
 * <p>Memory: a run holds, per record, its key, observed-at and profile (a few hundred bytes) and, at its
 * peak, the comparison's maps (about two to three times that in all, against 1–2 KB per record when the
 * records themselves were held); records are read back from Redis in order as they are resolved. Time:
 * about one resolve per record, single-threaded so the order, and hence the result, is reproducible.
 */
public final class ReResolution {

    /** Example profile ids kept per category of the report. */
    public static final int EXAMPLES = 20;
    /** Namespace prefix of the scratch copies: {@code rr:RUN:}. */
    public static final String SCRATCH_PREFIX = "rr:";
    private static final int BATCH = 500;
    /** Records resolved together in the scratch namespace (as the ingestion app's batches). */
    private static final int SCRATCH_BATCH = 32;
    private static final int PROGRESS_EVERY = 10_000;
    private static final int MAX_ATTEMPTS = 32;
    static final Comparator<CustomerRecord> ORDER = Comparator.comparing(CustomerRecord::observedAt)
            .thenComparing(CustomerRecord::id);

    private final ProfileStore live;
    private final IdentitySettings settings;
    private final Clock clock;
    private Consumer<String> progress = message -> {};
    private dev.tessera.core.privacy.Tombstones tombstones;

    /** Re-resolves the profiles of {@code live} (usually the default namespace) with {@code settings}. */
    public ReResolution(ProfileStore live, IdentitySettings settings, Clock clock) {
        this.live = Objects.requireNonNull(live, "live");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Re-resolves the live profiles on this connection with {@code settings}. */
    public ReResolution(RedisConnection connection, IdentitySettings settings, Clock clock) {
        this(new ProfileStore(connection), settings, clock);
    }

    /**
     * Where the records of one dissolved profile went when {@link #apply} resolved them again: each new home
     * with the records it took, the one {@code from} now forwards to first when {@code forwarded}; and
     * {@code merged}, the live profiles that resolving them again merged into others on the way (absorbed id
     * to the live profile it ended in), whose timelines and consent must follow too. Not {@code forwarded}:
     * a split whose remaining records were all erased meanwhile; the old id forwards nowhere, and what no
     * record took (an agent's consent statements, steps under no record) is not given to anyone.
     */
    public record Moved(ProfileId from, Map<ProfileId, Set<SourceRecordId>> to, Map<ProfileId, ProfileId> merged,
            boolean forwarded) {

        public Moved {
            merged = Map.copyOf(merged);
        }

        /** Records moved, {@code from} forwarding to the first of {@code to} (when there is one). */
        public Moved(ProfileId from, Map<ProfileId, Set<SourceRecordId>> to, Map<ProfileId, ProfileId> merged) {
            this(from, to, merged, !to.isEmpty());
        }

        /** Records moved, no profile merged on the way. */
        public Moved(ProfileId from, Map<ProfileId, Set<SourceRecordId>> to) {
            this(from, to, Map.of());
        }
    }

    /**
     * Collects the profiles that resolutions merged away, each mapped to the profile it ended in (following
     * later merges of the same run).
     */
    static final class Merges {
        private final Map<ProfileId, ProfileId> into = new LinkedHashMap<>();

        /**
         * Resolves {@code record}, held by the dissolved profile {@code from}, with {@code resolver},
         * remembering what it merged. Of a record refused as erased nothing stays that names it
         * ({@link ProfileStore#forgetRefused}): its source index entry would lead to where the old id forwards.
         */
        Resolution resolve(ProfileResolver resolver, CustomerRecord record, ProfileId from) {
            Resolution resolution = resolver.resolve(record);
            if (resolution.outcome() == Resolution.Outcome.ERASED) {
                resolver.store().forgetRefused(record.id(), from);
            }
            resolution.merged().forEach(away -> into.put(away, resolution.profileId()));
            return resolution;
        }

        /** Absorbed id to the profile it ended in, after the run. */
        Map<ProfileId, ProfileId> ended() {
            Map<ProfileId, ProfileId> ended = new LinkedHashMap<>();
            into.forEach((away, survivor) -> {
                ProfileId end = survivor;
                for (int hops = 0; into.containsKey(end) && hops <= into.size(); hops++) {
                    end = into.get(end);
                }
                if (!end.equals(away)) {
                    ended.put(away, end);
                }
            });
            return ended;
        }
    }

    private Consumer<Moved> moved = m -> {};

    /**
     * Receives, for every profile {@link #apply} dissolved, where its records went: what follows a profile
     * (its CX timeline and metrics, its consent) moves with them there ({@code CxIdentityHooks.afterMoved}).
     */
    public ReResolution onMoved(Consumer<Moved> listener) {
        this.moved = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Makes {@link #apply} refuse the records of people erased while it runs (their source record's
     * tombstone, {@link dev.tessera.core.privacy.Tombstones#sourceOnly}: the records are held already, so an
     * erased person's email on another person's record does not refuse it). Without this, an erasure that
     * wrote its tombstones while the run held the person's records would see them stored again.
     */
    public ReResolution refusing(dev.tessera.core.privacy.Tombstones erased) {
        this.tombstones = Objects.requireNonNull(erased, "erased").sourceOnly();
        return this;
    }

    /** Receives progress messages (counts only, no personal data). */
    public ReResolution onProgress(Consumer<String> listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** What happened to one live profile. */
    public enum Change {
        /** Its records form exactly one new profile, with no other records. */
        UNCHANGED,
        /** All its records end in one new profile, together with another live profile's records. */
        MERGED,
        /** Its records end in several new profiles, none of which holds another live profile's records. */
        SPLIT,
        /** Its records end in several new profiles, at least one with another live profile's records. */
        SPLIT_AND_MERGED
    }

    /**
     * The outcome of a dry run or an apply. The four categories count live profiles and are disjoint;
     * {@code merges} counts new profiles that combine the records of several live profiles.
     *
     * @param applied        false for a dry run
     * @param records        records compared (those held by live profiles when the run started)
     * @param profilesBefore live profiles holding them before
     * @param profilesAfter  profiles holding them after (in the scratch copy for a dry run)
     * @param counts         live profiles per category
     * @param merges         new profiles made of the records of several live profiles
     * @param examples       up to {@value #EXAMPLES} live profile ids per category (ids only), sorted
     * @param took           how long the run took
     * @param mustLinkConflicts groups of records joined by must-link decisions that do not end in one
     *                       profile: the decisions contradict cannot-link decisions (a chain of must-links
     *                       joins records an agent separated; none of that chain's must-links is enforced),
     *                       or matching put a record an agent separated from the group in with a member
     * @param conflictExamples up to {@value #EXAMPLES} live profile ids holding the records of such groups
     *                       before the run (ids only), sorted
     */
    public record Report(boolean applied, int records, int profilesBefore, int profilesAfter,
            Map<Change, Integer> counts, int merges, Map<Change, List<ProfileId>> examples, Duration took,
            int mustLinkConflicts, List<ProfileId> conflictExamples) {

        /** A report without must-link conflicts. */
        public Report(boolean applied, int records, int profilesBefore, int profilesAfter,
                Map<Change, Integer> counts, int merges, Map<Change, List<ProfileId>> examples, Duration took) {
            this(applied, records, profilesBefore, profilesAfter, counts, merges, examples, took, 0, List.of());
        }

        public Report {
            conflictExamples = List.copyOf(conflictExamples);
            Map<Change, Integer> c = new EnumMap<>(Change.class);
            Map<Change, List<ProfileId>> e = new EnumMap<>(Change.class);
            for (Change change : Change.values()) {
                c.put(change, counts.getOrDefault(change, 0));
                e.put(change, List.copyOf(examples.getOrDefault(change, List.of())));
            }
            counts = java.util.Collections.unmodifiableMap(c);
            examples = java.util.Collections.unmodifiableMap(e);
        }

        public int unchanged() {
            return counts.get(Change.UNCHANGED);
        }

        public int merged() {
            return counts.get(Change.MERGED);
        }

        public int split() {
            return counts.get(Change.SPLIT);
        }

        public int splitAndMerged() {
            return counts.get(Change.SPLIT_AND_MERGED);
        }

        /** Live profiles that are not unchanged. */
        public int changed() {
            return profilesBefore - unchanged();
        }

        /** The report as text: a summary line, then one line of example ids per non-empty category. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT,
                    "%s: records=%d profiles_before=%d profiles_after=%d unchanged=%d merged=%d split=%d"
                            + " split_and_merged=%d merges=%d must_link_conflicts=%d took_s=%.1f",
                    applied ? "applied" : "dry run (nothing changed)", records, profilesBefore, profilesAfter,
                    unchanged(), merged(), split(), splitAndMerged(), merges, mustLinkConflicts,
                    took.toMillis() / 1000.0));
            for (Change change : List.of(Change.MERGED, Change.SPLIT, Change.SPLIT_AND_MERGED, Change.UNCHANGED)) {
                List<ProfileId> ids = examples.get(change);
                if (!ids.isEmpty()) {
                    lines.add("  " + change.name().toLowerCase(Locale.ROOT) + " (" + ids.size() + " of "
                            + counts.get(change) + "): "
                            + String.join(" ", ids.stream().map(ProfileId::value).toList()));
                }
            }
            if (!conflictExamples.isEmpty()) {
                lines.add("  must_link_conflicts (" + mustLinkConflicts + " group(s)), profiles: "
                        + String.join(" ", conflictExamples.stream().map(ProfileId::value).toList()));
            }
            return lines;
        }

        @Override
        public String toString() {
            return String.join("\n", lines());
        }
    }

    /** Says what re-resolving every record with the new settings would change; changes nothing live. */
    public Report dryRun() {
        long start = System.nanoTime();
        // profiles that stay together may still get another golden record (survivorship, claimed sources):
        // noted while reading, so no profile's records need to stay in memory for it
        Snapshot before = snapshot(settings.resolver(live, clock));
        Map<SourceRecordId, ProfileId> after = resolveInScratch(before);
        Comparison plan = compare(before.home(), after, false, start);
        long golden = plan.unchanged().stream().filter(before.goldenChanges()::contains).count();
        progress.accept("golden record: would change for " + golden + " profile(s) whose records stay together");
        return plan.report(conflicts(before.home(), after));
    }

    /**
     * Re-resolves the live data with the new settings: every live profile the dry run would not leave
     * unchanged is dissolved and its records resolved again.
     *
     * @return what changed, comparing the live clustering before and after
     */
    public Report apply() {
        long start = System.nanoTime();
        Snapshot before = snapshot(null);
        Comparison plan = compare(before.home(), resolveInScratch(before), false, start);
        List<Set<ProfileId>> groups = plan.changedGroups();
        progress.accept("applying: " + groups.size() + " group(s) of changed profiles");
        ProfileResolver resolver = settings.resolver(live, clock, tombstones);
        int done = 0;
        for (Set<ProfileId> group : groups) {
            applyGroup(group, resolver);
            if (++done % 1000 == 0) {
                progress.accept("applied " + done + " of " + groups.size() + " group(s)");
            }
        }
        // the profiles whose records stay together: golden record and index entries under the new settings
        // (read again in batches, as they are now; only those whose golden record differs are written)
        int refreshed = 0;
        List<ProfileId> unchanged = plan.unchanged();
        for (int from = 0; from < unchanged.size(); from += BATCH) {
            List<ProfileId> batch = unchanged.subList(from, Math.min(unchanged.size(), from + BATCH));
            Map<ProfileId, ProfileStore.Loaded> now = live.loadLive(batch); // merged, split or erased since: left
            for (ProfileId id : batch) {
                ProfileStore.Loaded current = now.get(id);
                if (current == null || !current.profile().id().equals(id)) {
                    continue;
                }
                List<CustomerRecord> records = current.records();
                if (resolver.goldenOf(records).equals(current.profile().golden())) {
                    resolver.indexUnder(id, records); // new blocking keys only: nothing else differs
                } else {
                    refreshed += resolver.refresh(id) ? 1 : 0;
                }
            }
        }
        progress.accept("golden record: changed for " + refreshed + " profile(s) whose records stayed together");
        Map<SourceRecordId, ProfileId> after = clustering(live, before.home().keySet());
        return compare(before.home(), after, true, start).report(conflicts(before.home(), after));
    }

    /** Dissolves the group's live profiles, resolves their records again, forwards the old ids. */
    private void applyGroup(Set<ProfileId> group, ProfileResolver resolver) {
        Map<SourceRecordId, CustomerRecord> records = new HashMap<>();
        Map<ProfileId, List<SourceRecordId>> dissolved = new LinkedHashMap<>();
        for (ProfileId id : group) {
            dissolve(id, resolver, records, dissolved);
        }
        List<CustomerRecord> ordered = records.values().stream().sorted(ORDER).toList();
        Map<SourceRecordId, ProfileId> heldBy = new HashMap<>();
        dissolved.forEach((id, held) -> held.forEach(r -> heldBy.put(r, id)));
        Merges merges = new Merges();
        ordered.forEach(r -> merges.resolve(resolver, r, heldBy.get(r.id())));
        Map<ProfileId, ProfileId> merged = merges.ended();
        boolean first = true;
        for (Map.Entry<ProfileId, List<SourceRecordId>> e : dissolved.entrySet()) {
            // forwarded to the profile holding most of its records, what follows them moved, then let go;
            // the first also carries the profiles merged away on the way (their timelines follow once)
            resolver.followUpDissolved(e.getKey(), e.getValue().stream().map(records::get).sorted(ORDER).toList(),
                    null, false, moved, first ? merged : Map.of(), "re-resolved");
            first = false;
        }
    }

    /**
     * Dissolves the live profile {@code id} now stands for (a concurrent merge may have moved it), with
     * the records it holds at that moment, retrying while other writers change it.
     */
    private void dissolve(ProfileId id, ProfileResolver resolver, Map<SourceRecordId, CustomerRecord> records,
            Map<ProfileId, List<SourceRecordId>> dissolved) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            ProfileStore.Loaded current = live.loadLive(List.of(id)).get(id);
            if (current == null) {
                return; // dissolved already (by this group), or gone
            }
            ProfileId liveId = current.profile().id();
            if (live.dissolve(liveId, current.profile().version(), List.of())) {
                resolver.unindexDissolved(liveId, current.records());
                current.records().forEach(r -> records.merge(r.id(), r,
                        (a, b) -> a.observedAt().isAfter(b.observedAt()) ? a : b));
                dissolved.put(liveId, current.records().stream().map(CustomerRecord::id).toList());
                return;
            }
        }
        throw new ConcurrentModificationException("profile " + id + " kept changing during the re-resolution");
    }

    /**
     * What the run keeps of the live data: each record's place in the order (observed-at, then key) and the
     * profile holding it, and the profiles whose golden record the new settings would change. The records
     * themselves are read again, in order, when they are resolved: holding them all (1–2 KB each) is what
     * limited the size of a run.
     */
    record Snapshot(List<Entry> order, Map<SourceRecordId, ProfileId> home, Set<ProfileId> goldenChanges) {}

    /** A record's place in the order. */
    record Entry(Instant observedAt, SourceRecordId id) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry other) {
            int byTime = observedAt.compareTo(other.observedAt);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    /** Where a record was found while reading, and as observed when. */
    private record Held(Instant observedAt, ProfileId home) {}

    /**
     * The live profiles, read with SCAN and batched loads, one batch in memory at a time.
     *
     * @param golden the resolver with the new settings, to note whose golden record would change; null not
     *               to look
     */
    private Snapshot snapshot(ProfileResolver golden) {
        Set<ProfileId> ids = live.profileIds();
        progress.accept("reading " + ids.size() + " live profile(s)");
        List<ProfileId> all = List.copyOf(ids);
        Map<SourceRecordId, Held> held = new HashMap<>();
        Set<ProfileId> seen = new java.util.HashSet<>();
        Set<ProfileId> goldenChanges = new java.util.HashSet<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            for (ProfileStore.Loaded l : live.loadLive(all.subList(from, Math.min(all.size(), from + BATCH))).values()) {
                ProfileId id = l.profile().id();
                if (!seen.add(id)) {
                    continue; // reached again through a forwarded id
                }
                // a record caught in two profiles mid-merge counts once, in the smaller profile id
                l.records().forEach(r -> held.merge(r.id(), new Held(r.observedAt(), id),
                        (a, b) -> a.home().compareTo(b.home()) <= 0 ? a : b));
                if (golden != null && !golden.goldenOf(l.records()).equals(l.profile().golden())) {
                    goldenChanges.add(id);
                }
            }
        }
        Map<SourceRecordId, ProfileId> home = new HashMap<>(held.size() * 2);
        List<Entry> order = new ArrayList<>(held.size());
        held.forEach((record, h) -> {
            home.put(record, h.home());
            order.add(new Entry(h.observedAt(), record));
        });
        held.clear();
        order.sort(null);
        return new Snapshot(order, home, goldenChanges);
    }

    /** Records read back per round trip when the scratch namespace resolves them. */
    private static final int READ_BATCH = 512;

    /** Resolves every record in a fresh scratch namespace and returns where each one ended. */
    private Map<SourceRecordId, ProfileId> resolveInScratch(Snapshot snapshot) {
        String run = Long.toString(clock.millis(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
        ProfileStore scratch = new ProfileStore(live.connection(),
                RedisKeys.Namespace.of(SCRATCH_PREFIX + run + ":"));
        try {
            long separated = scratch.copyCannotLinks(live);
            long joined = scratch.copyMustLinks(live);
            List<Entry> all = snapshot.order();
            progress.accept("resolving " + all.size() + " record(s) in scratch namespace "
                    + scratch.namespace().prefix() + " (" + separated + " cannot-link set(s) and " + joined
                    + " must-link set(s) copied)");
            ProfileResolver resolver = settings.resolver(scratch, clock);
            for (int from = 0; from < all.size(); from += READ_BATCH) {
                int to = Math.min(all.size(), from + READ_BATCH);
                List<CustomerRecord> records = readBack(all.subList(from, to), snapshot.home());
                // in batches, in their order: resolveAll decides records that may meet in that order too (as
                // one at a time would) and picks and writes the others of a batch in one round trip each
                for (int b = 0; b < records.size(); b += SCRATCH_BATCH) {
                    resolver.resolveAll(records.subList(b, Math.min(records.size(), b + SCRATCH_BATCH)));
                }
                if (to / PROGRESS_EVERY != from / PROGRESS_EVERY) {
                    progress.accept("resolved " + to + " of " + all.size());
                }
            }
            all.clear(); // the order is not needed again
            return clustering(scratch, snapshot.home().keySet());
        } finally {
            long deleted = scratch.deleteNamespace();
            progress.accept("scratch namespace deleted (" + deleted + " key(s))");
        }
    }

    /**
     * These records as stored now, in the order given (a record updated meanwhile keeps its place and is
     * resolved as it is now): from the profile that held each when the run read it, or that profile's records
     * held aside while it is being dissolved, else (moved by a merge or split since) from the one the source
     * index names. One erased meanwhile is left out, and taken out of {@code home}: it is not compared.
     */
    private List<CustomerRecord> readBack(List<Entry> entries, Map<SourceRecordId, ProfileId> home) {
        Map<SourceRecordId, ProfileId> where = new LinkedHashMap<>();
        entries.forEach(e -> where.put(e.id(), home.get(e.id())));
        Map<SourceRecordId, CustomerRecord> found = new HashMap<>(live.recordsAt(where));
        if (found.size() < entries.size()) {
            // being dissolved (a split or another re-resolution under way): held aside under the same id
            Map<SourceRecordId, ProfileId> aside = new LinkedHashMap<>(where);
            aside.keySet().removeAll(found.keySet());
            found.putAll(live.dissolvedRecordsAt(aside));
        }
        if (found.size() < entries.size()) {
            List<SourceRecordId> missing = new ArrayList<>();
            entries.stream().map(Entry::id).filter(id -> !found.containsKey(id)).forEach(missing::add);
            found.putAll(live.recordsAt(live.findBySources(missing)));
        }
        List<CustomerRecord> ordered = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            CustomerRecord r = found.get(e.id());
            if (r != null) {
                ordered.add(r);
            } else {
                // erased meanwhile: compared nowhere (counting it as a profile of its own would report the
                // profile it was in as split)
                home.remove(e.id());
            }
        }
        return ordered;
    }

    /** Where each of {@code records} is held in {@code store} now. */
    private static Map<SourceRecordId, ProfileId> clustering(ProfileStore store, Collection<SourceRecordId> records) {
        Map<SourceRecordId, ProfileId> where = new HashMap<>();
        Map<ProfileId, Set<SourceRecordId>> held = store.recordIds(store.profileIds());
        held.forEach((id, ids) -> ids.forEach(r -> where.merge(r, id, (a, b) -> a.compareTo(b) <= 0 ? a : b)));
        where.keySet().retainAll(Set.copyOf(records));
        for (SourceRecordId record : records) {
            if (!where.containsKey(record)) { // moved while the scan ran
                store.findBySource(record).ifPresent(id -> where.put(record, id));
            }
        }
        return where;
    }

    /** Must-link groups that do not end in one profile, with example live profile ids. */
    record Conflicts(int groups, List<ProfileId> examples) {}

    /**
     * The must-link groups among the compared records (read from the live decisions, which the scratch
     * namespace copies) that are conflicted or end in more than one profile {@code after}.
     */
    private Conflicts conflicts(Map<SourceRecordId, ProfileId> before, Map<SourceRecordId, ProfileId> after) {
        MustLinkGroups groups = new MustLinkGroups(live);
        List<SourceRecordId> records = List.copyOf(new TreeSet<>(before.keySet()));
        groups.read(records);
        Set<SourceRecordId> seen = new java.util.HashSet<>();
        int conflicting = 0;
        Set<ProfileId> examples = new TreeSet<>();
        for (SourceRecordId record : records) {
            if (seen.contains(record) || !groups.hasMustLink(record)) {
                continue;
            }
            MustLinkGroups.Chain chain = groups.chain(record);
            seen.addAll(chain.records());
            Set<ProfileId> ends = new TreeSet<>();
            chain.records().stream().filter(before::containsKey)
                    .forEach(r -> ends.add(after.getOrDefault(r, new ProfileId("missing-" + RedisKeys.digest(r.key())))));
            if (chain.conflicted() || ends.size() > 1) {
                conflicting++;
                chain.records().stream().map(before::get).filter(Objects::nonNull).forEach(examples::add);
            }
        }
        if (conflicting > 0) {
            progress.accept(conflicting + " must-link group(s) in conflict with cannot-link decisions");
        }
        return new Conflicts(conflicting, examples.stream().limit(EXAMPLES).toList());
    }

    /** Two clusterings of the same records side by side. */
    record Comparison(boolean applied, Map<ProfileId, Set<SourceRecordId>> before,
            Map<ProfileId, Set<ProfileId>> newByOld, Map<ProfileId, Set<ProfileId>> oldByNew,
            Map<ProfileId, Change> changes, long start) {

        Report report(Conflicts conflicts) {
            Map<Change, Integer> counts = new EnumMap<>(Change.class);
            Map<Change, List<ProfileId>> examples = new EnumMap<>(Change.class);
            changes.forEach((id, change) -> {
                counts.merge(change, 1, Integer::sum);
                List<ProfileId> some = examples.computeIfAbsent(change, c -> new ArrayList<>());
                if (some.size() < EXAMPLES) {
                    some.add(id);
                }
            });
            int merges = (int) oldByNew.values().stream().filter(olds -> olds.size() > 1).count();
            int records = before.values().stream().mapToInt(Set::size).sum();
            return new Report(applied, records, before.size(), oldByNew.size(), counts, merges, examples,
                    Duration.ofNanos(System.nanoTime() - start), conflicts.groups(), conflicts.examples());
        }

        /** The live profiles whose records stay together. */
        List<ProfileId> unchanged() {
            return changes.entrySet().stream().filter(e -> e.getValue() == Change.UNCHANGED)
                    .map(Map.Entry::getKey).toList();
        }

        /**
         * The changed live profiles in groups that must be re-resolved together: live profiles connected
         * through the new profiles their records form. Groups are in the order of their smallest id.
         */
        List<Set<ProfileId>> changedGroups() {
            Set<ProfileId> seen = new TreeSet<>();
            List<Set<ProfileId>> groups = new ArrayList<>();
            for (Map.Entry<ProfileId, Change> entry : changes.entrySet()) {
                if (entry.getValue() == Change.UNCHANGED || seen.contains(entry.getKey())) {
                    continue;
                }
                Set<ProfileId> group = new TreeSet<>();
                List<ProfileId> todo = new ArrayList<>(List.of(entry.getKey()));
                while (!todo.isEmpty()) {
                    ProfileId old = todo.remove(todo.size() - 1);
                    if (seen.add(old)) {
                        group.add(old);
                        newByOld.getOrDefault(old, Set.of())
                                .forEach(fresh -> todo.addAll(oldByNew.getOrDefault(fresh, Set.of())));
                    }
                }
                groups.add(group);
            }
            return groups;
        }
    }

    /** Compares where records were ({@code before}) with where they are or would be ({@code after}). */
    static Comparison compare(Map<SourceRecordId, ProfileId> before, Map<SourceRecordId, ProfileId> after,
            boolean applied, long start) {
        Map<ProfileId, Set<SourceRecordId>> oldProfiles = new TreeMap<>();
        Map<ProfileId, Set<ProfileId>> newByOld = new TreeMap<>();
        Map<ProfileId, Set<ProfileId>> oldByNew = new TreeMap<>();
        before.forEach((record, old) -> {
            oldProfiles.computeIfAbsent(old, k -> new TreeSet<>()).add(record);
            // a record that is nowhere now (deleted meanwhile) stands alone
            ProfileId fresh = after.getOrDefault(record, new ProfileId("missing-" + RedisKeys.digest(record.key())));
            newByOld.computeIfAbsent(old, k -> new TreeSet<>()).add(fresh);
            oldByNew.computeIfAbsent(fresh, k -> new TreeSet<>()).add(old);
        });
        Map<ProfileId, Change> changes = new TreeMap<>();
        newByOld.forEach((old, news) -> {
            boolean split = news.size() > 1;
            boolean merged = news.stream().anyMatch(n -> oldByNew.get(n).size() > 1);
            Change change = split ? (merged ? Change.SPLIT_AND_MERGED : Change.SPLIT)
                    : merged ? Change.MERGED : Change.UNCHANGED;
            changes.put(old, change);
        });
        return new Comparison(applied, oldProfiles, newByOld, oldByNew, changes, start);
    }
}
