package dev.tessera.core.cx;

import dev.tessera.core.cx.AggregateQuery.Dimension;
import dev.tessera.core.cx.AggregateReport.Average;
import dev.tessera.core.cx.AggregateReport.Bucket;
import dev.tessera.core.cx.AggregateReport.Churn;
import dev.tessera.core.cx.AggregateReport.Complaints;
import dev.tessera.core.cx.AggregateReport.Nps;
import dev.tessera.core.cx.AggregateReport.Orders;
import dev.tessera.core.cx.AggregateReport.Series;
import dev.tessera.core.cx.AggregateReport.Tickets;
import dev.tessera.core.cx.CxStore.StoredStage;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Dashboard aggregates over every profile (issue 5 item 4; definitions in docs/cx-metrics.md): reads the
 * day buckets that {@link CxStore} keeps up to date in the same Lua script as each timeline write, and
 * rebuilds them from the timelines when needed. A query reads one hash per day in the range (plus one
 * HyperLogLog count per period), in one pipelined round trip, whatever the number of profiles.
 *
 * <p>Thread-safe; share one instance.
 */
public final class CxAggregates {

    private static final int BATCH = 500;

    private final CxStore store;
    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisKeys.Namespace keys;
    /** Profiles read per round trip by a rebuild or a segment report (and held in memory at once). */
    private final int passBatch;

    /** The aggregates of the profiles of {@code store} (same connection and key namespace). */
    public CxAggregates(CxStore store) {
        this(store, BATCH);
    }

    /** As {@link #CxAggregates(CxStore)} with another batch size for passes over profiles (tests). */
    CxAggregates(CxStore store, int passBatch) {
        if (passBatch < 1) {
            throw new IllegalArgumentException("passBatch must be at least 1");
        }
        this.passBatch = passBatch;
        this.store = Objects.requireNonNull(store, "store");
        this.connection = store.connection();
        this.redis = connection.commands();
        this.async = connection.async();
        this.keys = store.namespace();
    }

    // ---------------------------------------------------------------- query

    private record Period(LocalDate from, LocalDate to) {}

    /** The aggregates of the query's range, one series per dimension value, one bucket per period. */
    public AggregateReport query(AggregateQuery query) {
        return query(query, Rank.INTERACTIONS);
    }

    /** As {@link #query(AggregateQuery)}, keeping the series with the most of {@code rank} when they are folded. */
    public AggregateReport query(AggregateQuery query, Rank rank) {
        return queryUnder(query, AggregateBuckets.prefix(keys), rank);
    }

    /**
     * What decides which series an answer keeps when there are more than {@link #MAX_SERIES}: the labels with
     * the most of it (ties: more interactions, then by label), so a view of one metric keeps the labels that
     * have it (an NPS view by touchpoint keeps those with the most answers, not those with the most orders).
     */
    public enum Rank {
        INTERACTIONS("interactions|count"),
        NPS_ANSWERS("nps|promoter", "nps|passive", "nps|detractor"),
        CSAT_ANSWERS("csat|count"),
        CES_ANSWERS("ces|count"),
        COMPLAINTS("complaints|opened"),
        ORDERS("orders|count");

        private final Set<String> fields;

        Rank(String... fields) {
            this.fields = Set.of(fields);
        }
    }

    private AggregateReport queryUnder(AggregateQuery query, String prefix, Rank rank) {
        List<Period> periods = periods(query);
        Map<LocalDate, RedisFuture<Map<String, String>>> days = new LinkedHashMap<>();
        for (LocalDate day = query.from(); !day.isAfter(query.to()); day = day.plusDays(1)) {
            days.put(day, async.hgetall(AggregateBuckets.dayKey(prefix, day)));
        }
        boolean all = query.dimension() == Dimension.ALL;
        List<RedisFuture<Long>> active = new ArrayList<>();
        if (all) {
            for (Period period : periods) {
                active.add(async.pfcount(period.from().datesUntil(period.to().plusDays(1))
                        .map(d -> AggregateBuckets.activeKey(prefix, d)).toArray(String[]::new)));
            }
        }
        String wanted = switch (query.dimension()) {
            case ALL -> "all";
            case CHANNEL -> "channel:";
            case TOUCHPOINT -> "touchpoint:";
        };
        // labels are free text: with more than MAX_SERIES of them in the range, the ones with the least of the
        // rank are summed into one series, so an answer's size is bounded by series x periods
        Map<String, long[]> totals = new HashMap<>(); // label → {rank, interactions}
        if (all) {
            totals.put("all", new long[2]);
        }
        for (LocalDate day = query.from(); !day.isAfter(query.to()); day = day.plusDays(1)) {
            for (Map.Entry<String, String> field : connection.await(days.get(day)).entrySet()) {
                String[] parsed = seriesAndMetric(field.getKey(), all, wanted);
                if (parsed != null) {
                    long[] t = totals.computeIfAbsent(parsed[0], k -> new long[2]);
                    if (rank.fields.contains(parsed[1])) {
                        t[0] += Long.parseLong(field.getValue());
                    }
                    if (parsed[1].equals("interactions|count")) {
                        t[1] += Long.parseLong(field.getValue());
                    }
                }
            }
        }
        Set<String> kept = new TreeSet<>(totals.keySet());
        int folded = 0;
        if (kept.size() > MAX_SERIES) {
            Comparator<Map.Entry<String, long[]>> most = Comparator
                    .<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                    .thenComparingLong(e -> -e.getValue()[1])
                    .thenComparing(Map.Entry::getKey);
            kept = new TreeSet<>(totals.entrySet().stream().sorted(most).limit(MAX_SERIES - 1)
                    .map(Map.Entry::getKey).toList());
            folded = totals.size() - kept.size();
        }
        // period index → series key (FOLDED for the rest) → METRIC|PART → sum
        List<Map<String, Map<String, Long>>> sums = new ArrayList<>();
        for (Period period : periods) {
            Map<String, Map<String, Long>> perSeries = new HashMap<>();
            for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
                for (Map.Entry<String, String> field : connection.await(days.get(day)).entrySet()) {
                    String[] parsed = seriesAndMetric(field.getKey(), all, wanted);
                    if (parsed != null) {
                        perSeries.computeIfAbsent(kept.contains(parsed[0]) ? parsed[0] : FOLDED, k -> new HashMap<>())
                                .merge(parsed[1], Long.parseLong(field.getValue()), Long::sum);
                    }
                }
            }
            sums.add(perSeries);
        }
        List<String> order = new ArrayList<>(kept);
        if (folded > 0) {
            order.add(FOLDED); // last
        }
        List<Series> series = new ArrayList<>();
        for (String key : order) {
            List<Bucket> buckets = new ArrayList<>();
            for (int k = 0; k < periods.size(); k++) {
                Map<String, Long> m = sums.get(k).getOrDefault(key, Map.of());
                Long activeProfiles = all ? connection.await(active.get(k)) : null;
                buckets.add(bucket(periods.get(k), m, activeProfiles));
            }
            series.add(key.equals(FOLDED) ? new Series(AggregateReport.OTHER, buckets, folded) : new Series(key, buckets));
        }
        return new AggregateReport(query, series);
    }

    /**
     * Most series one answer holds: with more labels in the range (touchpoints are free text), the
     * {@code MAX_SERIES - 1} with the most of the {@link Rank} asked for (interactions unless said) are kept and
     * the rest summed into one series
     * {@link AggregateReport#OTHER}.
     */
    public static final int MAX_SERIES = 25;

    /** The internal key of the summed series: labels cannot hold control characters, so no label is this. */
    private static final String FOLDED = "\u0000other";

    /**
     * A day-bucket field's series (its label under the wanted dimension, or "all") and its METRIC|PART; null
     * for a field of another dimension.
     */
    private static String[] seriesAndMetric(String name, boolean all, String wanted) {
        int part = name.lastIndexOf('|');
        int metric = part <= 0 ? -1 : name.lastIndexOf('|', part - 1);
        if (metric <= 0) {
            return null;
        }
        String dim = name.substring(0, metric);
        if (all) {
            return dim.equals("all") ? new String[] {"all", name.substring(metric + 1)} : null;
        }
        return dim.startsWith(wanted) ? new String[] {dim.substring(wanted.length()), name.substring(metric + 1)} : null;
    }

    private static List<Period> periods(AggregateQuery query) {
        List<Period> periods = new ArrayList<>();
        LocalDate start = query.from();
        while (!start.isAfter(query.to())) {
            LocalDate end = switch (query.granularity()) {
                case DAY -> start;
                case WEEK -> start.with(DayOfWeek.SUNDAY);
                case MONTH -> start.withDayOfMonth(start.lengthOfMonth());
            };
            if (end.isAfter(query.to())) {
                end = query.to();
            }
            periods.add(new Period(start, end));
            start = end.plusDays(1);
        }
        return periods;
    }

    /** The bucket of one period from its summed fields; {@code active} is null outside the {@code all} series. */
    private static Bucket bucket(Period period, Map<String, Long> m, Long active) {
        boolean all = active != null;
        long promoters = get(m, "nps|promoter");
        long passives = get(m, "nps|passive");
        long detractors = get(m, "nps|detractor");
        long answers = promoters + passives + detractors;
        Nps nps = new Nps(promoters, passives, detractors,
                answers == 0 ? null : round(100.0 * (promoters - detractors) / answers));
        long complaintsSolved = get(m, "complaints|solved");
        Complaints complaints = new Complaints(get(m, "complaints|opened"), all ? complaintsSolved : null,
                all ? average(get(m, "complaints|handling_ms"), complaintsSolved) : null);
        Tickets tickets = null;
        Churn churn = null;
        if (all) {
            long solved = get(m, "tickets|solved");
            long responded = get(m, "tickets|responded");
            tickets = new Tickets(solved, responded, average(get(m, "tickets|response_ms"), responded),
                    average(get(m, "tickets|resolution_ms"), solved));
            long churned = get(m, "churn|entered");
            long base = churned + active;
            churn = new Churn(churned, get(m, "churn|left"), active, base == 0 ? null : round((double) churned / base));
        }
        SortedMap<String, BigDecimal> revenue = new TreeMap<>();
        m.forEach((field, sum) -> {
            if (field.startsWith("revenue|") && sum != 0) {
                BigDecimal value = BigDecimal.valueOf(sum, AggregateBuckets.MONEY_SCALE).stripTrailingZeros();
                revenue.put(field.substring("revenue|".length()), value.scale() < 2 ? value.setScale(2) : value);
            }
        });
        return new Bucket(period.from(), period.to(), get(m, "interactions|count"), nps, score(m, "csat"),
                score(m, "ces"), complaints, tickets, churn, new Orders(get(m, "orders|count"), revenue));
    }

    private static Average score(Map<String, Long> m, String metric) {
        long sum = get(m, metric + "|sum");
        long count = get(m, metric + "|count");
        return new Average(sum, count, count == 0 ? null : round((double) sum / count));
    }

    private static Duration average(long millis, long n) {
        return n == 0 ? null : Duration.ofMillis(millis / n);
    }

    private static long get(Map<String, Long> m, String field) {
        return m.getOrDefault(field, 0L);
    }

    private static double round(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }

    // ---------------------------------------------------------------- rebuild

    /**
     * What {@link #rebuild()} or a segment report read: distinct profiles and the distinct customer
     * interactions on their timelines (an interaction held under two profiles counts once, as in the buckets),
     * and for a rebuild the tickets, orders and answers that had no owner (stored before owners were kept)
     * and got the live profile holding them as owner ({@code owned}).
     */
    public record Rebuilt(int profiles, long interactions, long owned) {}

    /** Another rebuild of the live aggregates holds the lock (in this process or another). */
    public static final class RebuildRunning extends IllegalStateException {
        RebuildRunning() {
            super("a rebuild of the CX aggregates is already running");
        }
    }

    /** How long a rebuild's lock outlives its holder's last batch (a holder that died frees it after that). */
    static final Duration REBUILD_LEASE = Duration.ofMinutes(2);

    /** KEYS: lock. ARGV: token, lease ms. Renews the lock when this token still holds it: 1, else 0. */
    private static final LuaScript RENEW = new LuaScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    /** KEYS: lock. ARGV: token. Deletes the lock when this token holds it. */
    private static final LuaScript RELEASE = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 1
            """);

    /**
     * The switch from the live aggregates to a rebuilt set, in one step. KEYS: lock, then the live keys to
     * delete, then pairs of (rebuilt key, live name), then the rebuilt keys to drop. ARGV: token, the three
     * counts. Answers 0 when the token no longer holds the lock, -1 when a rebuilt key is missing (evicted
     * or deleted by hand), in both cases before anything changed; else 1. UNLINK, so a large ledger is
     * freed off the main thread.
     */
    private static final LuaScript SWITCH = new LuaScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            local nOld, nPairs, nDrop = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            local first = 2 + nOld
            for k = first, first + 2 * nPairs - 1, 2 do
              if redis.call('EXISTS', KEYS[k]) == 0 then return -1 end
            end
            for k = 2, first - 1 do redis.call('UNLINK', KEYS[k]) end
            local k = first
            for _ = 1, nPairs do redis.call('RENAME', KEYS[k], KEYS[k + 1]); k = k + 2 end
            for _ = 1, nDrop do redis.call('UNLINK', KEYS[k]); k = k + 1 end
            return 1
            """);

    /**
     * One batch of a pass staged: KEYS ledger, churn. ARGV: the number of ledger entries, then ledger
     * field/contribution pairs, then profile/churn-lines pairs. Sets each and answers what each held
     * before, in order (0 for nothing), so the caller takes the old value out of its sums and puts the new
     * one in: last write wins, whatever order entries come in and however often (an interaction held
     * under two profiles, a profile SCAN hands over twice), without remembering what was seen.
     */
    private static final LuaScript STAGE = new LuaScript("""
            local nLedger = tonumber(ARGV[1])
            local out = {}
            for i = 2, #ARGV, 2 do
              local key = KEYS[1]
              if i > 1 + 2 * nLedger then key = KEYS[2] end
              out[#out + 1] = redis.call('HGET', key, ARGV[i]) or 0
              redis.call('HSET', key, ARGV[i], ARGV[i + 1])
            end
            return out
            """);

    /** How often a rebuild renews its lock at the least, also inside one long SCAN or write-out. */
    private static final Duration RENEW_EVERY = Duration.ofSeconds(15);

    /**
     * Replaces every bucket, the ledger and the activity counts by what the timelines of the live profiles
     * say now (and their stage histories, for churn). Use it after a change of {@link CxSettings} that
     * changes what counts (e.g. the complaint marker), after a crash between the two steps on Redis Cluster,
     * or to check the incremental buckets.
     *
     * <p>Memory holds one batch of {@value #BATCH} profiles and the day buckets (days × fields), not every
     * profile or interaction: the profiles come as {@code SCAN} finds them, and the ledger and each profile's
     * churn counts go to Redis under a staging prefix batch by batch, each batch's sums corrected by what
     * its entries replaced there. Queries read the old aggregates until the new ones replace them in one
     * script (every key shares the {@code {cx:agg}} hash tag, so this holds on Redis Cluster too). One
     * rebuild at a time: a lock in Redis with a lease renewed as it goes. A rebuild that fails or loses its
     * lock changes no aggregate and removes what it staged; the owners it recorded for tickets, orders and
     * answers stored before owners were kept ({@link CxStore#ownUnowned}) stay. Appends racing with a
     * rebuild can leave the buckets off (missing an interaction, or counting a later correction of it twice)
     * until the next one: run it while nothing appends.
     *
     * @throws RebuildRunning when another rebuild holds the lock
     */
    public Rebuilt rebuild() {
        String live = AggregateBuckets.prefix(keys);
        String lock = live + "rebuild-lock";
        String token = java.util.UUID.randomUUID().toString();
        if (!"OK".equals(redis.set(lock, token, io.lettuce.core.SetArgs.Builder.nx().px(REBUILD_LEASE.toMillis())))) {
            throw new RebuildRunning();
        }
        String staging = live + "rebuild:" + token + ":";
        Runnable renew = new Runnable() {
            private long last = System.nanoTime();

            @Override
            public void run() {
                if (System.nanoTime() - last < RENEW_EVERY.toNanos()) {
                    return;
                }
                if (RENEW.run(connection, new String[] {lock}, token, Long.toString(REBUILD_LEASE.toMillis())) != 1) {
                    throw new IllegalStateException("the rebuild lost its lock (a pause longer than "
                            + REBUILD_LEASE + "); nothing was changed");
                }
                last = System.nanoTime();
            }
        };
        boolean switched = false;
        try {
            // what a rebuild that died left behind; no other is running now
            clear(live + "rebuild:", renew);
            Pass pass = new Pass(staging, renew).owning();
            store.profiles().forEachProfileId(pass::add);
            Pass.Result result = pass.finish();

            List<String> switchKeys = new ArrayList<>();
            switchKeys.add(lock);
            List<String> old = new ArrayList<>(scanKeys(live, renew));
            switchKeys.addAll(old);
            int pairs = 0;
            for (String key : result.written()) {
                switchKeys.add(key);
                switchKeys.add(live + key.substring(staging.length()));
                pairs++;
            }
            switchKeys.addAll(result.scratch());
            long answer = SWITCH.run(connection, switchKeys.toArray(String[]::new), token,
                    Integer.toString(old.size()), Integer.toString(pairs), Integer.toString(result.scratch().size()));
            if (answer == 0) {
                throw new IllegalStateException("the rebuild lost its lock before the switch; nothing was changed");
            }
            if (answer != 1) {
                throw new IllegalStateException("a key the rebuild staged was gone at the switch (evicted or "
                        + "deleted); nothing was changed");
            }
            switched = true;
            return result.rebuilt();
        } finally {
            try {
                if (!switched) {
                    clear(staging, () -> {});
                }
            } finally {
                RELEASE.run(connection, new String[] {lock}, token);
            }
        }
    }

    /**
     * The live aggregate keys (day buckets, activity sketches, ledger) as one SCAN finds them, without
     * repeats; not the lock nor anything a rebuild stages.
     */
    private Set<String> scanKeys(String live, Runnable heartbeat) {
        Set<String> found = new java.util.LinkedHashSet<>();
        ScanIterator<String> scan = ScanIterator.scan(redis, ScanArgs.Builder.matches(globEscape(live) + "*").limit(1000));
        String ledger = AggregateBuckets.ledgerKey(keys);
        int n = 0;
        while (scan.hasNext()) {
            String key = scan.next();
            String rest = key.substring(live.length());
            if (rest.startsWith("day:") || rest.startsWith("active:") || key.equals(ledger)) {
                found.add(key);
            }
            if (++n % 1000 == 0) {
                heartbeat.run();
            }
        }
        return found;
    }

    /**
     * One pass over profiles' timelines and stage histories into keys under {@code prefix}: the ledger
     * ({@code counted}: interaction or ticket → contribution) and each profile's churn counts ({@code
     * churn}: profile → lines) are staged a batch at a time, with the activity sketches; the day buckets
     * are summed in memory from what each batch staged minus what it replaced, and {@link #finish()}
     * writes them. Memory: one batch and the day buckets (days × fields).
     */
    private final class Pass {

        record Result(Rebuilt rebuilt, List<String> written, List<String> scratch) {}

        private final String prefix;
        private final Runnable heartbeat;
        private final CxMetricsCalculator calculator = store.calculator();
        private final List<ProfileId> batch = new ArrayList<>();
        private final Set<LocalDate> activeDays = new TreeSet<>();
        private final Map<LocalDate, Map<String, Long>> buckets = new TreeMap<>();
        private boolean anyLedger;
        private int profiles;
        private long interactions;
        private long owned;

        /** Whether this pass also records the owners missing (the rebuild's, not a segment report's). */
        private boolean owning;

        Pass(String prefix, Runnable heartbeat) {
            this.prefix = prefix;
            this.heartbeat = heartbeat;
        }

        Pass owning() {
            owning = true;
            return this;
        }

        void add(ProfileId id) {
            batch.add(id);
            if (batch.size() == passBatch) {
                flush();
            }
        }

        private void flush() {
            if (batch.isEmpty()) {
                return;
            }
            Map<ProfileId, RedisFuture<Map<String, String>>> timelines = new LinkedHashMap<>();
            Map<ProfileId, RedisFuture<List<String>>> stages = new LinkedHashMap<>();
            for (ProfileId id : batch) {
                timelines.put(id, async.hgetall(store.interactionsKey(id)));
                stages.put(id, async.lrange(store.stagesKey(id), 0, -1));
            }
            Map<ProfileId, java.util.Collection<Interaction>> toOwn = new LinkedHashMap<>();
            Map<String, String> ledger = new LinkedHashMap<>();
            Map<String, String> churnByProfile = new LinkedHashMap<>();
            Map<LocalDate, Set<String>> active = new TreeMap<>();
            for (ProfileId id : batch) {
                Map<String, Interaction> held = new LinkedHashMap<>();
                connection.await(timelines.get(id)).forEach((k, json) -> held.put(k, CxJson.read(json, Interaction.class)));
                if (owning) {
                    toOwn.put(id, held.values());
                }
                for (Map.Entry<String, Interaction> e : held.entrySet()) {
                    String contribution = AggregateBuckets.contribution(e.getValue(), calculator);
                    if (contribution != null) {
                        ledger.put(AggregateBuckets.interactionField(e.getKey()), contribution);
                        active.computeIfAbsent(AggregateBuckets.day(e.getValue().occurredAt()), d -> new TreeSet<>())
                                .add(id.value());
                    }
                }
                calculator.tally(held.values()).tickets().forEach((ticket, t) -> {
                    String contribution = AggregateBuckets.contribution(t);
                    if (!contribution.isEmpty()) {
                        ledger.put(AggregateBuckets.ticketField(ticket), contribution);
                    }
                });
                List<StoredStage> history = connection.await(stages.get(id)).stream()
                        .map(json -> CxJson.read(json, StoredStage.class)).toList();
                Map<String, Long> churn = new TreeMap<>();
                AggregateBuckets.churn(history, null, 1, churn);
                // every profile gets an entry, so the hash also tells a profile handed over twice
                churnByProfile.put(id.value(), AggregateBuckets.churnLines(churn));
            }
            // read anyway: tickets, orders and answers stored before their owners were kept get one now (kept
            // whatever becomes of the rebuild: an owner is a fact, not an aggregate)
            owned += store.ownUnowned(toOwn);
            List<String> args = new ArrayList<>(1 + 2 * (ledger.size() + churnByProfile.size()));
            args.add(Integer.toString(ledger.size()));
            ledger.forEach((field, contribution) -> {
                args.add(field);
                args.add(contribution);
            });
            churnByProfile.forEach((profile, lines) -> {
                args.add(profile);
                args.add(lines);
            });
            List<RedisFuture<?>> writes = new ArrayList<>();
            active.forEach((day, ids) -> {
                writes.add(async.pfadd(AggregateBuckets.activeKey(prefix, day), ids.toArray(String[]::new)));
                activeDays.add(day);
            });
            List<Object> before = STAGE.runForList(connection, new String[] {prefix + "counted", prefix + "churn"},
                    args.toArray(String[]::new));
            writes.forEach(connection::await);
            int k = 0;
            for (Map.Entry<String, String> e : ledger.entrySet()) {
                Object old = before.get(k++);
                if (old instanceof String previous) {
                    AggregateBuckets.expand(previous, this::subtract);
                } else if (e.getKey().startsWith("i|")) {
                    interactions++;
                }
                AggregateBuckets.expand(e.getValue(), this::add);
                anyLedger = true;
            }
            for (String lines : churnByProfile.values()) {
                Object old = before.get(k++);
                if (old instanceof String previous) {
                    churnInto(previous, -1);
                } else {
                    profiles++;
                }
                churnInto(lines, 1);
            }
            batch.clear();
            heartbeat.run();
        }

        private void add(LocalDate day, String field, long increment) {
            buckets.computeIfAbsent(day, d -> new HashMap<>()).merge(field, increment, Long::sum);
        }

        private void subtract(LocalDate day, String field, long increment) {
            add(day, field, -increment);
        }

        private void churnInto(String lines, long sign) {
            for (String line : lines.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split("\t");
                add(LocalDate.parse(parts[0]), "all|churn|" + parts[1], sign * Long.parseLong(parts[2]));
            }
        }

        /**
         * Writes the day buckets. {@link Result#written()}: the keys that now hold the aggregates (days,
         * activity, ledger); {@link Result#scratch()}: the churn hash, of no use once summed.
         */
        Result finish() {
            flush();
            List<String> written = new ArrayList<>();
            List<RedisFuture<?>> writes = new ArrayList<>();
            buckets.forEach((day, fields) -> {
                Map<String, String> values = new HashMap<>();
                fields.forEach((f, v) -> {
                    if (v != 0) {
                        values.put(f, Long.toString(v));
                    }
                });
                if (!values.isEmpty()) {
                    String key = AggregateBuckets.dayKey(prefix, day);
                    writes.add(async.hset(key, values));
                    written.add(key);
                }
                flushIfFull(writes, heartbeat);
            });
            writes.forEach(connection::await);
            activeDays.forEach(day -> written.add(AggregateBuckets.activeKey(prefix, day)));
            if (anyLedger) {
                written.add(prefix + "counted");
            }
            List<String> scratch = profiles > 0 ? List.of(prefix + "churn") : List.of();
            return new Result(new Rebuilt(profiles, interactions, owned), written, scratch);
        }
    }

    // ---------------------------------------------------------------- segment reports

    /**
     * A segment's CX report: the same aggregates over the timelines of the profiles that are its members
     * at {@code asOf} (current members' whole history, not who was a member when each interaction
     * happened).
     */
    public record SegmentReport(String segment, Instant asOf, int profiles, long interactions,
            AggregateReport report) {}

    /**
     * Computes a segment's report from its members' timelines and puts it in force. The previous one stays
     * readable until the new one is complete (a generation switch), then goes.
     */
    public Rebuilt snapshot(String segmentId, List<ProfileId> members, Instant asOf) {
        return snapshot(segmentId, members::forEach, asOf);
    }

    /**
     * As {@link #snapshot(String, List, Instant)} over members handed over one at a time (a member handed
     * over twice counts once), holding one batch of them in memory.
     */
    public Rebuilt snapshot(String segmentId, java.util.function.Consumer<java.util.function.Consumer<ProfileId>> members,
            Instant asOf) {
        String base = keys.segmentReport(segmentId);
        String generation = Long.toString(asOf.toEpochMilli(), 36) + "-" + Long.toString(System.nanoTime() & 0xffffff, 36);
        String prefix = base + "g:" + generation + ":";
        Pass.Result result;
        try {
            Pass pass = new Pass(prefix, () -> {});
            members.accept(pass::add);
            result = pass.finish();
        } catch (RuntimeException e) {
            clear(prefix, () -> {}); // never put in force: nothing else would remove it
            throw e;
        }
        // a report keeps no ledger: it is never updated, only replaced
        redis.unlink(prefix + "counted", prefix + "churn");
        Rebuilt rebuilt = result.rebuilt();
        String current = String.join("|", generation, Long.toString(asOf.toEpochMilli()),
                Integer.toString(rebuilt.profiles()), Long.toString(rebuilt.interactions()));
        String previous = redis.getset(base + "current", current);
        if (previous != null && !previous.startsWith(generation + "|")) {
            clear(base + "g:" + previous.substring(0, previous.indexOf('|')) + ":");
        }
        return rebuilt;
    }

    /** A query over a segment's report in force; empty when none was computed yet. */
    public Optional<SegmentReport> querySegment(AggregateQuery query, String segmentId) {
        return querySegment(query, segmentId, Rank.INTERACTIONS);
    }

    /** As {@link #querySegment(AggregateQuery, String)}, folding series as {@link #query(AggregateQuery, Rank)}. */
    public Optional<SegmentReport> querySegment(AggregateQuery query, String segmentId, Rank rank) {
        String base = keys.segmentReport(segmentId);
        for (int attempt = 0; attempt < 3; attempt++) {
            String current = redis.get(base + "current");
            if (current == null) {
                return Optional.empty();
            }
            String[] parts = current.split("\\|");
            AggregateReport report = queryUnder(query, base + "g:" + parts[0] + ":", rank);
            // a new generation switched in while we read would have deleted the old one under us: read again
            if (current.equals(redis.get(base + "current"))) {
                return Optional.of(new SegmentReport(segmentId, Instant.ofEpochMilli(Long.parseLong(parts[1])),
                        Integer.parseInt(parts[2]), Long.parseLong(parts[3]), report));
            }
        }
        throw new java.util.ConcurrentModificationException("the report of segment " + segmentId
                + " kept changing while it was read");
    }

    /** Removes a segment's reports (the segment was deleted). */
    public void dropReport(String segmentId) {
        String base = keys.segmentReport(segmentId);
        redis.del(base + "current");
        clear(base);
    }

    /** Deletes every key under a bucket prefix (buckets, ledger, activity counts). */
    private void clear(String prefix) {
        clear(prefix, () -> {});
    }

    /** {@link #clear(String)}, calling {@code heartbeat} after each batch of deletes. */
    private void clear(String prefix, Runnable heartbeat) {
        ScanIterator<String> found = ScanIterator.scan(redis,
                ScanArgs.Builder.matches(globEscape(prefix) + "*").limit(1000));
        List<RedisFuture<?>> deletes = new ArrayList<>();
        while (found.hasNext()) {
            deletes.add(async.unlink(found.next()));
            flushIfFull(deletes, heartbeat);
        }
        deletes.forEach(connection::await);
    }

    /** A key prefix as a SCAN pattern: the braces of hash tags are literal there, but [ ] * ? \\ are not. */
    private static String globEscape(String prefix) {
        return prefix.replaceAll("([\\[\\]*?\\\\])", "\\\\$1");
    }

    /** Awaits and forgets the pending commands once {@value #BATCH} are out, then calls {@code heartbeat}. */
    private void flushIfFull(List<RedisFuture<?>> pending, Runnable heartbeat) {
        if (pending.size() >= BATCH) {
            pending.forEach(connection::await);
            pending.clear();
            heartbeat.run();
        }
    }
}
