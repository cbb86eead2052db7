package dev.tessera.core.bench;

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
 * CX timeline benchmark: creates M profiles through the resolver, then appends N random interactions
 * (orders, tickets, surveys, activities) spread over them from T threads against a real Redis, and
 * prints interactions/s, mean µs per append, Redis commands per append (INFO commandstats delta, Lua
 * inner calls included) and the time of a naive aggregate (NPS over all profiles by reading every
 * stored tally). Run it through {@code scripts/bench-cx.sh}.
 *
 * <p>Redis: {@code REDIS_URL} (flushed first, therefore only with {@code --flush}), else a private server.
 */
public final class CxBenchmark {

    private CxBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = 20_000;
        int m = 1_000;
        int threads = 2;
        boolean flush = false;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--interactions" -> n = Integer.parseInt(args[++k]);
                case "--profiles" -> m = Integer.parseInt(args[++k]);
                case "--threads" -> threads = Integer.parseInt(args[++k]);
                case "--flush" -> flush = true;
                default -> {
                    System.err.println("usage: bench-cx.sh [--interactions N] [--profiles M] [--threads T] [--flush]");
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
            ProfileResolver resolver = new ProfileResolver(store, new ExactKeyPolicy(), new GoldenRecordBuilder(),
                    Clock.systemUTC());
            long t0 = System.nanoTime();
            List<SourceRecordId> records = new ArrayList<>();
            List<ProfileId> ids = new ArrayList<>();
            for (int k = 0; k < m; k++) {
                SourceRecordId id = new SourceRecordId("shop", "c" + k);
                records.add(id);
                ids.add(resolver.resolve(new CustomerRecord(id, Instant.EPOCH,
                        List.of(new Identifier(IdentifierType.EMAIL, "c" + k + "@example.com")), Map.of())).profileId());
            }
            System.out.printf(Locale.ROOT, "setup: %d profiles in %.1f s%n", m, (System.nanoTime() - t0) / 1e9);

            List<Interaction> all = generate(n, records);
            setup.commands().configResetstat();
            AtomicLong busyNanos = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                List<Interaction> mine = all.subList(all.size() * t / threads, all.size() * (t + 1) / threads);
                done.add(pool.submit(() -> {
                    try (RedisConnection c = RedisConnection.open(settings)) {
                        CxStore cx = new CxStore(new ProfileStore(c), CxSettings.defaults(), Clock.systemUTC());
                        long s = System.nanoTime();
                        mine.forEach(cx::append);
                        busyNanos.addAndGet(System.nanoTime() - s);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            long commands = totalCalls(setup.commands().info("commandstats"));

            CxStore cx = new CxStore(store, CxSettings.defaults(), Clock.systemUTC());
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
            double aggregateMs = (System.nanoTime() - a0) / 1e6;
            double nps = answered == 0 ? 0 : 100.0 * (promoters - detractors) / answered;
            System.out.printf(Locale.ROOT, "appends: %d interactions over %d profiles, %d thread(s), %.2f s%n", n, m,
                    threads, seconds);
            System.out.printf(Locale.ROOT, "naive aggregate: NPS %.1f over %d profiles (one tally read each) in %.0f ms%n",
                    nps, m, aggregateMs);
            System.out.printf(Locale.ROOT, "interactions_per_s=%.0f us_per_append=%.0f redis_commands_per_append=%.1f%n",
                    n / seconds, busyNanos.get() / 1e3 / n, commands / (double) n);
        }
        System.exit(0);
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

    static List<Interaction> generate(int n, List<SourceRecordId> records) {
        Random random = new Random(42);
        Instant now = Instant.now();
        List<Interaction> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            SourceRecordId who = records.get(random.nextInt(records.size()));
            Instant at = now.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 365)));
            String id = "i" + k;
            out.add(switch (random.nextInt(5)) {
                case 0 -> new Interaction(id, who, InteractionKind.ORDER, "web", "checkout", at,
                        new Interaction.Money(BigDecimal.valueOf(random.nextInt(20000), 2), "EUR"), null, Map.of());
                case 1 -> new Interaction(id, who, InteractionKind.TICKET_OPENED, "phone", "support", at, null, null,
                        Map.of("ticket_id", "t" + random.nextInt(n / 10 + 1)));
                case 2 -> new Interaction(id, who, InteractionKind.TICKET_SOLVED, "phone", "support", at, null, null,
                        Map.of("ticket_id", "t" + random.nextInt(n / 10 + 1)));
                case 3 -> new Interaction(id, who, InteractionKind.SURVEY_RESPONSE, "email", "survey", at, null,
                        new Interaction.Score(Interaction.ScoreType.NPS, random.nextInt(11)), Map.of());
                default -> new Interaction(id, who, InteractionKind.CRM_ACTIVITY, "email", "account", at, null, null,
                        Map.of());
            });
        }
        return out;
    }
}
