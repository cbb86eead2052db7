package dev.tessera.core.bench;

import dev.tessera.core.cx.AggregateQuery;
import dev.tessera.core.cx.AggregateQuery.Dimension;
import dev.tessera.core.cx.AggregateQuery.Granularity;
import dev.tessera.core.cx.AggregateReport;
import dev.tessera.core.cx.CxAggregates;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.CxTally;
import dev.tessera.core.identity.ExactKeyPolicy;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;
import dev.tessera.core.testing.RedisTestServer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CX timeline benchmark: creates M profiles through the resolver (T threads), then appends N random
 * interactions (orders, tickets and complaints, NPS/CSAT/CES answers, activities over five channels and six
 * touchpoints, spread over the last 365 days) through the real {@link CxStore#append} path (or, with
 * {@code --batch B}, {@link CxStore#appendAll} with B interactions per call) from T threads,
 * each with its own connection, and prints interactions/s, mean µs per append and Redis commands per append
 * (INFO commandstats delta, Lua inner calls included), all with the dashboard buckets being kept. Then it
 * times {@link CxAggregates#query} for a few typical dashboard queries (median and max of 10 runs after 3
 * warm-ups), and, for at most 5,000 profiles, the naive alternative (NPS by reading every stored tally). Run
 * it through {@code scripts/bench-cx.sh}.
 *
 * <p>Redis: {@code REDIS_URL} (flushed first, therefore only with {@code --flush}), else a private server.
 */
public final class CxBenchmark {

    private CxBenchmark() {}

    /**
     * The scheduled stage pass over every profile (CxSchedule), 30 days after the data so that time changes
     * some stages: {@code advanceStages} twice (recording, then steady state: nothing new) and the
     * {@code refresh} the pass used before (the tally recomputed from each timeline), one thread as there.
     */
    private static void stagePass(ProfileStore store, List<ProfileId> ids, Instant at) {
        CxStore later = new CxStore(store, CxSettings.defaults(), Clock.fixed(at, ZoneOffset.UTC));
        for (String pass : List.of("advanceStages", "advanceStages again", "refresh")) {
            long t0 = System.nanoTime();
            long changed = 0;
            if (pass.equals("refresh")) {
                ids.forEach(later::refresh);
            } else {
                for (int i = 0; i < ids.size(); i += 200) { // as CxSchedule does
                    changed += later.advanceStages(ids.subList(i, Math.min(ids.size(), i + 200)));
                }
            }
            System.out.printf(Locale.ROOT, "stage pass (%s): %d profiles, %d changed, %.0f ms%n", pass, ids.size(),
                    changed, (System.nanoTime() - t0) / 1e6);
        }
    }

    public static void main(String[] args) throws Exception {
        int n = 20_000;
        int m = 1_000;
        int threads = 2;
        boolean flush = false;
        int segments = 0;
        boolean inTimeOrder = false;
        boolean live = false;
        boolean stagePass = false;
        int batchSize = 1;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--segments" -> segments = Integer.parseInt(args[++k]);
                case "--time-order" -> inTimeOrder = true;
                case "--live" -> live = true;
                case "--batch" -> batchSize = Integer.parseInt(args[++k]);
                case "--interactions" -> n = Integer.parseInt(args[++k]);
                case "--profiles" -> m = Integer.parseInt(args[++k]);
                case "--threads" -> threads = Integer.parseInt(args[++k]);
                case "--flush" -> flush = true;
                case "--stage-pass" -> stagePass = true;
                default -> {
                    System.err.println("usage: bench-cx.sh [--interactions N] [--profiles M] [--threads T] "
                            + "[--time-order | --live] [--batch B] [--segments S] [--flush]");
                    System.exit(2);
                }
            }
        }
        String fromEnv = System.getenv("REDIS_URL");
        if (fromEnv != null && !fromEnv.isBlank() && !flush) {
            System.err.println("REDIS_URL is set: the benchmark deletes every key first; pass --flush to confirm.");
            System.exit(2);
        }
        RedisSettings settings = RedisSettings.of(RedisTestServer.url());
        try (RedisConnection setup = RedisConnection.open(settings)) {
            setup.commands().flushall();
            ProfileStore store = new ProfileStore(setup);
            long t0 = System.nanoTime();
            List<SourceRecordId> records = new ArrayList<>();
            for (int k = 0; k < m; k++) {
                records.add(new SourceRecordId("shop", "c" + k));
            }
            List<ProfileId> ids = inParallel(threads, m, settings, c -> {
                ProfileResolver resolver = new ProfileResolver(new ProfileStore(c), new ExactKeyPolicy(),
                        new GoldenRecordBuilder(), Clock.systemUTC());
                return k -> resolver.resolve(new CustomerRecord(records.get(k), Instant.EPOCH,
                        List.of(new Identifier(IdentifierType.EMAIL, "c" + k + "@example.com")), Map.of())).profileId();
            });
            System.out.printf(Locale.ROOT, "setup: %d profiles in %.1f s%n", m, (System.nanoTime() - t0) / 1e9);

            setup.commands().configResetstat();
            Instant now = Instant.now();
            // CPU of both sides per append: steadier than the rate on a shared machine
            double redisCpuBefore = redisCpuSeconds(setup.commands().info("cpu"));
            long clientCpuBefore = processCpuNanos();
            long start = System.nanoTime();
            AtomicLong busyNanos = new AtomicLong();
            int appendThreads = threads;
            int total = n;
            List<Future<?>> done = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(appendThreads);
            for (int t = 0; t < appendThreads; t++) {
                int from = (int) ((long) total * t / appendThreads);
                int to = (int) ((long) total * (t + 1) / appendThreads);
                long seed = t;
                boolean sorted = inTimeOrder || live;
                boolean stream = live;
                int thread = t;
                int perCall = batchSize;
                done.add(pool.submit(() -> {
                    List<Interaction> batch = new ArrayList<>();
                    if (stream) {
                        // a stream keyed by customer (as Kafka partitions are): every interaction of a
                        // customer on one thread, the same n interactions whatever the thread count
                        Random random = new Random(0);
                        for (int k = 0; k < total; k++) {
                            Interaction i = interaction(k, random, records, now);
                            if (Math.floorMod(i.record().key().hashCode(), appendThreads) == thread) {
                                batch.add(i);
                            }
                        }
                    } else {
                        Random random = new Random(seed);
                        for (int k = from; k < to; k++) {
                            batch.add(interaction(k, random, records, now));
                        }
                    }
                    if (sorted) { // a backfill sorted by time, or live traffic: the cheap in-order path
                        batch.sort(java.util.Comparator.comparing(Interaction::occurredAt));
                    }
                    try (RedisConnection c = RedisConnection.open(settings)) {
                        // live: the store's clock is the time of the latest interaction, as when events
                        // arrive as they happen (time-driven stage changes are then behind, not ahead)
                        dev.tessera.core.testing.MovableClock clock = new dev.tessera.core.testing.MovableClock(
                                batch.isEmpty() ? now : batch.get(0).occurredAt());
                        CxStore cx = new CxStore(new ProfileStore(c), CxSettings.defaults(),
                                stream ? clock : Clock.systemUTC());
                        long s = System.nanoTime();
                        if (perCall == 1) {
                            for (Interaction i : batch) {
                                clock.set(i.occurredAt().plusSeconds(1));
                                cx.append(i);
                            }
                        } else {
                            for (int b = 0; b < batch.size(); b += perCall) {
                                List<Interaction> part = batch.subList(b, Math.min(batch.size(), b + perCall));
                                clock.set(part.get(part.size() - 1).occurredAt().plusSeconds(1));
                                cx.appendAll(part);
                            }
                        }
                        busyNanos.addAndGet(System.nanoTime() - s);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double clientCpuUs = (processCpuNanos() - clientCpuBefore) / 1e3 / n;
            double redisCpuUs = (redisCpuSeconds(setup.commands().info("cpu")) - redisCpuBefore) * 1e6 / n;
            pool.shutdown();
            long commands = totalCalls(setup.commands().info("commandstats"));
            System.out.printf(Locale.ROOT, "appends: %d interactions over %d profiles, %d thread(s), %s, %s, %.1f s%n",
                    n, m, threads, live ? "live (clock follows the data, customers keyed to threads)"
                            : inTimeOrder ? "in time order" : "in random time order",
                    batchSize == 1 ? "one per call" : "batches of " + batchSize, seconds);
            System.out.printf(Locale.ROOT, "redis: used_memory %s after loading%n",
                    info(setup.commands().info("memory"), "used_memory_human"));

            CxStore cx = new CxStore(store, CxSettings.defaults(), Clock.systemUTC());
            CxAggregates aggregates = new CxAggregates(cx);
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            List<AggregateQuery> queries = List.of(
                    new AggregateQuery(today.minusDays(29), today, Granularity.DAY, Dimension.ALL),
                    new AggregateQuery(today.minusDays(364), today, Granularity.DAY, Dimension.ALL),
                    new AggregateQuery(today.minusDays(364), today, Granularity.WEEK, Dimension.CHANNEL),
                    new AggregateQuery(today.minusDays(364), today, Granularity.MONTH, Dimension.TOUCHPOINT),
                    new AggregateQuery(today.minusYears(2), today, Granularity.MONTH, Dimension.ALL));
            for (AggregateQuery q : queries) {
                AggregateReport report = null;
                for (int w = 0; w < 3; w++) {
                    report = aggregates.query(q);
                }
                double[] ms = new double[10];
                for (int r = 0; r < ms.length; r++) {
                    long q0 = System.nanoTime();
                    report = aggregates.query(q);
                    ms[r] = (System.nanoTime() - q0) / 1e6;
                }
                java.util.Arrays.sort(ms);
                long answers = report.series().stream().flatMap(s -> s.buckets().stream())
                        .mapToLong(b -> b.nps().answers()).sum();
                System.out.printf(Locale.ROOT,
                        "aggregate %s..%s %s by %s: %d series x %d buckets, %d NPS answers: median %.1f ms, max %.1f ms%n",
                        q.from(), q.to(), q.granularity(), q.dimension(), report.series().size(),
                        report.series().get(0).buckets().size(), answers, (ms[4] + ms[5]) / 2, ms[ms.length - 1]);
            }
            if (m <= 5_000) {
                long a0 = System.nanoTime();
                long promoters = 0;
                long detractors = 0;
                long answered = 0;
                for (ProfileId id : ids) {
                    CxTally tally = cx.tally(id);
                    if (tally.latestNps() != null) {
                        answered++;
                        int v = tally.latestNps().value();
                        promoters += v >= 9 ? 1 : 0;
                        detractors += v <= 6 ? 1 : 0;
                    }
                }
                double nps = answered == 0 ? 0 : 100.0 * (promoters - detractors) / answered;
                System.out.printf(Locale.ROOT, "naive aggregate: NPS %.1f over %d profiles (one tally read each) in %.0f ms%n",
                        nps, m, (System.nanoTime() - a0) / 1e6);
            }
            if (segments > 0) {
                SegmentMeasurements.run(settings, ids, segments, threads, today);
            }
            if (stagePass) {
                stagePass(store, ids, now.plus(java.time.Duration.ofDays(30)));
            }
            System.out.printf(Locale.ROOT, "interactions_per_s=%.0f us_per_append=%.0f redis_commands_per_append=%.1f"
                    + " client_cpu_us_per_append=%.0f redis_cpu_us_per_append=%.0f%n",
                    n / seconds, busyNanos.get() / 1e3 / n, commands / (double) n, clientCpuUs, redisCpuUs);
        }
        System.exit(0);
    }

    /** Runs a task for k in 0..count-1 on {@code threads} threads, each with its own connection and task. */
    private static <T> List<T> inParallel(int threads, int count, RedisSettings settings,
            java.util.function.Function<RedisConnection, java.util.function.IntFunction<T>> perThread) throws Exception {
        List<T> results = new ArrayList<>(java.util.Collections.nCopies(count, null));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) count * t / threads);
            int to = (int) ((long) count * (t + 1) / threads);
            done.add(pool.submit(() -> {
                try (RedisConnection c = RedisConnection.open(settings)) {
                    java.util.function.IntFunction<T> task = perThread.apply(c);
                    for (int k = from; k < to; k++) {
                        results.set(k, task.apply(k));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return results;
    }

    private static String info(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return "?";
    }

    /** Sums calls=N over every command of INFO commandstats. */
    static long totalCalls(String info) {
        long total = 0;
        for (String line : info.split("\r?\n")) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at >= 0) {
                int end = line.indexOf(',', at);
                total += Long.parseLong(line.substring(at + 6, end));
            }
        }
        return total;
    }

    private static final String[] CHANNELS = {"web", "email", "phone", "store", "app"};
    private static final String[] TOUCHPOINTS = {"checkout", "delivery", "support", "survey", "account", "returns"};

    /** The k-th interaction: a random customer, kind, channel and touchpoint within the last 365 days. */
    static Interaction interaction(int k, Random random, List<SourceRecordId> records, Instant now) {
        int person = random.nextInt(records.size());
        SourceRecordId who = records.get(person);
        Instant at = now.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 365)));
        String id = "i" + k;
        String channel = CHANNELS[random.nextInt(CHANNELS.length)];
        String touchpoint = TOUCHPOINTS[random.nextInt(TOUCHPOINTS.length)];
        String ticket = "t" + person + "-" + random.nextInt(3); // tickets belong to one person
        return switch (random.nextInt(8)) {
            case 0 -> new Interaction(id, who, InteractionKind.ORDER, channel, touchpoint, at,
                    new Interaction.Money(BigDecimal.valueOf(random.nextInt(20000), 2), random.nextInt(5) == 0 ? "USD"
                            : "EUR"), null, Map.of());
            case 1 -> new Interaction(id, who, InteractionKind.TICKET_OPENED, channel, touchpoint, at, null, null,
                    random.nextInt(3) == 0 ? Map.of("ticket_id", ticket, "type", "complaint") : Map.of("ticket_id", ticket));
            case 2 -> new Interaction(id, who, InteractionKind.TICKET_SOLVED, channel, touchpoint, at, null, null,
                    Map.of("ticket_id", ticket));
            case 3 -> new Interaction(id, who, InteractionKind.SURVEY_RESPONSE, channel, touchpoint, at, null,
                    new Interaction.Score(Interaction.ScoreType.NPS, random.nextInt(11)), Map.of());
            case 4 -> new Interaction(id, who, InteractionKind.SURVEY_RESPONSE, channel, touchpoint, at, null,
                    new Interaction.Score(Interaction.ScoreType.CSAT, 1 + random.nextInt(5)), Map.of());
            case 5 -> new Interaction(id, who, InteractionKind.SURVEY_RESPONSE, channel, touchpoint, at, null,
                    new Interaction.Score(Interaction.ScoreType.CES, 1 + random.nextInt(7)), Map.of());
            default -> new Interaction(id, who, InteractionKind.CRM_ACTIVITY, channel, touchpoint, at, null, null,
                    Map.of());
        };
    }

    /** CPU time of this JVM so far (every thread: appenders, Lettuce's event loop, JIT, GC). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** used_cpu_user + used_cpu_sys of the Redis server, from INFO cpu. */
    private static double redisCpuSeconds(String infoCpu) {
        return Double.parseDouble(info(infoCpu, "used_cpu_user")) + Double.parseDouble(info(infoCpu, "used_cpu_sys"));
    }
}
