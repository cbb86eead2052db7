package dev.tessera.core.store;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Unified profiles in Redis. A profile's document, records and link evidence are written together by
 * one Lua script guarded by the profile's version (optimistic concurrency); index keys live in their
 * own slots and are updated after the profile, so readers always follow them back to a profile and
 * verify. A merged-away profile keeps a forwarding pointer so stale index entries still resolve.
 */
public final class ProfileStore {

    /** Longest chain of forwarding pointers followed before giving up (guards against cycles). */
    private static final int MAX_FORWARDS = 16;
    private static final long CHANGE_FEED_MAX_LENGTH = 1_000_000;

    private static final LuaScript WRITE = new LuaScript("""
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            if redis.call('HEXISTS', KEYS[1], 'forward') == 1 then return -1 end
            redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'version', tostring(tonumber(ARGV[1]) + 1))
            local i = 4
            for _ = 1, tonumber(ARGV[3]) do
              redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2
            end
            local links = tonumber(ARGV[i]); i = i + 1
            for _ = 1, links do
              redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]); i = i + 2
            end
            return 1
            """);

    private static final LuaScript FORWARD = new LuaScript("""
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            redis.call('HSET', KEYS[1], 'forward', ARGV[2], 'version', tostring(tonumber(ARGV[1]) + 1))
            return 1
            """);

    private static final LuaScript DISSOLVE = new LuaScript("""
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            if redis.call('HEXISTS', KEYS[1], 'forward') == 1 then return 0 end
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            redis.call('HSET', KEYS[1], 'version', tostring(tonumber(ARGV[1]) + 1))
            return 1
            """);

    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;

    public ProfileStore(RedisConnection connection) {
        this.connection = connection;
        this.redis = connection.commands();
        this.async = connection.async();
    }

    /** A live profile with its records. */
    public record Loaded(Profile profile, List<CustomerRecord> records) {}

    /**
     * What the index keys say about a record, read in one round trip. Profile ids are as stored: they
     * may have been merged away since; {@link #loadLive} resolves them.
     */
    public record IndexHits(Optional<ProfileId> bySource, Map<Identifier, Set<ProfileId>> byIdentifier,
            Map<String, Set<ProfileId>> byBlock, Set<SourceRecordId> cannotLink) {}

    /** Reads every index entry of a record at once. Blocks larger than {@code maxBlock} come back empty. */
    public IndexHits lookup(SourceRecordId source, Collection<Identifier> identifiers, Collection<String> blockingKeys,
            int maxBlock) {
        RedisFuture<String> bySource = async.get(RedisKeys.source(source));
        Map<Identifier, RedisFuture<Set<String>>> ids = new LinkedHashMap<>();
        identifiers.forEach(i -> ids.put(i, async.smembers(RedisKeys.identifier(i))));
        Map<String, RedisFuture<Set<String>>> blocks = new LinkedHashMap<>();
        blockingKeys.forEach(b -> blocks.put(b, async.smembers(RedisKeys.block(b))));
        RedisFuture<Set<String>> separated = async.smembers(RedisKeys.cannotLink(source));

        Map<Identifier, Set<ProfileId>> byIdentifier = new LinkedHashMap<>();
        ids.forEach((i, f) -> byIdentifier.put(i, toIds(connection.await(f))));
        Map<String, Set<ProfileId>> byBlock = new LinkedHashMap<>();
        blocks.forEach((b, f) -> {
            Set<String> members = connection.await(f);
            byBlock.put(b, members.size() > maxBlock ? Set.of() : toIds(members));
        });
        Set<SourceRecordId> cannotLink = new java.util.TreeSet<>();
        connection.await(separated).forEach(key -> cannotLink.add(SourceRecordId.parse(key)));
        String home = connection.await(bySource);
        return new IndexHits(Optional.ofNullable(home).map(ProfileId::new), byIdentifier, byBlock, cannotLink);
    }

    /**
     * Loads the live profiles behind these ids, following forwarding pointers, one round trip per hop.
     *
     * @return for each id that leads to a live profile: that profile with its records
     */
    public Map<ProfileId, Loaded> loadLive(Collection<ProfileId> ids) {
        Map<ProfileId, Loaded> result = new LinkedHashMap<>();
        Map<ProfileId, ProfileId> pending = new LinkedHashMap<>();
        ids.forEach(id -> pending.put(id, id));
        Map<ProfileId, Loaded> loadedByLiveId = new java.util.HashMap<>();
        for (int hop = 0; hop < MAX_FORWARDS && !pending.isEmpty(); hop++) {
            Map<ProfileId, RedisFuture<Map<String, String>>> docs = new LinkedHashMap<>();
            Map<ProfileId, RedisFuture<List<String>>> records = new LinkedHashMap<>();
            for (ProfileId current : new LinkedHashSet<>(pending.values())) {
                if (!loadedByLiveId.containsKey(current)) {
                    docs.put(current, async.hgetall(RedisKeys.profile(current)));
                    records.put(current, async.hvals(RedisKeys.records(current)));
                }
            }
            Map<ProfileId, ProfileId> forwards = new java.util.HashMap<>();
            for (Map.Entry<ProfileId, RedisFuture<Map<String, String>>> doc : docs.entrySet()) {
                Map<String, String> fields = connection.await(doc.getValue());
                List<String> json = connection.await(records.get(doc.getKey()));
                if (fields.containsKey("forward")) {
                    forwards.put(doc.getKey(), new ProfileId(fields.get("forward")));
                } else if (fields.containsKey("doc")) {
                    List<CustomerRecord> held = json.stream().map(j -> Json.read(j, CustomerRecord.class))
                            .sorted(java.util.Comparator.comparing(CustomerRecord::id)).toList();
                    loadedByLiveId.put(doc.getKey(), new Loaded(Json.read(fields.get("doc"), Profile.class), held));
                }
            }
            Map<ProfileId, ProfileId> next = new LinkedHashMap<>();
            pending.forEach((original, current) -> {
                if (loadedByLiveId.containsKey(current)) {
                    result.put(original, loadedByLiveId.get(current));
                } else if (forwards.containsKey(current)) {
                    next.put(original, forwards.get(current));
                }
            });
            pending.clear();
            pending.putAll(next);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("forwarding chain too long at profile " + pending.keySet().iterator().next());
        }
        return result;
    }

    private static Set<ProfileId> toIds(Set<String> members) {
        Set<ProfileId> ids = new LinkedHashSet<>();
        members.forEach(m -> ids.add(new ProfileId(m)));
        return ids;
    }

    /** The profile with this id, following forwarding pointers left by merges. */
    public Optional<Profile> find(ProfileId id) {
        ProfileId current = id;
        for (int hop = 0; hop < MAX_FORWARDS; hop++) {
            Map<String, String> fields = redis.hgetall(RedisKeys.profile(current));
            if (fields.containsKey("forward")) {
                current = new ProfileId(fields.get("forward"));
            } else if (fields.containsKey("doc")) {
                return Optional.of(Json.read(fields.get("doc"), Profile.class));
            } else {
                return Optional.empty();
            }
        }
        throw new IllegalStateException("forwarding chain too long at profile " + id);
    }

    /** The live id a (possibly merged-away) profile id now stands for, if any profile is there. */
    public Optional<ProfileId> canonical(ProfileId id) {
        ProfileId current = id;
        for (int hop = 0; hop < MAX_FORWARDS; hop++) {
            String forward = redis.hget(RedisKeys.profile(current), "forward");
            if (forward == null) {
                return redis.hexists(RedisKeys.profile(current), "doc") ? Optional.of(current) : Optional.empty();
            }
            current = new ProfileId(forward);
        }
        throw new IllegalStateException("forwarding chain too long at profile " + id);
    }

    /** Live profiles holding a record with this identifier (several when people share it). */
    public Set<ProfileId> findByIdentifier(Identifier identifier) {
        Set<ProfileId> result = new LinkedHashSet<>();
        for (String member : redis.smembers(RedisKeys.identifier(identifier))) {
            canonical(new ProfileId(member)).ifPresent(result::add);
        }
        return result;
    }

    /** The live profile holding this source record. */
    public Optional<ProfileId> findBySource(SourceRecordId id) {
        String value = redis.get(RedisKeys.source(id));
        return value == null ? Optional.empty() : canonical(new ProfileId(value));
    }

    public List<CustomerRecord> records(ProfileId id) {
        return redis.hvals(RedisKeys.records(id)).stream()
                .map(json -> Json.read(json, CustomerRecord.class))
                .sorted(java.util.Comparator.comparing(CustomerRecord::id))
                .toList();
    }

    public Map<SourceRecordId, LinkEvidence> links(ProfileId id) {
        Map<SourceRecordId, LinkEvidence> links = new TreeMap<>();
        redis.hgetall(RedisKeys.links(id))
                .forEach((key, json) -> links.put(SourceRecordId.parse(key), Json.read(json, LinkEvidence.class)));
        return links;
    }

    /**
     * Writes a profile document with new or changed records and their evidence, if the stored version is
     * still {@code expectedVersion} (0 for a new profile). Indexes are not touched: see {@link #index}.
     *
     * @return false when another writer got there first (re-read and retry)
     */
    public boolean write(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence) {
        if (profile.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("profile version must be expectedVersion + 1");
        }
        List<String> args = new ArrayList<>();
        args.add(Long.toString(expectedVersion));
        args.add(Json.write(profile));
        args.add(Integer.toString(records.size()));
        for (CustomerRecord record : records) {
            args.add(record.id().key());
            args.add(Json.write(record));
        }
        args.add(Integer.toString(evidence.size()));
        for (LinkEvidence link : evidence) {
            args.add(link.record().key());
            args.add(Json.write(link));
        }
        String[] keys = {RedisKeys.profile(profile.id()), RedisKeys.records(profile.id()), RedisKeys.links(profile.id())};
        return WRITE.run(redis, keys, args.toArray(String[]::new)) == 1;
    }

    /**
     * Replaces a merged-away profile by a forwarding pointer to {@code into}, if its version is still
     * {@code expectedVersion}.
     */
    public boolean forward(ProfileId from, long expectedVersion, ProfileId into) {
        String[] keys = {RedisKeys.profile(from), RedisKeys.records(from), RedisKeys.links(from)};
        return FORWARD.run(redis, keys, Long.toString(expectedVersion), into.value()) == 1;
    }

    /** Live profiles filed under a blocking key; empty when the block is larger than {@code maxMembers}. */
    public Set<ProfileId> findByBlock(String blockingKey, int maxMembers) {
        String key = RedisKeys.block(blockingKey);
        if (redis.scard(key) > maxMembers) {
            return Set.of();
        }
        Set<ProfileId> result = new LinkedHashSet<>();
        for (String member : redis.smembers(key)) {
            canonical(new ProfileId(member)).ifPresent(result::add);
        }
        return result;
    }

    /**
     * Points identifier, source and blocking index keys at {@code id}, and removes {@code id} from the
     * identifiers it no longer holds. All in one round trip.
     */
    public void index(ProfileId id, Collection<Identifier> identifiers, Collection<Identifier> removed,
            Collection<SourceRecordId> sources, Collection<String> blockingKeys) {
        List<RedisFuture<?>> writes = new ArrayList<>();
        identifiers.forEach(i -> writes.add(async.sadd(RedisKeys.identifier(i), id.value())));
        removed.forEach(i -> writes.add(async.srem(RedisKeys.identifier(i), id.value())));
        sources.forEach(s -> writes.add(async.set(RedisKeys.source(s), id.value())));
        blockingKeys.forEach(b -> writes.add(async.sadd(RedisKeys.block(b), id.value())));
        writes.forEach(connection::await);
    }

    /** Removes a merged-away id from index sets (its forward pointer keeps old readers working). */
    public void unindex(ProfileId id, Collection<Identifier> identifiers, Collection<String> blockingKeys) {
        List<RedisFuture<?>> writes = new ArrayList<>();
        identifiers.forEach(i -> writes.add(async.srem(RedisKeys.identifier(i), id.value())));
        blockingKeys.forEach(b -> writes.add(async.srem(RedisKeys.block(b), id.value())));
        writes.forEach(connection::await);
    }

    /** Remembers that two records belong to different people, whatever matching says later. */
    public void addCannotLink(SourceRecordId a, SourceRecordId b) {
        redis.sadd(RedisKeys.cannotLink(a), b.key());
        redis.sadd(RedisKeys.cannotLink(b), a.key());
    }

    public Set<SourceRecordId> cannotLink(SourceRecordId id) {
        Set<SourceRecordId> result = new java.util.TreeSet<>();
        redis.smembers(RedisKeys.cannotLink(id)).forEach(key -> result.add(SourceRecordId.parse(key)));
        return result;
    }

    /**
     * Empties a profile so that its records can be resolved again (a split), if its version is still
     * {@code expectedVersion}. Index entries pointing at it stop resolving until {@link #forward} is set.
     */
    public boolean dissolve(ProfileId id, long expectedVersion) {
        String[] keys = {RedisKeys.profile(id), RedisKeys.records(id), RedisKeys.links(id)};
        return DISSOLVE.run(redis, keys, Long.toString(expectedVersion)) == 1;
    }

    /** Points a dissolved profile id at the profile that now holds most of its records. */
    public void forwardDissolved(ProfileId from, ProfileId into) {
        redis.hset(RedisKeys.profile(from), "forward", into.value());
    }

    /** Announces a change on the change feed that segments and other consumers follow. */
    public void publishChange(ProfileId id, String change) {
        redis.xadd(RedisKeys.CHANGE_FEED,
                XAddArgs.Builder.maxlen(CHANGE_FEED_MAX_LENGTH).approximateTrimming(),
                Map.of("profile", id.value(), "change", change));
    }
}
