package dev.tessera.core.bench;

import dev.tessera.core.cx.AggregateQuery;
import dev.tessera.core.cx.CxAggregates;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentEngine;
import dev.tessera.core.segment.SegmentRules;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.store.RedisSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The segment part of {@code scripts/bench-cx.sh --segments S}: on the profiles and timelines the CX
 * benchmark created, creates S segments of typical shapes (metric, stage, history within a window,
 * consent, attribute; one of each, round robin), then measures a full build of each (profiles/s), the
 * change-feed path ({@link SegmentEngine#evaluate(ProfileId)}: every segment for one profile) from T
 * threads, and a segment CX report (snapshot) with a query on it.
 */
final class SegmentMeasurements {

    private static final String[] RULES = {
        "{\"metric\": \"nps_latest\", \"op\": \"le\", \"value\": 6}",
        "{\"stage\": [\"at_risk\", \"churned\", \"maintenance\"]}",
        "{\"history\": {\"kind\": \"order\", \"within_days\": 90, \"at_least\": 2}}",
        "{\"all\": [{\"has\": \"email\"}, {\"consent\": {\"purpose\": \"marketing\", \"channel\": \"email\"}}]}",
        "{\"any\": [{\"metric\": \"open_complaints\", \"op\": \"ge\", \"value\": 1}, "
                + "{\"metric\": \"revenue\", \"op\": \"ge\", \"value\": 500, \"currency\": \"EUR\"}]}",
    };

    private SegmentMeasurements() {}

    static void run(RedisSettings settings, List<ProfileId> ids, int count, int threads, LocalDate today)
            throws Exception {
        try (RedisConnection c = RedisConnection.open(settings)) {
            ProfileStore profiles = new ProfileStore(c);
            CxStore cx = new CxStore(profiles, CxSettings.defaults(), Clock.systemUTC());
            SegmentStore store = new SegmentStore(c, RedisKeys.Namespace.DEFAULT);
            SegmentEngine engine = new SegmentEngine(profiles, cx, store, Clock.systemUTC());
            List<Segment> segments = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                Instant now = Instant.now();
                Segment segment = new Segment("bench-" + s, "bench " + s, "", SegmentRules.parse(RULES[s % RULES.length]),
                        now, "bench", now, "bench", 1);
                store.save(segment, 0);
                segments.add(segment);
            }
            for (Segment s : segments.subList(0, Math.min(segments.size(), RULES.length))) {
                long t0 = System.nanoTime();
                long n = engine.build(s);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "segment build %s (%s): %d profiles in %.2f s = %.0f profiles/s, %d members%n",
                        s.id(), SegmentRules.write(s.rule()), n, seconds, n / seconds, store.size(s.id()));
            }

            // the change-feed path: every segment for one profile, T threads each with its own connection
            int sample = Math.min(ids.size(), 20_000);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int from = sample * t / threads;
                int to = sample * (t + 1) / threads;
                done.add(pool.submit(() -> {
                    try (RedisConnection own = RedisConnection.open(settings)) {
                        ProfileStore p = new ProfileStore(own);
                        SegmentEngine e = new SegmentEngine(p, new CxStore(p, CxSettings.defaults(), Clock.systemUTC()),
                                new SegmentStore(own, RedisKeys.Namespace.DEFAULT), Clock.systemUTC());
                        for (int k = from; k < to; k++) {
                            e.evaluate(ids.get(k));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "segment evaluate: %d profiles x %d segments, %d thread(s): %.0f profiles/s, "
                    + "%.0f us per profile%n", sample, count, threads, sample / seconds, seconds * 1e6 * threads / sample);

            CxAggregates aggregates = new CxAggregates(cx);
            Segment widest = segments.get(0);
            for (Segment s : segments) {
                if (store.size(s.id()) > store.size(widest.id())) {
                    widest = s;
                }
            }
            List<ProfileId> members = store.members(widest.id(), 0, Integer.MAX_VALUE).stream()
                    .map(SegmentStore.Member::profile).toList();
            long r0 = System.nanoTime();
            aggregates.snapshot(widest.id(), members, Instant.now());
            System.out.printf(Locale.ROOT, "segment report %s: %d members in %.2f s%n", widest.id(), members.size(),
                    (System.nanoTime() - r0) / 1e9);
            AggregateQuery year = new AggregateQuery(today.minusDays(364), today, AggregateQuery.Granularity.WEEK,
                    AggregateQuery.Dimension.ALL);
            double[] ms = new double[10];
            for (int w = 0; w < 3; w++) {
                aggregates.querySegment(year, widest.id());
            }
            for (int r = 0; r < ms.length; r++) {
                long q0 = System.nanoTime();
                aggregates.querySegment(year, widest.id()).orElseThrow();
                ms[r] = (System.nanoTime() - q0) / 1e6;
            }
            java.util.Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "segment report query (365 days by week): median %.1f ms, max %.1f ms%n",
                    (ms[4] + ms[5]) / 2, ms[ms.length - 1]);
        }
    }
}
