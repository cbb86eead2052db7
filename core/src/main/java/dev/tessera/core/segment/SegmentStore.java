package dev.tessera.core.segment;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Segment definitions and memberships in Redis (key layout in docs/architecture.md):
 * <ul>
 *   <li>{@code {seg}:defs}: segment id → definition JSON; {@code {seg}:status}: id → last full evaluation;</li>
 *   <li>{@code {seg:ID}:members}: sorted set of member profile ids, scored by when they joined;</li>
 *   <li>{@code {p:ID}:segments}: per profile, segment id → joined at, in the profile's slot, so the 360
 *       view reads it with the profile and erasure removes it with the profile.</li>
 * </ul>
 * The two sides of a membership live in different slots and are written one after the other (profile
 * side first); a crash in between is repaired by the next evaluation with {@code repair} (a full
 * evaluation or the periodic refresh). Membership changes are published on the change feed as
 * {@code segment-joined} / {@code segment-left} with the segment id. Thread-safe.
 */
public final class SegmentStore {

    static final long CHANGE_FEED_MAX_LENGTH = 1_000_000;
    private static final int PAGE = 500;

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** KEYS: members, snapshot. ARGV: TTL in ms. The number of members copied (0: nothing copied). */
    private static final LuaScript SNAPSHOT = new LuaScript("""
            if redis.call('COPY', KEYS[1], KEYS[2]) == 0 then return 0 end
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return redis.call('ZCARD', KEYS[2])
            """);

    /** KEYS: definitions. ARGV: id, expected version ('0': must not exist), JSON. 1 when written, 0 when not. */
    private static final LuaScript SAVE = new LuaScript("""
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            if ARGV[2] == '0' then
              if old then return 0 end
            else
              if not old then return 0 end
              if tostring(cjson.decode(old).version) ~= ARGV[2] then return 0 end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            return 1
            """);

    /**
     * KEYS definitions, statuses; ARGV segment id, status JSON, its definition version, its start time (ISO,
     * or empty). A status of an older definition version than the stored one is not written: a build stopped
     * by an edit must not put its progress over the newer version's status. Nor does a build's status replace
     * the finished status of the same version from a build that started after it: a build stalled past its
     * lease (a long pause) wrote {@code building} over the {@code ready} of the build that took it over
     * (decision 48). Start times compare as ISO instants with the fraction padded to nanoseconds.
     */
    private static final LuaScript PUT_STATUS = new LuaScript("""
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
            local function at(t)
              if type(t) ~= 'string' then return nil end
              local main, fraction = string.match(t, '^([^.Z]+)%.?(%d*)Z$')
              if not main then return nil end
              return main .. '.' .. fraction .. string.rep('0', 9 - #fraction)
            end
            local current = redis.call('HGET', KEYS[2], ARGV[1])
            if current then
              local ok, stored = pcall(cjson.decode, current)
              if ok and type(stored) == 'table' and tonumber(stored.definitionVersion) then
                local version = tonumber(stored.definitionVersion)
                if version > tonumber(ARGV[3]) then return 0 end
                if version == tonumber(ARGV[3]) and stored.state == 'ready' then
                  local finished, mine = at(stored.startedAt), at(ARGV[4])
                  if finished and mine and mine < finished then return 0 end
                end
              end
            end
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            return 1
            """);

    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisKeys.Namespace keys;
    private final Map<String, Map.Entry<String, Segment>> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    public SegmentStore(RedisConnection connection, RedisKeys.Namespace keys) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.redis = connection.commands();
        this.async = connection.async();
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    public RedisKeys.Namespace namespace() {
        return keys;
    }

    // ---------------------------------------------------------------- definitions

    /**
     * Stores a new segment ({@code expectedVersion} 0) or a new version of one (its stored version must be
     * {@code expectedVersion}).
     *
     * @return false when a segment with that id exists (create) or its version differs (update)
     */
    public boolean save(Segment segment, long expectedVersion) {
        return SAVE.run(connection, new String[] {keys.segmentDefinitions()},
                segment.id(), Long.toString(expectedVersion), write(segment)) == 1L;
    }

    public Optional<Segment> find(String id) {
        if (!Segment.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(redis.hget(keys.segmentDefinitions(), id)).map(SegmentStore::read);
    }

    /**
     * Every segment, by id: one round trip; definitions are parsed again only when their JSON changed
     * (evaluation reads them for every profile change).
     */
    public Map<String, Segment> all() {
        return allLater().get();
    }

    /** {@link #all} with its read sent now, decoded when asked (to share a round trip). */
    public java.util.function.Supplier<Map<String, Segment>> allLater() {
        RedisFuture<Map<String, String>> stored = async.hgetall(keys.segmentDefinitions());
        return () -> parse(connection.await(stored));
    }

    /** Definitions as read at {@code readAtNanos}, and ids asked for then that had none (deleted). */
    private record Recent(Map<String, Segment> all, Set<String> absent, long readAtNanos) {
        boolean answers(Set<String> ids) {
            for (String id : ids) {
                if (!all.containsKey(id) && !absent.contains(id)) {
                    return false;
                }
            }
            return true;
        }
    }

    private volatile Recent recent;

    /**
     * The definitions as read at most {@code maxAge} ago, for showing names beside memberships: read
     * again when older, or when one of {@code ids} is neither among them nor known to have none at that
     * read (a segment created since; memberships of a deleted segment, removed after its definition, do
     * not cause a read each time). A rename or a deletion may show up to {@code maxAge} late; nothing
     * evaluates against these.
     */
    public Map<String, Segment> allRecent(Set<String> ids, java.time.Duration maxAge) {
        Recent known = recent;
        long now = System.nanoTime();
        boolean young = known != null && now - known.readAtNanos() < maxAge.toNanos();
        if (young && known.answers(ids)) {
            return known.all();
        }
        Map<String, Segment> all = Map.copyOf(all());
        Set<String> absent = new java.util.HashSet<>(ids);
        if (young) {
            absent.addAll(known.absent()); // keep what earlier reads found deleted
        }
        absent.removeAll(all.keySet());
        recent = new Recent(all, Set.copyOf(absent), now);
        return all;
    }

    private Map<String, Segment> parse(Map<String, String> raw) {
        parsed.keySet().retainAll(raw.keySet());
        Map<String, Segment> all = new TreeMap<>();
        raw.forEach((id, json) -> {
            Map.Entry<String, Segment> known = parsed.get(id);
            if (known == null || !known.getKey().equals(json)) {
                known = Map.entry(json, read(json));
                parsed.put(id, known);
            }
            all.put(id, known.getValue());
        });
        return all;
    }

    /**
     * Removes a segment: its definition first (so evaluations stop adding members), then every
     * membership on both sides.
     *
     * @return false when there was no such segment
     */
    public boolean delete(String id) {
        if (!Segment.ID.matcher(id).matches() || redis.hdel(keys.segmentDefinitions(), id) == 0) {
            return false;
        }
        redis.hdel(keys.segmentStatus(), id);
        String members = keys.segmentMembers(id);
        while (true) {
            List<String> page = redis.zrange(members, 0, PAGE - 1);
            if (page.isEmpty()) {
                break;
            }
            List<RedisFuture<?>> writes = new ArrayList<>();
            for (String p : page) {
                writes.add(async.hdel(keys.profileSegments(new ProfileId(p)), id));
            }
            writes.add(async.zrem(members, page.toArray(String[]::new)));
            writes.forEach(connection::await);
        }
        redis.del(members);
        return true;
    }

    static String write(Segment s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", s.id());
        node.put("name", s.name());
        node.put("description", s.description());
        node.set("rule", JSON.valueToTree(s.rule().toJson()));
        node.put("createdAt", s.createdAt().toString());
        node.put("createdBy", s.createdBy());
        node.put("updatedAt", s.updatedAt().toString());
        node.put("updatedBy", s.updatedBy());
        node.put("version", s.version());
        return JSON.writeValueAsString(node);
    }

    static Segment read(String json) {
        JsonNode node = JSON.readTree(json);
        return new Segment(node.get("id").asString(), node.get("name").asString(),
                node.path("description").asString(""), SegmentRules.parse(node.get("rule"), "rule"),
                Instant.parse(node.get("createdAt").asString()), node.path("createdBy").asString(null),
                Instant.parse(node.get("updatedAt").asString()), node.path("updatedBy").asString(null),
                node.get("version").asLong());
    }

    // ---------------------------------------------------------------- evaluation status

    /**
     * Where the last full evaluation of a segment stands: {@code building} while it runs (with how many
     * profiles are done of how many), {@code ready} after.
     */
    public record Status(String state, long evaluated, long total, long definitionVersion, Instant startedAt,
            Instant finishedAt) {

        public static final String BUILDING = "building";
        public static final String READY = "ready";
    }

    /** Records a segment's evaluation status, unless the segment is gone (both keys share one slot). */
    public void putStatus(String id, Status status) {
        PUT_STATUS.run(connection, new String[] {keys.segmentDefinitions(), keys.segmentStatus()}, id,
                JSON.writeValueAsString(status), Long.toString(status.definitionVersion()),
                status.startedAt() == null ? "" : status.startedAt().toString());
    }

    public Optional<Status> status(String id) {
        return Optional.ofNullable(redis.hget(keys.segmentStatus(), id)).map(j -> JSON.readValue(j, Status.class));
    }

    // ---------------------------------------------------------------- memberships

    /** How many profiles are in the segment. */
    public long size(String id) {
        return redis.zcard(keys.segmentMembers(id));
    }

    /** Sizes of several segments in one round trip. */
    public Map<String, Long> sizes(Collection<String> ids) {
        Map<String, RedisFuture<Long>> futures = new LinkedHashMap<>();
        ids.forEach(id -> futures.put(id, async.zcard(keys.segmentMembers(id))));
        Map<String, Long> sizes = new LinkedHashMap<>();
        futures.forEach((id, f) -> sizes.put(id, connection.await(f)));
        return sizes;
    }

    /** One member of a segment and since when. */
    public record Member(ProfileId profile, Instant joinedAt) {}

    /** Members in the order they joined (oldest first), {@code offset} and {@code limit} as in a page. */
    public List<Member> members(String id, long offset, int limit) {
        List<ScoredValue<String>> page = redis.zrangeWithScores(keys.segmentMembers(id), offset, offset + limit - 1);
        return page.stream().map(v -> new Member(new ProfileId(v.getValue()),
                Instant.ofEpochMilli((long) v.getScore()))).toList();
    }

    /**
     * KEYS members; ARGV the cursor's joined-at millis and profile id, limit. The members after the cursor in
     * the set's order (joined-at, then id), found by the cursor member's rank while it holds that place, else
     * by counting what comes before the cursor's place (it left, or joined again later).
     */
    private static final LuaScript MEMBERS_AFTER = new LuaScript("""
            local start
            local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
            if score and tonumber(score) == tonumber(ARGV[1]) then
              start = redis.call('ZRANK', KEYS[1], ARGV[2]) + 1
            else
              start = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[1])
              for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do
                if id <= ARGV[2] then start = start + 1 else break end
              end
            end
            return redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[3]) - 1, 'WITHSCORES')
            """);

    /**
     * The {@code limit} members that come after {@code after} (oldest first, ties by id), whether or not it is
     * still a member: unlike {@link #members(String, long, int)}, members leaving or joining meanwhile make a
     * walk through the pages neither skip nor repeat anyone who stayed.
     */
    public List<Member> membersAfter(String id, Member after, int limit) {
        List<Object> flat = MEMBERS_AFTER.runForList(connection, new String[] {keys.segmentMembers(id)},
                Long.toString(after.joinedAt().toEpochMilli()), after.profile().value(), Integer.toString(limit));
        List<Member> page = new java.util.ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            page.add(new Member(new ProfileId((String) flat.get(i)),
                    Instant.ofEpochMilli((long) Double.parseDouble((String) flat.get(i + 1)))));
        }
        return page;
    }

    /**
     * A copy of the segment's members as they are now, for reading page by page while members come and go
     * (paging the live set by rank would skip or repeat some). The copy lives in Redis, not in memory, with
     * a TTL of {@code ttl} that each page read renews, so a reader that stops leaves nothing behind for
     * long; {@link Snapshot#close()} deletes it. Empty when the segment has no members.
     */
    public Snapshot snapshot(String id, java.time.Duration ttl) {
        String key = keys.segmentExportSnapshot(id, java.util.UUID.randomUUID().toString());
        long size = SNAPSHOT.run(connection, new String[] {keys.segmentMembers(id), key},
                Long.toString(ttl.toMillis()));
        return new Snapshot(key, size, ttl);
    }

    /** A segment's members copied at one moment (see {@link #snapshot}). Not thread-safe. */
    public final class Snapshot implements AutoCloseable {

        private final String key;
        private final long size;
        private final java.time.Duration ttl;

        private Snapshot(String key, long size, java.time.Duration ttl) {
            this.key = key;
            this.size = size;
            this.ttl = ttl;
        }

        /** How many members the segment had when the copy was taken. */
        public long size() {
            return size;
        }

        /**
         * Members {@code offset} to {@code offset + limit - 1} of the copy, in the order they joined; renews
         * the copy's TTL.
         *
         * @throws IllegalStateException when the copy has expired (a reader paused longer than the TTL):
         *                               the rest cannot be read consistently any more
         */
        public List<Member> page(long offset, int limit) {
            if (size == 0 || offset >= size) {
                return List.of();
            }
            RedisFuture<Boolean> renewed = async.pexpire(key, ttl.toMillis());
            RedisFuture<List<ScoredValue<String>>> page = async.zrangeWithScores(key, offset, offset + limit - 1);
            if (!Boolean.TRUE.equals(connection.await(renewed))) {
                throw new IllegalStateException("the segment's member snapshot expired after " + offset + " of "
                        + size + " members");
            }
            return connection.await(page).stream().map(v -> new Member(new ProfileId(v.getValue()),
                    Instant.ofEpochMilli((long) v.getScore()))).toList();
        }

        /**
         * Deletes the copy, also when the reading thread was interrupted (a cancelled download): the flag
         * is set aside for the delete and set again after it.
         */
        @Override
        public void close() {
            if (size == 0) {
                return;
            }
            boolean interrupted = Thread.interrupted();
            try {
                redis.del(key);
            } catch (io.lettuce.core.RedisCommandInterruptedException cancelledJustNow) {
                interrupted |= Thread.interrupted(); // a cancel that landed after the flag was set aside
                redis.del(key);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Each member of the segment as {@code ZSCAN} hands it over, holding none and copying nothing: a member
     * present for the whole scan is seen at least once (maybe twice); one joining or leaving meanwhile may
     * or may not be.
     */
    public void forEachMember(String id, java.util.function.Consumer<ProfileId> each) {
        io.lettuce.core.ScanIterator<io.lettuce.core.ScoredValue<String>> found = io.lettuce.core.ScanIterator.zscan(
                redis, keys.segmentMembers(id), io.lettuce.core.ScanArgs.Builder.limit(1000));
        while (found.hasNext()) {
            each.accept(new ProfileId(found.next().getValue()));
        }
    }

    /** Whether the profile is in the segment (the segment's side). */
    public boolean isMember(String id, ProfileId profile) {
        return redis.zscore(keys.segmentMembers(id), profile.value()) != null;
    }

    /** {@link #isMember}, sent now and awaited by the supplier (several go out in one round trip). */
    public java.util.function.Supplier<Boolean> isMemberLater(String id, ProfileId profile) {
        RedisFuture<Double> score = async.zscore(keys.segmentMembers(id), profile.value());
        return () -> connection.await(score) != null;
    }

    /** The segments this profile is in (the profile's side), segment id → joined at. */
    public Map<String, Instant> membershipsOf(ProfileId profile) {
        return membershipsLater(profile).get();
    }

    /** {@link #membershipsOf} with its read sent now, decoded when asked (to share a round trip). */
    public java.util.function.Supplier<Map<String, Instant>> membershipsLater(ProfileId profile) {
        RedisFuture<Map<String, String>> stored = async.hgetall(keys.profileSegments(profile));
        return () -> joinedTimes(connection.await(stored));
    }

    /** {@link #membershipsOf} as a part of {@link ProfileStore#findWhole} (read in the profile's script). */
    public ProfileStore.SlotPart<Map<String, Instant>> membershipsPart() {
        return membershipsPart;
    }

    private final ProfileStore.SlotPart<Map<String, Instant>> membershipsPart = new ProfileStore.SlotPart<>() {
        @Override
        public List<ProfileStore.SlotRead> reads(ProfileId live) {
            return List.of(ProfileStore.SlotRead.hash(keys.profileSegments(live)));
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Instant> decode(ProfileId live, List<Object> answers) {
            return joinedTimes((Map<String, String>) answers.get(0));
        }
    };

    private static Map<String, Instant> joinedTimes(Map<String, String> stored) {
        Map<String, Instant> joined = new TreeMap<>();
        stored.forEach((s, at) -> joined.put(s, Instant.ofEpochMilli(Long.parseLong(at))));
        return joined;
    }

    /** What {@link #apply} changed. */
    public record Diff(List<String> joined, List<String> left) {
        public Diff {
            joined = List.copyOf(joined);
            left = List.copyOf(left);
        }

        public boolean isEmpty() {
            return joined.isEmpty() && left.isEmpty();
        }
    }

    /**
     * Writes the outcome of evaluating some segments for one profile: joins and leaves against what the
     * profile's side holds, both sides, then publishes each change. With {@code repair} the segments' side
     * is also brought in line where it disagrees (after a crash between the two writes).
     *
     * @param decisions segment id → whether the profile belongs to it now
     */
    public Diff apply(ProfileId profile, Map<String, Boolean> decisions, Instant now, boolean repair) {
        return apply(profile, decisions, now, repair, membershipsOf(profile));
    }

    /** {@link #apply} against memberships the caller read just before (one round trip less). */
    public Diff apply(ProfileId profile, Map<String, Boolean> decisions, Instant now, boolean repair,
            Map<String, Instant> current) {
        List<String> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        decisions.forEach((segment, in) -> {
            if (in && !current.containsKey(segment)) {
                joined.add(segment);
            } else if (!in && current.containsKey(segment)) {
                left.add(segment);
            }
        });
        String own = keys.profileSegments(profile);
        List<RedisFuture<?>> writes = new ArrayList<>();
        if (!joined.isEmpty()) {
            Map<String, String> fields = new LinkedHashMap<>();
            joined.forEach(s -> fields.put(s, Long.toString(now.toEpochMilli())));
            writes.add(async.hset(own, fields));
        }
        if (!left.isEmpty()) {
            writes.add(async.hdel(own, left.toArray(String[]::new)));
        }
        writes.forEach(connection::await);
        writes.clear();
        // The segments' side follows every decision, not only the changes against what this evaluation read:
        // another evaluation may have changed the profile's side meanwhile, and these writes are idempotent.
        // (repair is kept for callers; every write is a repair now.)
        decisions.forEach((segment, in) -> writes.add(in
                ? async.zadd(keys.segmentMembers(segment), ZAddArgs.Builder.nx(),
                        current.getOrDefault(segment, now).toEpochMilli(), profile.value())
                : async.zrem(keys.segmentMembers(segment), profile.value())));
        joined.forEach(s -> writes.add(publish(profile, "segment-joined", s)));
        left.forEach(s -> writes.add(publish(profile, "segment-left", s)));
        writes.forEach(connection::await);
        return new Diff(joined, left);
    }

    /**
     * Takes a profile that is gone (erased, merged away, split off) out of every segment, on both sides.
     *
     * @param segments every segment id and every one its side names (that side may be gone already, e.g.
     *                 after an erasure)
     */
    public Diff removeEverywhere(ProfileId profile, Set<String> segments) {
        return remove(profile, segments, true);
    }

    /**
     * Takes a live profile out of these segments only (they were deleted), on both sides; its other
     * memberships stay.
     */
    public Diff removeFrom(ProfileId profile, Set<String> segments) {
        return remove(profile, segments, false);
    }

    private Diff remove(ProfileId profile, Set<String> segments, boolean everywhere) {
        Map<String, Instant> current = membershipsOf(profile);
        List<RedisFuture<?>> writes = new ArrayList<>();
        List<RedisFuture<Long>> removals = new ArrayList<>();
        List<String> order = new ArrayList<>(segments);
        for (String s : order) {
            removals.add(async.zrem(keys.segmentMembers(s), profile.value()));
        }
        if (everywhere) {
            writes.add(async.del(keys.profileSegments(profile)));
        } else if (!order.isEmpty()) {
            writes.add(async.hdel(keys.profileSegments(profile), order.toArray(String[]::new)));
        }
        List<String> left = new ArrayList<>();
        for (int k = 0; k < order.size(); k++) {
            if (connection.await(removals.get(k)) > 0 || current.containsKey(order.get(k))) {
                left.add(order.get(k));
            }
        }
        left.forEach(s -> writes.add(publish(profile, "segment-left", s)));
        writes.forEach(connection::await);
        return new Diff(List.of(), left);
    }

    /** Asks the segment feed to evaluate this profile again (its evaluation gave up while it kept changing). */
    public void publishRetry(ProfileId profile) {
        connection.await(async.xadd(keys.changeFeed(),
                XAddArgs.Builder.maxlen(CHANGE_FEED_MAX_LENGTH).approximateTrimming(),
                Map.of("profile", profile.value(), "change", "segment-retry")));
    }

    private RedisFuture<String> publish(ProfileId profile, String change, String segment) {
        return async.xadd(keys.changeFeed(), XAddArgs.Builder.maxlen(CHANGE_FEED_MAX_LENGTH).approximateTrimming(),
                Map.of("profile", profile.value(), "change", change, "segment", segment));
    }
}
