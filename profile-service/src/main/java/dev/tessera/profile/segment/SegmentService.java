package dev.tessera.profile.segment;

import dev.tessera.core.cx.CxAggregates;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.segment.InvalidSegmentException;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentEngine;
import dev.tessera.core.segment.SegmentPreview;
import dev.tessera.core.segment.SegmentRule;
import dev.tessera.core.segment.SegmentRules;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.core.store.RedisConnection;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segments as the API sees them: create, change and delete definitions, and run the jobs that keep
 * memberships right besides the change feed ({@link SegmentFeed}): a full evaluation (build) after a
 * definition is created or changed, and a periodic refresh of the segments whose rules depend on time.
 * Jobs run on one background thread per instance and take a Redis lock, so with several instances each
 * job runs once; a build that an instance did not finish (it stopped) is resumed by the next refresh.
 */
public class SegmentService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SegmentService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    /**
     * A build's lock lasts this long unless renewed; the build renews it as it progresses, so only a
     * stopped instance's build is taken over (by the next refresh after it expired).
     */
    static final Duration BUILD_LOCK = Duration.ofMinutes(2);

    private final SegmentEngine engine;
    private final SegmentStore store;
    private final CxAggregates aggregates;
    private final RedisConnection connection;
    private final int max;
    private final Duration refreshEvery;
    private final Clock clock;
    private final ExecutorService jobs = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "segment-jobs");
        t.setDaemon(true);
        return t;
    });

    public SegmentService(SegmentEngine engine, CxAggregates aggregates, RedisConnection connection, int max,
            Duration refreshEvery, Clock clock) {
        this.engine = engine;
        this.aggregates = aggregates;
        this.store = engine.store();
        this.connection = connection;
        this.max = max;
        this.refreshEvery = refreshEvery;
        this.clock = clock;
    }

    public SegmentStore store() {
        return store;
    }

    /** Profiles a preview evaluates at most; more are sampled (docs/segments.md). */
    public static final int PREVIEW_SAMPLE = 2_000;
    /** A preview's time; when it runs out, the profiles evaluated so far make the estimate. */
    static final Duration PREVIEW_BUDGET = Duration.ofSeconds(5);
    static final int PREVIEW_EXAMPLES = 5;
    /** Previews running at once in this instance: each reads up to {@link #PREVIEW_SAMPLE} profiles. */
    static final int PREVIEWS_AT_ONCE = 2;
    private final java.util.concurrent.Semaphore previews = new java.util.concurrent.Semaphore(PREVIEWS_AT_ONCE);

    /** Thrown when {@link #PREVIEWS_AT_ONCE} previews are running already. */
    public static final class PreviewsBusy extends RuntimeException {
        public PreviewsBusy() {
            super("previews busy", null, false, false);
        }
    }

    /**
     * How many profiles this rule would match now, without saving anything: exact up to
     * {@link #PREVIEW_SAMPLE} profiles, estimated from a random sample beyond.
     *
     * @throws PreviewsBusy when other previews take this instance's share
     */
    public SegmentPreview preview(SegmentRule rule) {
        if (!previews.tryAcquire()) {
            throw new PreviewsBusy();
        }
        try {
            return engine.preview(rule, PREVIEW_SAMPLE, PREVIEW_BUDGET, PREVIEW_EXAMPLES, RANDOM);
        } finally {
            previews.release();
        }
    }

    /** Thrown when the stored version is not the one the caller changed. */
    public static final class VersionConflict extends RuntimeException {
        public VersionConflict() {
            super("segment changed meanwhile", null, false, false);
        }
    }

    /**
     * Creates a segment and starts its build.
     *
     * @throws InvalidSegmentException for an invalid name or description, or when {@code max} segments exist
     */
    public Segment create(String name, String description, SegmentRule rule, String actor) {
        if (store.all().size() >= max) {
            throw new InvalidSegmentException("segment", "at most " + max + " segments may exist; delete one first");
        }
        Instant now = clock.instant();
        for (int attempt = 0; attempt < 5; attempt++) {
            Segment segment = new Segment(newId(), name, description, rule, now, actor, now, actor, 1);
            if (store.save(segment, 0)) {
                store.putStatus(segment.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, 0, 0, 1, now, null));
                submitBuild(segment);
                return segment;
            }
        }
        throw new IllegalStateException("no free segment id after 5 attempts");
    }

    /**
     * Stores a new version of a segment (when {@code expectedVersion} is the stored one) and rebuilds it
     * when the rule changed.
     *
     * @return empty when there is no such segment
     * @throws VersionConflict when it changed meanwhile
     */
    public Optional<Segment> update(String id, String name, String description, SegmentRule rule,
            long expectedVersion, String actor) {
        Optional<Segment> current = store.find(id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Segment old = current.get();
        if (old.version() != expectedVersion) {
            throw new VersionConflict();
        }
        Segment next = new Segment(id, name, description, rule, old.createdAt(), old.createdBy(), clock.instant(),
                actor, old.version() + 1);
        if (!store.save(next, expectedVersion)) {
            throw new VersionConflict();
        }
        Optional<SegmentStore.Status> status = store.status(id);
        boolean built = status.isPresent() && SegmentStore.Status.READY.equals(status.get().state());
        if (!old.rule().equals(rule) || !built) {
            // a new rule, or the same rule while its build had not finished: the build of the old version
            // stops at the version change, so this version is built (from the start)
            store.putStatus(id, new SegmentStore.Status(SegmentStore.Status.BUILDING, 0, 0, next.version(),
                    clock.instant(), null));
            submitBuild(next);
        } else {
            store.putStatus(id, new SegmentStore.Status(status.get().state(), status.get().evaluated(),
                    status.get().total(), next.version(), status.get().startedAt(), status.get().finishedAt()));
        }
        return Optional.of(next);
    }

    /** Deletes a segment with its memberships and CX reports; false when there was none. */
    public boolean delete(String id) {
        boolean deleted = store.delete(id);
        aggregates.dropReport(id);
        return deleted;
    }

    /**
     * Computes the segment's CX report (the aggregates of its current members' timelines) and puts it in
     * force; runs after every build and refresh.
     */
    public CxAggregates.Rebuilt report(Segment segment) {
        // ZSCAN, not pages by rank (which skip members while others come and go), and not the whole list
        // (memory): a member there for the whole scan is seen, one seen twice counts once
        CxAggregates.Rebuilt report = aggregates.snapshot(segment.id(),
                each -> store.forEachMember(segment.id(), each), clock.instant());
        if (store.find(segment.id()).isEmpty()) {
            aggregates.dropReport(segment.id()); // deleted while the report was computed
        }
        return report;
    }

    private void submitBuild(Segment segment) {
        jobs.submit(() -> build(segment));
    }

    /**
     * Runs a build of this version unless another instance holds the lock of this version (a newer version
     * has a lock of its own, so an edit is never dropped because an older build runs); false when it did
     * not run.
     */
    boolean build(Segment segment) {
        String lockKey = store.namespace().segmentLock("build:" + segment.id() + ":" + segment.version());
        Optional<BuildLock> taken = BuildLock.tryAcquire(connection, lockKey, BUILD_LOCK);
        if (taken.isEmpty()) {
            return false;
        }
        try (BuildLock lock = taken.get()) {
            Optional<Segment> current = store.find(segment.id());
            if (current.isEmpty() || current.get().version() != segment.version()) {
                return false; // deleted or changed again: that change has its own build
            }
            Optional<SegmentStore.Status> status = store.status(segment.id());
            if (status.isPresent() && SegmentStore.Status.READY.equals(status.get().state())
                    && status.get().definitionVersion() == segment.version()) {
                return false; // built already (a resume queued twice, another instance)
            }
            long started = System.nanoTime();
            long profiles = engine.build(segment, lock::renewIfDue);
            CxAggregates.Rebuilt report = report(segment);
            log.info("Segment {} v{} built over {} profiles, its CX report over {} members and {} interactions, "
                    + "in {} ms", segment.id(), segment.version(), profiles, report.profiles(), report.interactions(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return true;
        } catch (BuildLock.LostException e) {
            log.warn("Building segment {} stopped: its lock expired during a stall and another instance may "
                    + "have taken the build over", segment.id());
            return false;
        } catch (RuntimeException e) {
            log.warn("Building segment {} failed ({}); the next refresh resumes it", segment.id(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * The periodic job: builds that are not finished for the current version (an instance stopped during
     * one), then every segment whose rule depends on time, for every profile, then every segment's CX
     * report. One instance per period runs it (a lock that expires with the period).
     *
     * @return how many segments were refreshed or built; -1 when another instance has the period
     */
    public int refresh() {
        String lock = connection.commands().set(store.namespace().segmentLock("refresh"), "1",
                SetArgs.Builder.nx().px(Math.max(1000, refreshEvery.toMillis() - 1000)));
        if (lock == null) {
            return -1;
        }
        Map<String, Segment> all = store.all();
        int done = 0;
        for (Segment s : all.values()) {
            Optional<SegmentStore.Status> status = store.status(s.id());
            boolean finished = status.isPresent() && SegmentStore.Status.READY.equals(status.get().state())
                    && status.get().definitionVersion() == s.version();
            if (!finished && build(s)) {
                done++;
            }
        }
        List<Segment> timed = all.values().stream().filter(Segment::timeDependent).toList();
        if (!timed.isEmpty()) {
            long profiles = engine.evaluateAll(timed, 1000, t -> { }, d -> { });
            log.info("{} time-dependent segment(s) refreshed over {} profiles", timed.size(), profiles);
            done += timed.size();
        }
        for (Segment s : all.values()) {
            try {
                report(s);
            } catch (RuntimeException e) {
                log.warn("The CX report of segment {} failed ({})", s.id(), e.getClass().getSimpleName());
            }
        }
        return done;
    }

    /**
     * Creates the configured segments that do not exist yet (by name), once across instances (a lock).
     *
     * @return how many were created
     */
    public int seed(List<Seed> seeds) {
        if (seeds.isEmpty() || connection.commands().set(store.namespace().segmentLock("seed"), "1",
                SetArgs.Builder.nx().px(Duration.ofMinutes(1).toMillis())) == null) {
            return 0;
        }
        int created = 0;
        java.util.Set<String> names = new java.util.HashSet<>();
        store.all().values().forEach(s -> names.add(s.name()));
        for (Seed seed : seeds) {
            if (names.add(Segment.checkName(seed.name()))) {
                create(seed.name(), seed.description(), SegmentRules.parse(seed.rule()), "tessera-configuration");
                created++;
            }
        }
        return created;
    }

    /** A segment kept in configuration. */
    public record Seed(String name, String description, String rule) {}

    /** Builds every segment again in the background (the change feed's history was lost to them). */
    public void rebuildAllSoon() {
        for (Segment s : store.all().values()) {
            store.putStatus(s.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, 0, 0, s.version(),
                    clock.instant(), null));
            submitBuild(s);
        }
    }

    /** Starts the periodic job's first run in the background (at start-up: resume unfinished builds). */
    public void refreshSoon() {
        jobs.submit(this::refresh);
    }

    /**
     * Builds every segment whose current version is not built yet and whose build no instance runs: an
     * instance stopped during one (its lock expires after {@link #BUILD_LOCK}), or a build stopped by an
     * edit. Not tied to the refresh period (whose lock outlives a restart); cheap when all are built.
     *
     * @return how many builds were queued
     */
    public int resumeSoon() {
        int queued = 0;
        for (Segment s : store.all().values()) {
            Optional<SegmentStore.Status> status = store.status(s.id());
            boolean finished = status.isPresent() && SegmentStore.Status.READY.equals(status.get().state())
                    && status.get().definitionVersion() == s.version();
            if (!finished && pending.add(s.id() + ":" + s.version())) {
                queued++;
                jobs.submit(() -> {
                    try {
                        build(s);
                    } finally {
                        pending.remove(s.id() + ":" + s.version());
                    }
                });
            }
        }
        return queued;
    }

    /** Resumes queued by {@link #resumeSoon} and not run yet (one per segment version). */
    private final java.util.Set<String> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Waits for the jobs queued so far (tests and orderly shutdown). */
    public void awaitJobs(Duration timeout) throws InterruptedException {
        var done = jobs.submit(() -> { });
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("segment jobs did not finish in " + timeout, e);
        }
    }

    private static String newId() {
        StringBuilder id = new StringBuilder("seg-");
        for (int i = 0; i < 10; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    @Override
    public void close() {
        jobs.shutdownNow();
    }
}
