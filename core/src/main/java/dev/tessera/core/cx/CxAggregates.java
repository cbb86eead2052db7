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

    /** The aggregates of the profiles of {@code store} (same connection and key namespace). */
    public CxAggregates(CxStore store) {
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
        return queryUnder(query, AggregateBuckets.prefix(keys));
    }

    private AggregateReport queryUnder(AggregateQuery query, String prefix) {
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
        // period index → series key → METRIC|PART → sum
        List<Map<String, Map<String, Long>>> sums = new ArrayList<>();
        Set<String> seriesKeys = new TreeSet<>();
        if (all) {
            seriesKeys.add("all");
        }
        for (Period period : periods) {
            Map<String, Map<String, Long>> perSeries = new HashMap<>();
            for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
                for (Map.Entry<String, String> field : connection.await(days.get(day)).entrySet()) {
                    String name = field.getKey();
                    int part = name.lastIndexOf('|');
                    int metric = part <= 0 ? -1 : name.lastIndexOf('|', part - 1);
                    if (metric <= 0) {
                        continue;
                    }
                    String dim = name.substring(0, metric);
                    String series;
                    if (all) {
                        if (!dim.equals("all")) {
                            continue;
                        }
                        series = "all";
                    } else {
                        if (!dim.startsWith(wanted)) {
                            continue;
                        }
                        series = dim.substring(wanted.length());
                    }
                    seriesKeys.add(series);
                    perSeries.computeIfAbsent(series, k -> new HashMap<>())
                            .merge(name.substring(metric + 1), Long.parseLong(field.getValue()), Long::sum);
                }
            }
            sums.add(perSeries);
        }
        List<Series> series = new ArrayList<>();
        for (String key : seriesKeys) {
            List<Bucket> buckets = new ArrayList<>();
            for (int k = 0; k < periods.size(); k++) {
                Map<String, Long> m = sums.get(k).getOrDefault(key, Map.of());
                Long activeProfiles = all ? connection.await(active.get(k)) : null;
                buckets.add(bucket(periods.get(k), m, activeProfiles));
            }
            series.add(new Series(key, buckets));
        }
        return new AggregateReport(query, series);
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

    /** What {@link #rebuild()} read: live profiles and the customer interactions on their timelines. */
    public record Rebuilt(int profiles, long interactions) {}

    /**
     * Replaces every bucket, the ledger and the activity counts by what the timelines of the live profiles
     * say now (and their stage histories, for churn). Use it after a change of {@link CxSettings} that
     * changes what counts (e.g. the complaint marker), after a crash between the two steps on Redis Cluster,
     * or to check the incremental buckets. Not atomic: run it while nothing appends; appends racing with it
     * may be lost from the buckets until the next rebuild. Reads {@value #BATCH} profiles per round trip.
     */
    public Rebuilt rebuild() {
        List<ProfileId> ids = List.copyOf(store.profiles().profileIds());
        Computed computed = compute(ids);
        clear(AggregateBuckets.prefix(keys));
        write(computed, AggregateBuckets.prefix(keys), true);
        return new Rebuilt(ids.size(), computed.interactions());
    }

    /** Buckets, ledger and activity of a set of profiles, computed from their timelines and stage histories. */
    private record Computed(Map<LocalDate, Map<String, Long>> buckets, Map<String, String> ledger,
            Map<LocalDate, Set<String>> activeDays, long interactions) {}

    private Computed compute(List<ProfileId> ids) {
        CxMetricsCalculator calculator = store.calculator();
        Map<String, String> ledger = new HashMap<>();
        Map<LocalDate, Set<String>> activeDays = new TreeMap<>();
        Map<LocalDate, Map<String, Long>> buckets = new TreeMap<>();
        long interactions = 0;
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<ProfileId> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            Map<ProfileId, RedisFuture<Map<String, String>>> timelines = new LinkedHashMap<>();
            Map<ProfileId, RedisFuture<List<String>>> stages = new LinkedHashMap<>();
            for (ProfileId id : batch) {
                timelines.put(id, async.hgetall(store.interactionsKey(id)));
                stages.put(id, async.lrange(store.stagesKey(id), 0, -1));
            }
            for (ProfileId id : batch) {
                Map<String, Interaction> held = new LinkedHashMap<>();
                connection.await(timelines.get(id)).forEach((k, json) -> held.put(k, CxJson.read(json, Interaction.class)));
                for (Map.Entry<String, Interaction> e : held.entrySet()) {
                    String contribution = AggregateBuckets.contribution(e.getValue(), calculator);
                    if (contribution != null) {
                        interactions++;
                        ledger.put(AggregateBuckets.interactionField(e.getKey()), contribution);
                        activeDays.computeIfAbsent(AggregateBuckets.day(e.getValue().occurredAt()),
                                d -> new TreeSet<>()).add(id.value());
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
                churn.forEach((dayAndField, n) -> {
                    int tab = dayAndField.indexOf('\t');
                    buckets.computeIfAbsent(LocalDate.parse(dayAndField.substring(0, tab)), d -> new HashMap<>())
                            .merge("all|churn|" + dayAndField.substring(tab + 1), n, Long::sum);
                });
            }
        }
        ledger.values().forEach(c -> AggregateBuckets.expand(c, (day, field, inc) ->
                buckets.computeIfAbsent(day, d -> new HashMap<>()).merge(field, inc, Long::sum)));
        return new Computed(buckets, ledger, activeDays, interactions);
    }

    /** Writes computed buckets and activity under a bucket prefix, and the ledger when asked (live only). */
    private void write(Computed computed, String prefix, boolean withLedger) {
        List<RedisFuture<?>> writes = new ArrayList<>();
        computed.buckets().forEach((day, fields) -> {
            Map<String, String> values = new HashMap<>();
            fields.forEach((f, v) -> {
                if (v != 0) {
                    values.put(f, Long.toString(v));
                }
            });
            if (!values.isEmpty()) {
                writes.add(async.hset(AggregateBuckets.dayKey(prefix, day), values));
            }
            flushIfFull(writes);
        });
        if (withLedger) {
            Map<String, String> chunk = new HashMap<>();
            for (Map.Entry<String, String> e : computed.ledger().entrySet()) {
                chunk.put(e.getKey(), e.getValue());
                if (chunk.size() == 1_000) {
                    writes.add(async.hset(AggregateBuckets.ledgerKey(keys), chunk));
                    chunk = new HashMap<>();
                    flushIfFull(writes);
                }
            }
            if (!chunk.isEmpty()) {
                writes.add(async.hset(AggregateBuckets.ledgerKey(keys), chunk));
            }
        }
        computed.activeDays().forEach((day, profiles) -> {
            writes.add(async.pfadd(AggregateBuckets.activeKey(prefix, day), profiles.toArray(String[]::new)));
            flushIfFull(writes);
        });
        writes.forEach(connection::await);
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
        Computed computed = compute(members);
        String base = keys.segmentReport(segmentId);
        String generation = Long.toString(asOf.toEpochMilli(), 36) + "-" + Long.toString(System.nanoTime() & 0xffffff, 36);
        String prefix = base + "g:" + generation + ":";
        write(computed, prefix, false);
        String current = String.join("|", generation, Long.toString(asOf.toEpochMilli()),
                Integer.toString(members.size()), Long.toString(computed.interactions()));
        String previous = redis.getset(base + "current", current);
        if (previous != null && !previous.startsWith(generation + "|")) {
            clear(base + "g:" + previous.substring(0, previous.indexOf('|')) + ":");
        }
        return new Rebuilt(members.size(), computed.interactions());
    }

    /** A query over a segment's report in force; empty when none was computed yet. */
    public Optional<SegmentReport> querySegment(AggregateQuery query, String segmentId) {
        String base = keys.segmentReport(segmentId);
        for (int attempt = 0; attempt < 3; attempt++) {
            String current = redis.get(base + "current");
            if (current == null) {
                return Optional.empty();
            }
            String[] parts = current.split("\\|");
            AggregateReport report = queryUnder(query, base + "g:" + parts[0] + ":");
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
        ScanIterator<String> found = ScanIterator.scan(redis,
                ScanArgs.Builder.matches(globEscape(prefix) + "*").limit(1000));
        List<RedisFuture<?>> deletes = new ArrayList<>();
        while (found.hasNext()) {
            deletes.add(async.del(found.next()));
            flushIfFull(deletes);
        }
        deletes.forEach(connection::await);
    }

    /** A key prefix as a SCAN pattern: the braces of hash tags are literal there, but [ ] * ? \\ are not. */
    private static String globEscape(String prefix) {
        return prefix.replaceAll("([\\[\\]*?\\\\])", "\\\\$1");
    }

    private void flushIfFull(List<RedisFuture<?>> pending) {
        if (pending.size() >= BATCH) {
            pending.forEach(connection::await);
            pending.clear();
        }
    }
}
