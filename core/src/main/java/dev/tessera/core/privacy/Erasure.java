package dev.tessera.core.privacy;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.MatchPolicy;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to erasure (GDPR Art. 17): removes everything Tessera holds about one person and leaves a
 * tombstone of keyed hashes so that the same source records, and by default the same emails and phones,
 * are refused when they arrive again (docs/privacy.md).
 *
 * <p>Order, so that a record arriving while the erasure runs cannot bring the person back: (1) the
 * tombstones of every record of the profile are written; (2) the profile is sealed — taken out of service
 * with a version check, so that nothing can join it any more and every write that read it conflicts; if
 * a record joined in between, go back to (1); (3) the profile's keys, index entries, forwards, timeline,
 * consent and pending interactions are removed; (4) an {@code erased} change is published and the erasure
 * is written to the audit log. A record of the person arriving after (1) is refused by the profile write
 * script itself (single node) or by the check before it (Redis Cluster); an interaction is dropped.
 */
public final class Erasure {

    private static final Logger log = LoggerFactory.getLogger(Erasure.class);

    /** Why an erasure was asked for: a short token such as {@code subject-request}, never free text. */
    public static final String REASON_PATTERN = "[a-z][a-z0-9-]{0,63}";
    private static final Pattern REASON = Pattern.compile(REASON_PATTERN);
    private static final int MAX_ATTEMPTS = 16;
    private static final int BATCH = 500;

    private final ProfileStore store;
    private final CxStore cx;
    private final ConsentStore consent;
    private final Tombstones tombstones;
    private final MatchPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final DeadLetterStore deadLetters;

    public Erasure(ProfileStore store, CxStore cx, Tombstones tombstones, MatchPolicy policy, AuditLog audit,
            Clock clock) {
        this(store, cx, tombstones, policy, audit, clock, null);
    }

    /**
     * @param deadLetters where rejected payloads are kept: the person's are removed too (see
     *                    {@link PersonInPayload}); null when this process has none to look at
     */
    public Erasure(ProfileStore store, CxStore cx, Tombstones tombstones, MatchPolicy policy, AuditLog audit,
            Clock clock, DeadLetterStore deadLetters) {
        this.store = Objects.requireNonNull(store, "store");
        this.cx = Objects.requireNonNull(cx, "cx");
        this.consent = cx.consent();
        this.tombstones = Objects.requireNonNull(tombstones, "tombstones");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadLetters = deadLetters;
        if (!store.namespace().isDefault()) {
            throw new IllegalArgumentException("erasure works on the live data only");
        }
    }

    /**
     * What an erasure removed: the profile, the ids that forwarded to it, and counts (no personal data).
     *
     * @param keysRemoved Redis keys deleted (index sets that only lost a member are not counted)
     * @param deadLetters rejected payloads removed because they held the person's email, phone or record id
     */
    public record Report(ProfileId profile, Set<ProfileId> formerIds, int records, int interactions, int consent,
            int tombstones, long keysRemoved, int deadLetters, Instant at) {}

    public static boolean isValidReason(String reason) {
        return reason != null && REASON.matcher(reason).matches();
    }

    /**
     * Erases the person behind this profile id (following merges).
     *
     * @param reason a token ({@value #REASON_PATTERN}), e.g. {@code subject-request}; kept in the audit log
     * @param actor  who asked (token subject)
     * @return what was removed; empty when there is no such profile
     * @throws ConcurrentModificationException when the profile kept changing (retry)
     */
    public Optional<Report> erase(ProfileId id, String reason, String actor) {
        if (!isValidReason(reason)) {
            throw new IllegalArgumentException("reason must match " + REASON_PATTERN);
        }
        Instant now = clock.instant();
        ProfileId live = null;
        List<CustomerRecord> sealed = null;
        List<CustomerRecord> tombstoned = List.of(); // by this call, before a seal that failed
        for (int attempt = 0; attempt < MAX_ATTEMPTS && sealed == null; attempt++) {
            refuseWhileDissolving(id);
            Optional<ProfileId> current = store.canonical(id);
            if (current.isEmpty()) {
                ChainEnd end = endOfChain(id);
                if (end.fields().containsKey("erasing")) {
                    // an erasure that stopped after sealing (a crash): finish it
                    live = end.id();
                    sealed = store.records(live);
                    writeTombstones(sealed, now);
                    break;
                }
                if (end.fields().containsKey("dissolved")) {
                    throw new ConcurrentModificationException("profile " + id + " is being split or re-resolved");
                }
                if (!end.fields().containsKey("was-dissolved")) {
                    return Optional.empty();
                }
                // a split or re-resolution refused every record of it (their tombstones came first: this
                // erasure's seal lost the race with the dissolve), so it forwards nowhere: whatever its id still
                // holds (history, consent, or nothing but the hash) is the person's and goes too, audited like
                // any erasure, with what the records this call tombstoned left (dead letters, decisions)
                live = end.id();
                sealed = tombstoned;
                break;
            }
            live = current.get();
            ProfileStore.Loaded loaded = store.loadLive(List.of(live)).get(live);
            if (loaded == null) {
                continue;
            }
            refuseWhileHeld(id, loaded.records());
            writeTombstones(loaded.records(), now);
            tombstoned = loaded.records();
            if (store.seal(live, loaded.profile().version(), now)) {
                sealed = loaded.records();
            }
        }
        if (sealed == null) {
            throw new ConcurrentModificationException("profile " + id + " kept changing during its erasure");
        }
        Report report = remove(id, live, sealed, now);
        audit.append(AuditEntry.of(now, actor, "profile.erase", live.value(), List.of("profile", "records",
                "identifiers", "timeline", "metrics", "consent", "segments", "dead-letters"), "reason=" + reason
                + (report.formerIds().isEmpty() ? "" : " former-ids=" + report.formerIds().size())
                + (report.deadLetters() == 0 ? "" : " dead-letters=" + report.deadLetters())));
        log.info("Erased profile {}: {} records, {} interactions, {} consent statements, {} former ids, {} keys removed, "
                + "{} tombstones, {} dead letters", live, report.records(), report.interactions(), report.consent(),
                report.formerIds().size(), report.keysRemoved(), report.tombstones(), report.deadLetters());
        sweep(sealed, reason, actor);
        return Optional.of(report);
    }

    /** Where an id's forwards end: that hash's id and fields (empty when the chain is too long). */
    private record ChainEnd(ProfileId id, Map<String, String> fields) {}

    /**
     * Follows an id's forwards to the hash where they end, read whole: called only when no live profile is
     * there (a profile sealed by an erasure that did not finish, or a dissolved one), so no document comes.
     */
    private ChainEnd endOfChain(ProfileId id) {
        RedisClusterCommands<String, String> redis = store.connection().commands();
        ProfileId current = id;
        for (int hop = 0; hop < MAX_ATTEMPTS; hop++) {
            Map<String, String> fields = redis.hgetall(store.namespace().profile(current));
            if (!fields.containsKey("forward")) {
                return new ChainEnd(current, fields);
            }
            current = new ProfileId(fields.get("forward"));
        }
        return new ChainEnd(current, Map.of());
    }

    /**
     * Refuses (try again) while the id, or a profile its forwards pass through, is dissolved by a split or a
     * re-resolution still running: its records are resolved again and its history follows them only when
     * that ends (until then an old id may already forward to the profile taking them, which would be erased
     * while the history is still being copied into it). The dead letters of held records that were erased
     * already (their tombstones written, by this erasure's first step) go first: once the records are
     * refused nothing names them any more.
     */
    private void refuseWhileDissolving(ProfileId id) {
        RedisClusterCommands<String, String> redis = store.connection().commands();
        ProfileId current = id;
        for (int hop = 0; hop < MAX_ATTEMPTS; hop++) {
            List<io.lettuce.core.KeyValue<String, String>> fields = redis.hmget(store.namespace().profile(current),
                    "forward", "dissolved");
            if (fields.get(1).hasValue()) {
                List<CustomerRecord> erased = store.dissolvedRecords(current).stream()
                        .filter(r -> tombstones.erased(r.id())).toList();
                if (!erased.isEmpty()) {
                    removeDeadLetters(erased);
                }
                throw new ConcurrentModificationException("profile " + id + " is being split or re-resolved");
            }
            if (!fields.get(0).hasValue()) {
                return;
            }
            current = new ProfileId(fields.get(0).getValue());
        }
    }

    /**
     * Refuses (try again) while a record of the profile is still held by a split or re-resolution of another
     * profile that has not finished (one that stopped midway is finished within minutes by the profile
     * service): that profile's history of the record has not followed it here yet, and erasing now would
     * leave it there, under an id nothing leads to any more.
     */
    private void refuseWhileHeld(ProfileId id, List<CustomerRecord> records) {
        Set<ProfileId> holds = store.dissolvedHeld();
        if (holds.isEmpty() || records.isEmpty()) {
            return;
        }
        RedisClusterCommands<String, String> redis = store.connection().commands();
        String[] recordKeys = records.stream().map(r -> r.id().key()).toArray(String[]::new);
        for (ProfileId held : holds) {
            if (redis.hmget(store.namespace().dissolvedRecords(held), recordKeys).stream()
                    .noneMatch(io.lettuce.core.KeyValue::hasValue)) {
                continue;
            }
            List<io.lettuce.core.KeyValue<String, String>> at = redis.hmget(store.namespace().profile(held),
                    "dissolved-at", "dissolved"); // the first is not moved on by the finisher's claims
            String since = at.get(0).hasValue() ? at.get(0).getValue() : at.get(1).getValueOrElse(null);
            List<String> time = redis.time(); // Redis's clock, as the hold's time was taken
            long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            if (since != null && now - Long.parseLong(since) > STALE_HOLD.toMillis()) {
                // not finished for far longer than the finisher takes (off, or failing): the erasure goes on
                // and takes her records out of the hold, as it did before it waited (the hold's history of
                // them stays under that id)
                log.warn("Erasing profile {} although split or re-resolution {} still holds one of its records"
                        + " after {}; check the identity schedule", id, held, STALE_HOLD);
                continue;
            }
            throw new ConcurrentModificationException("a record of profile " + id
                    + " is still held by a split or re-resolution that has not finished");
        }
    }

    /** How long an erasure waits for an unfinished split holding one of its records (the finisher's minutes, many times). */
    static final java.time.Duration STALE_HOLD = java.time.Duration.ofMinutes(15);

    private int writeTombstones(List<CustomerRecord> records, Instant now) {
        Set<SourceRecordId> ids = new LinkedHashSet<>();
        Set<Identifier> identifiers = new LinkedHashSet<>();
        for (CustomerRecord r : records) {
            ids.add(r.id());
            r.identifiers().stream()
                    .filter(i -> i.type() == IdentifierType.EMAIL || i.type() == IdentifierType.PHONE)
                    .forEach(identifiers::add);
        }
        tombstones.write(ids, identifiers, now);
        return ids.size() + identifiers.size();
    }

    private Report remove(ProfileId requested, ProfileId live, List<CustomerRecord> records, Instant now) {
        RedisClusterCommands<String, String> redis = store.connection().commands();
        RedisClusterAsyncCommands<String, String> async = store.connection().async();
        RedisKeys.Namespace keys = store.namespace();
        // first, while the sealed profile still marks an unfinished erasure: if this fails, calling the
        // erasure again finishes it, dead letters included
        int deadLetterCount = removeDeadLetters(records);
        Map<SourceRecordId, LinkEvidence> links = store.links(live);
        List<Interaction> timeline = cx.interactions(live);
        int consentStatements = consent.stored(live).size();
        Set<ProfileId> former = FormerIds.of(store, live, links.values(), timeline,
                requested.equals(live) ? List.of() : List.of(requested));
        Set<ProfileId> all = new LinkedHashSet<>();
        all.add(live);
        all.addAll(former);
        String[] members = all.stream().map(ProfileId::value).toArray(String[]::new);

        List<String> doomed = new ArrayList<>();
        List<RedisFuture<?>> writes = new ArrayList<>();
        Set<Identifier> identifiers = new LinkedHashSet<>();
        Set<String> blocks = new LinkedHashSet<>();
        for (CustomerRecord r : records) {
            identifiers.addAll(r.identifiers());
            // whatever policy filed the record (the settings may have changed since), its keys go: this
            // policy's and the default's, as when the resolver takes a dissolved profile out of the index
            blocks.addAll(policy.blockingKeys(r));
            blocks.addAll(dev.tessera.core.identity.match.BlockingKeys.keys(r));
            doomed.add(keys.source(r.id()));
            doomed.add(keys.pendingInteractions(r.id()));
            doomed.add(keys.cannotLink(r.id()));
            for (SourceRecordId partner : store.cannotLink(r.id())) {
                writes.add(async.srem(keys.cannotLink(partner), r.id().key()));
            }
            // must-link decisions of manual merges hold the agent's reason: both sides go
            doomed.add(keys.mustLink(r.id()));
            for (SourceRecordId partner : store.mustLink(r.id()).keySet()) {
                writes.add(async.hdel(keys.mustLink(partner), r.id().key()));
            }
        }
        List<String> indexKeys = new ArrayList<>();
        identifiers.forEach(i -> indexKeys.add(keys.identifier(i)));
        blocks.forEach(b -> indexKeys.add(keys.block(b)));
        // one script on a single node, counted like every index change (the resolver's settle check)
        store.removeFromIndex(indexKeys, java.util.Arrays.asList(members));
        writes.add(async.zrem(cx.openComplaintsKey(), members));
        // her tickets', orders' and answers' ids name her: their owner entries go, unless they name another
        // person's profile (an order re-delivered under someone else, whose copy follows them)
        List<String> owned = cx.ticketOwnerFields(timeline);
        for (int from = 0; from < owned.size(); from += BATCH) {
            cx.dropOwners(owned.subList(from, Math.min(owned.size(), from + BATCH)), all);
        }
        List<String> ledger = cx.ledgerFields(timeline);
        for (int from = 0; from < ledger.size(); from += BATCH) {
            writes.add(async.hdel(cx.aggregateLedgerKey(),
                    ledger.subList(from, Math.min(ledger.size(), from + BATCH)).toArray(String[]::new)));
        }
        // a split or re-resolution that stopped midway may still hold her records under another id (its
        // follow-up, which would have named that id in her timeline, never ran): they leave every hold, and
        // the other people's records there stay to be finished
        String[] recordKeys = records.stream().map(r -> r.id().key()).toArray(String[]::new);
        if (recordKeys.length > 0) {
            for (ProfileId held : store.dissolvedHeld()) {
                writes.add(async.hdel(keys.dissolvedRecords(held), recordKeys));
            }
        }
        // a split that moved her records out of a profile that now forwards to someone else's (not a former
        // id of hers, so its keys stay) noted there where each record went: those notes name her record ids
        for (Interaction note : timeline) {
            String from = note.attributes().get("from");
            if (note.kind() == InteractionKind.PROFILE_SPLIT && from != null && ProfileId.isValid(from)
                    && !all.contains(new ProfileId(from)) && recordKeys.length > 0) {
                List<String> fields = new ArrayList<>();
                for (String key : recordKeys) {
                    fields.add("record:" + key);
                }
                all.forEach(p -> fields.add("splitAt:" + p.value()));
                writes.add(async.hdel(cx.movesKey(new ProfileId(from)), fields.toArray(String[]::new)));
            }
        }
        // segment memberships: the segments' side here, the profile's side with the profile's keys below
        for (ProfileId p : all) {
            for (String segment : redis.hkeys(keys.profileSegments(p))) {
                writes.add(async.zrem(keys.segmentMembers(segment), p.value()));
            }
        }
        for (ProfileId p : all) {
            doomed.add(keys.profileSegments(p));
            doomed.add(keys.records(p));
            doomed.add(keys.dissolvedRecords(p)); // held by a split or re-resolution that stopped midway
            doomed.add(keys.splitOut(p));
            doomed.add(keys.links(p));
            doomed.add(keys.consent(p));
            doomed.addAll(cx.profileKeys(p, true));
            doomed.add(keys.profile(p));
        }
        writes.forEach(store.connection()::await);
        long removed = 0;
        for (int from = 0; from < doomed.size(); from += BATCH) {
            removed += redis.del(doomed.subList(from, Math.min(doomed.size(), from + BATCH)).toArray(String[]::new));
        }
        for (ProfileId p : all) {
            store.publishChange(p, "erased");
        }
        long customerInteractions = timeline.stream().filter(i -> !"tessera".equals(i.record().source())).count();
        return new Report(live, former, records.size(), (int) customerInteractions, consentStatements,
                records.size() + (int) identifiers.stream()
                        .filter(i -> i.type() == IdentifierType.EMAIL || i.type() == IdentifierType.PHONE).count(),
                removed, deadLetterCount, now);
    }

    /**
     * The person's rejected payloads: a dead letter keeps the original verbatim for replay, so one that
     * holds their email, phone or record id is personal data like the profile (found by
     * {@link PersonInPayload}; every route is read, which is fine for the small stores dead letters are).
     */
    private int removeDeadLetters(List<CustomerRecord> records) {
        if (deadLetters == null) {
            return 0;
        }
        PersonInPayload person = new PersonInPayload(records, deadLetters.recordSources());
        if (person.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (String route : deadLetters.routes()) {
            removed += deadLetters.removeWhere(route, person);
        }
        return removed;
    }

    /**
     * Last look: a record of the person indexed again after the deletion (possible only where the tombstone
     * is checked before the write rather than in it: Redis Cluster) is erased as well.
     */
    private void sweep(List<CustomerRecord> records, String reason, String actor) {
        Set<ProfileId> again = new LinkedHashSet<>();
        for (CustomerRecord r : records) {
            store.findBySource(r.id()).ifPresent(again::add);
        }
        for (ProfileId p : again) {
            log.warn("A record of erased profile(s) reappeared on profile {} during the erasure: erasing it too", p);
            try {
                erase(p, reason, actor);
            } catch (ConcurrentModificationException e) {
                // the erasure asked for is done and audited; this one is a split's to finish first
                log.warn("Profile {} could not be erased yet ({}); erase it again", p, e.getMessage());
            }
        }
    }
}
