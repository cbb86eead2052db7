package dev.tessera.core.store;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resolver's hot path on a single Redis node: each step is one script, so a record costs four
 * commands instead of about seventy (one per index key). Command count, not data, was what limited
 * throughput: every command is a write and a read system call on both sides, and Lettuce hands each
 * one to its event loop separately.
 *
 * <p>The scripts follow profile ids found in index sets to the profile hashes, keys they cannot name
 * up front. A single node allows that; Redis Cluster does not (a script may only touch the slot of its
 * declared keys), so {@link ProfileStore} uses the per-key commands there. Both paths read and write
 * the same layout and are tested against each other.
 */
final class ScriptedAccess {

    /** Forwarding pointers followed at most (guards against cycles); as in {@link ProfileStore}. */
    static final int MAX_FORWARDS = 16;
    /** Buckets of the touched-keys hash (a power of two). */
    static final int TOUCHED_BUCKETS = 1 << 16;

    /**
     * Lua shared by the scripts below. {@code candidates(k, a)} reads a record's index entries from
     * KEYS[k..] (source key, cannot-link key, identifier keys, blocking keys) as described by ARGV[a..]
     * (identifier count, largest block, most block-only candidates, key prefix, one found-by label per
     * identifier, block count, then 0 or one size per block to rank with instead of reading them) and
     * picks its candidates exactly as {@link ProfileStore#candidates} does with commands: every profile
     * found by source id or identifier, plus the block-only ones with the highest sum of
     * {@link ProfileStore#blockWeight} over the blocks they share (ties by id). It also returns the block
     * sizes it ranked with. {@code live(prefix, id)} follows forwarding pointers.
     */
    private static final String FUNCTIONS = """
            local function candidates(k, a)
              local nIds, maxBlock, maxBlockOnly = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
              local found, order = {}, {}
              local function add(id, label)
                local labels = found[id]
                if not labels then labels = {}; found[id] = labels; order[#order + 1] = id end
                labels[#labels + 1] = label
              end
              local home = redis.call('GET', KEYS[k])
              if home then add(home, 'source_id') end
              for i = 1, nIds do
                local key, label = KEYS[k + 1 + i], ARGV[a + 3 + i]
                -- an email or phone held by more profiles than ProfileStore.sharedIdentifierLimit is no lead
                -- (a placeholder, a switchboard): its profiles come through blocks, if at all
                if label ~= 'email' and label ~= 'phone' then
                  for _, id in ipairs(redis.call('SMEMBERS', key)) do add(id, label) end
                else
                  -- most records bring a new email or phone: an empty set is not read
                  local n = redis.call('SCARD', key)
                  if n > 0 and n <= %d * maxBlock then
                    for _, id in ipairs(redis.call('SMEMBERS', key)) do add(id, label) end
                  end
                end
              end
              local counts, blockOnly, sizes = {}, {}, {}
              local nBlocks = tonumber(ARGV[a + 4 + nIds])
              -- sizes given (0 or one per block): rank with those, as the record's first pick did
              local nGiven = tonumber(ARGV[a + 5 + nIds])
              for j = 1, nBlocks do
                local i = k + 1 + nIds + j
                local size, empty
                if nGiven > 0 then
                  -- the sizes of the first pick: a block empty then may have members now (the check is
                  -- for them), so it is read whatever its size was
                  size = tonumber(ARGV[a + 5 + nIds + j])
                else
                  size = redis.call('SCARD', KEYS[i])
                  -- most of a record's blocks are its own so far (one member at most after its write):
                  -- an empty one is not read
                  empty = size == 0
                end
                sizes[j] = size
                if size <= maxBlock and not empty then
                  local w = 0
                  if size > 0 then w = math.floor(%d / size) end
                  for _, id in ipairs(redis.call('SMEMBERS', KEYS[i])) do
                    local c = counts[id]
                    if c then counts[id] = c + w
                    else
                      counts[id] = w
                      if found[id] then add(id, 'block') else blockOnly[#blockOnly + 1] = id end
                    end
                  end
                end
              end
              -- the maxBlockOnly with the highest score (ProfileStore.blockWeight summed over the blocks
              -- shared), ties by id: grouped by score, so only the group that does not fit whole is sorted,
              -- by the built-in comparison (sorting every block-only id with a Lua comparator was the
              -- largest cost of this script)
              local byScore, scores = {}, {}
              for _, id in ipairs(blockOnly) do
                local c = counts[id]
                local group = byScore[c]
                if not group then group = {}; byScore[c] = group; scores[#scores + 1] = c end
                group[#group + 1] = id
              end
              table.sort(scores)
              local room = maxBlockOnly
              for s = #scores, 1, -1 do
                if room <= 0 then break end
                local group = byScore[scores[s]]
                if #group > room then table.sort(group) end
                for i = 1, math.min(room, #group) do add(group[i], 'block') end
                room = room - #group
              end
              return order, found, sizes
            end
            local function live(prefix, id)
              for _ = 1, %d do
                local f = redis.call('HMGET', prefix .. '{p:' .. id .. '}:profile', 'forward', 'version')
                if f[1] then id = f[1] else return id, f[2] end
              end
              return nil, 'loop'
            end
            """.formatted(ProfileStore.SHARED_IDENTIFIER_BLOCKS, ProfileStore.BLOCK_WEIGHT, MAX_FORWARDS);

    /**
     * A record's candidates: which live profiles, at which versions. KEYS as {@code candidates(1, 2)} reads
     * them, then the record's must-link hash; ARGV: the write generation key, then the arguments {@code
     * candidates(1, 2)} reads. Answers {cannot-link record keys, candidates, write generation, block sizes
     * ranked with, must-link record keys}, each candidate {id, found-by labels} when no profile with a
     * version is behind it, {id, labels, 'loop'} for a forwarding cycle, else {id, labels, live id,
     * version}. Documents are not sent: the caller has most of them decoded already and fetches the rest
     * with {@link #LOAD} (sending every candidate's document each time made this script and the client's
     * decoding the largest costs of a record).
     *
     * <p>Create when alone (decision 56): when the last ARGV is not 0 it is where the arguments of the
     * record's new profile begin, and when the pick finds no candidate at all, the record has no
     * cannot-link or must-link decision and no erasure tombstone refuses it, the script writes that
     * profile and its index entries right away and answers {'created'}: the decision a resolver takes for
     * such a record, taken where nothing can come in between, so the record needs neither a second script
     * nor a settle check. Its KEYS after the must-link hash: profile, records, links, change feed, then the
     * tombstones. Its ARGV: doc, record count, record key/JSON pairs, link count, link key/JSON pairs,
     * profile id, change, feed length, the touched-keys hash, the number of buckets to mark and the
     * buckets. It is filed under exactly the query's keys (source, identifiers, blocks).
     */
    private static final LuaScript CANDIDATES = new LuaScript(FUNCTIONS + ProfileStore.MARK_TOUCHED + """
            -- the record's must-link hash, after the query's keys; the new profile's keys follow it
            local ml = 3 + tonumber(ARGV[2]) + tonumber(ARGV[6 + tonumber(ARGV[2])])
            local function createAlone(c)
              local kc = ml + 1
              -- the cannot-link set, the must-link hash, the new profile's key, the tombstones: none may exist
              if redis.call('EXISTS', KEYS[2], KEYS[ml], KEYS[kc], unpack(KEYS, kc + 4, #KEYS)) > 0 then
                return false
              end
              local generation = redis.call('INCR', ARGV[1])
              redis.call('HSET', KEYS[kc], 'doc', ARGV[c], 'version', '1')
              local i = c + 2
              for _ = 1, tonumber(ARGV[c + 1]) do
                redis.call('HSET', KEYS[kc + 1], ARGV[i], ARGV[i + 1]); i = i + 2
              end
              local links = tonumber(ARGV[i]); i = i + 1
              for _ = 1, links do
                redis.call('HSET', KEYS[kc + 2], ARGV[i], ARGV[i + 1]); i = i + 2
              end
              local id = ARGV[i]
              redis.call('SET', KEYS[1], id)
              for k = 3, ml - 1 do redis.call('SADD', KEYS[k], id) end
              redis.call('XADD', KEYS[kc + 3], 'MAXLEN', '~', ARGV[i + 2], '*', 'profile', id, 'change', ARGV[i + 1])
              markTouched(ARGV[i + 3], generation, i + 5, i + 4 + tonumber(ARGV[i + 4]))
              return true
            end
            local prefix = ARGV[5]
            local order, found, sizes = candidates(1, 2)
            local c = tonumber(ARGV[#ARGV])
            if c > 0 and #order == 0 and createAlone(c) then return {'created'} end
            local out = {}
            for _, id in ipairs(order) do
              local liveId, version = live(prefix, id)
              if liveId == nil then
                out[#out + 1] = {id, found[id], 'loop'}
              else
                -- a profile without a document (sealed for erasure, dissolved by a split) has a version no
                -- live copy was ever cached at: the client asks LOAD, which leaves it out
                if version then
                  out[#out + 1] = {id, found[id], liveId, version}
                else
                  out[#out + 1] = {id, found[id]}
                end
              end
            end
            return {redis.call('SMEMBERS', KEYS[2]), out, redis.call('GET', ARGV[1]) or '0', sizes,
              redis.call('HKEYS', KEYS[ml])}
            """);

    /**
     * ARGV: key prefix, then per profile id: the id, and the live id and version the caller has decoded
     * already (empty when none). Answers per id: {id} when no live profile is there, {id, '', 'loop'} for
     * a forwarding cycle, {id, live, version} when the caller's copy is current, else {id, live, version,
     * doc, records}.
     */
    private static final LuaScript LOAD = new LuaScript(FUNCTIONS + """
            local prefix = ARGV[1]
            local out = {}
            for i = 2, #ARGV, 3 do
              local liveId, version = live(prefix, ARGV[i])
              if liveId == nil then
                out[#out + 1] = {ARGV[i], '', 'loop'}
              elseif not version then
                out[#out + 1] = {ARGV[i]}
              elseif liveId == ARGV[i + 1] and version == ARGV[i + 2] then
                out[#out + 1] = {ARGV[i], liveId, version}
              else
                local doc = redis.call('HGET', prefix .. '{p:' .. liveId .. '}:profile', 'doc')
                if doc then
                  out[#out + 1] = {ARGV[i], liveId, version, doc,
                    redis.call('HVALS', prefix .. '{p:' .. liveId .. '}:records')}
                else
                  out[#out + 1] = {ARGV[i]}
                end
              end
            end
            return out
            """);

    /**
     * The versioned profile write of {@link ProfileStore} followed, in the same script, by its index
     * entries, the change-feed entry and, when asked, the settle check: the record's candidates picked
     * again now that it is written, compared with the live ids and versions the caller decided on.
     *
     * <p>KEYS: profile, records, links, change feed, the keys of identifiers to add, identifiers to
     * remove, source records and blocking keys, then (for the check) the record's lookup keys. ARGV:
     * expected version, doc, record count, record key/JSON pairs, link count, link key/JSON pairs,
     * profile id, the four key counts, change, feed length, the touched-keys hash and the buckets this
     * write's index additions mark in it (count first), then for the check: 1 and the candidate
     * arguments, the number of candidates seen, their "id:version", the write generation they were picked
     * at and the buckets of the record's lookup keys (count first) (or 0 for no check); then the write
     * generation key.
     *
     * <p>The check is cheap (answer 2 without picking the candidates again) when the generation the write
     * found is the one the candidates were picked at: nothing that could add or change a candidate
     * happened in between; or when none of the record's lookup keys was marked touched since and every
     * candidate seen still has the version seen: whatever was written in between was filed elsewhere.
     *
     * Last come the erasure tombstones to refuse on: their keys after all others, their count as the last
     * ARGV ({@link ProfileStore#REFUSE_ERASED}).
     *
     * <p>Answers 0 when the version did not match, -1 when the profile was merged away, -2 when a tombstone
     * exists, 1 when written, 2 when written and the check found the same candidates unchanged (the record
     * is settled).
     */
    private static final LuaScript WRITE_AND_INDEX = new LuaScript(FUNCTIONS + ProfileStore.MARK_TOUCHED
            + ProfileStore.REFUSE_ERASED + ProfileStore.VERSIONED_WRITE + """
            local id = ARGV[i]
            local nAdd, nRemove, nSources, nBlocks = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]),
              tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
            local k = 5
            for _ = 1, nAdd do redis.call('SADD', KEYS[k], id); k = k + 1 end
            for _ = 1, nRemove do redis.call('SREM', KEYS[k], id); k = k + 1 end
            for _ = 1, nSources do redis.call('SET', KEYS[k], id); k = k + 1 end
            for _ = 1, nBlocks do redis.call('SADD', KEYS[k], id); k = k + 1 end
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[i + 6], '*', 'profile', id, 'change', ARGV[i + 5])
            local a = i + 7
            local touched, nMarks = ARGV[a], tonumber(ARGV[a + 1])
            local marks = a + 2
            a = a + 2 + nMarks
            local function settle()
              if ARGV[a] ~= '1' then return 1 end
              a = a + 1
              local prefix = ARGV[a + 3]
              local seen, expected = {}, 0
              -- after the identifier labels, the block count and the given block sizes
              local s = a + 6 + tonumber(ARGV[a]) + tonumber(ARGV[a + 5 + tonumber(ARGV[a])])
              local nSeen = tonumber(ARGV[s])
              for j = s + 1, s + nSeen do
                seen[ARGV[j]] = true; expected = expected + 1
              end
              local picked = ARGV[s + nSeen + 1]
              if generationBefore >= 0 and tonumber(picked) >= 0 then
                -- nothing was written since the candidates were picked: they are still the ones seen
                if picked == tostring(generationBefore) then return 2 end
                -- or nothing filed under the record's keys since, and every candidate seen is as it was
                local nCheck = tonumber(ARGV[s + nSeen + 2])
                local since = tonumber(picked)
                local clean = true
                if nCheck > 0 then
                  local at = redis.call('HMGET', touched, unpack(ARGV, s + nSeen + 3, s + nSeen + 2 + nCheck))
                  for j = 1, nCheck do
                    if at[j] and tonumber(at[j]) > since then clean = false; break end
                  end
                end
                if clean then
                  for j = s + 1, s + nSeen do
                    local entry = ARGV[j]
                    local colon = string.find(entry, ':', 1, true)
                    local seenId = string.sub(entry, 1, colon - 1)
                    local liveId, version = live(prefix, seenId)
                    if liveId ~= seenId or version ~= string.sub(entry, colon + 1) then clean = false; break end
                  end
                  if clean then return 2 end
                end
              end
              local order = candidates(k, a)
              local now, counted = 0, {}
              for _, candidate in ipairs(order) do
                local liveId, version = live(prefix, candidate)
                if liveId ~= id and version then
                  if liveId == nil or not seen[liveId .. ':' .. version] then return 1 end
                  if not counted[liveId] then counted[liveId] = true; now = now + 1 end
                end
              end
              if now ~= expected then return 1 end
              return 2
            end
            local result = settle()
            -- marked after the check, which must not see this write's own marks
            if generationBefore >= 0 then
              markTouched(touched, generationBefore + 1, marks, marks + nMarks - 1)
            end
            return result
            """);

    private final RedisConnection connection;
    private final RedisKeys.Namespace keys;
    private final ProfileCache cache;

    ScriptedAccess(RedisConnection connection, RedisKeys.Namespace keys, ProfileCache cache) {
        this.connection = connection;
        this.keys = keys;
        this.cache = cache;
    }

    /** Forgets what the cache holds for this profile id. */
    void evict(ProfileId id) {
        cache.evict(id);
    }

    /** {@link ProfileStore#candidates} in one script; decodes only profiles changed since last seen. */
    ProfileStore.Candidates candidates(ProfileStore.CandidateQuery query) {
        return candidatesAll(List.of(query)).get(0);
    }

    /**
     * {@link ProfileStore#candidatesAll}: one candidate script per query, all sent at once, then one LOAD
     * for the profiles none of them had decoded.
     */
    List<ProfileStore.Candidates> candidatesAll(List<ProfileStore.CandidateQuery> queries) {
        return candidatesOrCreateAll(queries, java.util.Collections.nCopies(queries.size(), null));
    }

    /**
     * {@link ProfileStore#candidatesOrCreateAll}: as {@link #candidatesAll}, each query with the new
     * profile its record gets when the pick finds it alone (null: none); a null answer where that
     * profile was written.
     */
    List<ProfileStore.Candidates> candidatesOrCreateAll(List<ProfileStore.CandidateQuery> queries,
            List<ProfileStore.WriteRequest> creates) {
        List<String[]> allKeys = new ArrayList<>(queries.size());
        List<String[]> allArgs = new ArrayList<>(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            List<String> scriptKeys = new ArrayList<>();
            List<String> args = new ArrayList<>();
            args.add(keys.writeGeneration());
            addQuery(queries.get(q), scriptKeys, args);
            scriptKeys.add(keys.mustLink(queries.get(q).source()));
            ProfileStore.WriteRequest create = creates.get(q);
            if (create == null) {
                args.add("0");
            } else {
                addCreate(queries.get(q), create, scriptKeys, args);
            }
            allKeys.add(scriptKeys.toArray(String[]::new));
            allArgs.add(args.toArray(String[]::new));
        }
        List<List<Object>> replies = CANDIDATES.runAll(connection, io.lettuce.core.ScriptOutputType.MULTI, allKeys,
                allArgs);
        List<java.util.SortedMap<ProfileId, ProfileStore.Found>> founds = new ArrayList<>();
        List<Map<ProfileId, Set<String>>> missings = new ArrayList<>();
        Set<ProfileId> missingAll = new LinkedHashSet<>();
        for (int q = 0; q < replies.size(); q++) {
            List<Object> reply = replies.get(q);
            if (reply.size() == 1) {
                ProfileStore.WriteRequest create = creates.get(q);
                remember(create.profile(), 0, create.records());
                founds.add(null);
                missings.add(Map.of());
                continue;
            }
            java.util.SortedMap<ProfileId, ProfileStore.Found> found = new java.util.TreeMap<>();
            Map<ProfileId, Set<String>> missing = new LinkedHashMap<>();
            for (Object entry : (List<?>) reply.get(1)) {
                List<?> fields = (List<?>) entry;
                ProfileId asked = new ProfileId((String) fields.get(0));
                if (fields.size() == 2) {
                    continue;
                }
                if (fields.size() == 3) {
                    throw new IllegalStateException("forwarding chain too long at profile " + asked);
                }
                Set<String> labels = new TreeSet<>(strings(fields.get(1)));
                ProfileId live = new ProfileId((String) fields.get(2));
                ProfileStore.Loaded known = cache.get(live);
                if (known != null && known.profile().version() == Long.parseLong((String) fields.get(3))) {
                    cache.put(asked, known);
                    add(found, known, labels);
                } else {
                    missing.merge(asked, labels, ScriptedAccess::union);
                }
            }
            founds.add(found);
            missings.add(missing);
            missingAll.addAll(missing.keySet());
        }
        // changed since last seen (or never seen): fetched and decoded once, in one more script
        Map<ProfileId, ProfileStore.Loaded> loaded = missingAll.isEmpty() ? Map.of() : loadLive(missingAll, false);
        List<ProfileStore.Candidates> result = new ArrayList<>(queries.size());
        for (int q = 0; q < replies.size(); q++) {
            List<Object> reply = replies.get(q);
            java.util.SortedMap<ProfileId, ProfileStore.Found> found = founds.get(q);
            if (found == null) {
                result.add(null); // created
                continue;
            }
            missings.get(q).forEach((asked, labels) -> {
                ProfileStore.Loaded profile = loaded.get(asked);
                if (profile != null) {
                    add(found, profile, labels);
                }
            });
            Set<SourceRecordId> cannotLink = new TreeSet<>();
            strings(reply.get(0)).forEach(key -> cannotLink.add(SourceRecordId.parse(key)));
            List<String> blocks = List.copyOf(queries.get(q).blockingKeys()); // the list itself, no copy
            List<?> sizes = (List<?>) reply.get(3);
            Map<String, Integer> blockSizes = new LinkedHashMap<>();
            for (int b = 0; b < blocks.size() && b < sizes.size(); b++) {
                blockSizes.put(blocks.get(b), ((Number) sizes.get(b)).intValue());
            }
            Set<SourceRecordId> mustLink = new TreeSet<>();
            strings(reply.get(4)).forEach(key -> mustLink.add(SourceRecordId.parse(key)));
            result.add(new ProfileStore.Candidates(found, cannotLink, mustLink, Long.parseLong((String) reply.get(2)),
                    blockSizes));
        }
        return result;
    }

    private static void add(java.util.SortedMap<ProfileId, ProfileStore.Found> found, ProfileStore.Loaded loaded,
            Set<String> labels) {
        found.merge(loaded.profile().id(), new ProfileStore.Found(loaded, labels),
                (held, more) -> new ProfileStore.Found(held.loaded(), union(held.foundBy(), more.foundBy())));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Appends a query's lookup keys and its arguments as the {@code candidates} Lua function reads them. */
    private void addQuery(ProfileStore.CandidateQuery query, List<String> scriptKeys, List<String> args) {
        List<Identifier> ids = List.copyOf(query.identifiers()); // without repeats (CandidateQuery), no copy
        List<String> blocks = List.copyOf(query.blockingKeys()); // the list itself, no copy
        scriptKeys.add(keys.source(query.source()));
        scriptKeys.add(keys.cannotLink(query.source()));
        ids.forEach(i -> scriptKeys.add(keys.identifier(i)));
        blocks.forEach(b -> scriptKeys.add(keys.block(b)));
        args.add(Integer.toString(ids.size()));
        args.add(Integer.toString(query.maxBlock()));
        args.add(Integer.toString(query.maxBlockOnly()));
        args.add(keys.prefix());
        ids.forEach(i -> args.add(i.type().code()));
        args.add(Integer.toString(blocks.size()));
        boolean given = query.sizesGiven();
        args.add(Integer.toString(given ? blocks.size() : 0));
        if (given) {
            blocks.forEach(b -> args.add(Integer.toString(query.blockSizes().get(b))));
        }
    }

    /**
     * Appends the keys and arguments of a record's new profile, written by {@link #CANDIDATES} when the
     * record turns out alone, and the position of its first argument as the last one. The profile must
     * be new (version 0, nothing removed) and be filed under exactly the query's keys.
     */
    private void addCreate(ProfileStore.CandidateQuery query, ProfileStore.WriteRequest create,
            List<String> scriptKeys, List<String> args) {
        ProfileStore.IndexUpdate index = create.index();
        if (create.expectedVersion() != 0 || create.profile().version() != 1 || !index.removed().isEmpty()
                || create.records().size() != 1
                || !create.records().iterator().next().id().equals(query.source())
                || !create.profile().records().equals(List.of(query.source()))
                || !sameKeys(index.identifiers(), query.identifiers())
                || !List.copyOf(index.sources()).equals(List.of(query.source()))
                || !sameKeys(index.blockingKeys(), query.blockingKeys())) {
            throw new IllegalArgumentException(
                    "a profile created when alone is a new profile of the query's record, filed under its keys");
        }
        Profile profile = create.profile();
        // the query's keys then the must-link hash: the source key and the index keys are filed under
        List<String> filed = new ArrayList<>(scriptKeys.size());
        filed.add(scriptKeys.get(0)); // the source key; the cannot-link set (1) is not an index
        filed.addAll(scriptKeys.subList(2, scriptKeys.size() - 1));
        scriptKeys.add(keys.profile(profile.id()));
        scriptKeys.add(keys.records(profile.id()));
        scriptKeys.add(keys.links(profile.id()));
        scriptKeys.add(keys.changeFeed());
        scriptKeys.addAll(create.tombstones()); // scripted access runs on a single node only
        int from = args.size() + 1; // Lua counts from 1
        List<String> write = ProfileStore.writeArgs(profile, 0, create.records(), create.evidence());
        args.addAll(write.subList(1, write.size())); // without the expected version: none
        args.add(profile.id().value());
        args.add(create.change());
        args.add(Long.toString(ProfileStore.CHANGE_FEED_MAX_LENGTH));
        args.add(keys.writeTouched());
        List<String> marks = touchedBuckets(filed);
        args.add(Integer.toString(marks.size()));
        args.addAll(marks);
        args.add(Integer.toString(from));
    }

    /** The same keys, whatever their order and repeats (the resolver passes the query's own list: no copy then). */
    private static boolean sameKeys(Collection<?> a, Collection<?> b) {
        return a == b || new java.util.HashSet<>(a).equals(new java.util.HashSet<>(b));
    }

    /** {@link ProfileStore#loadLive} in one script; decodes only profiles changed since last seen. */
    Map<ProfileId, ProfileStore.Loaded> loadLive(Collection<ProfileId> ids) {
        return loadLive(ids, true);
    }

    private Map<ProfileId, ProfileStore.Loaded> loadLive(Collection<ProfileId> ids, boolean useCache) {
        Map<ProfileId, ProfileStore.Loaded> result = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return result;
        }
        List<String> args = new ArrayList<>(1 + 3 * ids.size());
        args.add(keys.prefix());
        List<ProfileId> evicted = new ArrayList<>();
        for (ProfileId id : new LinkedHashSet<>(ids)) {
            ProfileId live = cache.liveIdOf(id);
            ProfileStore.Loaded known = useCache ? cache.get(live) : null;
            args.add(id.value());
            args.add(known == null ? "" : live.value());
            args.add(known == null ? "" : Long.toString(known.profile().version()));
        }
        List<Object> reply = LOAD.runForList(connection, new String[0], args.toArray(String[]::new));
        for (Object entry : reply) {
            List<?> fields = (List<?>) entry;
            ProfileId asked = new ProfileId((String) fields.get(0));
            if (fields.size() == 1) {
                continue;
            }
            if (fields.size() == 3 && "loop".equals(fields.get(2))) {
                throw new IllegalStateException("forwarding chain too long at profile " + asked);
            }
            ProfileId live = new ProfileId((String) fields.get(1));
            long version = Long.parseLong((String) fields.get(2));
            ProfileStore.Loaded loaded;
            if (fields.size() == 3) {
                loaded = cache.get(live);
                if (loaded == null || loaded.profile().version() != version) {
                    evicted.add(asked); // from the cache by another thread meanwhile: ask again in full
                    continue;
                }
            } else {
                Profile profile = Json.read((String) fields.get(3), Profile.class);
                List<CustomerRecord> records = strings(fields.get(4)).stream()
                        .map(json -> Json.read(json, CustomerRecord.class))
                        .sorted(Comparator.comparing(CustomerRecord::id))
                        .toList();
                loaded = new ProfileStore.Loaded(profile, records);
            }
            cache.put(asked, loaded);
            result.put(asked, loaded);
        }
        if (!evicted.isEmpty()) {
            result.putAll(loadLive(evicted, false));
        }
        return result;
    }

    ProfileStore.Written writeAndIndex(Profile profile, long expectedVersion, Collection<CustomerRecord> records,
            Collection<LinkEvidence> evidence, ProfileStore.IndexUpdate index, String change, long feedLength,
            ProfileStore.CandidateQuery settle, Map<ProfileId, Long> seen, long generation,
            Collection<String> tombstones) {
        return writeAndIndexAll(List.of(new ProfileStore.WriteRequest(profile, expectedVersion, records, evidence,
                index, change, settle, seen, generation, tombstones)), feedLength).get(0);
    }

    /** {@link ProfileStore#writeAndIndexAll}: one write-and-index script per request, all sent at once. */
    List<ProfileStore.Written> writeAndIndexAll(List<ProfileStore.WriteRequest> writes, long feedLength) {
        List<String[]> allKeys = new ArrayList<>(writes.size());
        List<String[]> allArgs = new ArrayList<>(writes.size());
        for (ProfileStore.WriteRequest w : writes) {
            List<String> scriptKeys = new ArrayList<>();
            List<String> args = new ArrayList<>();
            addWrite(w, feedLength, scriptKeys, args);
            allKeys.add(scriptKeys.toArray(String[]::new));
            allArgs.add(args.toArray(String[]::new));
        }
        List<Long> results = WRITE_AND_INDEX.runAll(connection, io.lettuce.core.ScriptOutputType.INTEGER, allKeys,
                allArgs);
        List<ProfileStore.Written> written = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            long result = results.get(i);
            ProfileStore.WriteRequest w = writes.get(i);
            if (result == 1 || result == 2) {
                remember(w.profile(), w.expectedVersion(), w.records());
            }
            written.add(result == 2 ? ProfileStore.Written.SETTLED
                    : result == 1 ? ProfileStore.Written.WRITTEN
                    : result == -2 ? ProfileStore.Written.ERASED
                    : ProfileStore.Written.CONFLICT);
        }
        return written;
    }

    /** The keys and arguments of one {@link #WRITE_AND_INDEX} run. */
    private void addWrite(ProfileStore.WriteRequest w, long feedLength, List<String> scriptKeys, List<String> args) {
        Profile profile = w.profile();
        ProfileStore.IndexUpdate index = w.index();
        ProfileStore.CandidateQuery settle = w.settle();
        Map<ProfileId, Long> seen = w.seen();
        long generation = w.generation();
        Collection<String> tombstones = w.tombstones();
        args.addAll(ProfileStore.writeArgs(profile, w.expectedVersion(), w.records(), w.evidence()));
        args.add(profile.id().value());
        args.add(Integer.toString(index.identifiers().size()));
        args.add(Integer.toString(index.removed().size()));
        args.add(Integer.toString(index.sources().size()));
        args.add(Integer.toString(index.blockingKeys().size()));
        args.add(w.change());
        args.add(Long.toString(feedLength));
        List<String> identifierKeys = index.identifiers().stream().map(keys::identifier).toList();
        List<String> sourceKeys = index.sources().stream().map(keys::source).toList();
        List<String> blockKeys = index.blockingKeys().stream().map(keys::block).toList();
        List<String> added = new ArrayList<>(identifierKeys);
        added.addAll(sourceKeys);
        added.addAll(blockKeys);
        // removals too: an email set that shrinks below the shared-identifier limit makes its holders
        // candidates again, which a concurrent record's settle check must not skip
        index.removed().forEach(i -> added.add(keys.identifier(i)));
        args.add(keys.writeTouched());
        List<String> marks = touchedBuckets(added);
        args.add(Integer.toString(marks.size()));
        args.addAll(marks);

        scriptKeys.add(keys.profile(profile.id()));
        scriptKeys.add(keys.records(profile.id()));
        scriptKeys.add(keys.links(profile.id()));
        scriptKeys.add(keys.changeFeed());
        scriptKeys.addAll(identifierKeys);
        index.removed().forEach(i -> scriptKeys.add(keys.identifier(i)));
        scriptKeys.addAll(sourceKeys);
        scriptKeys.addAll(blockKeys);
        if (settle == null) {
            args.add("0");
        } else {
            args.add("1");
            int lookupFrom = scriptKeys.size();
            addQuery(settle, scriptKeys, args);
            // the query's keys as addQuery laid them out: source, cannot-link (not an index), identifiers, blocks
            List<String> lookup = new ArrayList<>(scriptKeys.subList(lookupFrom, scriptKeys.size()));
            lookup.remove(1);
            List<String> others = new ArrayList<>();
            seen.forEach((id, version) -> {
                if (!id.equals(profile.id())) {
                    others.add(id.value() + ":" + version);
                }
            });
            args.add(Integer.toString(others.size()));
            args.addAll(others);
            args.add(Long.toString(generation));
            List<String> checks = new ArrayList<>(touchedBuckets(lookup));
            checks.add(ProfileStore.FORWARDS_FIELD);
            args.add(Integer.toString(checks.size()));
            args.addAll(checks);
        }
        args.add(keys.writeGeneration());
        scriptKeys.addAll(tombstones); // scripted access runs on a single node only: declared, checked in-script
        args.add(Integer.toString(tombstones.size()));
    }

    /**
     * Caches what was just written, so the next record that meets this profile does not fetch and decode
     * it again: a new profile holds exactly the written records; an updated one holds its cached records
     * at the version replaced, with the written ones put over them. Skipped when that does not give every
     * record the profile lists (the previous version is not cached).
     */
    private void remember(Profile profile, long expectedVersion, Collection<CustomerRecord> written) {
        Map<SourceRecordId, CustomerRecord> all = new java.util.TreeMap<>();
        if (expectedVersion > 0) {
            ProfileStore.Loaded before = cache.get(profile.id());
            if (before == null || before.profile().version() != expectedVersion) {
                return;
            }
            before.records().forEach(r -> all.put(r.id(), r));
        }
        written.forEach(r -> all.put(r.id(), r));
        if (all.size() != profile.records().size() || !all.keySet().containsAll(profile.records())) {
            return;
        }
        cache.put(profile.id(), new ProfileStore.Loaded(profile, List.copyOf(all.values())));
    }

    /**
     * The fields of {@link RedisKeys.Namespace#writeTouched} that stand for these index keys, without
     * repeats: one of {@value #TOUCHED_BUCKETS} buckets by hash, so the hash stays small whatever the data
     * size (two keys sharing a bucket only cost a record the full settle check now and then).
     */
    static List<String> touchedBuckets(Collection<String> indexKeys) {
        Set<String> buckets = new LinkedHashSet<>();
        for (String key : indexKeys) {
            int h = key.hashCode() * 0x9E3779B9;
            buckets.add(Integer.toString((h >>> 16) & (TOUCHED_BUCKETS - 1), 36));
        }
        return List.copyOf(buckets);
    }

    private static List<String> strings(Object array) {
        List<String> result = new ArrayList<>();
        for (Object o : (List<?>) array) {
            result.add((String) o);
        }
        return result;
    }
}
