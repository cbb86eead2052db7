package dev.tessera.core.cx;

import dev.tessera.core.cx.CxTally.Answer;
import dev.tessera.core.cx.CxTally.Ticket;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.privacy.ConsentStore;
import dev.tessera.core.privacy.Tombstones;
import dev.tessera.core.store.LuaScript;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.TreeMap;

/**
 * Profile timelines and CX metrics in Redis (issue 5; formulas in docs/cx-metrics.md).
 *
 * <h2>Layout</h2> Every key of one profile carries the profile's hash tag, so one script updates the
 * timeline, the metrics and the stage history of a profile atomically, on one node and on Redis Cluster:
 * <ul>
 *   <li>{@code {p:ID}:timeline} sorted set: interaction key → occurredAt in epoch milliseconds</li>
 *   <li>{@code {p:ID}:interactions} hash: interaction key → {@link Interaction} JSON (with its source record)</li>
 *   <li>{@code {p:ID}:metrics} hash: {@code state} ({@link CxTally} JSON), {@code version}, {@code stage}</li>
 *   <li>{@code {p:ID}:stages} list: stage changes in event-time order ({@link StageChange} without the derived
 *       parts; see {@link StageHistory}): extended by in-order writes, its tail replaced by out-of-order ones</li>
 *   <li>{@code {p:ID}:moments} hash: moments of truth already fired (rule|trigger → epoch millis)</li>
 *   <li>{@code {p:ID}:cxmoves} hash: where this profile's timeline went: {@code profile} → the profile
 *       that absorbed it, {@code record:SOURCE:ID} → the profile a split moved that record to</li>
 *   <li>{@code {pending:SOURCE:DIGEST}} hash: interactions of a source record no profile holds yet</li>
 *   <li>{@code cx:complaints-open} sorted set: profile id → when its next open complaint passes its SLA</li>
 *   <li>{@code {cx:agg}:…} the dashboard buckets over all profiles ({@link CxAggregates}): updated by the same
 *       script on a single node, by a second script on their own slot on Redis Cluster</li>
 * </ul>
 * The interaction key is {@code source:id}: the same event delivered twice is stored once. A re-delivery
 * with identical content changes nothing; one with different content replaces the stored interaction in
 * place (last delivery wins: interactions carry no version) and the metrics are recomputed.
 *
 * <h2>Which profile</h2> An interaction names its person by source record; {@link #append} finds the
 * profile holding that record through {@link ProfileStore#findBySource}, which follows merge forwards.
 * When no profile holds it yet (the interaction came before the record, e.g. a webhook beating the CRM
 * export), the interaction waits in a pending hash keyed by the source record and the identity resolver
 * calls {@link #attachPending} once the record lands. This keeps the resolver the only writer of
 * profiles: the timeline never creates half-profiles that matching would then have to merge. After
 * writing to the pending hash, {@code append} looks the record up once more and attaches itself if the
 * record landed meanwhile: the resolver indexes a record before it calls {@code attachPending}, so one of
 * the two always sees the other and nothing stays pending by a race. Pending entries expire after
 * {@link CxSettings#pendingTtl()}.
 *
 * <h2>Concurrency</h2> Writes to one profile are compare-and-set on the metrics version inside one Lua
 * script (the timeline, the interaction, the new tally, the stage change and the moment dedup land
 * together or not at all); a writer that lost the race re-reads and retries. A profile whose timeline was
 * moved by {@link #absorb} or {@link #splitOff}, or whose profile document is forwarded or dissolved,
 * refuses appends inside the same script, and the appender follows the pointer: no interaction is left
 * behind on a merged-away profile.
 *
 * <p>Thread-safe; share one instance.
 */
public final class CxStore {

    private static final int MAX_HOPS = 16;
    private static final int MAX_ATTEMPTS = 64;
    private static final long CHANGE_FEED_MAX_LENGTH = 1_000_000;
    private static final int BATCH = 500;
    /** Most interactions {@link #appendAll} writes in one go (a larger list goes in slices of this size). */
    private static final int MAX_BATCH = 500;

    private enum Mode {
        /** An append: refuse when the profile is forwarded, dissolved, absorbed or the record moved away. */
        APPEND,
        /** The target of absorb or split: refuse only when its own timeline was absorbed elsewhere. */
        INTO,
        /** Cleaning up the source of a split: no check. */
        ANY
    }

    /*
     * KEYS: metrics, timeline, interactions, cxmoves, profile, stages, moments, aggregate ledger.
     * ARGV: expected version, tally JSON, stage, stage list edit ('' for none, else the number of entries to
     * keep or '*' for all, then one stage entry JSON per line to push), mode, now millis, then
     * n upserts × (key, score, json, record key), d deletes × key, m moments × (key, fired-at millis or '' for
     * now), then the change-feed part:
     * 'always', 'unless-moment' (when no moment fired) or '' (not here: Cluster, or nothing visible changed),
     * the feed's length cap and the profile id (KEYS[9] is the feed when not ''), then the aggregate part:
     * '1' to update the buckets here (single node) or '0' (Cluster: a second step does it), and with '1'
     * the bucket prefix, the churn increments, the profile id and the rest of AggregateBuckets' agg_run
     * arguments.
     * Returns {1, version, stage before, fired moment keys...}, {0} on a version conflict, {2, profile} when
     * the timeline moved to that profile, {3} when the profile is forwarded or dissolved (look the record
     * up again).
     */
    private static final CxScript WRITE = new CxScript(AggregateBuckets.LUA + """
            local mode = ARGV[5]
            local n = tonumber(ARGV[7])
            if mode == 'append' then
              -- one read of the move marks: the profile's, then each record's
              local fields = {'profile'}
              for k = 0, n - 1 do fields[k + 2] = 'record:' .. ARGV[8 + k * 4 + 3] end
              local moves = {}
              for s = 1, #fields, 200 do -- in chunks: unpack has a limit (attaching many pending entries)
                local chunk = {}
                for j = s, math.min(#fields, s + 199) do chunk[#chunk + 1] = fields[j] end
                for _, v in ipairs(redis.call('HMGET', KEYS[4], unpack(chunk))) do moves[#moves + 1] = v end
              end
              if moves[1] then return {2, moves[1]} end
              local doc = redis.call('HMGET', KEYS[5], 'forward', 'doc')
              if doc[1] or not doc[2] then return {3} end
              for k = 2, n + 1 do
                if moves[k] then return {2, moves[k]} end
              end
            elseif mode ~= 'any' then
              local moved = redis.call('HGET', KEYS[4], 'profile')
              if moved then return {2, moved} end
            end
            local meta = redis.call('HMGET', KEYS[1], 'version', 'stage')
            local current = meta[1] or '0'
            if current ~= ARGV[1] then return {0} end
            local before = meta[2]
            local i = 8
            for _ = 1, n do
              redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
              redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 2])
              i = i + 4
            end
            local d = tonumber(ARGV[i]); i = i + 1
            for _ = 1, d do
              redis.call('ZREM', KEYS[2], ARGV[i])
              redis.call('HDEL', KEYS[3], ARGV[i])
              i = i + 1
            end
            local version = tostring(tonumber(current) + 1)
            if ARGV[3] == '' then -- no stage: nothing has happened on the profile (or nothing is left on it)
              redis.call('HSET', KEYS[1], 'state', ARGV[2], 'version', version)
              redis.call('HDEL', KEYS[1], 'stage')
            else
              redis.call('HSET', KEYS[1], 'state', ARGV[2], 'version', version, 'stage', ARGV[3])
            end
            if ARGV[4] ~= '' then
              local first = true
              local lines = {}
              for line in string.gmatch(ARGV[4], '[^\\n]+') do
                if first then
                  first = false
                  if line ~= '*' then
                    if line == '0' then redis.call('DEL', KEYS[6]) else redis.call('LTRIM', KEYS[6], 0, tonumber(line) - 1) end
                  end
                else
                  lines[#lines + 1] = line
                  if #lines == 200 then -- in chunks: unpack has a limit
                    redis.call('RPUSH', KEYS[6], unpack(lines))
                    lines = {}
                  end
                end
              end
              if #lines > 0 then redis.call('RPUSH', KEYS[6], unpack(lines)) end
            end
            local result = {1, version, before or ''}
            local m = tonumber(ARGV[i]); i = i + 1
            for _ = 1, m do
              -- a copied moment keeps the time it fired ('' for one firing now)
              local at = ARGV[i + 1]
              if at == '' then at = ARGV[6] end
              if redis.call('HSETNX', KEYS[7], ARGV[i], at) == 1 then table.insert(result, ARGV[i]) end
              i = i + 2
            end
            -- the change-feed entry, here when the feed is in reach (KEYS[9]); a fired moment announces instead
            local announce = ARGV[i]
            if announce == 'always' or (announce == 'unless-moment' and #result == 3) then
              redis.call('XADD', KEYS[9], 'MAXLEN', '~', ARGV[i + 1], '*', 'profile', ARGV[i + 2], 'change', 'cx')
            end
            i = i + 3
            if ARGV[i] == '1' then
              agg_run(KEYS[8], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], i + 4)
            end
            return result
            """);

    /** KEYS: ticket owners. ARGV: (ticket key, profile) pairs; sets each, answers each owner before ('' none). */
    private static final CxScript OWN = new CxScript("""
            local before = {}
            for i = 1, #ARGV, 2 do
              before[#before + 1] = redis.call('HGET', KEYS[1], ARGV[i]) or ''
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            return before
            """);

    /**
     * KEYS: ticket owners. ARGV: the new owner (empty: none, the field goes), then (ticket key, owner read)
     * pairs: each ticket still owned as read becomes the new owner's (one written meanwhile by a requester
     * correction stays).
     */
    private static final CxScript REOWN = new CxScript("""
            for i = 2, #ARGV, 2 do
              if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
                if ARGV[1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])
                else redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
              end
            end
            return {}
            """);

    /** KEYS: moments hash. ARGV: now millis, moment keys. Returns the keys not fired before. */
    private static final CxScript FIRE = new CxScript("""
            local fired = {}
            for i = 2, #ARGV do
              if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[1]) == 1 then table.insert(fired, ARGV[i]) end
            end
            return fired
            """);

    /** KEYS: pending hash. ARGV: (key, json) pairs; removes the ones still holding that json. */
    private static final CxScript REMOVE_IF_SAME = new CxScript("""
            local removed = {}
            for i = 1, #ARGV, 2 do
              if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
                redis.call('HDEL', KEYS[1], ARGV[i]); table.insert(removed, ARGV[i])
              end
            end
            return removed
            """);

    /** KEYS: overdue index. ARGV: member, expected score, new score or ''. Only when nobody moved it. */
    private static final CxScript REINDEX_IF_SAME = new CxScript("""
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if score and tonumber(score) == tonumber(ARGV[2]) then
              if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1])
              else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
            end
            return {}
            """);

    private final ProfileStore profiles;
    private final RedisConnection connection;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisKeys.Namespace keys;
    /** Waiting lists a sweep could not attach ({@link #failedWaitingLists}). */
    private final java.util.concurrent.atomic.AtomicLong failedWaitingLists = new java.util.concurrent.atomic.AtomicLong();
    private final CxSettings settings;
    private final CxMetricsCalculator calculator;
    private final StageHistory history;
    private final Clock clock;
    private final Tombstones tombstones;
    private final ConsentStore consent;

    /** Timelines of the profiles in {@code profiles} (same connection and key namespace). */
    public CxStore(ProfileStore profiles, CxSettings settings, Clock clock) {
        this(profiles, settings, clock, null);
    }

    /**
     * Timelines that drop the interactions of erased people: with {@code tombstones} (may be null: none),
     * an interaction whose source record is tombstoned is neither stored nor kept pending.
     */
    public CxStore(ProfileStore profiles, CxSettings settings, Clock clock, Tombstones tombstones) {
        this.tombstones = tombstones;
        this.consent = new ConsentStore(profiles, clock);
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.connection = profiles.connection();
        this.redis = connection.commands();
        this.async = connection.async();
        this.keys = profiles.namespace();
        this.calculator = new CxMetricsCalculator(settings);
        this.history = new StageHistory(calculator);
    }

    public CxMetricsCalculator calculator() {
        return calculator;
    }

    /**
     * The consent statements of the profiles of this store: {@link InteractionKind#CONSENT_CHANGE}
     * interactions update them when they land on a timeline, and they follow merges with the timeline.
     */
    public ConsentStore consent() {
        return consent;
    }

    // ---------------------------------------------------------------- keys

    String timelineKey(ProfileId p) {
        return keys.profileTag(p) + ":timeline";
    }

    String interactionsKey(ProfileId p) {
        return keys.profileTag(p) + ":interactions";
    }

    String metricsKey(ProfileId p) {
        return keys.profileTag(p) + ":metrics";
    }

    String stagesKey(ProfileId p) {
        return keys.profileTag(p) + ":stages";
    }

    String momentsKey(ProfileId p) {
        return keys.profileTag(p) + ":moments";
    }

    /** {@code {p:ID}:cxmoves}: where this profile's timeline, or a split record's interactions, went. */
    public String movesKey(ProfileId p) {
        return keys.profileTag(p) + ":cxmoves";
    }

    String pendingKey(SourceRecordId record) {
        return keys.pendingInteractions(record);
    }

    String overdueKey() {
        return keys.prefix() + "cx:complaints-open";
    }

    /**
     * Hash: owner key ({@link #ownerKey}: a ticket's source and vendor ticket id, or {@code #} and the key of
     * an order, return or survey answer) → the profile its interactions were last written to.
     */
    public String ticketOwnersKey() {
        return keys.prefix() + "cx:ticket-owners";
    }

    /** Kinds of interaction that follow their person on their own, by their key (a ticket's steps follow the ticket). */
    private static final Set<InteractionKind> FOLLOW_THEIR_PERSON = java.util.EnumSet.of(InteractionKind.ORDER,
            InteractionKind.RETURN, InteractionKind.SURVEY_RESPONSE);

    /**
     * What an interaction's owner is kept under ({@link #ticketOwnersKey}), null when it follows no one
     * on its own: a ticket's steps (and answers about a ticket) by the ticket; an order, a return or a survey
     * answer by its key, with a {@code #} no source name has (so it never meets a ticket's key).
     */
    private String ownerKey(Interaction i) {
        if (i.attributes().containsKey(settings.ticketIdAttribute())) {
            return calculator.ticketKey(i);
        }
        return FOLLOW_THEIR_PERSON.contains(i.kind()) ? "#" + CxMetricsCalculator.key(i) : null;
    }

    // ---------------------------------------------------------------- append

    /** One interaction ready to write: its key and its JSON (content identity). */
    private record Entry(String key, Interaction interaction, String json) {
        static Entry of(Interaction i, String json) {
            return new Entry(CxMetricsCalculator.key(i), i, json);
        }
    }

    /**
     * Adds an interaction to the timeline of the profile that holds its source record, updating that
     * profile's metrics, journey stage and moments of truth in the same step; or keeps it pending when no
     * profile holds the record yet. Idempotent: appending the same interaction again is a
     * {@link AppendResult.Status#DUPLICATE}.
     *
     * @throws InvalidInteractionException when the interaction breaks a limit (size, characters, source)
     */
    public AppendResult append(Interaction interaction) {
        Entry entry = Entry.of(interaction, validate(interaction));
        AppendResult result = append(entry);
        followTicketOwners(List.of(entry), List.of(result));
        return result;
    }

    /** {@link #append} of an interaction already checked and encoded. */
    private AppendResult append(Entry entry) {
        Interaction interaction = entry.interaction();
        // Fast path: the source index usually names the live profile (one GET instead of the three round
        // trips of findBySource); the write script refuses a forwarded or dissolved profile, and then the
        // loop falls back to findBySource, which follows forwards. The tombstone check rides along.
        RedisFuture<String> lookup = async.get(keys.source(interaction.record()));
        RedisFuture<Long> erased = tombstones == null ? null : tombstones.erasedAsync(interaction.record());
        String indexed = connection.await(lookup);
        if (erased != null && connection.await(erased) > 0) {
            return new AppendResult(AppendResult.Status.ERASED, entry.key(), null, List.of());
        }
        ProfileId target = indexed == null ? null : new ProfileId(indexed);
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            Optional<ProfileId> home = target != null ? Optional.of(target)
                    : hop == 0 ? Optional.empty() : profiles.findBySource(interaction.record());
            if (home.isEmpty()) {
                String key = pendingKey(interaction.record());
                RedisFuture<Boolean> put = async.hset(key, entry.key(), entry.json());
                RedisFuture<Boolean> ttl = async.pexpire(key, settings.pendingTtl().toMillis());
                connection.await(put);
                connection.await(ttl);
                if (tombstones != null && tombstones.erased(interaction.record())) {
                    // an erasure wrote its tombstone meanwhile (and may have removed pending entries already):
                    // this one must not stay behind
                    redis.hdel(key, entry.key());
                    return new AppendResult(AppendResult.Status.ERASED, entry.key(), null, List.of());
                }
                Optional<ProfileId> landed = profiles.findBySource(interaction.record());
                if (landed.isEmpty()) {
                    return new AppendResult(AppendResult.Status.PENDING, entry.key(), null, List.of());
                }
                Written attached = attach(interaction.record(), landed.get());
                return attached == null
                        ? new AppendResult(AppendResult.Status.PENDING, entry.key(), null, List.of())
                        : new AppendResult(attached.status(), entry.key(), attached.profile(), attached.moments());
            }
            Written written = write(home.get(), List.of(entry), List.of(), Mode.APPEND, false, true, Map.of(),
                    false);
            switch (written.outcome()) {
                case DONE -> {
                    consent.fromInteraction(interaction, written.profile());
                    return new AppendResult(written.status(), entry.key(), written.profile(), written.moments());
                }
                case MOVED -> target = written.profile();
                default -> target = null;
            }
        }
        throw new IllegalStateException("interaction " + entry.key() + " found no profile after " + MAX_HOPS
                + " forwards");
    }

    /**
     * Appends many interactions as {@link #append} does one after the other, with far fewer round trips:
     * the source lookups of all go out together, then every profile's reads, then every profile's write
     * script, each profile written once with all of its interactions in the batch; a profile another writer
     * changed between read and write is read and written again in a next round. What cannot be written
     * that way (a record no profile holds yet, a second interaction with the same key on one profile, a
     * profile that moved or was merged meanwhile) goes through {@link #append} afterwards, in the batch's
     * order, so the end state is the one of appending one by one: a later delivery of a key still wins over
     * an earlier one.
     *
     * @return one result per interaction, in order; the moments fired by a profile's write are reported on
     *     that profile's last interaction of the batch
     * @throws InvalidInteractionException when an interaction breaks a limit; nothing is written then (use
     *     {@link #appendAll(List, BiConsumer)} to keep the others)
     */
    public List<AppendResult> appendAll(List<Interaction> interactions) {
        return appendAll(interactions, (interaction, invalid) -> {
            throw invalid;
        });
    }

    /**
     * {@link #appendAll(List)} of the interactions that are valid: each one that breaks a limit is handed to
     * {@code invalid} (all of them before anything is written) and left out.
     *
     * @return one result per valid interaction, in order
     */
    public List<AppendResult> appendAll(List<Interaction> interactions,
            BiConsumer<Interaction, InvalidInteractionException> invalid) {
        return appendAll(interactions, invalid, Map.of());
    }

    /**
     * {@link #appendAll(List, BiConsumer)} when the caller has just resolved some of the interactions'
     * records: {@code resolved} names the profile each was written to, so their index lookups (the source
     * index and the erasure tombstone) are not sent again. A hint that is out of date by the time of the
     * write costs nothing but a retry: the write script refuses a forwarded, dissolved or sealed profile
     * and a record moved away, and those interactions then take the path with the lookups.
     */
    public List<AppendResult> appendAll(List<Interaction> interactions,
            BiConsumer<Interaction, InvalidInteractionException> invalid, Map<SourceRecordId, ProfileId> resolved) {
        List<Entry> entries = new ArrayList<>(interactions.size());
        for (Interaction interaction : interactions) {
            try {
                entries.add(Entry.of(interaction, validate(interaction)));
            } catch (InvalidInteractionException e) {
                invalid.accept(interaction, e);
            }
        }
        List<AppendResult> results = new ArrayList<>(interactions.size());
        for (int from = 0; from < entries.size(); from += MAX_BATCH) {
            // bounded: one profile's write script must not hold Redis for long
            results.addAll(appendBatch(entries.subList(from, Math.min(entries.size(), from + MAX_BATCH)), resolved));
        }
        followTicketOwners(entries, results);
        return results;
    }

    /**
     * A ticket's interactions follow the person it is about now. A vendor may name another requester for a
     * ticket later (an agent corrects who asked): its steps then arrive under another record, on another
     * profile, while the ones stored before stayed with the first, which kept an open ticket for ever. Each
     * ticket's last profile is kept ({@link #ticketOwnersKey}); when a ticket's interaction lands on another
     * live profile, the ticket's interactions still on the earlier one move over (those the new profile has
     * already stay as delivered).
     */
    private void followTicketOwners(List<Entry> entries, List<AppendResult> results) {
        Map<String, ProfileId> landed = new LinkedHashMap<>();
        // every profile a ticket landed on in the batch, in order: appended one by one, each later requester
        // took the ticket's interactions from the earlier ones, so all of them end on the last
        Map<String, Set<ProfileId>> onTheWay = new LinkedHashMap<>();
        // a duplicate counts only on a live profile (found before the write script looks at the profile): one
        // question per profile, all in one round trip
        Map<ProfileId, RedisFuture<Boolean>> liveAsked = new LinkedHashMap<>();
        for (int i = 0; i < entries.size() && i < results.size(); i++) {
            AppendResult result = results.get(i);
            if (result.status() == AppendResult.Status.DUPLICATE && result.profile() != null
                    && ownerKey(entries.get(i).interaction()) != null) {
                liveAsked.computeIfAbsent(result.profile(), p -> async.hexists(keys.profile(p), "doc"));
            }
        }
        Set<ProfileId> liveProfiles = new java.util.HashSet<>();
        liveAsked.forEach((p, doc) -> {
            if (Boolean.TRUE.equals(connection.await(doc))) {
                liveProfiles.add(p);
            }
        });
        for (int i = 0; i < entries.size() && i < results.size(); i++) {
            Interaction interaction = entries.get(i).interaction();
            AppendResult result = results.get(i);
            String ticket = result.profile() == null ? null : ownerKey(interaction);
            // a duplicate too: a delivery tried again after a move failed finds the owner set back and moves it
            // (only on a live profile: a duplicate is found before the write script looks at the profile)
            if (ticket != null && (result.status() == AppendResult.Status.STORED
                    || result.status() == AppendResult.Status.UPDATED
                    || result.status() == AppendResult.Status.DUPLICATE && liveProfiles.contains(result.profile()))) {
                landed.remove(ticket); // the last one of the batch counts
                landed.put(ticket, result.profile());
                onTheWay.computeIfAbsent(ticket, t -> new LinkedHashSet<>()).add(result.profile());
            }
        }
        if (landed.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(2 * landed.size());
        landed.forEach((ticket, profile) -> {
            args.add(ticket);
            args.add(profile.value());
        });
        List<Object> before = OWN.run(connection, new String[] {ticketOwnersKey()}, args.toArray(String[]::new));
        Map<String, String> owners = new LinkedHashMap<>(); // ticket → its owner before this batch
        Map<String, Set<ProfileId>> earlierOf = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, ProfileId> e : landed.entrySet()) {
            String owner = (String) before.get(k++);
            Set<ProfileId> earlier = new LinkedHashSet<>();
            if (!owner.isEmpty() && ProfileId.isValid(owner)) {
                earlier.add(new ProfileId(owner));
            }
            earlier.addAll(onTheWay.get(e.getKey()));
            earlier.remove(e.getValue());
            if (!earlier.isEmpty()) { // else the usual case: first written here, or here before too
                owners.put(e.getKey(), owner);
                earlierOf.put(e.getKey(), earlier);
            }
        }
        if (earlierOf.isEmpty()) {
            return;
        }
        // the moves grouped by the two profiles they go between, so that a batch correcting many tickets or
        // orders of one person reads and rewrites her timeline once, not once per ticket. A ticket that comes
        // from several profiles (delivered under several people in this batch) moves on its own, the latest
        // of them first: the new profile keeps the first copy of a step it is given, and appended one by one
        // the latest person's copy would have come along
        Map<List<ProfileId>, Set<String>> moves = new LinkedHashMap<>();
        List<Map.Entry<List<ProfileId>, Set<String>>> alone = new ArrayList<>();
        Map<String, Integer> groupsLeft = new LinkedHashMap<>();
        Set<String> completed = new java.util.HashSet<>();
        try {
            Map<ProfileId, ProfileId> liveIds = new java.util.HashMap<>();
            for (Map.Entry<String, Set<ProfileId>> e : earlierOf.entrySet()) {
                String ticket = e.getKey();
                ProfileId to = liveIds.computeIfAbsent(landed.get(ticket), this::live);
                List<ProfileId> froms = new ArrayList<>();
                for (ProfileId p : e.getValue()) {
                    ProfileId from = liveIds.computeIfAbsent(p, this::live);
                    if (!from.equals(to) && !froms.contains(from)) {
                        froms.add(from);
                    }
                }
                if (froms.isEmpty()) {
                    completed.add(ticket); // where it was is where it is now
                } else if (froms.size() == 1) {
                    moves.computeIfAbsent(List.of(froms.get(0), to), g -> new LinkedHashSet<>()).add(ticket);
                } else {
                    for (int i = froms.size() - 1; i >= 0; i--) {
                        alone.add(Map.entry(List.of(froms.get(i), to), Set.of(ticket)));
                    }
                }
                groupsLeft.put(ticket, froms.size());
            }
            List<Map.Entry<List<ProfileId>, Set<String>>> steps = new ArrayList<>(moves.entrySet());
            steps.addAll(alone);
            for (Map.Entry<List<ProfileId>, Set<String>> move : steps) {
                moveTickets(move.getValue(), move.getKey().get(0), move.getKey().get(1));
                for (String ticket : move.getValue()) {
                    if (groupsLeft.merge(ticket, -1, Integer::sum) == 0) {
                        completed.add(ticket);
                    }
                }
            }
        } catch (RuntimeException failed) {
            // every ticket not moved in full gets its owner back, unless another delivery changed it meanwhile
            // (also those after the one that failed): the next delivery under this person tries the move again
            // instead of finding it done
            owners.forEach((ticket, owner) -> {
                if (!completed.contains(ticket)) {
                    try {
                        REOWN.run(connection, new String[] {ticketOwnersKey()}, owner, ticket,
                                landed.get(ticket).value());
                    } catch (RuntimeException alsoFailed) {
                        failed.addSuppressed(alsoFailed);
                    }
                }
            });
            throw failed;
        }
    }

    /**
     * Interactions that waited for their record and landed now: each one that follows its person and has no
     * owner yet ({@link #ticketOwnersKey}) is this profile's, so a later delivery under someone else moves it.
     * One that has an owner already (delivered under another person while it waited) keeps it.
     */
    private void ownIfUnowned(List<Entry> entries, ProfileId profile) {
        ownUnowned(Map.of(profile, entries.stream().map(Entry::interaction).toList()));
    }

    /**
     * The tickets, orders and answers in these profiles' timelines that have no owner become the holding
     * profile's, if it is live: those stored before owners were kept (so that their first correction moves
     * them instead of leaving a copy behind), or that waited for their record. One that has an owner keeps it.
     * All sent together; an owner recorded for a profile that was sealed for erasure meanwhile is taken back
     * (the erasure drops owners after it seals, so either it or this finds the entry).
     *
     * @return how many had none
     */
    int ownUnowned(Map<ProfileId, ? extends java.util.Collection<Interaction>> timelines) {
        Map<ProfileId, RedisFuture<Boolean>> live = new LinkedHashMap<>();
        timelines.keySet().forEach(p -> live.put(p, async.hexists(keys.profile(p), "doc")));
        Map<ProfileId, Map<String, RedisFuture<Boolean>>> writes = new LinkedHashMap<>();
        timelines.forEach((profile, held) -> {
            if (!Boolean.TRUE.equals(connection.await(live.get(profile)))) {
                return; // sealed for erasure or merged away: erasure or the merge's follow-up has its data
            }
            Map<String, RedisFuture<Boolean>> own = new LinkedHashMap<>();
            for (Interaction i : held) {
                String owner = ownerKey(i);
                if (owner != null && !own.containsKey(owner)) {
                    own.put(owner, async.hsetnx(ticketOwnersKey(), owner, profile.value()));
                }
            }
            writes.put(profile, own);
        });
        Map<ProfileId, List<String>> recorded = new LinkedHashMap<>();
        writes.forEach((profile, own) -> own.forEach((owner, set) -> {
            if (Boolean.TRUE.equals(connection.await(set))) {
                recorded.computeIfAbsent(profile, p -> new ArrayList<>()).add(owner);
            }
        }));
        Map<ProfileId, RedisFuture<Boolean>> stillLive = new LinkedHashMap<>();
        recorded.keySet().forEach(p -> stillLive.put(p, async.hexists(keys.profile(p), "doc")));
        int set = 0;
        for (Map.Entry<ProfileId, List<String>> e : recorded.entrySet()) {
            if (Boolean.TRUE.equals(connection.await(stillLive.get(e.getKey())))) {
                set += e.getValue().size();
                continue;
            }
            List<String> args = new ArrayList<>();
            args.add(""); // removed where it still names this profile
            e.getValue().forEach(owner -> {
                args.add(owner);
                args.add(e.getKey().value());
            });
            REOWN.run(connection, new String[] {ticketOwnersKey()}, args.toArray(String[]::new));
        }
        return set;
    }

    /**
     * Moves these tickets' (and orders' or answers') interactions from one live profile to another, as a
     * split moves a record's: one read of the first profile's timeline and one write of each, whatever
     * their number.
     */
    private void moveTickets(Set<String> tickets, ProfileId from, ProfileId to) {
        List<Entry> leaving = moving(from, i -> tickets.contains(ownerKey(i)));
        // the moments a ticket fired go along (a complaint reported overdue under the first requester is not
        // reported again under the corrected one, nor a detractor answer about it that moves with it); an
        // order or an answer on its own ('#') takes none: a moment it fired (a detractor answer after a solved
        // ticket) was about the first profile's ticket, which stays, and it leaves the first profile; the new
        // profile evaluates its own. Moments about anything else stay where they are.
        Set<String> withTicket = new java.util.HashSet<>();
        Set<String> alone = new java.util.HashSet<>();
        // only tickets that have something here to move take their moments along
        Set<String> ticketsProper = new java.util.HashSet<>();
        for (Entry e : leaving) {
            String owner = ownerKey(e.interaction());
            if (owner.startsWith("#")) {
                alone.add(e.key());
            } else {
                withTicket.add(e.key());
                ticketsProper.add(owner);
            }
        }
        Map<String, String> carried = ticketMomentsOf(from, ticketsProper, withTicket);
        // in slices, as appends are: one write script must not hold Redis for long
        int moved = 0;
        List<List<Entry>> slices = slices(leaving);
        for (int i = 0; i < slices.size(); i++) {
            // the moments go with every slice (a copied moment is added only where it is not): a later slice
            // finds them fired, also when it follows its target on to a profile that merged it meanwhile
            moved += move(from, to, slices.get(i), "its tickets moved", carried, i < slices.size() - 1);
        }
        if (moved == 0) {
            return;
        }
        // read again now that the interactions are off: one a ticket fired on the first profile meanwhile goes
        // along too, and none stays there (its key names the other person's ticket)
        Map<String, String> left = ticketMomentsOf(from, ticketsProper, withTicket);
        if (!left.isEmpty()) {
            List<RedisFuture<Boolean>> copies = new ArrayList<>();
            left.forEach((k, at) -> copies.add(async.hsetnx(momentsKey(to), k, at)));
            copies.forEach(connection::await);
        }
        Map<String, String> gone = new LinkedHashMap<>(left);
        gone.putAll(ticketMomentsOf(from, Set.of(), alone));
        if (!gone.isEmpty()) {
            redis.hdel(momentsKey(from), gone.keySet().toArray(String[]::new));
        }
    }

    /**
     * The moments a profile holds about these tickets: complaint-overdue ones, and detractor-after-solved
     * ones about answers among {@code interactions} (those moving with them): key → fired-at millis.
     */
    private Map<String, String> ticketMomentsOf(ProfileId p, Set<String> tickets, Set<String> interactions) {
        Map<String, String> fired = new LinkedHashMap<>();
        if (tickets.isEmpty() && interactions.isEmpty()) {
            return fired;
        }
        redis.hgetall(momentsKey(p)).forEach((k, at) -> {
            if (settings.moments().stream().anyMatch(r -> r instanceof MomentRule.ComplaintOverdue o
                    && tickets.stream().anyMatch(ticket -> isOverdueKeyOf(k, o, ticket))
                    || r instanceof MomentRule.DetractorAfterSolved d && k.startsWith(d.name() + "|")
                            && interactions.contains(k.substring(d.name().length() + 1)))) {
                fired.put(k, at);
            }
        });
        return fired;
    }

    /** The interactions under {@code from} that {@code which} takes. */
    private List<Entry> moving(ProfileId from, java.util.function.Predicate<Interaction> which) {
        List<Entry> leaving = new ArrayList<>();
        redis.hgetall(interactionsKey(from)).forEach((key, json) -> {
            Interaction i = CxJson.read(json, Interaction.class);
            if (which.test(i)) {
                leaving.add(new Entry(key, i, json));
            }
        });
        return leaving;
    }

    /**
     * Moves these interactions of {@code from} to {@code to} (keeping what {@code to} holds under the same
     * keys), copying these moments of {@code from} (key → when it fired) to {@code to} as fired, then takes
     * them off {@code from}; {@code partial}: a slice of a move before its last.
     *
     * @return how many moved
     */
    private int move(ProfileId from, ProfileId to, List<Entry> leaving, String after, Map<String, String> moments,
            boolean partial) {
        if (leaving.isEmpty()) {
            return 0;
        }
        writeFollowing(to, leaving, moments, partial);
        if (!takeOff(from, List.of(), leaving.stream().map(Entry::key).toList(), partial)) {
            throw new IllegalStateException("could not update profile " + from + " after " + after);
        }
        return leaving.size();
    }

    private List<AppendResult> appendBatch(List<Entry> entries, Map<SourceRecordId, ProfileId> resolved) {
        int n = entries.size();
        List<RedisFuture<String>> lookups = new ArrayList<>(n);
        List<RedisFuture<Long>> erasures = new ArrayList<>(n);
        String[] known = new String[n];
        for (int i = 0; i < n; i++) {
            SourceRecordId record = entries.get(i).interaction().record();
            ProfileId told = resolved.get(record);
            if (told != null) {
                known[i] = told.value(); // resolved just now, and not erased (an erased record is not resolved)
                lookups.add(null);
                erasures.add(null);
            } else {
                lookups.add(async.get(keys.source(record)));
                erasures.add(tombstones == null ? null : tombstones.erasedAsync(record));
            }
        }
        AppendResult[] results = new AppendResult[n];
        Map<ProfileId, List<Integer>> groups = new LinkedHashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        java.util.TreeSet<Integer> oneByOne = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            String indexed = known[i] != null ? known[i] : connection.await(lookups.get(i));
            boolean first = seen.add(entries.get(i).key());
            if (erasures.get(i) != null && connection.await(erasures.get(i)) > 0) {
                results[i] = new AppendResult(AppendResult.Status.ERASED, entries.get(i).key(), null, List.of());
            } else if (indexed == null) {
                oneByOne.add(i); // pending, or held by a profile the index does not name yet: the full path
            } else if (!first) {
                oneByOne.add(i); // the same key again: written after the first, so the later one wins
            } else {
                groups.computeIfAbsent(new ProfileId(indexed), x -> new ArrayList<>()).add(i);
            }
        }
        RuntimeException[] failure = new RuntimeException[1];
        Map<ProfileId, List<Integer>> round = groups;
        for (int attempt = 0; attempt < MAX_ATTEMPTS && !round.isEmpty(); attempt++) {
            round = writeRound(round, entries, results, oneByOne, failure);
        }
        round.values().forEach(oneByOne::addAll);
        for (int i : oneByOne) {
            try {
                results[i] = append(entries.get(i));
            } catch (RuntimeException e) {
                failure[0] = failure[0] == null ? e : failure[0];
            }
        }
        if (failure[0] != null) {
            // everything else of the batch was finished first; a re-delivery finds the failed ones again
            throw failure[0];
        }
        return java.util.Arrays.asList(results);
    }

    /**
     * One round of a batch's writes: each profile's reads, then every write script, all sent together.
     * Fills the results of what was written or found unchanged, adds what must follow a moved timeline to
     * {@code oneByOne}, and returns the profiles whose version changed between read and write (another
     * writer), for the next round. A write that fails is kept in {@code failure} (the first one) while the
     * others are finished: their change-feed entries, consent and buckets are not left undone.
     */
    private Map<ProfileId, List<Integer>> writeRound(Map<ProfileId, List<Integer>> groups, List<Entry> entries,
            AppendResult[] results, Set<Integer> oneByOne, RuntimeException[] failure) {
        List<WriteJob> jobs = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        groups.forEach((p, indexes) -> {
            jobs.add(new WriteJob(p, indexes.stream().map(entries::get).toList(), List.of(), Mode.APPEND, false,
                    true, Map.of(), false, false));
            members.add(indexes);
        });
        jobs.forEach(WriteJob::read);
        List<WriteJob> writing = new ArrayList<>();
        List<List<Integer>> writingMembers = new ArrayList<>();
        List<Integer> unchanged = new ArrayList<>();
        for (int g = 0; g < jobs.size(); g++) {
            if (jobs.get(g).examine() == null) {
                writing.add(jobs.get(g));
                writingMembers.add(members.get(g));
            } else {
                unchanged.add(g); // duplicates: where their timeline went is asked for all, then read
            }
        }
        for (int g : unchanged) {
            Written w = jobs.get(g).duplicate();
            if (w.outcome() != Outcome.DONE) {
                oneByOne.addAll(members.get(g)); // the timeline moved: follow it one by one
                continue;
            }
            for (int i : members.get(g)) {
                Entry e = entries.get(i);
                finishEntry(e, w.profile(), failure); // a re-delivery repairs a consent statement not applied
                results[i] = new AppendResult(AppendResult.Status.DUPLICATE, e.key(), w.profile(), List.of());
            }
        }
        writing.forEach(WriteJob::plan);
        List<Object> answers = WRITE.runAllSettled(connection, writing.stream().map(WriteJob::keys).toList(),
                writing.stream().map(WriteJob::args).toList());
        Map<ProfileId, List<Integer>> again = new LinkedHashMap<>();
        List<WriteJob> done = new ArrayList<>();
        List<Written> written = new ArrayList<>();
        List<List<Integer>> doneMembers = new ArrayList<>();
        for (int g = 0; g < writing.size(); g++) {
            WriteJob job = writing.get(g);
            List<Integer> indexes = writingMembers.get(g);
            Written w;
            try {
                if (answers.get(g) instanceof LuaScript.Failure f) {
                    throw f.error();
                }
                @SuppressWarnings("unchecked")
                List<Object> answer = (List<Object>) answers.get(g);
                w = job.finish(answer);
            } catch (RuntimeException e) {
                failure[0] = failure[0] == null ? e : failure[0];
                continue;
            }
            if (w == null) {
                again.put(job.p, indexes); // another writer changed the profile: read again next round
            } else if (w.outcome() != Outcome.DONE) {
                oneByOne.addAll(indexes); // moved, forwarded or dissolved
            } else {
                done.add(job);
                written.add(w);
                doneMembers.add(indexes);
            }
        }
        List<WriteJob> clustered = done.stream().filter(j -> j.clusterAggregates).toList();
        if (!clustered.isEmpty()) {
            try {
                applyAggregatesOnCluster(clustered);
            } catch (RuntimeException e) {
                failure[0] = failure[0] == null ? e : failure[0];
            }
        }
        for (int g = 0; g < done.size(); g++) {
            WriteJob job = done.get(g);
            Written w = written.get(g);
            List<Integer> indexes = doneMembers.get(g);
            try {
                job.awaitAfterWrite();
            } catch (RuntimeException e) {
                failure[0] = failure[0] == null ? e : failure[0];
            }
            int lastOne = indexes.get(indexes.size() - 1);
            for (int i : indexes) {
                Entry e = entries.get(i);
                finishEntry(e, w.profile(), failure);
                results[i] = new AppendResult(job.statusOf(e), e.key(), w.profile(),
                        i == lastOne ? w.moments() : List.of());
            }
        }
        return again;
    }

    /** What follows an interaction on its timeline: its consent statement, if it carries one. */
    private void finishEntry(Entry e, ProfileId profile, RuntimeException[] failure) {
        try {
            consent.fromInteraction(e.interaction(), profile);
        } catch (RuntimeException ex) {
            failure[0] = failure[0] == null ? ex : failure[0];
        }
    }

    /**
     * Checks an interaction against the limits (size, characters, source) and its consent statement, before
     * anything is written.
     *
     * @return its JSON as stored
     * @throws InvalidInteractionException naming what is wrong
     */
    private String validate(Interaction interaction) {
        String json = InteractionLimits.check(interaction);
        Instant now = clock.instant();
        if (interaction.occurredAt().isAfter(now.plus(settings.maxAhead()))) {
            // a date in the future (a typo, a delivery date, a time zone read wrong) would freeze recency: the
            // profile would look active until then and never churn; rejected, it can be replayed when due
            throw new InvalidInteractionException("occurredAt is more than " + settings.maxAhead().toHours()
                    + " hours in the future");
        }
        try {
            ConsentStore.ofInteraction(interaction, now);
        } catch (IllegalArgumentException e) {
            throw new InvalidInteractionException(e.getMessage());
        }
        return json;
    }

    /**
     * Moves the interactions waiting for {@code record} onto the timeline of {@code profile} (or of the
     * profile it was merged into since). The identity resolver calls it after it stored the record;
     * calling it again, or for a record with nothing pending, does nothing.
     *
     * @return how many pending interactions were attached
     */
    public int attachPending(SourceRecordId record, ProfileId profile) {
        Written written = attach(record, profile);
        return written == null ? 0 : written.attached();
    }

    /**
     * Attaches what still waits for a record that is resolved meanwhile: a process stopped between storing
     * the record and attaching (a crash), or an attach that stopped midway, left them waiting, and only the
     * record's next resolution would pick them up; until then they were on no timeline, and they expired
     * with the waiting list. A SCAN over the waiting lists; whether their records are stored is asked for
     * 200 lists at a time, and only the lists whose record is stored are read (a few values, to learn the
     * record). Idempotent; profile-service runs it periodically.
     *
     * @return how many interactions were attached
     */
    public int attachWaiting() {
        int attached = 0;
        io.lettuce.core.ScanIterator<String> lists = io.lettuce.core.ScanIterator.scan(redis,
                io.lettuce.core.ScanArgs.Builder.matches(keys.pendingPattern()).limit(1000));
        List<String> page = new ArrayList<>();
        while (lists.hasNext()) {
            page.add(lists.next());
            if (page.size() == 200 || !lists.hasNext()) {
                attached += attachWaiting(page);
                page.clear();
            }
        }
        return attached;
    }

    /**
     * One page of {@link #attachWaiting}: whether each list's record is stored, asked together (lists whose
     * record never came, a tracked visitor never identified, are most of them and cost nothing more); a list
     * that fails is left for the next sweep without stopping the others.
     */
    private int attachWaiting(List<String> page) {
        List<String> lists = new ArrayList<>();
        List<RedisFuture<String>> homes = new ArrayList<>();
        for (String key : page) {
            String source = keys.sourceOfPending(key);
            if (source != null) {
                lists.add(key);
                homes.add(async.get(source));
            }
        }
        int attached = 0;
        for (int i = 0; i < lists.size(); i++) {
            if (connection.await(homes.get(i)) == null) {
                continue; // the record is not stored (yet): it waits
            }
            try {
                // a few values, the first readable one names the record (a damaged value must not hide the rest)
                SourceRecordId record = null;
                for (KeyValue<String, String> value : redis.hrandfieldWithvalues(lists.get(i), 5)) {
                    try {
                        record = value.hasValue() ? CxJson.read(value.getValue(), Interaction.class).record() : null;
                    } catch (RuntimeException unreadable) {
                        record = null;
                    }
                    if (record != null) {
                        break;
                    }
                }
                if (record == null || !pendingKey(record).equals(lists.get(i))) {
                    continue; // emptied meanwhile, or nothing readable: it expires
                }
                Optional<ProfileId> home = profiles.findBySource(record);
                if (home.isPresent()) {
                    attached += attachPending(record, home.get());
                }
            } catch (RuntimeException e) {
                failedWaitingLists.incrementAndGet(); // its values are never logged: they are personal data
            }
        }
        return attached;
    }

    /** How many waiting lists a sweep ({@link #attachWaiting}) could not attach since this store was made. */
    public long failedWaitingLists() {
        return failedWaitingLists.get();
    }

    /**
     * Which of these records have interactions waiting ({@link #attachPending} has something to do): one
     * round trip for all, where a call each would read each record's waiting interactions in turn.
     */
    public boolean[] pendingFor(List<SourceRecordId> records) {
        return pendingForLater(records).get();
    }

    /**
     * {@link #pendingFor}, sent now and read when asked, so that the question shares a round trip with
     * what the caller sends next.
     */
    public java.util.function.Supplier<boolean[]> pendingForLater(List<SourceRecordId> records) {
        List<io.lettuce.core.RedisFuture<Long>> exists = new ArrayList<>(records.size());
        records.forEach(r -> exists.add(async.exists(pendingKey(r))));
        return () -> {
            boolean[] waiting = new boolean[records.size()];
            for (int i = 0; i < waiting.length; i++) {
                waiting[i] = connection.await(exists.get(i)) > 0;
            }
            return waiting;
        };
    }

    private Written attach(SourceRecordId record, ProfileId profile) {
        String key = pendingKey(record);
        Map<String, String> waiting = redis.hgetall(key);
        if (waiting.isEmpty()) {
            return null;
        }
        List<Entry> entries = new ArrayList<>();
        waiting.forEach((k, json) -> {
            try {
                entries.add(new Entry(k, CxJson.read(json, Interaction.class), json));
            } catch (RuntimeException e) {
                // not readable (written by another version, or damaged): it stays and expires with the list,
                // and the others land
            }
        });
        if (entries.isEmpty()) {
            return null;
        }
        // in slices (slices()): many interactions can wait for one record (a whole history sent before the
        // customer), and one write script must not hold Redis for long; each slice leaves the waiting list
        // only once it is written. What a crash or a record no longer resolved leaves waits on, as all of it
        // would have: the next resolution of the record attaches it (or it expires with the waiting list)
        Written attached = null;
        AppendResult.Status status = null;
        List<Moment> moments = new ArrayList<>();
        int count = 0;
        ProfileId target = profile;
        for (List<Entry> slice : slices(entries)) {
            Written written = attachSlice(key, record, target, slice);
            if (written == null) {
                return null; // not all landed: the caller reports its own interaction as waiting
            }
            attached = written;
            target = written.profile();
            moments.addAll(written.moments());
            count += written.attached();
            status = stronger(status, written.status());
        }
        return attached == null ? null
                : new Written(Outcome.DONE, status, attached.profile(), List.copyOf(moments), count);
    }

    /** The status that says more of two slices' (updated over stored over duplicate); null for none yet. */
    private static AppendResult.Status stronger(AppendResult.Status a, AppendResult.Status b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        List<AppendResult.Status> order = List.of(AppendResult.Status.UPDATED, AppendResult.Status.STORED,
                AppendResult.Status.DUPLICATE);
        int ia = order.indexOf(a);
        int ib = order.indexOf(b);
        return ia < 0 ? a : ib < 0 ? b : ia <= ib ? a : b;
    }

    /** One slice of {@link #attach}: written where the record is, then taken off the waiting list. */
    private Written attachSlice(String key, SourceRecordId record, ProfileId profile, List<Entry> entries) {
        ProfileId target = profile;
        for (int hop = 0; hop < MAX_HOPS && target != null; hop++) {
            Written written = write(target, entries, List.of(), Mode.APPEND, false, true, Map.of(), false);
            switch (written.outcome()) {
                case DONE -> {
                    List<String> pairs = new ArrayList<>();
                    entries.forEach(e -> {
                        pairs.add(e.key());
                        pairs.add(e.json());
                    });
                    REMOVE_IF_SAME.run(connection, new String[] {key}, pairs.toArray(String[]::new));
                    entries.forEach(e -> consent.fromInteraction(e.interaction(), written.profile()));
                    ownIfUnowned(entries, written.profile());
                    return new Written(Outcome.DONE, written.status(), written.profile(), written.moments(),
                            entries.size());
                }
                case MOVED -> target = written.profile();
                default -> target = profiles.findBySource(record).orElse(null);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- merges and splits

    /**
     * Finishes a merge's timeline move if the process that merged did not: {@code from} (merged away) is
     * absorbed into the profile an earlier absorb named (it may forward on since: the copy follows), else
     * into {@code live}. Nothing happens when nothing is left under {@code from} (interactions or consent).
     *
     * @return how many interactions were copied
     */
    public int followMerged(ProfileId from, ProfileId live) {
        if (redis.exists(interactionsKey(from)) == 0 && redis.exists(consent().keyOf(from)) == 0) {
            return 0; // nothing left under it: moved already (the usual case), or nothing ever followed it
        }
        String begun = redis.hget(movesKey(from), "profile");
        return absorb(from, begun != null ? new ProfileId(begun) : live);
    }

    /**
     * Moves the whole timeline of {@code from} onto {@code into} (a merge), recomputes the metrics of
     * {@code into} and records a {@link InteractionKind#PROFILE_MERGED} entry on it. The two profiles live in
     * different slots, so this is copy-then-delete: {@code from} is first marked as moved (appends racing
     * with the merge follow the mark to {@code into}), then copied, then emptied. Every step is
     * idempotent: after a crash, run it again. An interaction key held by both keeps the version of
     * {@code into}.
     *
     * @return how many interactions were copied (0 when re-run after a completed absorb)
     * @throws IllegalStateException when {@code from} was already absorbed into another profile
     */
    public int absorb(ProfileId from, ProfileId into) {
        if (from.equals(into)) {
            throw new IllegalArgumentException("a profile cannot absorb itself");
        }
        String moves = movesKey(from);
        RedisFuture<Boolean> mark = async.hsetnx(moves, "profile", into.value());
        RedisFuture<Boolean> stamp = async.hsetnx(moves, "mergedAt", Long.toString(clock.millis()));
        RedisFuture<List<KeyValue<String, String>>> marked = async.hmget(moves, "profile", "mergedAt");
        connection.await(mark);
        connection.await(stamp);
        List<KeyValue<String, String>> values = connection.await(marked);
        if (!into.value().equals(values.get(0).getValue())) {
            // begun into a profile that has been merged on into this one since (the change feed's follow-up
            // and the merging process can both get here): the same move, continued where it was begun
            ProfileId begun = new ProfileId(values.get(0).getValue());
            Optional<ProfileId> there = profiles.canonical(begun);
            if (there.isEmpty() || !there.equals(profiles.canonical(into))) {
                throw new IllegalStateException("profile " + from + " was absorbed into another profile already");
            }
            into = begun; // what is copied there follows its forward
        }
        Instant at = Instant.ofEpochMilli(Long.parseLong(values.get(1).getValue()));

        RedisFuture<Map<String, String>> held = async.hgetall(interactionsKey(from));
        RedisFuture<Map<String, String>> fired = async.hgetall(momentsKey(from));
        List<Entry> entries = new ArrayList<>();
        connection.await(held).forEach((k, json) -> entries.add(new Entry(k, CxJson.read(json, Interaction.class), json)));
        int copied = entries.size();
        Entry note = system(InteractionKind.PROFILE_MERGED, "merged:" + from.value(), from, at,
                Map.of("from", from.value(), "into", into.value()));
        copyInSlices(into, entries, note, connection.await(fired));
        redis.del(timelineKey(from), interactionsKey(from), metricsKey(from), stagesKey(from), momentsKey(from));
        consent.absorb(from, into);
        return copied;
    }

    /**
     * Moves the interactions of the records in {@code moved} from the timeline of {@code from} to that of
     * {@code to} (an unmerge), recomputes both profiles' metrics and records a
     * {@link InteractionKind#PROFILE_SPLIT} entry on both. Copy-then-delete like {@link #absorb}, and
     * idempotent: after a crash, run it again. Appends for a moved record that still reach {@code from}
     * are forwarded to {@code to}.
     *
     * @return how many interactions were moved by this call
     */
    public int splitOff(ProfileId from, ProfileId to, Set<SourceRecordId> moved) {
        if (from.equals(to)) {
            throw new IllegalArgumentException("a profile cannot split off to itself");
        }
        if (moved.isEmpty()) {
            throw new IllegalArgumentException("name at least one moved record");
        }
        String moves = movesKey(from);
        Map<String, String> marks = new LinkedHashMap<>();
        moved.forEach(r -> marks.put("record:" + r.key(), to.value()));
        RedisFuture<Long> mark = async.hset(moves, marks);
        RedisFuture<Boolean> stamp = async.hsetnx(moves, "splitAt:" + to.value(), Long.toString(clock.millis()));
        RedisFuture<String> stamped = async.hget(moves, "splitAt:" + to.value());
        RedisFuture<Map<String, String>> held = async.hgetall(interactionsKey(from));
        RedisFuture<Map<String, String>> fired = async.hgetall(momentsKey(from));
        connection.await(mark);
        connection.await(stamp);
        Instant at = Instant.ofEpochMilli(Long.parseLong(connection.await(stamped)));
        Set<String> movedKeys = new LinkedHashSet<>();
        moved.forEach(r -> movedKeys.add(r.key()));
        List<Entry> leaving = new ArrayList<>();
        connection.await(held).forEach((k, json) -> {
            Interaction i = CxJson.read(json, Interaction.class);
            if (movedKeys.contains(i.record().key())) {
                leaving.add(new Entry(k, i, json));
            }
        });
        Set<String> leavingKeys = new java.util.HashSet<>();
        leaving.forEach(e -> leavingKeys.add(e.key()));
        List<Interaction> staying = new ArrayList<>();
        connection.await(held).forEach((k, json) -> {
            if (!leavingKeys.contains(k)) {
                staying.add(CxJson.read(json, Interaction.class));
            }
        });
        Entry note = system(InteractionKind.PROFILE_SPLIT, "split:" + from.value() + ">" + to.value(), from, at,
                Map.of("from", from.value(), "to", to.value()));
        // the moments fired so far go along: a moment about a moved ticket or answer fired once already
        // (keys about what stayed are never triggered on the other profile)
        copyInSlices(to, leaving, note, connection.await(fired));
        // a ticket whose interactions all left is the other profile's now: a later requester correction
        // moves it from there (the dissolved profile forwards nowhere a ticket could be found)
        reownTickets(from, to, leaving, staying);
        // taken off in slices too, the note with the last: all copied first, so a crash in between leaves
        // copies (a run again finds them there and writes nothing twice), never an interaction on neither side
        List<List<Entry>> slices = slices(leaving);
        if (slices.isEmpty()) {
            slices = List.of(List.of());
        }
        for (int i = 0; i < slices.size(); i++) {
            boolean last = i == slices.size() - 1;
            if (!takeOff(from, last ? List.of(note) : List.of(), slices.get(i).stream().map(Entry::key).toList(),
                    !last)) {
                throw new IllegalStateException("could not update profile " + from + " after the split");
            }
        }
        return leaving.size();
    }

    /**
     * Writes {@code entries} and then {@code note} onto {@code into} (following where it moved) in slices of
     * {@link #MAX_BATCH}, in time order: a merged or split timeline can be long, and one write script must not
     * hold Redis for long. The moments that fired on the moving side ({@code moments}) are copied with the
     * first slice, so that no later slice fires one of them again. Each slice keeps what {@code into} holds
     * already under the same key, so running a move again after a crash writes nothing twice.
     */
    private void copyInSlices(ProfileId into, List<Entry> entries, Entry note, Map<String, String> moments) {
        List<List<Entry>> slices = new ArrayList<>(slices(entries));
        if (slices.isEmpty()) {
            slices.add(new ArrayList<>());
        }
        slices.get(slices.size() - 1).add(note);
        for (int i = 0; i < slices.size(); i++) {
            writeFollowing(into, slices.get(i), moments, i < slices.size() - 1);
        }
    }

    /**
     * {@code entries} in slices of about {@link #MAX_BATCH}, in time order, each ticket's (or order's) steps
     * in one slice: between two slices a profile holds part of what moves, and a ticket opened in one slice
     * and solved in the next would read as an open complaint past its deadline meanwhile (an overdue moment
     * for a ticket long solved). A slice is larger than the limit only by the rest of one ticket.
     */
    private List<List<Entry>> slices(List<Entry> entries) {
        List<Entry> ordered = new ArrayList<>(entries);
        ordered.sort(java.util.Comparator.comparing((Entry e) -> e.interaction().occurredAt()).thenComparing(Entry::key));
        Map<String, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : ordered) {
            String owner = ownerKey(e.interaction());
            groups.computeIfAbsent(owner != null ? owner : "=" + e.key(), k -> new ArrayList<>()).add(e);
        }
        List<List<Entry>> slices = new ArrayList<>();
        List<Entry> slice = new ArrayList<>();
        for (List<Entry> group : groups.values()) {
            if (!slice.isEmpty() && slice.size() + group.size() > MAX_BATCH) {
                slices.add(slice);
                slice = new ArrayList<>();
            }
            slice.addAll(group);
        }
        if (!slice.isEmpty()) {
            slices.add(slice);
        }
        return slices;
    }

    /**
     * Removes {@code gone} from {@code from}'s timeline and adds {@code notes}; false if it kept moving.
     * {@code partial}: a slice of a move before its last.
     */
    private boolean takeOff(ProfileId from, List<Entry> notes, List<String> gone, boolean partial) {
        for (int attempt = 0; attempt < MAX_HOPS; attempt++) {
            if (write(from, notes, gone, Mode.ANY, false, false, Map.of(), false, false, job -> job.partial = partial)
                    .outcome() == Outcome.DONE) {
                return true;
            }
        }
        return false;
    }

    /**
     * After a split or re-resolution moved what follows each record ({@link #splitOff}): moves the
     * interactions still on the dissolved {@code from} to {@code to} (where the old id forwards), those of
     * records the profile did not hold itself, such as the steps of a ticket that followed its new requester
     * onto it under the first requester's record ({@link #followTicketOwners}). Tessera's own notes stay.
     * Without this they stayed on a dead id, out of every live timeline and metric. Idempotent.
     *
     * @return how many interactions moved
     */
    public int moveRest(ProfileId from, ProfileId to) {
        if (from.equals(to)) {
            return 0;
        }
        List<Entry> leaving = moving(from, i -> !InteractionLimits.SYSTEM_SOURCE.equals(i.record().source()));
        if (tombstones != null && !leaving.isEmpty()) {
            // an erased person's interactions are not carried anywhere: they go with the dead id
            List<RedisFuture<Long>> erased = leaving.stream().map(e -> tombstones.erasedAsync(e.interaction().record()))
                    .toList();
            List<Entry> kept = new ArrayList<>();
            for (int i = 0; i < leaving.size(); i++) {
                if (connection.await(erased.get(i)) == 0) {
                    kept.add(leaving.get(i));
                }
            }
            leaving = kept;
        }
        reownTickets(from, to, leaving, List.of());
        // in slices, as appends are: one write script must not hold Redis for long
        int moved = 0;
        List<List<Entry>> slices = slices(leaving);
        for (int i = 0; i < slices.size(); i++) {
            moved += move(from, to, slices.get(i), "moving what was left on it", Map.of(), i < slices.size() - 1);
        }
        return moved;
    }

    /**
     * The tickets among {@code leaving} that {@code from} owns ({@link #ticketOwnersKey}: under its id, or
     * under the id of a profile merged into it, whose timeline it took) and of which none of {@code staying}
     * is a step become {@code to}'s: the profile a later requester correction moves them from.
     */
    private void reownTickets(ProfileId from, ProfileId to, List<Entry> leaving, List<Interaction> staying) {
        Set<String> tickets = new LinkedHashSet<>();
        for (Entry e : leaving) {
            String owner = ownerKey(e.interaction());
            if (owner != null) {
                tickets.add(owner);
            }
        }
        for (Interaction i : staying) {
            String owner = ownerKey(i);
            if (owner != null) {
                tickets.remove(owner);
            }
        }
        if (tickets.isEmpty()) {
            return;
        }
        List<String> ordered = List.copyOf(tickets);
        List<KeyValue<String, String>> owners = redis.hmget(ticketOwnersKey(), ordered.toArray(String[]::new));
        List<String> args = new ArrayList<>(List.of(to.value()));
        for (int i = 0; i < ordered.size(); i++) {
            String owner = owners.get(i).getValueOrElse(null);
            if (owner != null && ProfileId.isValid(owner)
                    && (owner.equals(from.value()) || live(new ProfileId(owner)).equals(from))) {
                args.add(ordered.get(i));
                args.add(owner);
            }
        }
        if (args.size() > 1) {
            REOWN.run(connection, new String[] {ticketOwnersKey()}, args.toArray(String[]::new));
        }
    }

    /**
     * Writes {@code entries} onto {@code into}, following it where it moved, with these moments copied as
     * fired; {@code partial}: a slice of a move before its last.
     */
    private void writeFollowing(ProfileId into, List<Entry> entries, Map<String, String> moments, boolean partial) {
        ProfileId target = into;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            // moments are evaluated: a solve on one profile and a detractor answer on the other meet only now;
            // those the moving side fired already go along and are not published again
            Written written = write(target, entries, List.of(), Mode.INTO, true, true, moments, false, false,
                    job -> job.partial = partial);
            if (written.outcome() == Outcome.DONE) {
                return;
            }
            target = written.profile();
        }
        throw new IllegalStateException("timeline of profile " + into + " moved more than " + MAX_HOPS + " times");
    }

    private static Entry system(InteractionKind kind, String id, ProfileId about, Instant at,
            Map<String, String> attributes) {
        Interaction i = new Interaction(id, new SourceRecordId(InteractionLimits.SYSTEM_SOURCE, about.value()), kind,
                "system", null, at, null, null, attributes);
        return Entry.of(i, InteractionLimits.checkShape(i));
    }

    // ---------------------------------------------------------------- the one write path

    private enum Outcome { DONE, MOVED, LOOKUP }

    /** What {@link WriteJob#examine} answers when there is nothing to write: see {@link WriteJob#duplicate()}. */
    private static final Written DUPLICATE = new Written(Outcome.DONE, AppendResult.Status.DUPLICATE, null, List.of(), 0);

    private record Written(Outcome outcome, AppendResult.Status status, ProfileId profile, List<Moment> moments,
            int attached) {
        static Written moved(ProfileId to) {
            return new Written(Outcome.MOVED, null, to, List.of(), 0);
        }
    }

    /**
     * Upserts and deletes interactions on one profile and stores the new tally, stage and moments, with
     * compare-and-set on the metrics version. New keys are folded into the stored tally; a changed or
     * deleted one makes it recompute from the whole timeline.
     */
    private Written write(ProfileId p, List<Entry> upserts, Collection<String> deletes, Mode mode,
            boolean keepExisting, boolean evaluateMoments, Map<String, String> copyMoments, boolean recompute) {
        return write(p, upserts, deletes, mode, keepExisting, evaluateMoments, copyMoments, recompute, false);
    }

    /** As above; {@code rederive}: derive the whole stage history again from the timeline. */
    private Written write(ProfileId p, List<Entry> upserts, Collection<String> deletes, Mode mode,
            boolean keepExisting, boolean evaluateMoments, Map<String, String> copyMoments, boolean recompute,
            boolean rederive) {
        return write(p, upserts, deletes, mode, keepExisting, evaluateMoments, copyMoments, recompute, rederive,
                job -> {});
    }

    /** As above; {@code tune} sets a job's other flags ({@link WriteJob#partial}, {@link WriteJob#advance}). */
    private Written write(ProfileId p, List<Entry> upserts, Collection<String> deletes, Mode mode,
            boolean keepExisting, boolean evaluateMoments, Map<String, String> copyMoments, boolean recompute,
            boolean rederive, java.util.function.Consumer<WriteJob> tune) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            WriteJob job = new WriteJob(p, upserts, deletes, mode, keepExisting, evaluateMoments, copyMoments,
                    recompute, rederive);
            tune.accept(job);
            job.read();
            if (job.examine() != null) {
                return job.duplicate();
            }
            job.plan();
            if (job.idle) {
                return null; // nothing to record after all
            }
            List<Object> result = WRITE.run(connection, job.keys(), job.args());
            Written written = job.finish(result);
            if (written != null) {
                if (job.clusterAggregates) {
                    applyAggregatesOnCluster(List.of(job));
                }
                job.awaitAfterWrite();
                return written;
            }
        }
        throw new java.util.ConcurrentModificationException("profile " + p + " kept changing: gave up after "
                + MAX_ATTEMPTS + " attempts");
    }

    /**
     * One profile's write in its steps, so that a batch ({@link #appendAll}) can send the same step of many
     * profiles' writes together: {@link #read} sends the reads, {@link #examine} decides what is new and
     * sends the whole-timeline reads an out-of-order or changed interaction needs, {@link #plan} computes the
     * tally, stage history, moments and aggregate delta, the caller runs {@link #WRITE} with {@link #keys()}
     * and {@link #args()}, and {@link #finish} reads its answer and sends what follows a write.
     */
    private final class WriteJob {
        final ProfileId p;
        final List<Entry> upserts;
        final Collection<String> deletes;
        final Mode mode;
        final boolean keepExisting;
        final boolean evaluateMoments;
        /** Whether the profile forwards / has a document; read only when a move may leave it empty. */
        private RedisFuture<Boolean> forwarded;
        private RedisFuture<Boolean> documented;
        /** Moments copied from another profile (merge, split, moved ticket): key → when they fired. */
        final Map<String, String> copyMoments;
        final boolean recompute;
        final boolean rederive;
        /** A slice of a move before its last: the journey stage is left as it is until the last one. */
        boolean partial;
        /** Nothing to write but time passing: the stage history is extended up to now ({@link #advanceStage}). */
        boolean advance;
        /** An {@link #advance} that found nothing to record (an append got there first): no script runs. */
        boolean idle;

        private RedisFuture<List<KeyValue<String, String>>> meta;
        private RedisFuture<List<KeyValue<String, String>>> existing;
        private RedisFuture<String> lastStage;
        private RedisFuture<Map<String, String>> held;
        private RedisFuture<List<String>> stagesHeld;

        private String stateJson;
        private String version;
        private final Map<String, String> stored = new java.util.HashMap<>();
        private final List<Entry> fresh = new ArrayList<>();
        private final List<Entry> changed = new ArrayList<>();
        private List<String> removed;
        private CxTally before;
        private StoredStage last;
        private Instant from;
        private boolean rederiving;
        private boolean full;
        private boolean tailOnly;

        private CxTally tally;
        private boolean visible;
        private boolean announced;
        private String feed;
        private AggregateDelta delta;
        private String[] args;
        private final List<RedisFuture<?>> afterWrite = new ArrayList<>();
        private List<RedisFuture<String>> movedCheck;
        private Map<String, AppendResult.Status> statuses;
        private boolean clusterAggregates;

        WriteJob(ProfileId p, List<Entry> upserts, Collection<String> deletes, Mode mode, boolean keepExisting,
                boolean evaluateMoments, Map<String, String> copyMoments, boolean recompute, boolean rederive) {
            this.p = p;
            this.upserts = upserts;
            this.deletes = deletes;
            this.mode = mode;
            this.keepExisting = keepExisting;
            this.evaluateMoments = evaluateMoments;
            this.copyMoments = copyMoments;
            this.recompute = recompute;
            this.rederive = rederive;
        }

        /** Sends the reads every write needs: the metrics version and tally, the keys written, the last stage. */
        void read() {
            List<String> probe = new ArrayList<>();
            upserts.forEach(e -> probe.add(e.key()));
            probe.addAll(deletes);
            meta = async.hmget(metricsKey(p), "state", "version");
            existing = probe.isEmpty() ? null : async.hmget(interactionsKey(p), probe.toArray(String[]::new));
            lastStage = async.lindex(stagesKey(p), -1);
        }

        /**
         * Reads the answers of {@link #read}: returns {@link #DUPLICATE} when there is nothing to write (read
         * its result with {@link #duplicate()}), else null, after sending the whole-timeline reads when this
         * write needs them.
         */
        Written examine() {
            List<KeyValue<String, String>> metaValues = connection.await(meta);
            stateJson = metaValues.get(0).getValueOrElse(null);
            version = metaValues.get(1).getValueOrElse("0");
            if (existing != null) {
                connection.await(existing).forEach(kv -> {
                    if (kv.hasValue()) {
                        stored.put(kv.getKey(), kv.getValue());
                    }
                });
            }
            for (Entry e : upserts) {
                String old = stored.get(e.key());
                if (old == null) {
                    fresh.add(e);
                } else if (!old.equals(e.json()) && !keepExisting) {
                    changed.add(e);
                }
            }
            removed = deletes.stream().filter(stored::containsKey).toList();
            String lastStageJson = connection.await(lastStage);
            if (fresh.isEmpty() && changed.isEmpty() && removed.isEmpty() && copyMoments.isEmpty() && !recompute
                    && !advance) {
                if (mode == Mode.APPEND || mode == Mode.INTO) {
                    // a duplicate must still not land on a moved timeline: look where it went (read by duplicate())
                    movedCheck = checkMoved(p, upserts, mode);
                }
                return DUPLICATE;
            }
            before = stateJson == null ? CxTally.EMPTY : CxTallyJson.read(stateJson);
            last = lastStageJson == null ? null : CxJson.read(lastStageJson, StoredStage.class);
            // the earliest instant whose stage this write can change: an event-time history needs re-deriving
            // from there when the stored one already went past it (docs/cx-metrics.md, "Journey stage")
            from = earliest(fresh, changed, removed, stored);
            rederiving = countsStage() && (rederive || !changed.isEmpty() || !removed.isEmpty()
                    || (recompute && !fresh.isEmpty()) || last == null && before.lastInteractionAt() != null
                    || from != null && (before.lastInteractionAt() != null && from.isBefore(before.lastInteractionAt())
                            || last != null && !from.isAfter(last.enteredAt())));
            full = recompute || !changed.isEmpty() || !removed.isEmpty();
            // only new interactions, all later than every stored one: the stored tally is the base, and only
            // the stored history's tail needs deriving again (no timeline read)
            tailOnly = rederiving && !full && !rederive && last != null && before.lastInteractionAt() != null
                    && from != null && from.isAfter(before.lastInteractionAt());
            if ((full || rederiving) && !tailOnly) {
                held = async.hgetall(interactionsKey(p));
            }
            // a move that takes interactions off a profile with a history may leave it with none: the history
            // is then replaced as a derivation from its (empty) timeline would (see plan)
            boolean mayEmpty = !countsStage() && !removed.isEmpty() && last != null;
            stagesHeld = rederiving || mayEmpty ? async.lrange(stagesKey(p), 0, -1) : null;
            if (mayEmpty) {
                // only a live profile: the history of one dissolved or merged away (what is left moving to
                // where its id forwards) stays as it was, as a merge keeps the churn the absorbed one counted
                forwarded = async.hexists(keys.profile(p), "forward");
                documented = async.hexists(keys.profile(p), "doc");
            }
            return null;
        }

        /** The result of a write that had nothing to write: a duplicate, or the timeline moved meanwhile. */
        Written duplicate() {
            Written moved = movedCheck == null ? null : movedTo(movedCheck);
            return moved != null ? moved : new Written(Outcome.DONE, AppendResult.Status.DUPLICATE, p, List.of(), 0);
        }

        private boolean countsStage() {
            return mode == Mode.APPEND || recompute || advance;
        }

        /** Computes the new tally, stage history, moments and aggregate delta: the script's arguments. */
        void plan() {
            Instant now = clock.instant();
            Map<String, Interaction> all = null;
            List<String> storedStages = stagesHeld == null ? null : connection.await(stagesHeld);
            StagePlan tail = null;
            if (tailOnly) {
                tail = rederivedTail(storedStages, before, fresh, from, now);
                if (tail == null) { // nothing stored to keep: derive from the first interaction, as below
                    held = async.hgetall(interactionsKey(p));
                }
            }
            if (held == null) {
                tally = before;
                for (Entry e : fresh) {
                    tally = calculator.add(tally, e.interaction());
                }
            } else {
                Map<String, Interaction> timeline = new LinkedHashMap<>();
                connection.await(held).forEach((k, json) -> timeline.put(k, CxJson.read(json, Interaction.class)));
                fresh.forEach(e -> timeline.put(e.key(), e.interaction()));
                changed.forEach(e -> timeline.put(e.key(), e.interaction()));
                removed.forEach(timeline::remove);
                tally = calculator.tally(timeline.values());
                all = timeline;
            }
            StagePlan plan;
            if (!countsStage() && last != null && tally.lastInteractionAt() == null && storedStages != null
                    && forwarded != null && !connection.await(forwarded) && connection.await(documented)) {
                // everything moved off (a ticket to its real requester, every record split away): no interaction,
                // no journey; the stored history goes, as deriving it again from the timeline would remove it,
                // and the churn counts it made with it
                plan = replacedTail(parsed(storedStages), storedStages, 0, CxTally.EMPTY, List.of(), now);
            } else if (!countsStage()) {
                // a slice of a long move sees part of the history: one bookkeeping stage per slice would show
                // stages the profile never was in; the last slice records the stage of the whole
                plan = partial ? new StagePlan(last == null ? null : last.stage(), "", "") : movedStage(last, tally, now);
            } else if (tail != null) {
                plan = tail;
            } else if (rederiving) {
                plan = rederivedStages(storedStages, all.values(), rederive ? null : from, now);
            } else {
                plan = extendedStages(last, recompute ? tally : before, fresh, now);
            }
            idle = advance && plan.edit().isEmpty() && !rederiving && !full;
            List<Entry> touched = touched();
            Set<String> moments = new LinkedHashSet<>(copyMoments.keySet());
            if (evaluateMoments) {
                if (fresh.size() > 1 && changed.isEmpty() && removed.isEmpty() && mayFireDetractor(fresh)) {
                    // as if appended one after the other: a later solve of the same ticket must not hide the
                    // moment an earlier one fired
                    CxTally prefix = before;
                    for (Entry e : fresh) {
                        prefix = calculator.add(prefix, e.interaction());
                        moments.addAll(detractorMoments(prefix, List.of(e), now));
                    }
                }
                moments.addAll(detractorMoments(tally, touched, now));
            }

            String newState = CxJson.write(tally);
            // whether anything a reader of the change feed could see changed (a refresh of a quiet profile: no)
            visible = !touched.isEmpty() || !removed.isEmpty() || !plan.edit().isEmpty()
                    || !newState.equals(stateJson);
            List<String> list = new ArrayList<>();
            list.add(version);
            list.add(newState);
            list.add(plan.stage() == null ? "" : plan.stage().name());
            list.add(plan.edit());
            list.add(mode.name().toLowerCase(java.util.Locale.ROOT));
            list.add(Long.toString(now.toEpochMilli()));
            list.add(Integer.toString(touched.size()));
            for (Entry e : touched) {
                list.add(e.key());
                list.add(Long.toString(e.interaction().occurredAt().toEpochMilli()));
                list.add(e.json());
                list.add(e.interaction().record().key());
            }
            list.add(Integer.toString(removed.size()));
            list.addAll(removed);
            list.add(Integer.toString(moments.size()));
            for (String moment : moments) {
                list.add(moment);
                list.add(copyMoments.getOrDefault(moment, ""));
            }
            // the "cx" change-feed entry in the same script (single node: the feed is in reach); the rule is
            // afterWrite's: announced when something visible changed and no moment fired (a moment says so too)
            feed = visible ? profiles.changeFeedForScripts() : null; // null on Cluster
            announced = feed != null;
            // a moment the script records but which is a copy (merge, split) is not published: the script must
            // not leave the entry out for it
            list.add(!announced ? "" : evaluateMoments && copyMoments.isEmpty() ? "unless-moment" : "always");
            list.add(Long.toString(CHANGE_FEED_MAX_LENGTH));
            list.add(p.value());
            // activity: appends, and interactions moved into a profile (a split makes a new person active on
            // the days of what moved to it; on a merge the survivor is added where it may already be, which a
            // distinct count absorbs)
            delta = aggregateDelta(tally, fresh, changed, stored, mode != Mode.ANY, plan.churn());
            if (connection.cluster()) {
                list.add("0");
            } else {
                list.add("1");
                list.add(AggregateBuckets.prefix(keys));
                list.add(delta.churn());
                list.add(p.value());
                delta.appendTo(list);
            }
            args = list.toArray(String[]::new);
        }

        private List<Entry> touched() {
            List<Entry> touched = new ArrayList<>(fresh);
            touched.addAll(changed);
            return touched;
        }

        String[] keys() {
            String[] profile = profileKeys(p);
            if (!announced) {
                return profile;
            }
            String[] withFeed = Arrays.copyOf(profile, profile.length + 1);
            withFeed[profile.length] = feed;
            return withFeed;
        }

        String[] args() {
            return args;
        }

        /** What an upsert did when the write succeeded: stored, updated or a duplicate. */
        AppendResult.Status statusOf(Entry e) {
            if (statuses == null) {
                statuses = new java.util.HashMap<>();
                fresh.forEach(f -> statuses.put(f.key(), AppendResult.Status.STORED));
                changed.forEach(c -> statuses.put(c.key(), AppendResult.Status.UPDATED));
            }
            return statuses.getOrDefault(e.key(), AppendResult.Status.DUPLICATE);
        }

        /**
         * Reads the script's answer: null on a version conflict (read again and retry), else the result, after
         * sending the change-feed entry, moments and complaint index update (await with
         * {@link #awaitAfterWrite}).
         */
        Written finish(List<Object> result) {
            long status = (Long) result.get(0);
            if (status == 0) {
                return null;
            }
            if (status == 2) {
                return Written.moved(new ProfileId((String) result.get(1)));
            }
            if (status == 3) {
                return new Written(Outcome.LOOKUP, null, null, List.of(), 0);
            }
            // on Cluster the caller applies the aggregate delta next (applyAggregatesOnCluster), for many at once
            clusterAggregates = connection.cluster() && !delta.isEmpty();
            List<Moment> fired = new ArrayList<>();
            if (evaluateMoments) {
                for (Object key : result.subList(3, result.size())) {
                    String k = (String) key;
                    if (!copyMoments.containsKey(k)) { // copied along with a merge or split: fired before
                        fired.add(new Moment(k.substring(0, k.indexOf('|')), p));
                    }
                }
            }
            boolean tickets = full || touched().stream().anyMatch(e -> isTicket(e.interaction().kind()));
            afterWrite.addAll(afterWrite(p, fired, tickets ? Optional.of(tally) : Optional.empty(),
                    visible && !announced));
            AppendResult.Status appended = !changed.isEmpty() ? AppendResult.Status.UPDATED
                    : !fresh.isEmpty() ? AppendResult.Status.STORED : AppendResult.Status.DUPLICATE;
            return new Written(Outcome.DONE, appended, p, fired, 0);
        }

        void awaitAfterWrite() {
            afterWrite.forEach(connection::await);
        }
    }

    // ---------------------------------------------------------------- journey stage history

    /**
     * What one write does to the stage history: the stage now, the edit of the stored list ('' for none, else
     * the number of entries kept or '*' for all, then one entry JSON per line to push) and the churn
     * increments that edit makes ({@link AggregateBuckets#churnLines}).
     */
    private record StagePlan(JourneyStage stage, String edit, String churn) {}

    /** The earliest occurredAt of the new, changed (before and after) and removed interactions; null if none. */
    private static Instant earliest(List<Entry> fresh, List<Entry> changed, List<String> removed,
            Map<String, String> stored) {
        Instant min = null;
        for (Entry e : fresh) {
            min = earlierOf(min, e.interaction().occurredAt());
        }
        for (Entry e : changed) {
            min = earlierOf(min, e.interaction().occurredAt());
            min = earlierOf(min, CxJson.read(stored.get(e.key()), Interaction.class).occurredAt());
        }
        for (String key : removed) {
            min = earlierOf(min, CxJson.read(stored.get(key), Interaction.class).occurredAt());
        }
        return min;
    }

    /**
     * A merge or split: the stage as of now, recorded as bookkeeping (not counted as churn) when it differs;
     * the history before is not derived again.
     */
    private StagePlan movedStage(StoredStage last, CxTally tally, Instant now) {
        if (last == null && tally.lastInteractionAt() == null) {
            return new StagePlan(null, "", ""); // two profiles known from their records only: no journey yet
        }
        JourneyStage stage = history.stageAt(tally, now);
        if (last != null && last.stage() == stage) {
            return new StagePlan(stage, "", "");
        }
        return new StagePlan(stage, "*\n" + CxJson.write(new StoredStage(stage, now, Boolean.TRUE)), "");
    }

    /**
     * The in-order path: nothing new is dated before the last interaction or the last stage change, so the
     * stored history stands and is extended: from there through the new interactions up to now, with the
     * stored tally (no timeline read).
     */
    private StagePlan extendedStages(StoredStage last, CxTally base, List<Entry> fresh, Instant now) {
        JourneyStage current = last == null ? null : last.stage();
        if (base.lastInteractionAt() == null && fresh.isEmpty()) {
            // nothing happened yet (a refresh of a profile known from its records only): no journey to be in,
            // as a derivation from its timeline says; a stage written now would date the journey from the refresh
            return new StagePlan(current, "", "");
        }
        Instant cursor = laterOf(base.lastInteractionAt(), last == null ? null : last.enteredAt());
        List<StoredStage> added = stored(history.derive(base, cursor, current,
                fresh.stream().map(Entry::interaction).toList(), now));
        if (added.isEmpty()) {
            return new StagePlan(current, "", "");
        }
        Map<String, Long> churn = new TreeMap<>();
        AggregateBuckets.churn(added, current, 1, churn);
        return new StagePlan(added.get(added.size() - 1).stage(), "*\n" + lines(added),
                AggregateBuckets.churnLines(churn));
    }

    /**
     * The out-of-order path: the stored changes dated at or after {@code from} (all when null) are derived
     * again from the timeline and replace the stored ones when they differ; the churn counts of the replaced
     * changes are taken back and those of the new ones added, so the buckets stay what a rebuild counts.
     */
    private StagePlan rederivedStages(List<String> storedStages, Collection<Interaction> timeline, Instant from,
            Instant now) {
        List<StoredStage> old = parsed(storedStages);
        int keep = kept(old, from);
        // nothing kept: the stage before from is unknown, so derive from the first interaction on
        Instant start = keep == 0 ? null : from;
        List<Interaction> before = new ArrayList<>();
        List<Interaction> after = new ArrayList<>();
        for (Interaction i : timeline) {
            (start != null && i.occurredAt().isBefore(start) ? before : after).add(i);
        }
        return replacedTail(old, storedStages, keep, calculator.tally(before), after, now);
    }

    /**
     * The out-of-order path when every new interaction is later than every stored one but a stored change
     * driven by time alone (e.g. at risk after a quiet spell) is not earlier than the first of them, as in a
     * backfill sorted by time: the stored tally is the tally before {@code from}, so no timeline read is
     * needed. Null when no stored change is kept (the full path then derives from the first interaction).
     */
    private StagePlan rederivedTail(List<String> storedStages, CxTally stored, List<Entry> fresh, Instant from,
            Instant now) {
        List<StoredStage> old = parsed(storedStages);
        int keep = kept(old, from);
        if (keep == 0) {
            return null;
        }
        return replacedTail(old, storedStages, keep, stored, fresh.stream().map(Entry::interaction).toList(), now);
    }

    private static List<StoredStage> parsed(List<String> storedStages) {
        return storedStages.stream().map(json -> CxJson.read(json, StoredStage.class)).toList();
    }

    /** How many stored changes are dated before {@code from}; 0 when it is null. */
    private static int kept(List<StoredStage> old, Instant from) {
        int keep = 0;
        while (from != null && keep < old.size() && old.get(keep).enteredAt().isBefore(from)) {
            keep++;
        }
        return keep;
    }

    /**
     * Derives the stage history after the first {@code keep} stored changes from {@code base} (the tally of
     * the interactions dated before every one in {@code after}) and {@code after}, and replaces the stored
     * tail when it differs.
     */
    private StagePlan replacedTail(List<StoredStage> old, List<String> storedStages, int keep, CxTally base,
            List<Interaction> after, Instant now) {
        StoredStage kept = keep == 0 ? null : old.get(keep - 1);
        JourneyStage current = kept == null ? null : kept.stage();
        Instant cursor = laterOf(base.lastInteractionAt(), kept == null ? null : kept.enteredAt());
        List<StoredStage> derived = stored(history.derive(base, cursor, current, after, now));
        JourneyStage stage = derived.isEmpty() ? current : derived.get(derived.size() - 1).stage();
        List<String> derivedJson = derived.stream().map(CxJson::write).toList();
        if (derivedJson.equals(storedStages.subList(keep, storedStages.size()))) {
            return new StagePlan(stage, "", "");
        }
        Map<String, Long> churn = new TreeMap<>();
        AggregateBuckets.churn(old.subList(keep, old.size()), current, -1, churn);
        AggregateBuckets.churn(derived, current, 1, churn);
        return new StagePlan(stage, keep + "\n" + String.join("\n", derivedJson), AggregateBuckets.churnLines(churn));
    }

    private static List<StoredStage> stored(List<StageHistory.Change> changes) {
        return changes.stream().map(c -> new StoredStage(c.stage(), c.at(), null)).toList();
    }

    private static String lines(List<StoredStage> stages) {
        return String.join("\n", stages.stream().map(CxJson::write).toList());
    }

    private static Instant earlierOf(Instant a, Instant b) {
        return a == null || b != null && b.isBefore(a) ? b : a;
    }

    private static Instant laterOf(Instant a, Instant b) {
        return a == null || b != null && b.isAfter(a) ? b : a;
    }

    /**
     * For a duplicate: is the timeline it would go to still this profile's? Sends the lookups (the profile's
     * move, then each record's); read them with {@link #movedTo}.
     */
    private List<RedisFuture<String>> checkMoved(ProfileId p, List<Entry> upserts, Mode mode) {
        List<RedisFuture<String>> lookups = new ArrayList<>();
        lookups.add(async.hget(movesKey(p), "profile"));
        if (mode == Mode.APPEND) {
            upserts.forEach(e -> lookups.add(async.hget(movesKey(p), "record:" + e.interaction().record().key())));
        }
        return lookups;
    }

    /** Where the timeline moved according to {@link #checkMoved}'s lookups; null when it did not. */
    private Written movedTo(List<RedisFuture<String>> lookups) {
        String to = null;
        for (RedisFuture<String> lookup : lookups) {
            String found = connection.await(lookup);
            to = to == null ? found : to;
        }
        return to == null ? null : Written.moved(new ProfileId(to));
    }

    private String[] profileKeys(ProfileId p) {
        if (connection.cluster()) { // the ledger lives in another slot: a second step updates the buckets
            return new String[] {metricsKey(p), timelineKey(p), interactionsKey(p), movesKey(p), keys.profile(p),
                    stagesKey(p), momentsKey(p)};
        }
        return new String[] {metricsKey(p), timelineKey(p), interactionsKey(p), movesKey(p), keys.profile(p),
                stagesKey(p), momentsKey(p), AggregateBuckets.ledgerKey(keys)};
    }

    // ---------------------------------------------------------------- dashboard aggregates

    /**
     * What one write changes in the dashboard buckets: (ledger field, contribution) pairs for every new or
     * changed customer interaction and for every ticket it touched (before and after a correction), the
     * days on which the profile was active, and the churn increments of the stage history's changes
     * ({@link AggregateBuckets#churnLines}). Moves (merge, split) pass the same pairs, which the ledger
     * recognises as counted already.
     */
    private record AggregateDelta(List<String> pairs, Set<String> activeDays, String churn) {
        boolean isEmpty() {
            return churn.isEmpty() && pairs.isEmpty() && activeDays.isEmpty();
        }

        void appendTo(List<String> args) {
            args.add(Integer.toString(pairs.size() / 2));
            args.addAll(pairs);
            args.add(Integer.toString(activeDays.size()));
            args.addAll(activeDays);
        }
    }

    private AggregateDelta aggregateDelta(CxTally tally, List<Entry> fresh, List<Entry> changed,
            Map<String, String> stored, boolean activity, String churn) {
        List<String> pairs = new ArrayList<>();
        Set<String> tickets = new java.util.TreeSet<>();
        Set<String> days = new java.util.TreeSet<>();
        List<Entry> touched = new ArrayList<>(fresh);
        touched.addAll(changed);
        for (Entry e : touched) {
            Interaction i = e.interaction();
            String contribution = AggregateBuckets.contribution(i, calculator);
            if (contribution == null) {
                continue;
            }
            pairs.add(AggregateBuckets.interactionField(e.key()));
            pairs.add(contribution);
            if (isTicket(i.kind())) {
                tickets.add(calculator.ticketKey(i));
            }
            if (activity) {
                days.add(AggregateBuckets.day(i.occurredAt()).toString());
            }
        }
        for (Entry e : changed) { // a correction may take an event away from its old ticket
            Interaction old = CxJson.read(stored.get(e.key()), Interaction.class);
            if (isTicket(old.kind())) {
                tickets.add(calculator.ticketKey(old));
            }
        }
        for (String ticket : tickets) {
            pairs.add(AggregateBuckets.ticketField(ticket));
            pairs.add(AggregateBuckets.contribution(tally.tickets().get(ticket)));
        }
        return new AggregateDelta(pairs, days, churn);
    }

    /**
     * On Redis Cluster the buckets cannot change in the profile's script: they are updated right after
     * it, by one script on the {@code {cx:agg}} slot. Not atomic with the timeline write: a crash between
     * the two leaves the buckets behind until {@link CxAggregates#rebuild()} (docs/cx-metrics.md).
     */
    private void applyAggregatesOnCluster(List<WriteJob> written) {
        List<String[]> keyLists = new ArrayList<>();
        List<String[]> argLists = new ArrayList<>();
        for (WriteJob job : written) {
            List<String> args = new ArrayList<>(List.of(AggregateBuckets.prefix(keys), job.delta.churn(), job.p.value()));
            job.delta.appendTo(args);
            keyLists.add(new String[] {AggregateBuckets.ledgerKey(keys)});
            argLists.add(args.toArray(String[]::new));
        }
        AggregateBuckets.APPLY.runAll(connection, keyLists, argLists);
    }

    RedisKeys.Namespace namespace() {
        return keys;
    }

    RedisConnection connection() {
        return connection;
    }

    ProfileStore profiles() {
        return profiles;
    }

    private static boolean isTicket(InteractionKind kind) {
        return kind == InteractionKind.TICKET_OPENED || kind == InteractionKind.TICKET_REPLIED
                || kind == InteractionKind.TICKET_SOLVED;
    }

    /**
     * A stage change as stored: the time spent is derived when read. {@code byMove} is true when a merge or
     * split caused it (bookkeeping, not counted as churn in the dashboard buckets); null otherwise.
     */
    record StoredStage(JourneyStage stage, Instant enteredAt, Boolean byMove) {
        boolean counts() {
            return !Boolean.TRUE.equals(byMove);
        }
    }

    // ---------------------------------------------------------------- moments of truth

    /**
     * Detractor-after-solved candidates: when the touched interactions include a detractor answer or a
     * solved ticket, every detractor answer given within the rule's window after a ticket's (last) solving.
     * The store fires each at most once (rule|answer key), so evaluating the whole tally is safe and makes
     * the result independent of which of the two arrived first.
     */
    private List<String> detractorMoments(CxTally tally, List<Entry> touched, Instant now) {
        if (!mayFireDetractor(touched)) {
            return List.of();
        }
        Instant oldest = now.minus(settings.momentMaxAge());
        List<String> keys = new ArrayList<>();
        for (MomentRule rule : settings.moments()) {
            if (rule instanceof MomentRule.DetractorAfterSolved d) {
                for (Answer answer : tally.detractorAnswers()) {
                    if (answer.at().isBefore(oldest)) {
                        continue;
                    }
                    Instant earliest = answer.at().minus(d.within());
                    // any solving in the window, not only the latest: a ticket solved, reopened and solved
                    // again after the answer still had the answer right after its first solving
                    boolean afterSolved = tally.tickets().values().stream()
                            .anyMatch(t -> t.solvedBetween(earliest, answer.at()));
                    if (afterSolved) {
                        keys.add(d.name() + "|" + answer.key());
                    }
                }
            }
        }
        return keys;
    }

    /** Whether these interactions can fire a detractor-after-solved moment: a solve or a detractor answer. */
    private static boolean mayFireDetractor(List<Entry> touched) {
        return touched.stream().map(Entry::interaction).anyMatch(i ->
                i.kind() == InteractionKind.TICKET_SOLVED
                        || (i.score() != null && i.score().type() == Interaction.ScoreType.NPS
                                && CxMetrics.NpsCategory.of(i.score().value()) == CxMetrics.NpsCategory.DETRACTOR));
    }

    /**
     * Publishes fired moments and keeps the profile's entry in the open-complaint index up to date: sends the
     * writes and returns them to await.
     */
    private List<RedisFuture<?>> afterWrite(ProfileId p, List<Moment> fired, Optional<CxTally> tickets,
            boolean visible) {
        List<RedisFuture<?>> writes = new ArrayList<>();
        fired.forEach(m -> writes.add(publish(m)));
        if (fired.isEmpty() && visible) {
            // the timeline and metrics changed: segments over metrics and history follow (a moment says so too)
            writes.add(async.xadd(keys.changeFeed(), XAddArgs.Builder.maxlen(CHANGE_FEED_MAX_LENGTH)
                    .approximateTrimming(), Map.of("profile", p.value(), "change", "cx")));
        }
        if (tickets.isPresent() && hasOverdueRules()) {
            Instant due = nextDue(tickets.get(), Set.of(), null);
            writes.add(due == null ? async.zrem(overdueKey(), p.value())
                    : async.zadd(overdueKey(), due.toEpochMilli(), p.value()));
        }
        return writes;
    }

    private RedisFuture<String> publish(Moment moment) {
        return async.xadd(keys.changeFeed(), XAddArgs.Builder.maxlen(CHANGE_FEED_MAX_LENGTH).approximateTrimming(),
                Map.of("profile", moment.profile().value(), "change", "moment", "rule", moment.rule()));
    }

    private boolean hasOverdueRules() {
        return settings.moments().stream().anyMatch(r -> r instanceof MomentRule.ComplaintOverdue);
    }

    /**
     * Whether this rule already alerted about this ticket at or after this deadline, under whatever key: an
     * opening whose key changed since (a solve before it arrived late, keys of an earlier version) is the
     * opening that was reported.
     */
    private static boolean alertedSince(Map<String, String> fired, MomentRule.ComplaintOverdue rule, String ticket,
            Instant deadline) {
        for (Map.Entry<String, String> e : fired.entrySet()) {
            if (isOverdueKeyOf(e.getKey(), rule, ticket) && Long.parseLong(e.getValue()) >= deadline.toEpochMilli()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moment key of an overdue complaint: one per rule, ticket and opening, an opening named by the solve it
     * follows (none for the first), not by its own time: a re-delivery that corrects when it was opened (a
     * vendor's status time moving) is the same opening and must not fire again.
     */
    private static String overdueKey(MomentRule.ComplaintOverdue rule, String ticket, Ticket t) {
        return rule.name() + "|" + ticket + "|" + (t.lastSolvedAt() == null ? "first"
                : "after-" + t.lastSolvedAt().toEpochMilli());
    }

    /**
     * Whether a moment key is one of {@link #overdueKey}'s for this rule and ticket, any opening. Exact: ticket
     * ids are the vendor's text and may hold '|', so ticket "a" must not claim the keys of ticket "a|b".
     */
    static boolean isOverdueKeyOf(String key, MomentRule.ComplaintOverdue rule, String ticket) {
        int from = rule.name().length() + 1 + ticket.length() + 1;
        if (key.length() <= from || !key.startsWith(rule.name()) || key.charAt(rule.name().length()) != '|'
                || !key.startsWith(ticket, rule.name().length() + 1) || key.charAt(from - 1) != '|') {
            return false;
        }
        String opening = key.substring(from);
        if (opening.equals("first")) {
            return true;
        }
        if (!opening.startsWith("after-") || opening.length() == "after-".length()) {
            return false;
        }
        for (int i = "after-".length(); i < opening.length(); i++) {
            char c = opening.charAt(i);
            if ((c < '0' || c > '9') && !(c == '-' && i == "after-".length() && i + 1 < opening.length())) {
                return false;
            }
        }
        return true;
    }

    /** The earliest SLA deadline of an open complaint not in {@code done} and after {@code after}. */
    private Instant nextDue(CxTally tally, Set<String> done, Instant after) {
        Instant next = null;
        for (MomentRule rule : settings.moments()) {
            if (rule instanceof MomentRule.ComplaintOverdue o) {
                for (Map.Entry<String, Ticket> t : tally.tickets().entrySet()) {
                    if (t.getValue().complaint() && t.getValue().open()
                            && !done.contains(overdueKey(o, t.getKey(), t.getValue()))) {
                        Instant due = t.getValue().lastOpenedAt().plus(o.sla());
                        if ((after == null || due.isAfter(after)) && (next == null || due.isBefore(next))) {
                            next = due;
                        }
                    }
                }
            }
        }
        return next;
    }

    /**
     * Fires the complaint-overdue moments that are due at {@code now}: every open complaint older than a
     * {@link MomentRule.ComplaintOverdue} rule's SLA, once per rule and complaint opening. Looks only at the
     * profiles the open-complaint index says are due, so a scheduler can call it every minute. Deadlines
     * that passed longer than {@link CxSettings#momentMaxAge()} ago are skipped (old history being loaded).
     *
     * @return the moments fired by this call
     */
    public List<Moment> checkOverdue(Instant now) {
        List<Moment> fired = new ArrayList<>();
        List<ScoredValue<String>> due = redis.zrangebyscoreWithScores(overdueKey(),
                Range.create(Double.NEGATIVE_INFINITY, (double) now.toEpochMilli()), Limit.create(0, BATCH));
        Instant oldest = now.minus(settings.momentMaxAge());
        for (ScoredValue<String> entry : due) {
            ProfileId p = new ProfileId(entry.getValue());
            RedisFuture<String> moved = async.hget(movesKey(p), "profile");
            RedisFuture<List<KeyValue<String, String>>> meta = async.hmget(metricsKey(p), "state", "version");
            RedisFuture<Map<String, String>> firedBefore = async.hgetall(momentsKey(p));
            String score = Long.toString((long) entry.getScore());
            List<KeyValue<String, String>> stateAndVersion = connection.await(meta);
            if (connection.await(moved) != null || !stateAndVersion.get(0).hasValue()) {
                REINDEX_IF_SAME.run(connection, new String[] {overdueKey()}, p.value(), score, "");
                continue;
            }
            CxTally tally = CxTallyJson.read(stateAndVersion.get(0).getValue());
            String version = stateAndVersion.get(1).getValueOrElse("0");
            Map<String, Instant> candidates = new LinkedHashMap<>(); // moment key to its deadline
            for (MomentRule rule : settings.moments()) {
                if (rule instanceof MomentRule.ComplaintOverdue o) {
                    tally.tickets().forEach((ticket, t) -> {
                        Instant deadline = t.complaint() && t.open() ? t.lastOpenedAt().plus(o.sla()) : null;
                        if (deadline != null && !deadline.isAfter(now)
                                && !alertedSince(connection.await(firedBefore), o, ticket, deadline)) {
                            candidates.put(overdueKey(o, ticket, t), deadline);
                        }
                    });
                }
            }
            List<String> fresh = new ArrayList<>();
            if (!candidates.isEmpty()) {
                List<String> args = new ArrayList<>();
                args.add(Long.toString(now.toEpochMilli()));
                candidates.forEach((candidate, deadline) -> {
                    // skip deadlines long past
                    if (!deadline.isBefore(oldest)) {
                        args.add(candidate);
                    }
                });
                if (args.size() > 1) {
                    FIRE.run(connection, new String[] {momentsKey(p)}, args.toArray(String[]::new))
                            .forEach(k -> fresh.add((String) k));
                }
            }
            List<RedisFuture<?>> writes = new ArrayList<>();
            for (String key : fresh) {
                Moment m = new Moment(key.substring(0, key.indexOf('|')), p);
                fired.add(m);
                writes.add(publish(m));
            }
            writes.forEach(connection::await);
            Instant next = nextDue(tally, candidates.keySet(), now);
            beforeReindex.run();
            REINDEX_IF_SAME.run(connection, new String[] {overdueKey()}, p.value(), score,
                    next == null ? "" : Long.toString(next.toEpochMilli()));
            // an append between the read above and here indexes its own earliest deadline, often under the same
            // score (an open complaint fired before keeps it), which the reindex above then replaced with one
            // from the old tally: a complaint opened meanwhile went unwatched. The profile is looked at again
            // on the next call instead (ZADD LT: only ever earlier)
            String versionNow = redis.hget(metricsKey(p), "version");
            // (no version: the profile was erased or merged away meanwhile, and is not put back)
            if (versionNow != null && !version.equals(versionNow)) {
                redis.zadd(overdueKey(), ZAddArgs.Builder.lt(), entry.getScore(), p.value());
            }
        }
        return fired;
    }

    /** Runs in {@link #checkOverdue} between reading a profile and reindexing it: lets a test interleave a write. */
    volatile Runnable beforeReindex = () -> {};

    // ---------------------------------------------------------------- reads

    /** The profile whose timeline {@code p}'s now is (following absorb marks). */
    private ProfileId live(ProfileId p) {
        ProfileId current = p;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            String into = redis.hget(movesKey(current), "profile");
            if (into == null) {
                return current;
            }
            current = new ProfileId(into);
        }
        throw new IllegalStateException("timeline of profile " + p + " moved more than " + MAX_HOPS + " times");
    }

    /** The stored tally of a profile (empty when it has no interactions). */
    public CxTally tally(ProfileId profile) {
        return tallyLater(profile).get();
    }

    /**
     * Sends the read of {@link #tally} now and finishes it when asked, so that callers can share the round
     * trip with other reads. Usually the timeline never moved: whether it did and the tally are asked
     * together; only a moved timeline needs the hops and a second read.
     */
    public java.util.function.Supplier<CxTally> tallyLater(ProfileId profile) {
        RedisFuture<String> moved = async.hget(movesKey(profile), "profile");
        RedisFuture<String> here = async.hget(metricsKey(profile), "state");
        return () -> tallyOf(profile, connection.await(moved), connection.await(here));
    }

    /**
     * The tally from the two reads {@link #tallyLater} and {@link #metricsPart} make together: the
     * profile's own state, unless its timeline moved (then the live timeline's, read now).
     */
    private CxTally tallyOf(ProfileId profile, String movedTo, String stateHere) {
        String state = movedTo == null ? stateHere : redis.hget(metricsKey(live(profile)), "state");
        return state == null ? CxTally.EMPTY : CxTallyJson.read(state);
    }

    /**
     * {@link #metrics} as a part of {@link ProfileStore#findWhole}: the moved check and the tally are read
     * in the profile's own read script; only a moved timeline needs a second read.
     */
    public ProfileStore.SlotPart<CxMetrics> metricsPart() {
        return metricsPart;
    }

    private final ProfileStore.SlotPart<CxMetrics> metricsPart = new ProfileStore.SlotPart<>() {
        @Override
        public List<ProfileStore.SlotRead> reads(ProfileId live) {
            return List.of(ProfileStore.SlotRead.field(movesKey(live), "profile"),
                    ProfileStore.SlotRead.field(metricsKey(live), "state"));
        }

        @Override
        public CxMetrics decode(ProfileId live, List<Object> answers) {
            return calculator.metrics(tallyOf(live, (String) answers.get(0), (String) answers.get(1)),
                    clock.instant());
        }
    };

    /** The metrics of a profile as of the store's clock, from the incrementally kept tally. */
    public CxMetrics metrics(ProfileId profile) {
        return calculator.metrics(tally(profile), clock.instant());
    }

    /**
     * A profile's metrics as of now, its stored journey stage (null before any interaction) and the version
     * of its metrics, read in one round trip from this id's own keys (forwards are not followed).
     */
    public record Snapshot(CxMetrics metrics, JourneyStage stage, long version) {}

    public Snapshot snapshot(ProfileId profile) {
        return snapshotLater(profile).get();
    }

    /** {@link #snapshot} with its read sent now, decoded when asked (to share a round trip). */
    public java.util.function.Supplier<Snapshot> snapshotLater(ProfileId profile) {
        RedisFuture<List<KeyValue<String, String>>> read = async.hmget(metricsKey(profile), "state", "version", "stage");
        return () -> {
            List<KeyValue<String, String>> fields = connection.await(read);
            CxTally tally = fields.get(0).hasValue() ? CxTallyJson.read(fields.get(0).getValue())
                    : CxTally.EMPTY;
            long version = fields.get(1).hasValue() ? Long.parseLong(fields.get(1).getValue()) : 0;
            JourneyStage stage = fields.get(2).hasValue() ? JourneyStage.valueOf(fields.get(2).getValue()) : null;
            return new Snapshot(calculator.metrics(tally, clock.instant()), stage, version);
        };
    }

    /**
     * The current journey stage and every earlier one, oldest first, with the time spent in each, as of the
     * store's clock: changes time alone made since the last write are included though not yet recorded.
     */
    public List<StageChange> stages(ProfileId profile) {
        ProfileId p = live(profile);
        RedisFuture<List<String>> read = async.lrange(stagesKey(p), 0, -1);
        RedisFuture<String> state = async.hget(metricsKey(p), "state");
        List<StoredStage> stages = new ArrayList<>(parsed(connection.await(read)));
        String tallyJson = connection.await(state);
        Instant now = clock.instant();
        if (!stages.isEmpty() && tallyJson != null) {
            // changes time alone made since the last write (churned a year after the last interaction), which
            // the scheduled refresh records later: derived here without writing, so the stages agree with the
            // metrics read at the same moment
            CxTally tally = CxTallyJson.read(tallyJson);
            StoredStage last = stages.get(stages.size() - 1);
            Instant cursor = laterOf(tally.lastInteractionAt(), last.enteredAt());
            if (tally.lastInteractionAt() != null) {
                stages.addAll(stored(history.derive(tally, cursor, last.stage(), List.of(), now)));
            }
        }
        List<StageChange> changes = new ArrayList<>();
        for (int k = 0; k < stages.size(); k++) {
            StoredStage s = stages.get(k);
            boolean current = k == stages.size() - 1;
            Instant left = current ? now : stages.get(k + 1).enteredAt();
            Duration spent = Duration.between(s.enteredAt(), left);
            changes.add(new StageChange(s.stage(), s.enteredAt(), spent.isNegative() ? Duration.ZERO : spent, current));
        }
        return changes;
    }

    /**
     * Records the journey stage changes that time alone has made since the profile's last write (churned
     * after a year of silence, at risk after a quiet spell), each dated when its rule first held, with the
     * dashboard's churn counts, as the next interaction would. Reads the stored tally and last stage only,
     * never the timeline, and writes only when a stage changed: the periodic pass over every profile costs a
     * read per profile. {@link #refresh} also recomputes the tally from the timeline.
     *
     * @return whether a stage change was recorded
     */
    public boolean advanceStage(ProfileId profile) {
        ProfileId p = live(profile);
        if (!timeMoved(p, async.hget(metricsKey(p), "state"), async.lindex(stagesKey(p), -1), clock.instant())) {
            return false;
        }
        return write(p, List.of(), List.of(), Mode.ANY, false, false, Map.of(), false, false,
                job -> job.advance = true) != null;
    }

    /**
     * {@link #advanceStage} for many profiles, their reads sent together: what a pass over every profile
     * does in batches. Only the profiles time changed are written (each through {@link #advanceStage}, which
     * reads them again where they live now).
     *
     * @return how many profiles had a stage change recorded
     */
    public int advanceStages(Collection<ProfileId> profiles) {
        Instant now = clock.instant();
        List<ProfileId> ids = List.copyOf(profiles);
        List<RedisFuture<String>> states = new ArrayList<>(ids.size());
        List<RedisFuture<String>> lasts = new ArrayList<>(ids.size());
        for (ProfileId p : ids) {
            // under its own id, a filter only: advanceStage follows a profile to where it lives now and reads it
            // again there (one merged away has no metrics left here, or only until its merge is finished)
            states.add(async.hget(metricsKey(p), "state"));
            lasts.add(async.lindex(stagesKey(p), -1));
        }
        int changed = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (timeMoved(ids.get(i), states.get(i), lasts.get(i), now) && advanceStage(ids.get(i))) {
                changed++;
            }
        }
        return changed;
    }

    /** Whether time alone changed the stage of a profile with this stored tally and last stage by {@code now}. */
    private boolean timeMoved(ProfileId p, RedisFuture<String> state, RedisFuture<String> lastStage, Instant now) {
        String stateJson = connection.await(state);
        String lastJson = connection.await(lastStage);
        if (stateJson == null) {
            return false; // nothing happened yet
        }
        CxTally tally = CxTallyJson.read(stateJson);
        if (tally.lastInteractionAt() == null) {
            return false;
        }
        if (lastJson == null) {
            return true; // interactions without a stage history (a move left unfinished): derived from the timeline
        }
        StoredStage last = CxJson.read(lastJson, StoredStage.class);
        Instant cursor = laterOf(tally.lastInteractionAt(), last.enteredAt());
        return cursor.isBefore(now) && !history.derive(tally, cursor, last.stage(), List.of(), now).isEmpty();
    }

    /**
     * Re-evaluates a profile's journey stage at the store's clock (stages such as churned change with time
     * alone) and recomputes its tally from the timeline (repairs a tally after a change of settings).
     */
    public CxMetrics refresh(ProfileId profile) {
        ProfileId p = live(profile);
        write(p, List.of(), List.of(), Mode.ANY, false, false, Map.of(), true);
        return metrics(p);
    }

    /**
     * Derives a profile's whole stage history again from its timeline as of the store's clock, replacing the
     * stored one, and corrects the churn counts of the dashboard buckets by the difference. For histories
     * recorded before stage changes were dated by event time, or after a change of the journey rules; the
     * changes a merge or split recorded become ordinary ones. Reads the whole timeline.
     */
    public List<StageChange> rederiveStages(ProfileId profile) {
        ProfileId p = live(profile);
        write(p, List.of(), List.of(), Mode.ANY, false, false, Map.of(), true, true);
        return stages(p);
    }

    /** A page of a profile's timeline, newest first (same millisecond: larger key first). */
    public TimelinePage timeline(ProfileId profile, TimelineQuery query) {
        ProfileId p = live(profile);
        Range<Double> range = Range.from(
                query.from() == null ? Range.Boundary.unbounded() : Range.Boundary.including((double) query.from().toEpochMilli()),
                query.to() == null ? Range.Boundary.unbounded() : Range.Boundary.excluding((double) query.to().toEpochMilli()));
        if (!query.filtersContent()) {
            RedisFuture<Long> total = async.zcount(timelineKey(p), range);
            RedisFuture<List<String>> keysOnPage = async.zrevrangebyscore(timelineKey(p), range,
                    Limit.create(query.offset(), query.limit()));
            List<Interaction> items = load(p, connection.await(keysOnPage));
            return new TimelinePage(items, connection.await(total), query.offset(), query.limit());
        }
        // the keys in range (short strings), then their documents a batch at a time: only the page is kept,
        // the others are counted, so a long timeline does not sit in memory whole
        List<String> inRange = redis.zrevrangebyscore(timelineKey(p), range);
        List<Interaction> page = new ArrayList<>();
        long matching = 0;
        for (int from = 0; from < inRange.size(); from += BATCH) {
            for (Interaction i : load(p, inRange.subList(from, Math.min(inRange.size(), from + BATCH)))) {
                if ((query.kinds().isEmpty() || query.kinds().contains(i.kind()))
                        && (query.channels().isEmpty() || i.channel() != null
                                && query.channels().contains(i.channel().toLowerCase(java.util.Locale.ROOT)))) {
                    if (matching >= query.offset() && page.size() < query.limit()) {
                        page.add(i);
                    }
                    matching++;
                }
            }
        }
        return new TimelinePage(page, matching, query.offset(), query.limit());
    }

    /** Every interaction on a profile's timeline, oldest first. */
    public List<Interaction> interactions(ProfileId profile) {
        ProfileId p = live(profile);
        return load(p, redis.zrange(timelineKey(p), 0, -1));
    }

    /** The profile's interactions that occurred at or after {@code since}: a range of its timeline. */
    public List<Interaction> interactionsSince(ProfileId profile, Instant since) {
        ProfileId p = live(profile);
        List<String> keys = redis.zrangebyscore(timelineKey(p),
                Range.from(Range.Boundary.including((double) since.toEpochMilli()), Range.Boundary.unbounded()));
        List<Interaction> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH) {
            found.addAll(load(p, keys.subList(from, Math.min(keys.size(), from + BATCH))));
        }
        return found;
    }

    /** Removes the interactions waiting for a record (its person was erased: they must not stay). */
    public void dropPending(SourceRecordId record) {
        redis.del(pendingKey(record));
    }

    /** The moments of truth fired on a profile's timeline: {@code rule|trigger} → when. */
    public Map<String, Instant> firedMoments(ProfileId profile) {
        Map<String, Instant> fired = new TreeMap<>();
        redis.hgetall(momentsKey(live(profile))).forEach((k, v) -> fired.put(k, Instant.ofEpochMilli(Long.parseLong(v))));
        return fired;
    }

    /**
     * The keys a profile id's CX history occupies: timeline, interactions, metrics, stages, moments and
     * the moves record (for the erasure).
     */
    public List<String> profileKeys(ProfileId profile, boolean withMoves) {
        List<String> all = new ArrayList<>(List.of(timelineKey(profile), interactionsKey(profile), metricsKey(profile),
                stagesKey(profile), momentsKey(profile)));
        if (withMoves) {
            all.add(movesKey(profile));
        }
        return all;
    }

    /** The open-complaint index (for the erasure). */
    public String openComplaintsKey() {
        return overdueKey();
    }

    /** The dashboard ledger (for the erasure: its fields name interaction keys). */
    public String aggregateLedgerKey() {
        return AggregateBuckets.ledgerKey(keys);
    }

    /** The ledger fields these interactions (and their tickets) occupy. */
    public List<String> ledgerFields(Collection<Interaction> interactions) {
        Set<String> fields = new LinkedHashSet<>();
        for (Interaction i : interactions) {
            fields.add(AggregateBuckets.interactionField(CxMetricsCalculator.key(i)));
            if (isTicket(i.kind())) {
                fields.add(AggregateBuckets.ticketField(calculator.ticketKey(i)));
            }
        }
        return List.copyOf(fields);
    }

    /** Removes these owner fields ({@link #ticketOwnersKey}) where they name one of {@code owners} (an erasure). */
    public void dropOwners(List<String> fields, Collection<ProfileId> owners) {
        if (fields.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(owners.size()));
        owners.forEach(o -> args.add(o.value()));
        args.addAll(fields);
        DROP_OWNERS.run(connection, new String[] {ticketOwnersKey()}, args.toArray(String[]::new));
    }

    /** KEYS: owners hash. ARGV: n, n profile ids, then fields: each removed when it names one of the ids. */
    private static final CxScript DROP_OWNERS = new CxScript("""
            local n = tonumber(ARGV[1])
            local ids = {}
            for i = 2, n + 1 do ids[ARGV[i]] = true end
            for i = n + 2, #ARGV do
              local owner = redis.call('HGET', KEYS[1], ARGV[i])
              if owner and ids[owner] then redis.call('HDEL', KEYS[1], ARGV[i]) end
            end
            return 0
            """);

    /** The ticket-owner fields these interactions occupy ({@link #ticketOwnersKey}; for the erasure). */
    public List<String> ticketOwnerFields(Collection<Interaction> interactions) {
        Set<String> fields = new LinkedHashSet<>();
        for (Interaction i : interactions) {
            String owner = ownerKey(i);
            if (owner != null) {
                fields.add(owner);
            }
        }
        return List.copyOf(fields);
    }

    /** Interactions waiting for their source record to land on a profile. */
    public List<Interaction> pending(SourceRecordId record) {
        return redis.hvals(pendingKey(record)).stream().map(json -> CxJson.read(json, Interaction.class))
                .sorted(java.util.Comparator.comparing(Interaction::occurredAt).thenComparing(CxMetricsCalculator::key))
                .toList();
    }

    private List<Interaction> load(ProfileId p, List<String> keysInOrder) {
        if (keysInOrder.isEmpty()) {
            return List.of();
        }
        Map<String, String> byKey = new TreeMap<>();
        redis.hmget(interactionsKey(p), keysInOrder.toArray(String[]::new))
                .forEach(kv -> byKey.put(kv.getKey(), kv.getValueOrElse(null)));
        List<Interaction> items = new ArrayList<>();
        for (String key : keysInOrder) {
            String json = byKey.get(key);
            if (json != null) { // removed between the two reads by a split: skip it
                items.add(CxJson.read(json, Interaction.class));
            }
        }
        return items;
    }
}
