package dev.tessera.core.store;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.MergeDecision;
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
    public static final long CHANGE_FEED_MAX_LENGTH = 1_000_000;

    /**
     * The versioned profile write, shared by {@link #write} and the scripted write-and-index: KEYS
     * profile, records, links; ARGV as {@link #writeArgs} lays them out, and the next-to-last ARGV the
     * {@link RedisKeys.Namespace#writeGeneration write generation} key to bump (empty on Redis Cluster,
     * where nothing reads it). Leaves {@code i} at the first argument after them and
     * {@code generationBefore} at the generation the write found (-1 when not counted).
     */
    static final String VERSIONED_WRITE = """
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            if redis.call('HEXISTS', KEYS[1], 'forward') == 1 then return -1 end
            local generationBefore = -1
            if ARGV[#ARGV - 1] ~= '' then generationBefore = redis.call('INCR', ARGV[#ARGV - 1]) - 1 end
            redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'version', tostring(tonumber(ARGV[1]) + 1))
            local i = 4
            for _ = 1, tonumber(ARGV[3]) do
              redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2
            end
            local links = tonumber(ARGV[i]); i = i + 1
            for _ = 1, links do
              redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]); i = i + 2
            end
            """;

    /**
     * Refuses a write when an erasure tombstone exists: the last ARGV is how many of the last KEYS are
     * tombstone keys. Checked in the same script as the write, so a record cannot land between an
     * erasure's tombstone and its deletion (docs/privacy.md). Answers -2 when refused.
     */
    static final String REFUSE_ERASED = """
            local nRefuse = tonumber(ARGV[#ARGV])
            if nRefuse > 0 and redis.call('EXISTS', unpack(KEYS, #KEYS - nRefuse + 1, #KEYS)) > 0 then return -2 end
            """;

    private static final LuaScript WRITE = new LuaScript(REFUSE_ERASED + VERSIONED_WRITE + "return 1\n");

    /**
     * A merge in one step: every absorbed profile still at its expected version (and not forwarded), no
     * tombstone, the survivor at its expected version; then the survivor written and each absorbed profile
     * forwarded to it, and the change feed told ({@code merged-away} per absorbed profile, then {@code
     * merged}) in the same step, so no stop between the merge and its announcement can leave the merge
     * unannounced (the feed's {@code merge-follow} group moves the absorbed timeline on that entry). KEYS:
     * survivor profile, records, links; per absorbed profile its profile, records, links; then the
     * tombstones. ARGV: {@link #writeArgs}, the agent's decisions (the number of must-link hash entries,
     * each as key, field, value; the number of keep-apart set entries to remove, each as key, member),
     * the change feed key, its length, each absorbed profile's id,
     * the survivor's id, each absorbed profile's expected version, their count, the write generation key,
     * the tombstone count. Answers 1 when merged, -3 when an absorbed profile changed, otherwise as
     * {@link #WRITE}.
     */
    private static final LuaScript MERGE = new LuaScript("""
            local n = tonumber(ARGV[#ARGV - 2])
            local survivorId = ARGV[#ARGV - 3 - n]
            for j = 1, n do
              local key = KEYS[3 + 3 * (j - 1) + 1]
              if (redis.call('HGET', key, 'version') or '0') ~= ARGV[#ARGV - 3 - n + j]
                  or redis.call('HEXISTS', key, 'forward') == 1 then
                return -3
              end
            end
            """ + REFUSE_ERASED + VERSIONED_WRITE + """
            for j = 1, n do
              local base = 3 + 3 * (j - 1)
              redis.call('DEL', KEYS[base + 1], KEYS[base + 2], KEYS[base + 3])
              redis.call('HSET', KEYS[base + 1], 'forward', survivorId,
                'version', tostring(tonumber(ARGV[#ARGV - 3 - n + j]) + 1))
            end
            local nLinks = tonumber(ARGV[i]); i = i + 1
            for _ = 1, nLinks do redis.call('HSET', ARGV[i], ARGV[i + 1], ARGV[i + 2]); i = i + 3 end
            local nLifted = tonumber(ARGV[i]); i = i + 1
            for _ = 1, nLifted do redis.call('SREM', ARGV[i], ARGV[i + 1]); i = i + 2 end
            local feed, feedLength = ARGV[#ARGV - 5 - 2 * n], ARGV[#ARGV - 4 - 2 * n]
            for j = 1, n do
              redis.call('XADD', feed, 'MAXLEN', '~', feedLength, '*',
                'profile', ARGV[#ARGV - 4 - 2 * n + j], 'change', 'merged-away')
            end
            redis.call('XADD', feed, 'MAXLEN', '~', feedLength, '*', 'profile', survivorId, 'change', 'merged')
            return 1
            """);

    private static final LuaScript FORWARD = new LuaScript("""
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            if ARGV[3] ~= '' then redis.call('INCR', ARGV[3]) end
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            redis.call('HSET', KEYS[1], 'forward', ARGV[2], 'version', tostring(tonumber(ARGV[1]) + 1))
            return 1
            """);

    /**
     * KEYS profile, records, links, dissolved records, split-out; ARGV expected version, write generation
     * key (or empty), unused, then the record keys a split moves out. The records are kept under the
     * dissolved-records key (not deleted) until {@link #releaseDissolved}; the time is Redis's own, so
     * processes whose clocks differ agree on a hold's age ({@code dissolved}: moved on by every claim of the
     * finisher; {@code dissolved-at}: when it was dissolved, for how long others have waited).
     */
    private static final LuaScript DISSOLVE = new LuaScript("""
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            if redis.call('HEXISTS', KEYS[1], 'forward') == 1 then return 0 end
            if redis.call('HEXISTS', KEYS[1], 'doc') == 0 then return 0 end
            if ARGV[2] ~= '' then redis.call('INCR', ARGV[2]) end
            redis.call('DEL', KEYS[4], KEYS[5])
            if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[4]) end
            redis.call('DEL', KEYS[1], KEYS[3])
            local now = redis.call('TIME')
            local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            redis.call('HSET', KEYS[1], 'version', tostring(tonumber(ARGV[1]) + 1), 'dissolved', tostring(ms),
              'dissolved-at', tostring(ms))
            for i = 4, #ARGV do redis.call('SADD', KEYS[5], ARGV[i]) end
            return 1
            """);

    /**
     * KEYS profile, dissolved records; ARGV the grace in ms. 1 when claimed (dissolved or last claimed at
     * least the grace ago, by Redis's clock; the time moves to now), 0 when not yet, -1 when nothing is
     * held (released meanwhile).
     */
    private static final LuaScript CLAIM_DISSOLVED = new LuaScript("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            local now = redis.call('TIME')
            local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            local at = redis.call('HGET', KEYS[1], 'dissolved')
            if at and tonumber(at) > ms - tonumber(ARGV[1]) then return 0 end
            -- a hold dissolved before 'dissolved-at' was kept: its first claim keeps the time it had
            if at then redis.call('HSETNX', KEYS[1], 'dissolved-at', at) end
            redis.call('HSET', KEYS[1], 'dissolved', tostring(ms))
            return 1
            """);

    /** KEYS profile, dissolved records, split-out. */
    private static final LuaScript RELEASE_DISSOLVED = new LuaScript("""
            redis.call('DEL', KEYS[2], KEYS[3])
            redis.call('HDEL', KEYS[1], 'dissolved-at')
            if redis.call('HDEL', KEYS[1], 'dissolved') == 1 then
              -- kept for good: ids merged into this one no longer tell whose data they stand for
              redis.call('HSET', KEYS[1], 'was-dissolved', '1')
            end
            return 1
            """);

    /** Keys handed to one UNLINK or fetched in one batch by the bulk operations. */
    private static final int BATCH = 500;
    /** Decoded profiles kept per store with scripted access (least recently used go first). */
    private static final int CACHED_PROFILES = 50_000;

    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisKeys.Namespace keys;
    private final Access access;
    private final ScriptedAccess scripts;

    /** The live profiles: keys exactly as documented in docs/architecture.md. */
    public ProfileStore(RedisConnection connection) {
        this(connection, RedisKeys.Namespace.DEFAULT);
    }

    /**
     * Profiles in a key namespace: every key read or written gets {@code prefix} in front (see
     * {@link RedisKeys.Namespace}); the empty prefix is the live data.
     */
    public ProfileStore(RedisConnection connection, String prefix) {
        this(connection, RedisKeys.Namespace.of(prefix));
    }

    public ProfileStore(RedisConnection connection, RedisKeys.Namespace namespace) {
        this(connection, namespace, connection.cluster() ? Access.COMMANDS : Access.SCRIPTS);
    }

    /**
     * Profiles in a key namespace, read and written the given way: {@link Access#SCRIPTS} needs a single
     * Redis node (refused on a cluster connection).
     */
    public ProfileStore(RedisConnection connection, RedisKeys.Namespace namespace, Access access) {
        this.connection = java.util.Objects.requireNonNull(connection, "connection");
        this.keys = java.util.Objects.requireNonNull(namespace, "namespace");
        this.redis = connection.commands();
        this.async = connection.async();
        if (access == Access.SCRIPTS && connection.cluster()) {
            throw new IllegalArgumentException("scripted access needs a single Redis node, not a cluster");
        }
        this.access = java.util.Objects.requireNonNull(access, "access");
        this.scripts = access == Access.SCRIPTS
                ? new ScriptedAccess(connection, keys, new ProfileCache(CACHED_PROFILES))
                : null;
    }

    /**
     * How the resolver's hot path (lookup, load, write with index) talks to Redis. Both read and write
     * the same keys; they differ in round trips and in what they need from the server.
     */
    public enum Access {
        /**
         * One Lua script per step, and decoded profiles cached by version: the fast path, for a single
         * Redis node (the scripts follow profile ids to keys they cannot declare up front).
         */
        SCRIPTS,
        /** One command per key, pipelined: works on Redis Cluster too. */
        COMMANDS
    }

    public Access access() {
        return access;
    }

    public RedisConnection connection() {
        return connection;
    }

    public RedisKeys.Namespace namespace() {
        return keys;
    }

    /** A live profile with its records. */
    public record Loaded(Profile profile, List<CustomerRecord> records) {}

    /**
     * What the index keys say about a record, read in one round trip. Profile ids are as stored: they
     * may have been merged away since; {@link #loadLive} resolves them.
     */
    public record IndexHits(Optional<ProfileId> bySource, Map<Identifier, Set<ProfileId>> byIdentifier,
            Map<String, Set<ProfileId>> byBlock, Set<SourceRecordId> cannotLink) {}

    /** Found-by label of the profile that already holds the record. */
    public static final String FOUND_BY_SOURCE = "source_id";
    /** Found-by label of profiles that share a blocking key with the record. */
    public static final String FOUND_BY_BLOCK = "block";

    /**
     * What to look up for a record: its source id, identifiers and blocking keys. Blocks with more than
     * {@code maxBlock} members are skipped (too unselective); of the profiles found only through blocks,
     * the {@code maxBlockOnly} sharing the most selective blocking keys with the record are kept: ranked
     * by the sum of {@link #blockWeight} over the blocks they share with it (ties by id).
     */
    public record CandidateQuery(SourceRecordId source, Collection<Identifier> identifiers,
            Collection<String> blockingKeys, int maxBlock, int maxBlockOnly, Map<String, Integer> blockSizes) {

        public CandidateQuery {
            java.util.Objects.requireNonNull(source, "source");
            // without repeats, once: both access paths look each key up once, in this order
            identifiers = List.copyOf(new java.util.LinkedHashSet<>(identifiers));
            blockingKeys = List.copyOf(new java.util.LinkedHashSet<>(blockingKeys));
            blockSizes = blockSizes == null ? Map.of() : Map.copyOf(blockSizes);
        }

        /** A query whose block sizes are read when it runs. */
        public CandidateQuery(SourceRecordId source, Collection<Identifier> identifiers,
                Collection<String> blockingKeys, int maxBlock, int maxBlockOnly) {
            this(source, identifiers, blockingKeys, maxBlock, maxBlockOnly, Map.of());
        }

        /**
         * The same query ranking with these block sizes (as a first pick read them) instead of the sizes
         * at the time it runs: a record's later picks (its settle check, another attempt) then rank as its
         * first did, and only a real change (a profile added or changed) makes them differ. Without this
         * the record's own write, which joins its blocks, would change their sizes and so the ranking.
         */
        public CandidateQuery withBlockSizes(Map<String, Integer> sizes) {
            return new CandidateQuery(source, identifiers, blockingKeys, maxBlock, maxBlockOnly, sizes);
        }

        /** True when every block has a size to rank by (else all are read). */
        boolean sizesGiven() {
            return !blockSizes.isEmpty() && blockSizes.keySet().containsAll(blockingKeys);
        }
    }

    /**
     * A live profile found for a record, with the labels of the keys that found it: {@value
     * #FOUND_BY_SOURCE}, {@value #FOUND_BY_BLOCK} or an identifier type code.
     */
    public record Found(Loaded loaded, Set<String> foundBy) {}

    /**
     * The live profiles a record would be compared with, by live id, the records it was separated from
     * (cannot-link) and those an agent joined it with (must-link), read with the candidates; {@code
     * generation} is the {@link RedisKeys.Namespace#writeGeneration write generation} they were picked at
     * (-1 when not read: Redis Cluster).
     */
    public record Candidates(java.util.SortedMap<ProfileId, Found> byLiveId, Set<SourceRecordId> cannotLink,
            Set<SourceRecordId> mustLink, long generation, Map<String, Integer> blockSizes) {

        public Candidates {
            mustLink = Set.copyOf(mustLink);
            blockSizes = blockSizes == null ? Map.of() : Map.copyOf(blockSizes);
        }

        public Candidates(java.util.SortedMap<ProfileId, Found> byLiveId, Set<SourceRecordId> cannotLink) {
            this(byLiveId, cannotLink, Set.of(), -1, Map.of());
        }

        /** The version of each candidate as read. */
        public Map<ProfileId, Long> versions() {
            Map<ProfileId, Long> versions = new TreeMap<>();
            byLiveId.forEach((id, found) -> versions.put(id, found.loaded().profile().version()));
            return versions;
        }
    }

    /**
     * The live profiles a record would be compared with: the one holding it, those sharing an identifier,
     * and the best block-only matches, loaded, following forwarding pointers. One script with scripted
     * access, a few round trips otherwise.
     */
    public Candidates candidates(CandidateQuery query) {
        if (scripts != null) {
            return scripts.candidates(query);
        }
        // sent first, so it shares the lookup's round trip
        java.util.function.Supplier<Set<SourceRecordId>> mustLink = mustLinkPartnersLater(query.source());
        IndexHits hits = lookup(query.source(), query.identifiers(), query.blockingKeys(), Integer.MAX_VALUE);
        Map<ProfileId, Set<String>> found = new TreeMap<>();
        hits.bySource().ifPresent(id -> found.computeIfAbsent(id, k -> new java.util.TreeSet<>()).add(FOUND_BY_SOURCE));
        hits.byIdentifier().forEach((identifier, ids) -> {
            if (identifier.type() != IdentifierType.EXTERNAL_ID && ids.size() > sharedIdentifierLimit(query.maxBlock())) {
                return; // a placeholder or a switchboard: no lead (as the script decides)
            }
            ids.forEach(id -> found.computeIfAbsent(id, k -> new java.util.TreeSet<>()).add(identifier.type().code()));
        });
        // Profiles found only through blocks: the ones sharing the most selective blocking keys with the
        // record are the likely matches; comparing with hundreds of namesakes costs time and finds nothing.
        Map<ProfileId, Integer> blockHits = new TreeMap<>();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        boolean given = query.sizesGiven();
        hits.byBlock().forEach((block, ids) -> {
            int size = given ? query.blockSizes().get(block) : ids.size();
            sizes.put(block, size);
            if (size <= query.maxBlock()) {
                int weight = blockWeight(size);
                ids.forEach(id -> blockHits.merge(id, weight, Integer::sum));
            }
        });
        blockHits.keySet().stream().filter(found::containsKey).forEach(id -> found.get(id).add(FOUND_BY_BLOCK));
        blockHits.entrySet().stream()
                .filter(e -> !found.containsKey(e.getKey()))
                .sorted(Map.Entry.<ProfileId, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(query.maxBlockOnly())
                .forEach(e -> found.put(e.getKey(), new java.util.TreeSet<>(Set.of(FOUND_BY_BLOCK))));
        Map<ProfileId, Loaded> live = loadLive(found.keySet());
        java.util.SortedMap<ProfileId, Found> byLiveId = new TreeMap<>();
        found.forEach((id, labels) -> {
            Loaded profile = live.get(id);
            if (profile != null) {
                byLiveId.merge(profile.profile().id(), new Found(profile, labels), (held, more) -> {
                    Set<String> all = new java.util.TreeSet<>(held.foundBy());
                    all.addAll(more.foundBy());
                    return new Found(held.loaded(), all);
                });
            }
        });
        return new Candidates(byLiveId, hits.cannotLink(), mustLink.get(), -1, sizes);
    }

    /**
     * What sharing a block of {@code size} profiles says for ranking block-only candidates: the rarer the
     * key, the more (about one over the block's size, in whole numbers so the script computes the same).
     * A candidate sharing a key only it and the record have outranks one sharing three keys with a hundred
     * namesakes each.
     */
    static int blockWeight(int size) {
        return size == 0 ? 0 : BLOCK_WEIGHT / size;
    }

    /** {@link #sharedIdentifierLimit} in blocks: the script uses the same constant. */
    static final int SHARED_IDENTIFIER_BLOCKS = 8;

    /**
     * Profiles an email or phone may be held by and still bring them all in as candidates: more than
     * {@value #SHARED_IDENTIFIER_BLOCKS} times the largest block read. A family mailbox or a home landline
     * is far below; an address or number thousands of records carry ({@code noemail@example.com}, a
     * company switchboard) would make every record carrying it load and score them all (128 with the
     * default {@code max-block} of 16: the factor went from 4 to 8 when that default went from 32 to 16, so
     * the limit stayed where it was). Its profiles can
     * still come in through the record's blocking keys (its name, birth date, address). External ids
     * are exempt: they are decided by configuration.
     */
    public static int sharedIdentifierLimit(int maxBlock) {
        return SHARED_IDENTIFIER_BLOCKS * maxBlock;
    }

    /** {@link #blockWeight} of a block of one; the script uses the same constant. */
    static final int BLOCK_WEIGHT = 1_000_000;

    /** Reads every index entry of a record at once. Blocks larger than {@code maxBlock} come back empty. */
    public IndexHits lookup(SourceRecordId source, Collection<Identifier> identifiers, Collection<String> blockingKeys,
            int maxBlock) {
        RedisFuture<String> bySource = async.get(keys.source(source));
        Map<Identifier, RedisFuture<Set<String>>> ids = new LinkedHashMap<>();
        identifiers.forEach(i -> ids.put(i, async.smembers(keys.identifier(i))));
        Map<String, RedisFuture<Set<String>>> blocks = new LinkedHashMap<>();
        blockingKeys.forEach(b -> blocks.put(b, async.smembers(keys.block(b))));
        RedisFuture<Set<String>> separated = async.smembers(keys.cannotLink(source));

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
        if (scripts != null) {
            return scripts.loadLive(ids);
        }
        Map<ProfileId, Loaded> result = new LinkedHashMap<>();
        Map<ProfileId, ProfileId> pending = new LinkedHashMap<>();
        ids.forEach(id -> pending.put(id, id));
        Map<ProfileId, Loaded> loadedByLiveId = new java.util.HashMap<>();
        for (int hop = 0; hop < MAX_FORWARDS && !pending.isEmpty(); hop++) {
            Map<ProfileId, RedisFuture<Map<String, String>>> docs = new LinkedHashMap<>();
            Map<ProfileId, RedisFuture<List<String>>> records = new LinkedHashMap<>();
            for (ProfileId current : new LinkedHashSet<>(pending.values())) {
                if (!loadedByLiveId.containsKey(current)) {
                    docs.put(current, async.hgetall(keys.profile(current)));
                    records.put(current, async.hvals(keys.records(current)));
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

    /** The stored versions of these profiles (absent: no such profile hash), in one round trip. */
    public Map<ProfileId, Long> versions(Collection<ProfileId> ids) {
        Map<ProfileId, RedisFuture<String>> futures = new LinkedHashMap<>();
        ids.forEach(id -> futures.put(id, async.hget(keys.profile(id), "version")));
        Map<ProfileId, Long> versions = new LinkedHashMap<>();
        futures.forEach((id, future) -> {
            String version = connection.await(future);
            if (version != null) {
                versions.put(id, Long.parseLong(version));
            }
        });
        return versions;
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
            // async and awaited: the synchronous API's reflective proxy costs more than the command here
            Map<String, String> fields = connection.await(async.hgetall(keys.profile(current)));
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

    /**
     * One read of a live profile's own keys (their hash tag, so one slot), asked for together with the
     * profile: {@link SlotRead#field} answers the field's value or null, {@link SlotRead#hash} the whole
     * hash (empty when absent).
     */
    public record SlotRead(String key, String field) {
        public static SlotRead field(String key, String field) {
            if (field == null || field.isEmpty()) {
                throw new IllegalArgumentException("a field read needs a field name (the script takes empty for the whole hash)");
            }
            return new SlotRead(key, field);
        }

        public static SlotRead hash(String key) {
            return new SlotRead(key, null);
        }
    }

    /**
     * Something read with the profile in {@link #findWhole}: which keys of the live profile it needs and
     * how their answers become a value.
     */
    public interface SlotPart<T> {
        /** The reads, on keys of {@code live}'s hash tag only. */
        List<SlotRead> reads(ProfileId live);

        /** The value from the answers of {@link #reads}, in their order. */
        T decode(ProfileId live, List<Object> answers);
    }

    /** What {@link #findWhole} read: the live profile, its records and links, and each part's value. */
    public record Whole(Profile profile, Contents contents, Map<SlotPart<?>, Object> parts) {
        @SuppressWarnings("unchecked")
        public <T> T get(SlotPart<T> part) {
            if (!parts.containsKey(part)) {
                throw new IllegalArgumentException("not read with the profile: " + part);
            }
            return (T) parts.get(part);
        }
    }

    /**
     * KEYS profile, records, links, then the parts' keys; ARGV one per part key, the hash field or empty
     * for the whole hash. Answers {@code {'f', id}} for a forwarded id, {@code {'n'}} for none, else
     * {@code {'l', doc, record values, link fields and values, answer per part key...}}.
     */
    private static final LuaScript READ_WHOLE = new LuaScript("""
            local head = redis.call('HMGET', KEYS[1], 'forward', 'doc')
            if head[1] then return {'f', head[1]} end
            if not head[2] then return {'n'} end
            local out = {'l', head[2], redis.call('HVALS', KEYS[2]), redis.call('HGETALL', KEYS[3])}
            for i = 4, #KEYS do
              if ARGV[i - 3] == '' then out[#out + 1] = redis.call('HGETALL', KEYS[i])
              else out[#out + 1] = redis.call('HGET', KEYS[i], ARGV[i - 3]) end
            end
            return out
            """);

    /**
     * {@link #find} and {@link #contents} of the live profile, and the given parts of it, in one round
     * trip and one Redis command (a script over the profile's own keys), following forwarding pointers
     * as {@link #find} does. For the reads of a whole profile view, where a command per key was most of
     * the cost.
     */
    public Optional<Whole> findWhole(ProfileId id, List<? extends SlotPart<?>> parts) {
        ProfileId current = id;
        for (int hop = 0; hop < MAX_FORWARDS; hop++) {
            String tag = keys.profileTag(current);
            List<String> scriptKeys = new ArrayList<>(List.of(keys.profile(current), keys.records(current),
                    keys.links(current)));
            List<String> fields = new ArrayList<>();
            List<List<SlotRead>> readsOf = new ArrayList<>();
            for (SlotPart<?> part : parts) {
                List<SlotRead> reads = part.reads(current);
                for (SlotRead read : reads) {
                    if (!read.key().startsWith(tag)) {
                        throw new IllegalArgumentException("a part read a key outside the profile's slot: " + read.key());
                    }
                    scriptKeys.add(read.key());
                    fields.add(read.field() == null ? "" : read.field());
                }
                readsOf.add(reads);
            }
            List<Object> answer = READ_WHOLE.runForList(connection, scriptKeys.toArray(String[]::new),
                    fields.toArray(String[]::new));
            String kind = (String) answer.get(0);
            if (kind.equals("f")) {
                current = new ProfileId((String) answer.get(1));
                continue;
            }
            if (kind.equals("n")) {
                return Optional.empty();
            }
            Profile profile = Json.read((String) answer.get(1), Profile.class);
            @SuppressWarnings("unchecked")
            List<String> records = (List<String>) answer.get(2);
            Contents contents = new Contents(decodeRecords(records), decodeLinks(pairs(answer.get(3))));
            Map<SlotPart<?>, Object> values = new java.util.IdentityHashMap<>();
            int at = 4;
            for (int p = 0; p < parts.size(); p++) {
                List<SlotRead> reads = readsOf.get(p);
                List<Object> answers = new ArrayList<>(reads.size());
                for (int r = 0; r < reads.size(); r++, at++) {
                    Object value = answer.get(at);
                    answers.add(reads.get(r).field() == null ? pairs(value) : value);
                }
                values.put(parts.get(p), parts.get(p).decode(current, answers));
            }
            return Optional.of(new Whole(profile, contents, values));
        }
        throw new IllegalStateException("forwarding chain too long at profile " + id);
    }

    /** A flat HGETALL answer inside a script's reply (field, value, field, value...) as a map. */
    private static Map<String, String> pairs(Object flat) {
        Map<String, String> map = new LinkedHashMap<>();
        if (flat instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                map.put((String) list.get(i), (String) list.get(i + 1));
            }
        }
        return map;
    }

    /**
     * The profile stored under exactly this id when it is live (no forwarding followed): empty when it
     * was merged away, split up, erased or never existed.
     */
    public Optional<Profile> findLive(ProfileId id) {
        return findLiveLater(id).get();
    }

    /** {@link #findLive} with its read sent now, decoded when asked (to share a round trip). */
    public java.util.function.Supplier<Optional<Profile>> findLiveLater(ProfileId id) {
        RedisFuture<String> doc = async.hget(keys.profile(id), "doc");
        return () -> Optional.ofNullable(connection.await(doc)).map(json -> Json.read(json, Profile.class));
    }

    /** Whether records are stored under exactly this id: whether {@link #forEachProfileId} finds it. */
    public java.util.function.Supplier<Boolean> holdsRecordsLater(ProfileId id) {
        RedisFuture<Long> records = async.exists(keys.records(id));
        return () -> Long.valueOf(1).equals(connection.await(records));
    }

    /** The live id a (possibly merged-away) profile id now stands for, if any profile is there. */
    public Optional<ProfileId> canonical(ProfileId id) {
        ProfileId current = id;
        for (int hop = 0; hop < MAX_FORWARDS; hop++) {
            String forward = redis.hget(keys.profile(current), "forward");
            if (forward == null) {
                return redis.hexists(keys.profile(current), "doc") ? Optional.of(current) : Optional.empty();
            }
            current = new ProfileId(forward);
        }
        throw new IllegalStateException("forwarding chain too long at profile " + id);
    }

    /**
     * True when {@code id} was merged into a profile that was dissolved since (split by an agent, or
     * re-resolved): its forwards pass through that profile to where most of the dissolved profile's records
     * went, which need not be where {@code id}'s own records went. Whose data such an id stands for is no
     * longer known, so requests about one person (a subject access, an erasure) must not follow it. The
     * dissolved profile's own id is not such an id: the split's remaining records take it by design.
     */
    public boolean forwardsThroughDissolved(ProfileId id) {
        ProfileId current = id;
        for (int hop = 0; hop < MAX_FORWARDS; hop++) {
            List<io.lettuce.core.KeyValue<String, String>> fields =
                    redis.hmget(keys.profile(current), "forward", "dissolved", "was-dissolved");
            if (hop > 0 && (fields.get(1).hasValue() || fields.get(2).hasValue())) {
                return true;
            }
            if (!fields.get(0).hasValue()) {
                return false;
            }
            current = new ProfileId(fields.get(0).getValue());
        }
        throw new IllegalStateException("forwarding chain too long at profile " + id);
    }

    /** Live profiles holding a record with this identifier (several when people share it). */
    public Set<ProfileId> findByIdentifier(Identifier identifier) {
        Set<ProfileId> result = new LinkedHashSet<>();
        for (String member : redis.smembers(keys.identifier(identifier))) {
            canonical(new ProfileId(member)).ifPresent(result::add);
        }
        return result;
    }

    /** The live profile holding this source record. */
    public Optional<ProfileId> findBySource(SourceRecordId id) {
        String value = redis.get(keys.source(id));
        return value == null ? Optional.empty() : canonical(new ProfileId(value));
    }

    /**
     * {@link #findBySource} for many records: their source entries read in one round trip, then each
     * distinct profile named followed to its live profile once. Records without a live profile are left out.
     */
    public Map<SourceRecordId, ProfileId> findBySources(Collection<SourceRecordId> ids) {
        Map<SourceRecordId, RedisFuture<String>> entries = new LinkedHashMap<>();
        ids.forEach(id -> entries.put(id, async.get(keys.source(id))));
        Map<String, Optional<ProfileId>> liveOf = new java.util.HashMap<>();
        Map<SourceRecordId, ProfileId> found = new LinkedHashMap<>();
        entries.forEach((id, entry) -> {
            String value = connection.await(entry);
            if (value != null) {
                liveOf.computeIfAbsent(value, v -> canonical(new ProfileId(v))).ifPresent(p -> found.put(id, p));
            }
        });
        return found;
    }

    /** A profile's source records and the evidence that linked each, as {@link #contents} reads them. */
    public record Contents(List<CustomerRecord> records, Map<SourceRecordId, LinkEvidence> links) {}

    /** {@link #records} and {@link #links} of one profile, sent together: one round trip instead of two. */
    public Contents contents(ProfileId id) {
        return contentsLater(id).get();
    }

    /**
     * Sends the reads of {@link #contents} now and decodes when asked: callers that need several reads of
     * one profile issue them all first, so they share one round trip.
     */
    public java.util.function.Supplier<Contents> contentsLater(ProfileId id) {
        RedisFuture<List<String>> records = async.hvals(keys.records(id));
        RedisFuture<Map<String, String>> links = async.hgetall(keys.links(id));
        return () -> new Contents(decodeRecords(connection.await(records)), decodeLinks(connection.await(links)));
    }

    public List<CustomerRecord> records(ProfileId id) {
        return decodeRecords(redis.hvals(keys.records(id)));
    }

    /**
     * The stored copies of these records in the profiles named (as stored: forwarding pointers are not
     * followed), all read in one round trip; a record no longer in the profile named is left out.
     */
    public Map<SourceRecordId, CustomerRecord> recordsAt(Map<SourceRecordId, ProfileId> where) {
        return recordsIn(where, keys::records);
    }

    /**
     * {@link #recordsAt} for profiles being dissolved (a split or re-resolution under way): the records
     * each still holds aside until they are resolved again.
     */
    public Map<SourceRecordId, CustomerRecord> dissolvedRecordsAt(Map<SourceRecordId, ProfileId> where) {
        return recordsIn(where, keys::dissolvedRecords);
    }

    private Map<SourceRecordId, CustomerRecord> recordsIn(Map<SourceRecordId, ProfileId> where,
            java.util.function.Function<ProfileId, String> hash) {
        Map<SourceRecordId, RedisFuture<String>> reads = new LinkedHashMap<>();
        where.forEach((record, profile) -> reads.put(record, async.hget(hash.apply(profile), record.key())));
        Map<SourceRecordId, CustomerRecord> found = new LinkedHashMap<>();
        reads.forEach((record, json) -> {
            String stored = connection.await(json);
            if (stored != null) {
                found.put(record, Json.read(stored, CustomerRecord.class));
            }
        });
        return found;
    }

    public Map<SourceRecordId, LinkEvidence> links(ProfileId id) {
        return decodeLinks(redis.hgetall(keys.links(id)));
    }

    private static List<CustomerRecord> decodeRecords(List<String> stored) {
        return stored.stream()
                .map(json -> Json.read(json, CustomerRecord.class))
                .sorted(java.util.Comparator.comparing(CustomerRecord::id))
                .toList();
    }

    private static Map<SourceRecordId, LinkEvidence> decodeLinks(Map<String, String> stored) {
        Map<SourceRecordId, LinkEvidence> links = new TreeMap<>();
        stored.forEach((key, json) -> links.put(SourceRecordId.parse(key), Json.read(json, LinkEvidence.class)));
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
        return write(profile, expectedVersion, records, evidence, List.of()) == Written.WRITTEN;
    }

    /**
     * {@link #write}, refused when any of the {@code tombstones} keys exists (an erased person's record;
     * see {@link dev.tessera.core.privacy.Tombstones}). On a single node the check runs in the write's
     * script; on Redis Cluster the tombstones live in other slots, so they are checked just before.
     *
     * @return {@link Written#WRITTEN}, {@link Written#CONFLICT} or {@link Written#ERASED}
     */
    public Written write(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, Collection<String> tombstones) {
        if (profile.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("profile version must be expectedVersion + 1");
        }
        List<String> inScript = tombstonesInScript(tombstones);
        if (inScript == null) {
            return Written.ERASED;
        }
        List<String> args = writeArgs(profile, expectedVersion, records, evidence);
        args.add(generationKey());
        args.add(Integer.toString(inScript.size()));
        List<String> scriptKeys = new ArrayList<>(
                List.of(keys.profile(profile.id()), keys.records(profile.id()), keys.links(profile.id())));
        scriptKeys.addAll(inScript);
        long result = WRITE.run(connection, scriptKeys.toArray(String[]::new), args.toArray(String[]::new));
        return result == 1 ? Written.WRITTEN : result == -2 ? Written.ERASED : Written.CONFLICT;
    }

    /** True when {@link #candidatesOrCreateAll} creates profiles (scripted access); otherwise it only picks. */
    public boolean createsWhenAlone() {
        return scripts != null;
    }

    /** True when {@link #mergeWrite} can merge in one step (a single node: the keys of several profiles). */
    public boolean mergesAtomically() {
        return !connection.cluster();
    }

    /**
     * Writes the survivor of a merge and forwards the absorbed profiles to it in one step, each checked
     * against the version it was read at: an absorbed profile that changed meanwhile (a record arrived, an
     * erasure sealed it, a split dissolved it) leaves everything as it was, so its records are never copied
     * without it being forwarded. The change feed's {@code merged-away} and {@code merged} entries are
     * written in the same step (callers do not publish them again), and so is an agent's decision when
     * given. Single node only ({@link #mergesAtomically}).
     *
     * @param absorbed each absorbed profile and the version it was read at
     * @return {@link Written#WRITTEN}, {@link Written#ERASED}, or {@link Written#CONFLICT} (read again)
     */
    public Written mergeWrite(Profile survivor, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, Map<ProfileId, Long> absorbed, Collection<String> tombstones) {
        return mergeWrite(survivor, expectedVersion, records, evidence, absorbed, tombstones, null);
    }

    /**
     * What an agent's merge decides, recorded in the merge's own step ({@link #mergeWrite(Profile, long,
     * Collection, Collection, Map, Collection, AgentMerge)}): each moved record must link with the anchor
     * (as {@link #addMustLink}), and no record of {@code kept} is kept apart from a moved one any more (as
     * {@link #removeCannotLink}; empty when there is nothing to lift).
     */
    public record AgentMerge(SourceRecordId anchor, List<SourceRecordId> kept, List<SourceRecordId> moved,
            MergeDecision decision) {
        public AgentMerge {
            kept = List.copyOf(kept);
            moved = List.copyOf(moved);
        }
    }

    /**
     * {@link #mergeWrite} that also records an agent's decision in the same step, so that no stop between
     * the merge and the decision leaves the records together without it (a later split or re-resolution
     * would then part what the agent joined).
     *
     * @param agent the decision, or null for a merge matching made
     */
    public Written mergeWrite(Profile survivor, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, Map<ProfileId, Long> absorbed, Collection<String> tombstones,
            AgentMerge agent) {
        if (!mergesAtomically()) {
            throw new IllegalStateException("a merge in one step needs a single Redis node");
        }
        if (survivor.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("profile version must be expectedVersion + 1");
        }
        List<String> args = writeArgs(survivor, expectedVersion, records, evidence);
        List<String> links = new ArrayList<>();
        List<String> lifted = new ArrayList<>();
        if (agent != null) {
            String json = Json.write(agent.decision());
            for (SourceRecordId m : agent.moved()) {
                links.addAll(List.of(keys.mustLink(agent.anchor()), m.key(), json, keys.mustLink(m),
                        agent.anchor().key(), json));
                for (SourceRecordId k : agent.kept()) {
                    lifted.addAll(List.of(keys.cannotLink(k), m.key(), keys.cannotLink(m), k.key()));
                }
            }
        }
        args.add(Integer.toString(links.size() / 3));
        args.addAll(links);
        args.add(Integer.toString(lifted.size() / 2));
        args.addAll(lifted);
        args.add(keys.changeFeed());
        args.add(Long.toString(CHANGE_FEED_MAX_LENGTH));
        absorbed.keySet().forEach(id -> args.add(id.value()));
        args.add(survivor.id().value());
        absorbed.values().forEach(v -> args.add(Long.toString(v)));
        args.add(Integer.toString(absorbed.size()));
        args.add(generationKey());
        args.add(Integer.toString(tombstones.size()));
        List<String> scriptKeys = new ArrayList<>(
                List.of(keys.profile(survivor.id()), keys.records(survivor.id()), keys.links(survivor.id())));
        absorbed.keySet().forEach(id -> scriptKeys.addAll(List.of(keys.profile(id), keys.records(id), keys.links(id))));
        scriptKeys.addAll(tombstones);
        long result = MERGE.run(connection, scriptKeys.toArray(String[]::new), args.toArray(String[]::new));
        return result == 1 ? Written.WRITTEN : result == -2 ? Written.ERASED : Written.CONFLICT;
    }

    /**
     * The tombstone keys a write's script checks itself: all of them on a single node; none on Redis
     * Cluster, where they are checked here instead (null when one exists: refuse).
     */
    List<String> tombstonesInScript(Collection<String> tombstones) {
        if (tombstones.isEmpty()) {
            return List.of();
        }
        if (!connection.cluster()) {
            return List.copyOf(tombstones);
        }
        return redis.exists(tombstones.toArray(String[]::new)) > 0 ? null : List.of();
    }

    /** The arguments of {@link #VERSIONED_WRITE}: expected version, document, records and links as key/JSON pairs. */
    static List<String> writeArgs(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence) {
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
        return args;
    }

    /** Index entries written with a profile: see {@link #index}. */
    public record IndexUpdate(Collection<Identifier> identifiers, Collection<Identifier> removed,
            Collection<SourceRecordId> sources, Collection<String> blockingKeys) {}

    /**
     * The arguments of {@link #writeAndIndex(Profile, long, Collection, Collection, IndexUpdate, String,
     * CandidateQuery, Map, long, Collection)} as one value, so several can be sent together
     * ({@link #writeAndIndexAll}).
     */
    public record WriteRequest(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, IndexUpdate index, String change, CandidateQuery settle,
            Map<ProfileId, Long> seen, long generation, Collection<String> tombstones) {}

    /** {@link #writeAndIndex(Profile, long, Collection, Collection, IndexUpdate, String, CandidateQuery, Map, long, Collection)}. */
    public Written writeAndIndex(WriteRequest w) {
        return writeAndIndex(w.profile(), w.expectedVersion(), w.records(), w.evidence(), w.index(), w.change(),
                w.settle(), w.seen(), w.generation(), w.tombstones());
    }

    /**
     * Several {@link #writeAndIndex(WriteRequest)} at once: with scripted access all scripts are sent
     * before the first answer is awaited (one round trip instead of one each); each is atomic on its own,
     * in list order, and another client's commands may run between them. Otherwise one after another.
     */
    public List<Written> writeAndIndexAll(List<WriteRequest> writes) {
        if (scripts == null) {
            return writes.stream().map(this::writeAndIndex).toList();
        }
        return scripts.writeAndIndexAll(writes, CHANGE_FEED_MAX_LENGTH);
    }

    /**
     * {@link #candidates} for several queries at once: with scripted access one round trip for all
     * (and one more for the profiles none of them had decoded); otherwise one after another.
     */
    public List<Candidates> candidatesAll(List<CandidateQuery> queries) {
        if (scripts == null) {
            return queries.stream().map(this::candidates).toList();
        }
        return scripts.candidatesAll(queries);
    }

    /**
     * {@link #candidatesAll}, where each query may carry the new profile its record gets when it turns out
     * alone (null: none): a record with no candidate at all, no cannot-link or must-link decision and no
     * erasure tombstone (as {@link WriteRequest#tombstones}) gets that profile written, with its index
     * entries and change-feed entry, in the same script as its pick, and its answer is null. The
     * profile must be new (expected version 0, nothing removed from the index) and filed under exactly
     * the query's keys. Without scripted access nothing is created here: every answer is the candidates.
     */
    public List<Candidates> candidatesOrCreateAll(List<CandidateQuery> queries, List<WriteRequest> creates) {
        if (queries.size() != creates.size()) {
            throw new IllegalArgumentException("one create (or null) per query");
        }
        if (scripts == null) {
            return candidatesAll(queries);
        }
        return scripts.candidatesOrCreateAll(queries, creates);
    }

    /** What {@link #writeAndIndex} did. */
    public enum Written {
        /** Nothing: another writer changed the profile first (re-read and retry). */
        CONFLICT,
        /** Written and indexed; whether the record is settled is for the caller to check. */
        WRITTEN,
        /**
         * Written and indexed, and the record's candidates picked again afterwards are the ones seen,
         * unchanged: no concurrent writer created or changed a profile the record could join.
         */
        SETTLED,
        /** Nothing: the record belongs to an erased person (a tombstone exists). */
        ERASED
    }

    /**
     * {@link #write} followed by {@link #index} and {@link #publishChange} when the write succeeded; with
     * {@code settle} also the settle check: {@link #candidates} for that query again, compared (leaving
     * out the profile written) with the live ids and versions in {@code seen}. With scripted access all
     * of it runs in one script, atomically; otherwise as separate commands.
     */
    public Written writeAndIndex(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, IndexUpdate index, String change, CandidateQuery settle,
            Map<ProfileId, Long> seen) {
        return writeAndIndex(profile, expectedVersion, records, evidence, index, change, settle, seen, -1, List.of());
    }

    /**
     * {@link #writeAndIndex}, refused ({@link Written#ERASED}, nothing written) when any of the
     * {@code tombstones} keys exists; checked atomically with the write as {@link #write(Profile, long,
     * Collection, Collection, Collection)} describes. {@code generation} is {@link Candidates#generation}
     * of the candidates in {@code seen} (-1: unknown): when the write finds it unchanged, the settle check
     * has nothing to look at again.
     */
    public Written writeAndIndex(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, IndexUpdate index, String change, CandidateQuery settle,
            Map<ProfileId, Long> seen, long generation, Collection<String> tombstones) {
        if (profile.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("profile version must be expectedVersion + 1");
        }
        if (scripts != null) {
            return scripts.writeAndIndex(profile, expectedVersion, records, evidence, index, change,
                    CHANGE_FEED_MAX_LENGTH, settle, seen, generation, tombstones);
        }
        // A new profile is indexed before it is written (on Cluster the two are separate steps): a process killed
        // in between leaves index entries naming an id with no profile behind it, which readers skip, instead
        // of a profile no index finds, whose record the restart would store again in a second profile. A
        // record of an erased person is not indexed at all.
        boolean indexedFirst = connection.cluster() && expectedVersion == 0
                && (tombstones.isEmpty() || tombstonesInScript(tombstones) != null);
        if (indexedFirst) {
            index(profile.id(), index.identifiers(), List.of(), index.sources(), index.blockingKeys());
        }
        Written stored = write(profile, expectedVersion, records, evidence, tombstones);
        if (stored != Written.WRITTEN) {
            return stored;
        }
        if (!indexedFirst) {
            index(profile.id(), index.identifiers(), index.removed(), index.sources(), index.blockingKeys());
        } else if (!index.removed().isEmpty()) {
            index(profile.id(), List.of(), index.removed(), List.of(), List.of());
        }
        publishChange(profile.id(), change);
        if (settle == null) {
            return Written.WRITTEN;
        }
        return unchanged(candidates(settle).versions(), seen, profile.id()) ? Written.SETTLED : Written.WRITTEN;
    }

    /** True when two candidate version maps agree on every profile but {@code except}. */
    public static boolean unchanged(Map<ProfileId, Long> now, Map<ProfileId, Long> before, ProfileId except) {
        Map<ProfileId, Long> a = new TreeMap<>(now);
        Map<ProfileId, Long> b = new TreeMap<>(before);
        a.remove(except);
        b.remove(except);
        return a.equals(b);
    }

    /**
     * Replaces a merged-away profile by a forwarding pointer to {@code into}, if its version is still
     * {@code expectedVersion}.
     */
    public boolean forward(ProfileId from, long expectedVersion, ProfileId into) {
        String[] scriptKeys = {keys.profile(from), keys.records(from), keys.links(from)};
        return FORWARD.run(connection, scriptKeys, Long.toString(expectedVersion), into.value(), generationKey()) == 1;
    }

    /** Live profiles filed under a blocking key; empty when the block is larger than {@code maxMembers}. */
    public Set<ProfileId> findByBlock(String blockingKey, int maxMembers) {
        String key = keys.block(blockingKey);
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
        if (!connection.cluster()) {
            indexCounted(id, identifiers, removed, sources, blockingKeys);
            return;
        }
        List<RedisFuture<?>> writes = new ArrayList<>();
        identifiers.forEach(i -> writes.add(async.sadd(keys.identifier(i), id.value())));
        removed.forEach(i -> writes.add(async.srem(keys.identifier(i), id.value())));
        sources.forEach(s -> writes.add(async.set(keys.source(s), id.value())));
        blockingKeys.forEach(b -> writes.add(async.sadd(keys.block(b), id.value())));
        writes.forEach(connection::await);
    }

    /**
     * {@link #index} on a single node: one script that counts the write generation and marks the added
     * keys touched together with the additions, so a record picking its candidates sees either both or
     * neither (see {@link RedisKeys.Namespace#writeGeneration} and {@link RedisKeys.Namespace#writeTouched}).
     */
    private void indexCounted(ProfileId id, Collection<Identifier> identifiers, Collection<Identifier> removed,
            Collection<SourceRecordId> sources, Collection<String> blockingKeys) {
        List<String> scriptKeys = new ArrayList<>();
        identifiers.forEach(i -> scriptKeys.add(keys.identifier(i)));
        removed.forEach(i -> scriptKeys.add(keys.identifier(i)));
        sources.forEach(s -> scriptKeys.add(keys.source(s)));
        blockingKeys.forEach(b -> scriptKeys.add(keys.block(b)));
        List<String> args = new ArrayList<>(List.of(id.value(), Integer.toString(identifiers.size()),
                Integer.toString(removed.size()), Integer.toString(sources.size()),
                Integer.toString(blockingKeys.size()), keys.writeGeneration(), keys.writeTouched()));
        args.addAll(ScriptedAccess.touchedBuckets(scriptKeys)); // removals too: see removeFromIndex
        INDEX.run(connection, scriptKeys.toArray(String[]::new), args.toArray(String[]::new));
    }

    /**
     * Lua: {@code markTouched(hash, generation, from, to)} sets the buckets ARGV[from..to] of the
     * touched-keys hash to the generation, a few hundred fields per HSET (unpack is limited to about
     * 8,000 values, and a profile with thousands of records marks thousands of source keys).
     */
    static final String MARK_TOUCHED = """
            local function markTouched(hash, generation, from, to)
              local fields = {}
              for j = from, to do
                fields[#fields + 1] = ARGV[j]; fields[#fields + 1] = generation
                if #fields >= 400 then redis.call('HSET', hash, unpack(fields)); fields = {} end
              end
              if #fields > 0 then redis.call('HSET', hash, unpack(fields)) end
            end
            """;

    /**
     * KEYS: identifiers to add, identifiers to remove, source records, blocking keys. ARGV: profile id, the
     * four counts, the write generation key, the touched-keys hash, then the buckets to mark.
     */
    private static final LuaScript INDEX = new LuaScript(MARK_TOUCHED + """
            local id = ARGV[1]
            local nAdd, nRemove, nSources, nBlocks = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]),
              tonumber(ARGV[5])
            local generation = redis.call('INCR', ARGV[6])
            markTouched(ARGV[7], generation, 8, #ARGV)
            local k = 1
            for _ = 1, nAdd do redis.call('SADD', KEYS[k], id); k = k + 1 end
            for _ = 1, nRemove do redis.call('SREM', KEYS[k], id); k = k + 1 end
            for _ = 1, nSources do redis.call('SET', KEYS[k], id); k = k + 1 end
            for _ = 1, nBlocks do redis.call('SADD', KEYS[k], id); k = k + 1 end
            return 1
            """);

    /** Removes a merged-away id from index sets (its forward pointer keeps old readers working). */
    public void unindex(ProfileId id, Collection<Identifier> identifiers, Collection<String> blockingKeys) {
        List<String> indexKeys = new ArrayList<>();
        identifiers.forEach(i -> indexKeys.add(keys.identifier(i)));
        blockingKeys.forEach(b -> indexKeys.add(keys.block(b)));
        removeFromIndex(indexKeys, List.of(id.value()));
    }

    /**
     * Removes profile ids from index sets (keys as {@link RedisKeys.Namespace#identifier} and
     * {@link RedisKeys.Namespace#block} name them). On a single node one script also counts the write
     * generation and marks the keys touched: a removal can give a record a new candidate too (a block
     * that shrinks below the size limit, a freed place among the candidates compared).
     */
    public void removeFromIndex(Collection<String> indexKeys, Collection<String> members) {
        if (indexKeys.isEmpty() || members.isEmpty()) {
            return;
        }
        if (connection.cluster()) {
            List<RedisFuture<?>> writes = new ArrayList<>();
            indexKeys.forEach(k -> writes.add(async.srem(k, members.toArray(String[]::new))));
            writes.forEach(connection::await);
            return;
        }
        List<String> args = new ArrayList<>(List.of(keys.writeGeneration(), keys.writeTouched(),
                Integer.toString(members.size())));
        args.addAll(members);
        args.addAll(ScriptedAccess.touchedBuckets(indexKeys));
        UNINDEX.run(connection, indexKeys.toArray(String[]::new), args.toArray(String[]::new));
    }

    /**
     * Takes the profile out of blocks that no record of it has any more (an updated record's old name or
     * address), if the profile is still at {@code version}: a later write may have brought a record with one
     * of those keys, and its entry must stay. Single node only (the check and the removal are one script):
     * on Redis Cluster nothing is done here, and the resolver removes them in two steps instead.
     *
     * @return true when removed (or nothing to remove), false when the profile changed meanwhile or on Cluster
     */
    public boolean unindexStaleBlocks(ProfileId id, long version, Collection<String> blockingKeys) {
        if (blockingKeys.isEmpty()) {
            return true;
        }
        if (connection.cluster()) {
            return false;
        }
        List<String> scriptKeys = new ArrayList<>();
        scriptKeys.add(keys.profile(id));
        List<String> blocks = blockingKeys.stream().map(keys::block).toList();
        scriptKeys.addAll(blocks);
        List<String> args = new ArrayList<>(List.of(Long.toString(version), keys.writeGeneration(),
                keys.writeTouched(), id.value()));
        args.addAll(ScriptedAccess.touchedBuckets(blocks));
        return UNINDEX_AT_VERSION.run(connection, scriptKeys.toArray(String[]::new), args.toArray(String[]::new)) == 1;
    }

    /**
     * Points a record's source index entry at the profile that holds it, found through another key (the
     * entry named another profile, or none), if the profile is still at {@code version} (not sealed by an
     * erasure, dissolved by a split or changed since). An entry left naming another profile would make
     * lookups by source record (a search, the CX append) land on a profile that does not hold the record.
     * On Redis Cluster the version and the entry live in different slots: there an entry that names another
     * profile is swapped only if it still names it (one script on its own key), and swapped back if the
     * profile stopped being live meanwhile (a dissolve, a seal, a forward or a merge away removes its
     * document before the entry changes), so a newer entry (a split's) stays; a plain write to the profile
     * sets the entry to it again itself. A missing entry is left missing (an erasure may have removed it).
     */
    public void repairSource(ProfileId id, long version, SourceRecordId record) {
        if (connection.cluster()) {
            String seen = redis.get(keys.source(record));
            if (seen != null && !seen.equals(id.value())
                    && REPLACE_SOURCE_IF.run(connection, new String[] {keys.source(record)}, seen, id.value()) == 1
                    && !redis.hexists(keys.profile(id), "doc")) {
                REPLACE_SOURCE_IF.run(connection, new String[] {keys.source(record)}, id.value(), seen);
            }
            return;
        }
        REPAIR_SOURCE.run(connection, new String[] {keys.profile(id), keys.source(record)}, Long.toString(version),
                id.value());
    }

    /** KEYS: source index entry. ARGV: the profile id it must name, the one it names then. */
    private static final LuaScript REPLACE_SOURCE_IF = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end
            return 0
            """);

    /** KEYS: profile, source index entry. ARGV: version, profile id. */
    private static final LuaScript REPAIR_SOURCE = new LuaScript("""
            if (redis.call('HGET', KEYS[1], 'version') or '0') ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[2], ARGV[2])
            return 1
            """);

    /**
     * What is left of a record that the dissolved profile {@code heldBy} held and that was refused as erased
     * when resolved again (its tombstone came first): its source index entry if it still names
     * {@code heldBy} (it would lead to where the old id forwards), and the decisions naming it (cannot-link
     * and must-link, both sides), which its erasure removes too and a split may have written just before.
     */
    public void forgetRefused(SourceRecordId record, ProfileId heldBy) {
        DROP_SOURCE_IF.run(connection, new String[] {keys.source(record)}, heldBy.value());
        List<RedisFuture<?>> writes = new ArrayList<>();
        for (SourceRecordId partner : cannotLink(record)) {
            writes.add(async.srem(keys.cannotLink(partner), record.key()));
        }
        for (SourceRecordId partner : mustLink(record).keySet()) {
            writes.add(async.hdel(keys.mustLink(partner), record.key()));
        }
        writes.add(async.del(keys.cannotLink(record)));
        writes.add(async.del(keys.mustLink(record)));
        writes.forEach(connection::await);
    }

    /** KEYS: source index entry. ARGV: the profile id it must name. */
    private static final LuaScript DROP_SOURCE_IF = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    /** KEYS: profile, block sets. ARGV: version, write generation key, touched-keys hash, member, buckets. */
    private static final LuaScript UNINDEX_AT_VERSION = new LuaScript(MARK_TOUCHED + """
            if (redis.call('HGET', KEYS[1], 'version') or '0') ~= ARGV[1] then return 0 end
            local generation = redis.call('INCR', ARGV[2])
            markTouched(ARGV[3], generation, 5, #ARGV)
            for k = 2, #KEYS do redis.call('SREM', KEYS[k], ARGV[4]) end
            return 1
            """);

    /** KEYS: index sets. ARGV: write generation key, touched-keys hash, member count, members, buckets. */
    private static final LuaScript UNINDEX = new LuaScript(MARK_TOUCHED + """
            local generation = redis.call('INCR', ARGV[1])
            local nMembers = tonumber(ARGV[3])
            markTouched(ARGV[2], generation, 4 + nMembers, #ARGV)
            for k = 1, #KEYS do
              for j = 4, 3 + nMembers do redis.call('SREM', KEYS[k], ARGV[j]) end
            end
            return 1
            """);

    /** Remembers that two records belong to different people, whatever matching says later. */
    public void addCannotLink(SourceRecordId a, SourceRecordId b) {
        redis.sadd(keys.cannotLink(a), b.key());
        redis.sadd(keys.cannotLink(b), a.key());
    }

    /** Forgets a cannot-link decision (a person decided later that the two belong together). */
    public void removeCannotLink(SourceRecordId a, SourceRecordId b) {
        redis.srem(keys.cannotLink(a), b.key());
        redis.srem(keys.cannotLink(b), a.key());
    }

    /** Remembers that a person decided two records belong to one customer, and who, when and why. */
    public void addMustLink(SourceRecordId a, SourceRecordId b, MergeDecision decision) {
        String json = Json.write(decision);
        redis.hset(keys.mustLink(a), b.key(), json);
        redis.hset(keys.mustLink(b), a.key(), json);
    }

    /** Forgets a must-link decision (the records were split apart again). */
    public void removeMustLink(SourceRecordId a, SourceRecordId b) {
        redis.hdel(keys.mustLink(a), b.key());
        redis.hdel(keys.mustLink(b), a.key());
    }

    /** The records a person joined with this one, with each decision. */
    public Map<SourceRecordId, MergeDecision> mustLink(SourceRecordId id) {
        Map<SourceRecordId, MergeDecision> result = new TreeMap<>();
        redis.hgetall(keys.mustLink(id)).forEach((key, json) -> result.put(SourceRecordId.parse(key),
                Json.read(json, MergeDecision.class)));
        return result;
    }

    public Set<SourceRecordId> cannotLink(SourceRecordId id) {
        Set<SourceRecordId> result = new java.util.TreeSet<>();
        redis.smembers(keys.cannotLink(id)).forEach(key -> result.add(SourceRecordId.parse(key)));
        return result;
    }

    /**
     * Sends the read of a record's must-link partners now and decodes when asked, so that it shares a
     * round trip with the reads issued after it (the candidate lookup without scripts; the candidate script
     * reads them itself).
     */
    private java.util.function.Supplier<Set<SourceRecordId>> mustLinkPartnersLater(SourceRecordId id) {
        RedisFuture<List<String>> partners = async.hkeys(keys.mustLink(id));
        return () -> {
            Set<SourceRecordId> result = new java.util.TreeSet<>();
            connection.await(partners).forEach(key -> result.add(SourceRecordId.parse(key)));
            return result;
        };
    }

    /**
     * The identity decisions about a record: the records a person joined it with (must-link), those an
     * agent separated it from (cannot-link), and the profile id its source index names now (as stored:
     * it may have been merged away or dissolved since).
     */
    public record Decisions(Set<SourceRecordId> mustLink, Set<SourceRecordId> cannotLink, Optional<ProfileId> home) {}

    /** {@link Decisions} of each of these records, read in one round trip. */
    public Map<SourceRecordId, Decisions> decisions(Collection<SourceRecordId> ids) {
        Map<SourceRecordId, List<RedisFuture<?>>> pending = new LinkedHashMap<>();
        for (SourceRecordId id : ids) {
            pending.put(id, List.of(async.hkeys(keys.mustLink(id)), async.smembers(keys.cannotLink(id)),
                    async.get(keys.source(id))));
        }
        Map<SourceRecordId, Decisions> result = new LinkedHashMap<>();
        pending.forEach((id, futures) -> {
            Set<SourceRecordId> must = new java.util.TreeSet<>();
            Set<SourceRecordId> cannot = new java.util.TreeSet<>();
            @SuppressWarnings("unchecked")
            List<String> partners = (List<String>) connection.await(futures.get(0));
            @SuppressWarnings("unchecked")
            Set<String> separated = (Set<String>) connection.await(futures.get(1));
            String home = (String) connection.await(futures.get(2));
            partners.forEach(key -> must.add(SourceRecordId.parse(key)));
            separated.forEach(key -> cannot.add(SourceRecordId.parse(key)));
            result.put(id, new Decisions(must, cannot, Optional.ofNullable(home).map(ProfileId::new)));
        });
        return result;
    }

    /**
     * Empties a live profile so that its records can be resolved again (a split, a re-resolution), if its
     * version is still {@code expectedVersion}. Index entries pointing at it stop resolving until
     * {@link #forwardDissolved} is set. Its records stay held ({@link #dissolvedRecords}) until
     * {@link #releaseDissolved}, with the time (epoch ms) and, for a split, the records moved out, so a
     * process that stops before they are resolved again leaves them for {@link #claimDissolved}.
     */
    public boolean dissolve(ProfileId id, long expectedVersion, Collection<SourceRecordId> movedOut) {
        // registered first: a process that stops right after the dissolve leaves a hold that is found; an
        // entry whose dissolve did not happen is dropped by the finisher
        redis.sadd(keys.dissolvedRegistry(), id.value());
        String[] scriptKeys = {keys.profile(id), keys.records(id), keys.links(id), keys.dissolvedRecords(id),
                keys.splitOut(id)};
        List<String> args = new ArrayList<>();
        args.add(Long.toString(expectedVersion));
        args.add(generationKey());
        args.add("");
        movedOut.forEach(r -> args.add(r.key()));
        boolean dissolved = DISSOLVE.run(connection, scriptKeys, args.toArray(String[]::new)) == 1;
        if (!dissolved) {
            redis.srem(keys.dissolvedRegistry(), id.value());
        }
        return dissolved;
    }

    /** The records a dissolved profile held, while {@link #dissolve} keeps them (else empty). */
    public List<CustomerRecord> dissolvedRecords(ProfileId id) {
        return decodeRecords(redis.hvals(keys.dissolvedRecords(id)));
    }

    /** The records a split moved out of this dissolved profile (empty for a re-resolution). */
    public Set<SourceRecordId> splitOut(ProfileId id) {
        Set<SourceRecordId> moved = new java.util.TreeSet<>();
        redis.smembers(keys.splitOut(id)).forEach(key -> moved.add(SourceRecordId.parse(key)));
        return moved;
    }

    /**
     * Dissolved profiles whose records are (or may still be) held: left by a process that stopped, or in
     * progress. Read from a registry set, not a SCAN of the keyspace.
     */
    public Set<ProfileId> dissolvedHeld() {
        Set<ProfileId> ids = new java.util.TreeSet<>();
        redis.smembers(keys.dissolvedRegistry()).forEach(id -> ids.add(new ProfileId(id)));
        return ids;
    }

    /**
     * Takes over a dissolved profile's held records if it was dissolved (or last claimed) at least
     * {@code graceMillis} ago by Redis's clock: the time moves to now, so another process finishing what a
     * stopped one left waits as long again before it takes the same profile. False when not yet, or when
     * nothing is held any more (then its registry entry goes).
     */
    public boolean claimDissolved(ProfileId id, long graceMillis) {
        long claimed = CLAIM_DISSOLVED.run(connection, new String[] {keys.profile(id), keys.dissolvedRecords(id)},
                Long.toString(graceMillis));
        if (claimed == -1) {
            redis.srem(keys.dissolvedRegistry(), id.value());
        }
        return claimed == 1;
    }

    /** Lets go of a dissolved profile's held records, once they are resolved again and what follows them moved. */
    public void releaseDissolved(ProfileId id) {
        RELEASE_DISSOLVED.run(connection, new String[] {keys.profile(id), keys.dissolvedRecords(id), keys.splitOut(id)});
        redis.srem(keys.dissolvedRegistry(), id.value());
    }

    private static final LuaScript SEAL = new LuaScript("""
            local current = redis.call('HGET', KEYS[1], 'version') or '0'
            if current ~= ARGV[1] then return 0 end
            if redis.call('HEXISTS', KEYS[1], 'doc') == 0 then return 0 end
            if ARGV[3] ~= '' then redis.call('INCR', ARGV[3]) end
            redis.call('HDEL', KEYS[1], 'doc')
            redis.call('HSET', KEYS[1], 'erasing', ARGV[2], 'version', tostring(tonumber(ARGV[1]) + 1))
            return 1
            """);

    /**
     * First step of an erasure: takes the live profile out of service if its version is still
     * {@code expectedVersion}. Its document goes (so no reader, candidate search or timeline append finds
     * it) and the version moves on (so every write that read it conflicts); records and links stay for
     * the erasure to read and remove.
     *
     * @return false when the profile changed or is not live (read it again)
     */
    public boolean seal(ProfileId id, long expectedVersion, java.time.Instant at) {
        boolean sealed = SEAL.run(connection, new String[] {keys.profile(id)}, Long.toString(expectedVersion),
                Long.toString(at.toEpochMilli()), generationKey()) == 1;
        if (scripts != null) {
            // after the seal: a reader that decoded the profile just before cannot put it back now (its version
            // is gone); decoded copies of the person's data leave the heap now, not when pushed out
            scripts.evict(id);
        }
        return sealed;
    }

    /** Points a dissolved profile id at the profile that now holds most of its records. */
    public void forwardDissolved(ProfileId from, ProfileId into) {
        if (connection.cluster()) {
            redis.hset(keys.profile(from), "forward", into.value());
            return;
        }
        FORWARD_DISSOLVED.run(connection, new String[] {keys.profile(from)}, into.value(), keys.writeGeneration(),
                keys.writeTouched(), FORWARDS_FIELD);
    }

    /**
     * Field of the touched-keys hash set by every {@link #forwardDissolved}, and read by every settle
     * check: an index entry may still name the dissolved id (or an id forwarded to it), and from now on
     * it leads to another profile, whichever keys it sits under.
     */
    static final String FORWARDS_FIELD = "@forward";

    private static final LuaScript FORWARD_DISSOLVED = new LuaScript("""
            local generation = redis.call('INCR', ARGV[2])
            redis.call('HSET', ARGV[3], ARGV[4], generation)
            redis.call('HSET', KEYS[1], 'forward', ARGV[1])
            return 1
            """);

    /**
     * The write generation key, or empty on Redis Cluster: only the scripted single-node path reads the
     * generation (its settle check), and a script there may not touch a key of another slot.
     */
    String generationKey() {
        return connection.cluster() ? "" : keys.writeGeneration();
    }

    /**
     * The change feed's key for a script that writes one profile's keys and may announce the change in the
     * same round trip; null on Redis Cluster, where the feed lives in another slot and the caller uses
     * {@link #publishChange} after the script.
     */
    public String changeFeedForScripts() {
        return connection.cluster() ? null : keys.changeFeed();
    }

    /** Announces a change on the change feed that segments and other consumers follow. */
    public void publishChange(ProfileId id, String change) {
        redis.xadd(keys.changeFeed(),
                XAddArgs.Builder.maxlen(CHANGE_FEED_MAX_LENGTH).approximateTrimming(),
                Map.of("profile", id.value(), "change", change));
    }

    /**
     * Ids of the profiles of this namespace that hold records, found by SCAN (which on Redis Cluster
     * visits every master): the live profiles, since merged-away and dissolved ids hold none. A profile
     * created or merged away while the scan runs may or may not be included.
     */
    public Set<ProfileId> profileIds() {
        Set<ProfileId> ids = new java.util.TreeSet<>();
        forEachProfileId(ids::add);
        return ids;
    }

    /**
     * {@link #profileIds} one at a time as the SCAN finds them, holding none: for a pass over data too
     * large to list. SCAN may hand a key over twice (while Redis resizes its table), so {@code each} may
     * see an id twice.
     */
    public void forEachProfileId(java.util.function.Consumer<ProfileId> each) {
        scan(keys.recordsPattern(), key -> each.accept(keys.profileOfRecordsKey(key)));
    }

    /**
     * The source record keys each of these profiles holds as stored (forwarding pointers are not
     * followed; a profile without records is left out), {@value #BATCH} profiles per round trip.
     */
    public Map<ProfileId, Set<SourceRecordId>> recordIds(Collection<ProfileId> ids) {
        Map<ProfileId, Set<SourceRecordId>> result = new LinkedHashMap<>();
        List<ProfileId> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += BATCH) {
            Map<ProfileId, RedisFuture<List<String>>> pending = new LinkedHashMap<>();
            for (ProfileId id : all.subList(from, Math.min(all.size(), from + BATCH))) {
                pending.put(id, async.hkeys(keys.records(id)));
            }
            pending.forEach((id, future) -> {
                List<String> held = connection.await(future);
                if (!held.isEmpty()) {
                    Set<SourceRecordId> records = new java.util.TreeSet<>();
                    held.forEach(key -> records.add(SourceRecordId.parse(key)));
                    result.put(id, records);
                }
            });
        }
        return result;
    }

    /**
     * Copies every cannot-link decision of {@code from} (another namespace, usually the live data) into
     * this one, adding to what is here.
     *
     * @return how many cannot-link sets were copied
     */
    public long copyCannotLinks(ProfileStore from) {
        if (from.keys.equals(keys)) {
            throw new IllegalArgumentException("source and target namespace are the same");
        }
        List<String> page = new ArrayList<>();
        long[] copied = {0};
        Runnable flush = () -> {
            Map<String, RedisFuture<Set<String>>> members = new LinkedHashMap<>();
            page.forEach(key -> members.put(key, from.async.smembers(key)));
            List<RedisFuture<?>> writes = new ArrayList<>();
            members.forEach((key, future) -> {
                Set<String> separated = from.connection.await(future);
                if (!separated.isEmpty()) {
                    writes.add(async.sadd(from.keys.moveTo(key, keys), separated.toArray(String[]::new)));
                    copied[0]++;
                }
            });
            writes.forEach(connection::await);
            page.clear();
        };
        from.scan(from.keys.cannotLinkPattern(), key -> {
            page.add(key);
            if (page.size() >= BATCH) {
                flush.run();
            }
        });
        flush.run();
        return copied[0];
    }

    /**
     * Copies every must-link decision of {@code from} (another namespace, usually the live data) into
     * this one, adding to what is here, as {@link #copyCannotLinks} does for cannot-links.
     *
     * @return how many must-link hashes were copied
     */
    public long copyMustLinks(ProfileStore from) {
        if (from.keys.equals(keys)) {
            throw new IllegalArgumentException("source and target namespace are the same");
        }
        List<String> page = new ArrayList<>();
        long[] copied = {0};
        Runnable flush = () -> {
            Map<String, RedisFuture<Map<String, String>>> decisions = new LinkedHashMap<>();
            page.forEach(key -> decisions.put(key, from.async.hgetall(key)));
            List<RedisFuture<?>> writes = new ArrayList<>();
            decisions.forEach((key, future) -> {
                Map<String, String> joined = from.connection.await(future);
                if (!joined.isEmpty()) {
                    writes.add(async.hset(from.keys.moveTo(key, keys), joined));
                    copied[0]++;
                }
            });
            writes.forEach(connection::await);
            page.clear();
        };
        from.scan(from.keys.prefix() + "ml:*", key -> {
            page.add(key);
            if (page.size() >= BATCH) {
                flush.run();
            }
        });
        flush.run();
        return copied[0];
    }

    /**
     * Deletes every key of this namespace (SCAN by prefix, then UNLINK). Refused for the live data.
     *
     * @return how many keys were deleted
     */
    public long deleteNamespace() {
        if (keys.isDefault()) {
            throw new IllegalStateException("refusing to delete the live namespace");
        }
        List<String> page = new ArrayList<>();
        long[] deleted = {0};
        scan(keys.everyKeyPattern(), key -> {
            page.add(key);
            if (page.size() >= BATCH) {
                deleted[0] += redis.unlink(page.toArray(String[]::new));
                page.clear();
            }
        });
        if (!page.isEmpty()) {
            deleted[0] += redis.unlink(page.toArray(String[]::new));
        }
        return deleted[0];
    }

    /**
     * Visits every key matching {@code pattern}. SCAN on a cluster connection walks every master; a key
     * present for the whole scan is seen at least once (Redis may repeat one, so callers collect sets).
     */
    private void scan(String pattern, java.util.function.Consumer<String> each) {
        io.lettuce.core.ScanIterator<String> keysFound = io.lettuce.core.ScanIterator.scan(redis,
                io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(1000));
        while (keysFound.hasNext()) {
            each.accept(keysFound.next());
        }
    }
}
