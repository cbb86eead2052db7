package dev.tessera.core.privacy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consent per profile, purpose and channel (docs/privacy.md). Stored in the profile's slot,
 * {@code {p:ID}:consent}: one field per purpose, channel and origin (the source record a statement came
 * with, or {@code agent}), holding that origin's latest statement. A statement replaces the stored one
 * only when it is later (same instant: a withdrawal wins), inside one script, so out-of-order and
 * repeated deliveries end in the same state. Which statement is in force is decided when read
 * ({@link ConsentState}): the latest of any origin.
 *
 * <p>Keeping origins apart is what lets consent follow identity: a merge copies every statement into
 * the surviving profile (latest per field wins), a split moves each statement with its source record.
 *
 * <p>Where statements come from: records whose attributes say so ({@code consent_<purpose>_<channel>} =
 * a status word, optionally {@code consent_<purpose>_<channel>_at} = ISO instant; see {@link #ofRecord}),
 * {@link InteractionKind#CONSENT_CHANGE} interactions with attributes {@code purpose}, {@code channel},
 * {@code status} ({@link #ofInteraction}), and agents through the API. Thread-safe.
 */
public final class ConsentStore {

    /** Attribute prefix of consent statements carried by records. */
    public static final String ATTRIBUTE_PREFIX = "consent_";
    private static final int MAX_HOPS = 16;

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /**
     * KEYS: profile hash, consent hash, and the change feed when it may be written in the same script (not
     * on Redis Cluster, where it is in another slot). ARGV: '1' to refuse unless the profile is live, the
     * feed's length cap, the profile id, then per statement (field, at millis, 1 if withdrawn else 0, JSON).
     * Answers -1 when refused, else how many replaced; with a feed, announces a replacement on it (segments
     * with consent conditions follow) in the same round trip.
     */
    private static final PrivacyScript APPLY = new PrivacyScript("""
            if ARGV[1] == '1' then
              if redis.call('HEXISTS', KEYS[1], 'forward') == 1 or redis.call('HEXISTS', KEYS[1], 'doc') == 0 then
                return -1
              end
            end
            local applied = 0
            for i = 4, #ARGV, 4 do
              local old = redis.call('HGET', KEYS[2], ARGV[i])
              local take = true
              if old then
                local o = cjson.decode(old)
                local at, withdrawn = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
                local oldWithdrawn = 0
                if o.status == 'withdrawn' then oldWithdrawn = 1 end
                if at < o.at or (at == o.at and withdrawn <= oldWithdrawn) then take = false end
              end
              if take then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 3]); applied = applied + 1 end
            end
            if applied > 0 and KEYS[3] then
              redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'profile', ARGV[3], 'change', 'consent')
            end
            return applied
            """);

    private final ProfileStore profiles;
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys.Namespace keys;
    private final Clock clock;

    public ConsentStore(ProfileStore profiles, Clock clock) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.redis = profiles.connection().commands();
        this.keys = profiles.namespace();
    }

    /** A statement as stored: times in epoch milliseconds so that the script can compare them. */
    record Stored(String purpose, String channel, String status, long at, String source, String sourceRecord,
            String actor, long recordedAt) {

        static Stored of(ConsentEntry e) {
            return new Stored(e.purpose(), e.channel().code(), e.status().code(), e.at().toEpochMilli(), e.source(),
                    e.sourceRecord() == null ? null : e.sourceRecord().key(), e.actor(), e.recordedAt().toEpochMilli());
        }

        ConsentEntry entry() {
            return new ConsentEntry(purpose, ConsentChannel.of(channel).orElseThrow(),
                    ConsentStatus.of(status).orElseThrow(), Instant.ofEpochMilli(at), source,
                    sourceRecord == null ? null : SourceRecordId.parse(sourceRecord), actor, Instant.ofEpochMilli(recordedAt));
        }
    }

    // ---------------------------------------------------------------- reading statements from data

    /**
     * The statements a record's attributes carry: {@code consent_<purpose>_<channel>} with a status word
     * ({@link ConsentStatus#fromSource}), at {@code consent_<purpose>_<channel>_at} (ISO-8601 instant) or
     * else the record's observed-at time. Attributes that do not parse (unknown channel, other words)
     * say nothing. A time more than {@link ConsentEntry#MAX_AHEAD} ahead of {@code now} is read as the
     * record's observed-at time (or {@code now} when that is ahead too): a mistyped future date must not
     * outrank the withdrawals that come after it.
     */
    public static List<ConsentEntry> ofRecord(CustomerRecord record, Instant now) {
        List<ConsentEntry> found = new ArrayList<>();
        Map<String, String> attributes = record.attributes();
        attributes.forEach((name, value) -> {
            if (!name.startsWith(ATTRIBUTE_PREFIX) || name.endsWith("_at")) {
                return;
            }
            String rest = name.substring(ATTRIBUTE_PREFIX.length());
            int cut = rest.lastIndexOf('_');
            if (cut <= 0) {
                return;
            }
            String purpose = rest.substring(0, cut);
            Optional<ConsentChannel> channel = ConsentChannel.of(rest.substring(cut + 1));
            Optional<ConsentStatus> status = ConsentStatus.fromSource(value);
            if (channel.isEmpty() || status.isEmpty() || !ConsentEntry.isValidPurpose(purpose)) {
                return;
            }
            Instant at = record.observedAt();
            String when = attributes.get(name + "_at");
            if (when != null) {
                try {
                    at = Instant.parse(when);
                } catch (DateTimeParseException e) {
                    // an unreadable time: the record's own time is the best we know
                }
            }
            Instant latest = now.plus(ConsentEntry.MAX_AHEAD);
            if (at.isAfter(latest)) { // the record's own time, so the same record again says the same
                at = record.observedAt().isAfter(latest) ? now : record.observedAt();
            }
            found.add(new ConsentEntry(purpose, channel.get(), status.get(), at, record.id().source(), record.id(),
                    null, now));
        });
        return found;
    }

    /**
     * The statement of a {@link InteractionKind#CONSENT_CHANGE} interaction (empty for other kinds): its
     * attributes {@code purpose} (a token, lower-cased), {@code channel} (default {@code any}) and
     * {@code status}, at its {@code occurredAt}.
     *
     * @throws IllegalArgumentException naming the attribute (never its value) when one is missing or invalid
     */
    public static Optional<ConsentEntry> ofInteraction(Interaction interaction, Instant now) {
        if (interaction.kind() != InteractionKind.CONSENT_CHANGE) {
            return Optional.empty();
        }
        Map<String, String> a = interaction.attributes();
        String purpose = a.get("purpose") == null ? null : a.get("purpose").strip().toLowerCase(java.util.Locale.ROOT);
        if (!ConsentEntry.isValidPurpose(purpose)) {
            throw new IllegalArgumentException("attribute 'purpose' of a consent change must match "
                    + ConsentEntry.PURPOSE_PATTERN);
        }
        String channelCode = a.getOrDefault("channel", "any").strip().toLowerCase(java.util.Locale.ROOT);
        ConsentChannel channel = ConsentChannel.of(channelCode).orElseThrow(() -> new IllegalArgumentException(
                "attribute 'channel' of a consent change must be one of email, sms, phone, post, web, push, any"));
        ConsentStatus status = ConsentStatus.fromSource(a.get("status")).orElseThrow(() -> new IllegalArgumentException(
                "attribute 'status' of a consent change must be granted or withdrawn"));
        // a statement dated ahead (a device clock, a zone read wrong) would outrank every withdrawal until
        // then, the agent's too. Refused (a dead letter, replayable once due) rather than dated by its arrival:
        // each re-delivery would date it again and outrank a withdrawal made in between
        if (interaction.occurredAt().isAfter(now.plus(ConsentEntry.MAX_AHEAD))) {
            throw new IllegalArgumentException("the time of a consent change must not be more than "
                    + ConsentEntry.MAX_AHEAD.toMinutes() + " minutes ahead; replay it when it is due");
        }
        return Optional.of(new ConsentEntry(purpose, channel, status, interaction.occurredAt(),
                interaction.record().source(), interaction.record(), null, now));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Stores the consent statements a record carries on the profile that holds it ({@code profile}, or
     * where it went since).
     *
     * @return how many statements replaced stored ones
     */
    public int fromRecord(CustomerRecord record, ProfileId profile) {
        return fromRecord(record, profile, false);
    }

    /**
     * {@link #fromRecord(CustomerRecord, ProfileId)}, keeping only withdrawals when {@code withdrawalsOnly}
     * (a record of a claimed source: anyone may send one with another person's identifiers).
     */
    public int fromRecord(CustomerRecord record, ProfileId profile, boolean withdrawalsOnly) {
        List<ConsentEntry> entries = ofRecord(record, clock.instant());
        if (withdrawalsOnly) {
            entries = entries.stream().filter(e -> e.status() == ConsentStatus.WITHDRAWN).toList();
        }
        return entries.isEmpty() ? 0 : Math.max(0, applyFollowing(profile, entries, () -> profiles.findBySource(record.id())));
    }

    /** Stores the statement of a consent change interaction on the profile that holds its record. */
    public int fromInteraction(Interaction interaction, ProfileId profile) {
        Optional<ConsentEntry> entry;
        try {
            entry = ofInteraction(interaction, clock.instant());
        } catch (IllegalArgumentException e) {
            return 0; // checked before it was stored; an older stored one says nothing
        }
        return entry.map(e -> Math.max(0, applyFollowing(profile, List.of(e), () -> profiles.findBySource(interaction.record()))))
                .orElse(0);
    }

    /**
     * Stores an agent's statement on the profile with this id (or the one it was merged into).
     *
     * @return the live profile it was stored on; empty when there is no such profile
     */
    public Optional<ProfileId> record(ProfileId id, ConsentEntry entry) {
        Optional<ProfileId> live = profiles.canonical(id);
        for (int hop = 0; hop < MAX_HOPS && live.isPresent(); hop++) {
            if (apply(live.get(), List.of(entry), true) >= 0) {
                return live;
            }
            live = profiles.canonical(id);
        }
        return Optional.empty();
    }

    /**
     * Stores statements moving with a merge or split on {@code target}, or where it forwards now (a
     * concurrent merge moved it on: written to the dead id, a withdrawal counted for no one). When no live
     * profile stands for it at the moment and it is dissolved with its records held (a split in progress,
     * its follow-up still to come), they go under its own key: that follow-up carries them on. Otherwise
     * (erased) they are dropped with the person.
     */
    private void applyToWhereItIs(ProfileId target, List<ConsentEntry> entries) {
        if (applyFollowing(target, entries, () -> profiles.canonical(target)) < 0
                && !profiles.dissolvedRecords(target).isEmpty()) {
            apply(target, entries, false); // dissolved, its records held: the follow-up carries them on
        }
        // otherwise (erased, or every record of it erased meanwhile) an erased person's statements go
    }

    /** Applies on {@code start} or where {@code lookup} finds it now; -1 when no live profile took them. */
    private int applyFollowing(ProfileId start, List<ConsentEntry> entries, Supplier<Optional<ProfileId>> lookup) {
        Optional<ProfileId> target = Optional.of(start);
        for (int hop = 0; hop < MAX_HOPS && target.isPresent(); hop++) {
            long applied = apply(target.get(), entries, true);
            if (applied >= 0) {
                return (int) applied;
            }
            target = lookup.get(); // merged away, split or erased meanwhile
        }
        return -1;
    }

    private long apply(ProfileId profile, Collection<ConsentEntry> entries, boolean requireLive) {
        List<String> args = new ArrayList<>();
        args.add(requireLive ? "1" : "0");
        String feed = profiles.changeFeedForScripts();
        args.add(Long.toString(ProfileStore.CHANGE_FEED_MAX_LENGTH));
        args.add(profile.value());
        for (ConsentEntry e : entries) {
            args.add(e.field());
            args.add(Long.toString(e.at().toEpochMilli()));
            args.add(e.status() == ConsentStatus.WITHDRAWN ? "1" : "0");
            args.add(JSON.writeValueAsString(Stored.of(e)));
        }
        String[] scriptKeys = feed == null ? new String[] {keys.profile(profile), keys.consent(profile)}
                : new String[] {keys.profile(profile), keys.consent(profile), feed};
        long applied = APPLY.run(redis, scriptKeys, args.toArray(String[]::new));
        if (applied > 0 && feed == null) {
            profiles.publishChange(profile, "consent"); // segments with consent conditions follow
        }
        return applied;
    }

    // ---------------------------------------------------------------- identity changes

    /**
     * A merge: every statement of {@code from} goes to {@code into} (latest per field wins), then
     * {@code from}'s are removed. Idempotent; copy-then-delete like the timeline.
     */
    public void absorb(ProfileId from, ProfileId into) {
        List<ConsentEntry> held = stored(from);
        if (held.isEmpty()) {
            return;
        }
        // to where {@code into} is now: a concurrent merge may have moved it on (a withdrawal written to
        // a dead id would be lost, and the person kept in marketing segments)
        applyToWhereItIs(into, held);
        redis.del(keys.consent(from));
    }

    /**
     * A split: the statements that came with the records in {@code moved} go from {@code from} to
     * {@code to}, and with {@code withoutRecord} also those without a record (agents'). Idempotent.
     */
    public void splitOff(ProfileId from, ProfileId to, Set<SourceRecordId> moved, boolean withoutRecord) {
        List<ConsentEntry> leaving = stored(from).stream()
                .filter(e -> e.sourceRecord() == null ? withoutRecord : moved.contains(e.sourceRecord()))
                .toList();
        if (leaving.isEmpty()) {
            return;
        }
        applyToWhereItIs(to, leaving);
        redis.hdel(keys.consent(from), leaving.stream().map(ConsentEntry::field).toArray(String[]::new));
    }

    // ---------------------------------------------------------------- reading

    /** The consent of the profile with this id (or the one it was merged into); empty when there is none. */
    public Optional<ConsentState> find(ProfileId id) {
        return profiles.canonical(id).map(live -> new ConsentState(stored(live)));
    }

    /** The key holding exactly this profile id's statements. */
    public String keyOf(ProfileId id) {
        return keys.consent(id);
    }

    /** The statements stored under exactly this profile id (no forwarding followed). */
    public List<ConsentEntry> stored(ProfileId id) {
        return storedLater(id).get();
    }

    /** {@link #stored} with its read sent now, decoded when asked (to share a round trip with other reads). */
    public Supplier<List<ConsentEntry>> storedLater(ProfileId id) {
        RedisFuture<List<String>> read = profiles.connection().async().hvals(keys.consent(id));
        return () -> {
            List<ConsentEntry> entries = new ArrayList<>();
            profiles.connection().await(read).forEach(json -> entries.add(JSON.readValue(json, Stored.class).entry()));
            return entries;
        };
    }

    /** The key of a profile's consent statements (for the erasure). */
    public String key(ProfileId id) {
        return keys.consent(id);
    }
}
