package dev.tessera.core.segment;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.privacy.ConsentState;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Decides segment membership. {@link #evaluate(ProfileId)} runs after every change of a profile (from the
 * change feed); {@link #evaluateAll} after a segment is created or changed, and on a schedule for segments
 * whose rules depend on time.
 *
 * <p><b>Concurrency.</b> Several evaluations of one profile may run at once (several service instances, a
 * full evaluation next to the change feed). Each reads the profile's version, metrics version and consent
 * before it evaluates, writes the outcome, and then checks that none of the three moved; if one did, it
 * evaluates again. So the last write always reflects a state at least as new as every earlier one: a
 * slow evaluator that read an older state cannot leave its stale outcome behind.
 */
public final class SegmentEngine {

    static final int MAX_ATTEMPTS = 8;

    private final ProfileStore profiles;
    private final CxStore cx;
    private final SegmentStore segments;
    private final Clock clock;

    public SegmentEngine(ProfileStore profiles, CxStore cx, SegmentStore segments, Clock clock) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.cx = Objects.requireNonNull(cx, "cx");
        this.segments = Objects.requireNonNull(segments, "segments");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public SegmentStore store() {
        return segments;
    }

    /**
     * What one evaluation did.
     *
     * @param live false when the profile is gone (erased, merged away, split): it left every segment
     */
    public record Outcome(ProfileId profile, boolean live, SegmentStore.Diff diff) {}

    /** Evaluates every segment for this profile and stores the outcome. */
    public Outcome evaluate(ProfileId id) {
        return evaluate(id, null, false);
    }

    /**
     * Evaluates these segments (null: every segment there is) for one profile and stores the outcome
     * ({@code repair}: also where the two sides of a membership disagree). A profile that is not live
     * leaves all of them. When a definition changed or went meanwhile, the evaluation runs again with what
     * is stored now, so an outcome of an old rule does not stay behind either.
     *
     * @throws ConcurrentModificationException when the profile kept changing (the next change retries)
     */
    public Outcome evaluate(ProfileId id, Collection<Segment> which, boolean repair) {
        Read read = read(id);
        Map<String, Segment> byId = new LinkedHashMap<>();
        if (which == null) {
            byId.putAll(read.definitions());
        } else {
            // the caller listed these before this read (a pass over every profile, the hourly refresh): a
            // definition edited or deleted since is evaluated as stored now, or not at all, so no outcome of
            // an outdated rule is written and announced only to be taken back
            for (Segment s : which) {
                Segment stored = read.definitions().get(s.id());
                if (stored != null) {
                    byId.put(s.id(), stored);
                }
            }
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Stamp before = read.stamp();
            if (before == null) {
                // gone: out of everything, whatever was asked (its side of the membership goes as a whole)
                Set<String> from = new LinkedHashSet<>(byId.keySet());
                from.addAll(read.definitions().keySet());
                from.addAll(read.memberships().keySet());
                return new Outcome(id, false, segments.removeEverywhere(id, from));
            }
            Instant now = clock.instant();
            SegmentSubject subject = new SegmentSubject(before.profile(), before.cx().metrics(), before.cx().stage(),
                    new ConsentState(before.consent()), () -> cx.interactions(id), since -> cx.interactionsSince(id, since),
                    now);
            Map<String, Boolean> decisions = new LinkedHashMap<>();
            byId.values().forEach(s -> decisions.put(s.id(), s.rule().test(subject)));
            SegmentStore.Diff diff = segments.apply(id, decisions, now, repair, read.memberships());

            Read after = read(id);
            Map<String, Segment> stored = after.definitions();
            Set<String> gone = new LinkedHashSet<>(byId.keySet());
            gone.removeAll(stored.keySet());
            if (!gone.isEmpty()) {
                segments.removeFrom(id, gone); // deleted while we evaluated; the other memberships stay
            }
            boolean sameRules = gone.isEmpty() && byId.values().stream()
                    .allMatch(s -> stored.get(s.id()).version() == s.version())
                    && (which != null || stored.keySet().equals(byId.keySet()));
            if (sameRules && before.sameAs(after.stamp())) {
                return new Outcome(id, true, diff);
            }
            if (which == null) {
                byId.clear();
                byId.putAll(stored);
            } else {
                byId.keySet().retainAll(stored.keySet());
                byId.replaceAll((sid, s) -> stored.get(sid));
            }
            read = gone.isEmpty() ? after : read(id);
        }
        throw new ConcurrentModificationException("profile " + id + " kept changing during segment evaluation");
    }

    /** What one evaluation step reads, all in one round trip. */
    private record Read(Stamp stamp, Map<String, Instant> memberships, Map<String, Segment> definitions) {}

    /**
     * The profile, its metrics and consent (the stamp: null when the profile is not live), the segments it
     * is in, and every definition: five reads sent together.
     */
    private Read read(ProfileId id) {
        var profile = profiles.findLiveLater(id);
        var metrics = cx.snapshotLater(id);
        var consent = cx.consent().storedLater(id);
        var joined = segments.membershipsLater(id);
        var definitions = segments.allLater();
        Profile live = profile.get().orElse(null);
        Stamp stamp = live == null ? null : new Stamp(live, metrics.get(), consent.get());
        return new Read(stamp, joined.get(), definitions.get());
    }

    private record Stamp(Profile profile, CxStore.Snapshot cx, List<ConsentEntry> consent) {
        boolean sameAs(Stamp other) {
            return other != null && other.profile.version() == profile.version() && other.cx.version() == cx.version()
                    && other.consent.equals(consent);
        }
    }

    /**
     * Evaluates these segments for every live profile and every current member (members that are gone
     * leave), with repair. Ids are taken as the SCAN and the member lists hand them over, never listed
     * whole, so memory does not grow with the data: a first SCAN counts the live profiles (the total),
     * a ZSCAN of each member list finds members that hold no records any more (only those are kept), then
     * a second SCAN evaluates the live ones as it finds them, and last the gone members. {@code progress}
     * is also told 0 every {@value #HEARTBEAT} ids while counting, so a caller holding a lock renews it.
     *
     * @param total    told how many profiles the pass will evaluate (profiles created during the pass, or a
     *                 key SCAN hands over twice, can make it a few more)
     * @param progress told how many profiles are done, every {@code every} profiles and at the end
     * @return how many profiles were evaluated
     */
    public long evaluateAll(Collection<Segment> which, int every, LongConsumer total, LongConsumer progress) {
        if (which.isEmpty()) {
            return 0;
        }
        long[] live = {0};
        profiles.forEachProfileId(id -> {
            if (++live[0] % HEARTBEAT == 0) {
                progress.accept(0);
            }
        });
        Set<ProfileId> gone = new LinkedHashSet<>();
        for (Segment s : which) {
            // members that left meanwhile need no repair; one that held no records at its check is gone
            List<ProfileId> page = new java.util.ArrayList<>(MEMBER_PAGE);
            segments.forEachMember(s.id(), member -> {
                page.add(member);
                if (page.size() == MEMBER_PAGE) {
                    collectGone(page, gone);
                    progress.accept(0);
                }
            });
            collectGone(page, gone);
        }
        total.accept(live[0] + gone.size());
        long[] done = {0};
        try {
            profiles.forEachProfileId(id -> step(id, which, every, done, progress));
            for (ProfileId id : gone) {
                step(id, which, every, done, progress);
            }
        } catch (Superseded e) {
            // every segment of this run was deleted or changed since: its own build takes over
        }
        progress.accept(done[0]);
        return done[0];
    }

    /** Member ids checked per round trip when looking for members that are gone. */
    private static final int MEMBER_PAGE = 1000;
    /** Ids counted between two calls of a pass's progress with 0 (a lock holder's chance to renew). */
    static final int HEARTBEAT = 10_000;

    /** Adds the ids of {@code page} that hold no records to {@code gone}, in one round trip; empties the page. */
    private void collectGone(List<ProfileId> page, Set<ProfileId> gone) {
        List<java.util.function.Supplier<Boolean>> checks = new java.util.ArrayList<>(page.size());
        page.forEach(id -> checks.add(profiles.holdsRecordsLater(id)));
        for (int i = 0; i < page.size(); i++) {
            if (!checks.get(i).get()) {
                gone.add(page.get(i));
            }
        }
        page.clear();
    }

    /** Ends a pass whose segments were all deleted or changed since it began. */
    private static final class Superseded extends RuntimeException {
        Superseded() {
            super("superseded", null, false, false);
        }
    }

    private void step(ProfileId id, Collection<Segment> which, int every, long[] done, LongConsumer progress) {
        try {
            evaluate(id, which, true);
        } catch (ConcurrentModificationException e) {
            // changing right now: its change-feed entry evaluates it again
        }
        done[0]++;
        if (done[0] % every == 0) {
            progress.accept(done[0]);
            Map<String, Segment> now = segments.all();
            if (which.stream().noneMatch(s -> now.containsKey(s.id()) && now.get(s.id()).version() == s.version())) {
                throw new Superseded();
            }
        }
    }

    /**
     * How many live profiles this rule would match, without storing anything: every profile when there are
     * at most {@code sample}, else a uniform random sample of {@code sample} (drawn with {@code random}),
     * scaled up ({@link SegmentPreview#of}). The ids are drawn while the SCAN of the profiles runs
     * (reservoir sampling), so memory holds the sample, not every id. Reads go out {@value #PREVIEW_BATCH}
     * profiles per round trip; when {@code budget} runs out, the profiles evaluated so far (still a uniform
     * sample) make the preview. The budget covers the evaluation, not the SCAN, which visits every key.
     *
     * @param examples how many matching profiles to name at most
     */
    public SegmentPreview preview(SegmentRule rule, int sample, java.time.Duration budget, int examples,
            java.util.random.RandomGenerator random) {
        if (sample < 1 || examples < 0) {
            throw new IllegalArgumentException("sample must be positive and examples not negative");
        }
        // one draw per profile id: a fast generator seeded from the caller's (which may be a SecureRandom)
        Reservoir reservoir = new Reservoir(sample, new java.util.SplittableRandom(random.nextLong()));
        profiles.forEachProfileId(reservoir::offer);
        List<ProfileId> ids = reservoir.shuffled();
        long total = reservoir.seen();
        int take = ids.size();
        long deadline = System.nanoTime() + budget.toNanos();
        long evaluated = 0;
        long matched = 0;
        List<ProfileId> found = new java.util.ArrayList<>();
        for (int from = 0; from < take && (from == 0 || System.nanoTime() < deadline); from += PREVIEW_BATCH) {
            List<ProfileId> batch = ids.subList(from, Math.min(take, from + PREVIEW_BATCH));
            List<java.util.function.Supplier<java.util.Optional<Profile>>> read = new java.util.ArrayList<>();
            List<java.util.function.Supplier<CxStore.Snapshot>> metrics = new java.util.ArrayList<>();
            List<java.util.function.Supplier<List<ConsentEntry>>> consent = new java.util.ArrayList<>();
            for (ProfileId id : batch) {
                read.add(profiles.findLiveLater(id));
                metrics.add(cx.snapshotLater(id));
                consent.add(cx.consent().storedLater(id));
            }
            Instant now = clock.instant();
            for (int i = 0; i < batch.size(); i++) {
                Profile live = read.get(i).get().orElse(null);
                CxStore.Snapshot snapshot = metrics.get(i).get();
                List<ConsentEntry> statements = consent.get(i).get();
                if (live == null) {
                    continue; // merged away or erased since the scan: it counts as not matching
                }
                ProfileId id = batch.get(i);
                SegmentSubject subject = new SegmentSubject(live, snapshot.metrics(), snapshot.stage(),
                        new ConsentState(statements), () -> cx.interactions(id), since -> cx.interactionsSince(id, since),
                        now);
                if (rule.test(subject)) {
                    matched++;
                    if (found.size() < examples) {
                        found.add(live.id());
                    }
                }
            }
            evaluated += batch.size();
        }
        return SegmentPreview.of(total, evaluated, matched, found);
    }

    /** Profiles a preview reads per round trip. */
    static final int PREVIEW_BATCH = 100;

    /**
     * A uniform random sample of at most {@code size} of the ids offered (Algorithm R), and how many
     * distinct ids were offered. While no more than {@code size} have come, repeats (SCAN may hand a key
     * over twice) are recognised and the count is exact; past that, a repeat would count twice, which
     * SCAN does at most for a handful of keys while Redis resizes its table (an id already in the sample
     * is never taken twice).
     */
    static final class Reservoir {
        private final int size;
        private final java.util.random.RandomGenerator random;
        private final List<ProfileId> kept = new java.util.ArrayList<>();
        private final Set<ProfileId> inSample = new java.util.HashSet<>();
        private Set<ProfileId> distinct = new java.util.HashSet<>();
        private long seen;

        Reservoir(int size, java.util.random.RandomGenerator random) {
            this.size = size;
            this.random = random;
        }

        void offer(ProfileId id) {
            if (distinct != null) {
                if (!distinct.add(id)) {
                    return;
                }
                if (distinct.size() > size) {
                    distinct = null; // a sample from now on: the set would grow with the data
                }
            } else if (inSample.contains(id)) {
                return; // handed over again by the SCAN
            }
            seen++;
            if (kept.size() < size) {
                kept.add(id);
                inSample.add(id);
                return;
            }
            long slot = random.nextLong(seen);
            if (slot < size) {
                inSample.remove(kept.set((int) slot, id));
                inSample.add(id);
            }
        }

        long seen() {
            return seen;
        }

        /** The sample in random order, so that any first part of it is a uniform sample too. */
        List<ProfileId> shuffled() {
            List<ProfileId> ids = new java.util.ArrayList<>(kept);
            for (int i = ids.size() - 1; i > 0; i--) {
                java.util.Collections.swap(ids, i, random.nextInt(i + 1));
            }
            return ids;
        }
    }

    /**
     * A full evaluation of one segment after it was created or changed, with its status kept in
     * {@link SegmentStore#status}: {@code building} with progress, then {@code ready}.
     */
    public long build(Segment segment) {
        return build(segment, () -> { });
    }

    /**
     * {@link #build(Segment)}, calling {@code onProgress} before each step (every 500 profiles): a caller
     * holding a lock renews it there, and stops the build by throwing.
     */
    public long build(Segment segment, Runnable onProgress) {
        Instant started = clock.instant();
        long[] total = {0};
        long done = evaluateAll(List.of(segment), 500, t -> {
            onProgress.run();
            total[0] = t;
            segments.putStatus(segment.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, 0, t,
                    segment.version(), started, null));
        }, d -> {
            onProgress.run();
            segments.putStatus(segment.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, d, total[0],
                    segment.version(), started, null));
        });
        if (segments.find(segment.id()).map(s -> s.version() == segment.version()).orElse(false)) {
            segments.putStatus(segment.id(), new SegmentStore.Status(SegmentStore.Status.READY, done, total[0],
                    segment.version(), started, clock.instant()));
        }
        return done;
    }
}
