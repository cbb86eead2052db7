package dev.tessera.core.store;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.Collection;
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

    private final RedisClusterCommands<String, String> redis;

    public ProfileStore(RedisConnection connection) {
        this.redis = connection.commands();
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
     * identifiers it no longer holds.
     */
    public void index(ProfileId id, Collection<Identifier> identifiers, Collection<Identifier> removed,
            Collection<SourceRecordId> sources, Collection<String> blockingKeys) {
        for (Identifier identifier : identifiers) {
            redis.sadd(RedisKeys.identifier(identifier), id.value());
        }
        for (Identifier identifier : removed) {
            redis.srem(RedisKeys.identifier(identifier), id.value());
        }
        for (SourceRecordId source : sources) {
            redis.set(RedisKeys.source(source), id.value());
        }
        for (String blockingKey : blockingKeys) {
            redis.sadd(RedisKeys.block(blockingKey), id.value());
        }
    }

    /** Removes a merged-away id from index sets (its forward pointer keeps old readers working). */
    public void unindex(ProfileId id, Collection<Identifier> identifiers, Collection<String> blockingKeys) {
        for (Identifier identifier : identifiers) {
            redis.srem(RedisKeys.identifier(identifier), id.value());
        }
        for (String blockingKey : blockingKeys) {
            redis.srem(RedisKeys.block(blockingKey), id.value());
        }
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
