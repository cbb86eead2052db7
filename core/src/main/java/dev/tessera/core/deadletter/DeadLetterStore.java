package dev.tessera.core.deadletter;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead letters in Redis, per route: {@code {dl:ROUTE}:entries} (hash id to entry),
 * {@code {dl:ROUTE}:order} (sorted set by time) and {@code {dl:ROUTE}:unverified} (the entries of
 * {@link #addUnverified} by time, capped), under one hash tag so they change atomically; and
 * {@code dl:record-sources}, which source's records each route's payloads are about (for entries kept
 * before their route was named; newer entries carry it themselves).
 */
public final class DeadLetterStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Hash: route → the source of the records its payloads are about ({@link #nameRecordSource}). */
    static final String RECORD_SOURCES = "dl:record-sources";

    private static final String ADD = """
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
              return 1
            end
            -- kept already: listed too (an entry left unlisted by an older, non-atomic removal is mended)
            redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[1])
            return 0
            """;

    /** KEYS entries, order, unverified; ARGV id. One step: a removal stopped midway hid later adds. */
    private static final String REMOVE = """
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1])
            return redis.call('HDEL', KEYS[1], ARGV[1])
            """;

    /**
     * As {@link #ADD}, also filing the entry in a capped set (KEYS[3]) and dropping that set's oldest
     * entries beyond ARGV[4], from all three keys.
     */
    private static final String ADD_CAPPED = """
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
              redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
              local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[4])
              if over > 0 then
                local old = redis.call('ZRANGE', KEYS[3], 0, over - 1)
                redis.call('ZREM', KEYS[3], unpack(old))
                redis.call('ZREM', KEYS[2], unpack(old))
                redis.call('HDEL', KEYS[1], unpack(old))
              end
              return 1
            end
            return 0
            """;

    /**
     * Deliveries whose signature failed that a route keeps at most: anyone can send them, so without a cap
     * a stream of forged requests would fill Redis; the newest are kept (what an integrator debugging a
     * wrong secret looks at).
     */
    public static final int MAX_UNVERIFIED = 1_000;

    private final RedisClusterCommands<String, String> redis;
    private final Clock clock;
    private final java.util.Map<String, String> named = new java.util.concurrent.ConcurrentHashMap<>();

    public DeadLetterStore(RedisConnection connection, Clock clock) {
        this.redis = connection.commands();
        this.clock = clock;
    }

    /** Keeps a rejected item; the same payload rejected again for the same reason keeps the first entry. */
    public DeadLetter add(String route, String origin, String reason, String payload) {
        return add(route, origin, reason, payload, null);
    }

    /**
     * As {@link #add(String, String, String, String)}, saying which record the item was about
     * ({@link DeadLetter#sourceId()}: {@code ""} when it had no readable id, null when the route cannot tell).
     */
    public DeadLetter add(String route, String origin, String reason, String payload, String sourceId) {
        return add(route, origin, reason, payload, sourceId, Map.of());
    }

    /**
     * As {@link #add(String, String, String, String, String)}, with the delivery's headers that a replay
     * needs ({@link DeadLetter#headers()}): part of the identity, since the same body under another header
     * (another ticket's requester) is another item.
     */
    public DeadLetter add(String route, String origin, String reason, String payload, String sourceId,
            Map<String, String> headers) {
        return add(route, origin, reason, payload, sourceId, headers, false);
    }

    /**
     * Headers whose names start with this describe one delivery, not the item (a file's time): kept with the
     * dead letter, not part of its identity, so the same item delivered again is still kept once (with the
     * first delivery's values).
     */
    public static final String DELIVERY_HEADER_PREFIX = "X-Tessera-Delivery-";

    /**
     * Keeps a delivery nobody vouches for (its signature failed, or it was too large to check): as
     * {@link #add(String, String, String, String)}, but a route keeps only its newest {@value #MAX_UNVERIFIED}
     * such entries.
     */
    public DeadLetter addUnverified(String route, String origin, String reason, String payload) {
        return add(route, origin, reason, payload, null, Map.of(), true);
    }

    private DeadLetter add(String route, String origin, String reason, String payload, String sourceId,
            Map<String, String> headers, boolean capped) {
        // The origin (file name, line) is not part of the identity: the same row re-delivered in another
        // file is the same rejection.
        StringBuilder identity = new StringBuilder(route).append('\n').append(reason).append('\n').append(payload);
        new java.util.TreeMap<>(headers).forEach((name, value) -> {
            if (!name.regionMatches(true, 0, DELIVERY_HEADER_PREFIX, 0, DELIVERY_HEADER_PREFIX.length())) {
                identity.append('\n').append(name).append(": ").append(value);
            }
        });
        String id = RedisKeys.digest(identity.toString());
        DeadLetter letter = new DeadLetter(id, route, origin, reason, payload, clock.instant(), named.get(route),
                sourceId, headers);
        // One script: a process killed between HSETNX and ZADD would leave an entry that list() and count()
        // never show, and every later add of the same rejection would find it present and skip the ZADD.
        if (capped) {
            redis.eval(ADD_CAPPED, ScriptOutputType.INTEGER, new String[] {entries(route), order(route), unverified(route)},
                    id, JSON.writeValueAsString(letter), Long.toString(letter.receivedAt().toEpochMilli()),
                    Integer.toString(MAX_UNVERIFIED));
        } else {
            redis.eval(ADD, ScriptOutputType.INTEGER, new String[] {entries(route), order(route)},
                    id, JSON.writeValueAsString(letter), Long.toString(letter.receivedAt().toEpochMilli()));
        }
        return letter;
    }

    /** The newest dead letters of a route first. */
    public List<DeadLetter> list(String route, int offset, int limit) {
        return read(route, redis.zrevrangebyscore(order(route), Range.unbounded(), Limit.create(offset, limit)));
    }

    /** These entries of a route, in this order (those gone meanwhile left out). */
    private List<DeadLetter> read(String route, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return redis.hmget(entries(route), ids.toArray(String[]::new)).stream()
                .filter(kv -> kv.hasValue())
                .map(kv -> JSON.readValue(kv.getValue(), DeadLetter.class))
                .toList();
    }

    /** The oldest dead letters of a route first (the order to replay them in: later rows supersede earlier). */
    public List<DeadLetter> oldest(String route, int offset, int limit) {
        return oldest(route, null, offset, limit);
    }

    /** As {@link #oldest(String, int, int)}, only those received no later than {@code upTo} (null: all). */
    public List<DeadLetter> oldest(String route, Instant upTo, int offset, int limit) {
        Range<Long> range = upTo == null ? Range.unbounded()
                : Range.create(Long.MIN_VALUE, upTo.toEpochMilli());
        return read(route, redis.zrangebyscore(order(route), range, Limit.create(offset, limit)));
    }

    /**
     * How many dead letters of a route there are per reason, most frequent first (ties by reason), counted
     * over at most {@code max} entries.
     *
     * @param complete false when the route holds more than {@code max} entries and the counts are partial
     */
    public record Reasons(java.util.List<ReasonCount> counts, long counted, boolean complete) {}

    public record ReasonCount(String reason, long count) {}

    public Reasons reasons(String route, int max) {
        java.util.Map<String, Long> byReason = new java.util.HashMap<>();
        long counted = 0;
        ScanArgs args = ScanArgs.Builder.limit(100);
        MapScanCursor<String, String> cursor = redis.hscan(entries(route), args);
        while (true) {
            for (String json : cursor.getMap().values()) {
                if (counted >= max) {
                    break;
                }
                byReason.merge(JSON.readValue(json, DeadLetter.class).reason(), 1L, Long::sum);
                counted++;
            }
            if (cursor.isFinished() || counted >= max) {
                break;
            }
            cursor = redis.hscan(entries(route), ScanCursor.of(cursor.getCursor()), args);
        }
        List<ReasonCount> counts = byReason.entrySet().stream()
                .map(e -> new ReasonCount(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparingLong(ReasonCount::count).reversed()
                        .thenComparing(ReasonCount::reason))
                .toList();
        return new Reasons(counts, counted, counted < max || count(route) <= max);
    }

    public Optional<DeadLetter> find(String route, String id) {
        return Optional.ofNullable(redis.hget(entries(route), id)).map(json -> JSON.readValue(json, DeadLetter.class));
    }

    public long count(String route) {
        return redis.zcard(order(route));
    }

    /** Dead letters of a route received no later than {@code upTo}. */
    public long count(String route, Instant upTo) {
        return redis.zcount(order(route), Range.create(Long.MIN_VALUE, upTo.toEpochMilli()));
    }

    /** Removes an entry, e.g. after a successful replay. */
    public boolean remove(String route, String id) {
        Long removed = redis.eval(REMOVE, ScriptOutputType.INTEGER,
                new String[] {entries(route), order(route), unverified(route)}, id);
        return removed != null && removed == 1;
    }

    /**
     * Notes which source records a route's payloads are about: the first part of the record ids it writes
     * (a source's name, or its {@code record-namespace}). Every dead letter this store adds for the route
     * from now on carries it ({@link DeadLetter#recordSource()}), so an erasure knows whose record ids to
     * look for in it whatever happens to the configuration later; the route is also noted in
     * {@link #recordSources()} for dead letters kept before their route was named. The ingestion app names
     * every configured source's route when it starts.
     */
    public void nameRecordSource(String route, String recordSource) {
        named.put(route, recordSource);
        redis.hset(RECORD_SOURCES, route, recordSource);
    }

    /**
     * Route to the source of the records its payloads are about, as last noted by {@link #nameRecordSource}
     * (in Redis: also what other processes noted); for dead letters without their own record source.
     */
    public java.util.Map<String, String> recordSources() {
        return redis.hgetall(RECORD_SOURCES);
    }

    /**
     * Every route that holds dead letters: a SCAN of the keys (on a cluster connection of every master; the
     * cursor object is handed back as it came, which a cluster scan needs to go on to the next node).
     */
    public List<String> routes() {
        TreeSet<String> routes = new TreeSet<>();
        ScanArgs args = ScanArgs.Builder.matches("{dl:*}:entries").limit(1000);
        KeyScanCursor<String> cursor = redis.scan(args);
        while (true) {
            for (String key : cursor.getKeys()) {
                routes.add(key.substring("{dl:".length(), key.length() - "}:entries".length()));
            }
            if (cursor.isFinished()) {
                return List.copyOf(routes);
            }
            cursor = redis.scan(cursor, args);
        }
    }

    /**
     * Removes every dead letter of a route that {@code doomed} accepts (an erased person's rejected rows,
     * say), reading the route's entries in pages.
     *
     * @return how many were removed
     */
    public int removeWhere(String route, Predicate<DeadLetter> doomed) {
        List<String> ids = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.limit(20); // payloads may be large: small pages
        MapScanCursor<String, String> cursor = redis.hscan(entries(route), args);
        while (true) {
            cursor.getMap().forEach((id, json) -> {
                if (doomed.test(JSON.readValue(json, DeadLetter.class))) {
                    ids.add(id);
                }
            });
            if (cursor.isFinished()) {
                break;
            }
            cursor = redis.hscan(entries(route), ScanCursor.of(cursor.getCursor()), args);
        }
        int removed = 0;
        for (String id : ids) {
            removed += remove(route, id) ? 1 : 0;
        }
        return removed;
    }

    private static String entries(String route) {
        return "{dl:" + route + "}:entries";
    }

    private static String order(String route) {
        return "{dl:" + route + "}:order";
    }

    /** The entries of {@link #addUnverified}, by time (same hash tag). */
    private static String unverified(String route) {
        return "{dl:" + route + "}:unverified";
    }
}
