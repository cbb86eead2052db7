package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.activity;
import static dev.tessera.core.cx.CxFixtures.rec;
import static dev.tessera.core.cx.CxFixtures.ticket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.AggregateQuery.Dimension;
import dev.tessera.core.cx.AggregateQuery.Granularity;
import dev.tessera.core.cx.AggregateReport.Bucket;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Stage histories dated by event time through real Redis: history loaded after the fact, in any order, gives
 * the history (and the churn counts) of arrival in real time, and the buckets stay what a rebuild counts.
 */
class CxStageEventTimeTest extends CxStoreTestBase {

    private static final Instant HISTORY_START = Instant.parse("2021-01-01T00:00:00Z");

    private final SourceRecordId ann = rec("shop", "ann");
    private final SourceRecordId bob = rec("shop", "bob");
    private final SourceRecordId annCrm = rec("crm", "A-17");

    private ProfileId resolve(SourceRecordId id, String... emails) {
        CustomerRecord record = new CustomerRecord(id, T0, Arrays.stream(emails)
                .map(e -> new Identifier(IdentifierType.EMAIL, e)).toList(), Map.of());
        var resolution = resolver.resolve(record);
        new CxIdentityHooks(cx).afterResolve(record, resolution);
        return resolution.profileId();
    }

    private ProfileId profileOf(SourceRecordId record) {
        return profiles.findBySource(record).orElseThrow();
    }

    /** Stage and entry time of every stay (the time spent depends on the clock only). */
    private List<String> history(SourceRecordId record) {
        return cx.stages(profileOf(record)).stream().map(s -> s.stage() + "@" + s.enteredAt()).toList();
    }

    /** Every day bucket and the ledger, as stored (the activity sketches left out). */
    private Map<String, Map<String, String>> buckets() {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (String key : redis.commands().keys("{cx:agg}:*")) {
            if (!key.contains(":active:")) {
                all.put(key, new TreeMap<>(redis.commands().hgetall(key)));
            }
        }
        return all;
    }

    /** The churn fields of the day buckets: day|field → count. */
    private Map<String, String> churnCounts() {
        Map<String, String> churn = new TreeMap<>();
        buckets().forEach((key, fields) -> fields.forEach((f, v) -> {
            if (f.startsWith("all|churn|")) {
                churn.put(key.substring(key.lastIndexOf(':') + 1) + "|" + f, v);
            }
        }));
        return churn;
    }

    private Bucket day(LocalDate day) {
        return new CxAggregates(cx).query(new AggregateQuery(day, day, Granularity.DAY, Dimension.ALL))
                .series().get(0).buckets().get(0);
    }

    private record Outcome(Map<SourceRecordId, List<String>> stages, Map<String, Map<String, String>> buckets) {}

    private Outcome outcome() {
        Map<SourceRecordId, List<String>> stages = new LinkedHashMap<>();
        for (SourceRecordId r : List.of(ann, bob)) {
            stages.put(r, history(r));
        }
        return new Outcome(stages, buckets());
    }

    private List<Interaction> histories(long seed) {
        List<Interaction> all = new ArrayList<>(StageHistories.history(seed, ann, HISTORY_START, T0));
        all.addAll(StageHistories.history(seed + 100, bob, HISTORY_START, T0));
        return all;
    }

    private void freshStore() {
        RedisTestSupport.flush();
        clock.set(T0);
        resolve(ann, "ann@example.com");
        resolve(bob, "bob@example.com");
    }

    @Test
    void aBackfillInAnyOrderGivesTheHistoryAndChurnCountsOfArrivalInRealTime() {
        for (long seed = 1; seed <= 4; seed++) {
            List<Interaction> inTime = histories(seed);
            inTime.sort(Comparator.comparing(Interaction::occurredAt));

            // live: each interaction arrives when it happens; a scheduler refreshes now and then
            freshStore();
            Random refreshes = new Random(seed);
            for (Interaction i : inTime) {
                clock.set(i.occurredAt());
                cx.append(i);
                if (refreshes.nextInt(10) == 0) {
                    cx.refresh(profileOf(i.record()));
                }
            }
            clock.set(T0);
            cx.refresh(profileOf(ann));
            cx.refresh(profileOf(bob));
            Outcome live = outcome();
            assertThat(churnCounts()).as("seed %d: the histories churn", seed).isNotEmpty();

            // backfill: everything loaded today, shuffled, with re-deliveries
            freshStore();
            Random random = new Random(seed);
            List<Interaction> deliveries = new ArrayList<>(inTime);
            for (int k = 0; k < 20; k++) {
                deliveries.add(inTime.get(random.nextInt(inTime.size())));
            }
            Collections.shuffle(deliveries, random);
            deliveries.forEach(cx::append);
            Outcome shuffled = outcome();

            // backfill in time order
            freshStore();
            inTime.forEach(cx::append);
            Outcome sorted = outcome();

            assertThat(shuffled).as("seed %d shuffled", seed).isEqualTo(live);
            assertThat(sorted).as("seed %d in time order", seed).isEqualTo(live);
            new CxAggregates(cx).rebuild();
            assertThat(buckets()).as("seed %d rebuilt", seed).isEqualTo(sorted.buckets());
        }
    }

    /**
     * The scheduled pass over every profile ({@code advanceStage}) records what time alone changed (a churn
     * after a silent year, dated when the rule first held, with its counts) exactly as a refresh does, from
     * the stored tally and last stage: no timeline is read, and a profile with nothing new is not written.
     */
    @Test
    void theScheduledPassRecordsWhatTimeAloneChangedAsARefreshDoesWithoutReadingTimelines() {
        // refreshes now and then while the histories arrive, then a last pass after a silent year
        boolean single = !RedisTestCluster.enabled();
        for (long seed = 1; seed <= 3; seed++) {
            List<Interaction> inTime = histories(seed);
            inTime.sort(Comparator.comparing(Interaction::occurredAt));
            Outcome[] outcomes = new Outcome[2];
            for (int pass = 0; pass < 2; pass++) {
                boolean advance = pass == 1;
                freshStore();
                Random scheduler = new Random(seed);
                Instant previous = inTime.get(0).occurredAt();
                for (Interaction i : inTime) {
                    long gap = Duration.between(previous, i.occurredAt()).toMillis();
                    if (gap > 0 && scheduler.nextInt(5) == 0) {
                        // the pass runs somewhere in the quiet time before the next interaction
                        clock.set(previous.plusMillis((long) (scheduler.nextDouble() * gap)));
                        if (advance) {
                            cx.advanceStages(List.of(profileOf(ann), profileOf(bob)));
                        } else {
                            cx.refresh(profileOf(ann));
                            cx.refresh(profileOf(bob));
                        }
                    }
                    clock.set(i.occurredAt());
                    cx.append(i);
                    previous = i.occurredAt();
                }
                clock.set(T0.plus(Duration.ofDays(400))); // then a silent year and more: both churn
                if (advance) {
                    if (single) {
                        redis.commands().configResetstat();
                    }
                    // the pass reads its profiles in batches
                    assertThat(cx.advanceStages(List.of(profileOf(ann), profileOf(bob))))
                            .as("seed %d: time alone changed both", seed).isEqualTo(2);
                    if (single) {
                        assertThat(redis.commands().info("commandstats")).as("no timeline read")
                                .doesNotContain("cmdstat_hgetall");
                    }
                    String version = redis.commands().hget(cx.metricsKey(profileOf(ann)), "version");
                    assertThat(cx.advanceStage(profileOf(ann))).as("nothing more to record").isFalse();
                    assertThat(redis.commands().hget(cx.metricsKey(profileOf(ann)), "version")).isEqualTo(version);
                } else {
                    cx.refresh(profileOf(ann));
                    cx.refresh(profileOf(bob));
                }
                outcomes[pass] = outcome();
            }
            assertThat(churnCounts()).as("seed %d: the histories churn", seed).isNotEmpty();
            assertThat(outcomes[1]).as("seed %d", seed).isEqualTo(outcomes[0]);
        }
    }

    /**
     * A profile with interactions and no stage history (a move left unfinished, or data from before stages
     * were kept): the pass derives it from the timeline, as a refresh does, churn included.
     */
    @Test
    void thePassDerivesAMissingStageHistoryAsARefreshDoes() {
        List<List<String>> histories = new ArrayList<>();
        for (boolean advance : List.of(false, true)) {
            freshStore();
            cx.append(activity(ann, "a-1", T0.minus(Duration.ofDays(40)), "web"));
            cx.append(activity(ann, "a-2", T0.minus(Duration.ofDays(10)), "web"));
            redis.commands().del(cx.stagesKey(profileOf(ann)));
            clock.set(T0.plus(Duration.ofDays(400)));
            if (advance) {
                assertThat(cx.advanceStages(List.of(profileOf(ann), profileOf(bob)))).isEqualTo(1);
            } else {
                cx.refresh(profileOf(ann));
            }
            histories.add(history(ann));
        }
        assertThat(histories.get(0)).anyMatch(h -> h.startsWith("CHURNED@"));
        assertThat(histories.get(1)).isEqualTo(histories.get(0));
    }

    @Test
    void aProfileSilentForTwoYearsChurnedAYearAfterItsLastInteraction() {
        resolve(ann, "ann@example.com");
        Instant first = T0.minus(Duration.ofDays(900));
        Instant last = T0.minus(Duration.ofDays(730));
        // loaded today, newest first
        cx.append(activity(ann, "a-3", last, "email"));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "t-s", "T-1", first.plus(Duration.ofDays(62)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "t-o", "T-1", first.plus(Duration.ofDays(60)), false));
        cx.append(activity(ann, "a-1", first, "web"));

        Instant churned = last.plus(Duration.ofDays(366)); // whole days since the last interaction > 365
        assertThat(history(ann)).containsExactly(
                "ONBOARDING@" + first,
                "USE@" + first.plus(Duration.ofDays(31)),
                "MAINTENANCE@" + first.plus(Duration.ofDays(60)),
                "USE@" + first.plus(Duration.ofDays(62)),
                "CHURNED@" + churned);
        LocalDate churnDay = LocalDate.ofInstant(churned, ZoneOffset.UTC);
        assertThat(day(churnDay).churn().churned()).isEqualTo(1);
        assertThat(churnCounts()).containsExactly(Map.entry(churnDay + "|all|churn|entered", "1"));
        assertThat(day(LocalDate.ofInstant(T0, ZoneOffset.UTC)).churn().rate()).as("nothing churned today").isNull();
    }

    @Test
    void theStagesReadAfterTimeAloneMadeAChangeShowItBeforeTheRefreshRecordsIt() {
        resolve(ann, "ann@example.com");
        cx.append(activity(ann, "a-1", T0, "web"));
        ProfileId p = profileOf(ann);
        clock.set(T0.plus(Duration.ofDays(400))); // silent for more than a year; no refresh has run yet

        List<StageChange> read = cx.stages(p);

        assertThat(read).extracting(StageChange::stage).containsExactly(JourneyStage.ONBOARDING, JourneyStage.USE,
                JourneyStage.CHURNED);
        assertThat(read.get(2).enteredAt()).isEqualTo(T0.plus(Duration.ofDays(366)));
        assertThat(read.get(2).current()).isTrue();
        assertThat(cx.metrics(p).daysSinceLastInteraction()).isEqualTo(400);
        // nothing written by reading: the refresh records the same changes
        assertThat(redis.commands().lrange(cx.stagesKey(p), 0, -1)).hasSize(1);
        cx.refresh(p);
        assertThat(redis.commands().lrange(cx.stagesKey(p), 0, -1)).hasSize(3);
        assertThat(cx.stages(p)).isEqualTo(read);
    }

    @Test
    void aLateTicketInsertsItsMaintenanceStayAndItsDuplicateChangesNothing() {
        resolve(ann, "ann@example.com");
        for (int d : new int[] {0, 100, 200}) {
            clock.set(T0.plus(Duration.ofDays(d)));
            cx.append(activity(ann, "a-" + d, clock.instant(), "web"));
        }
        clock.set(T0.plus(Duration.ofDays(210)));

        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "t-s", "T-1", T0.plus(Duration.ofDays(125)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "t-o", "T-1", T0.plus(Duration.ofDays(120)), false));
        List<String> stages = history(ann);
        String version = redis.commands().hget(cx.metricsKey(profileOf(ann)), "version");
        Map<String, Map<String, String>> before = buckets();

        AppendResult again = cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "t-o", "T-1",
                T0.plus(Duration.ofDays(120)), false));

        assertThat(stages).containsExactly("ONBOARDING@" + T0, "USE@" + T0.plus(Duration.ofDays(31)),
                "MAINTENANCE@" + T0.plus(Duration.ofDays(120)), "USE@" + T0.plus(Duration.ofDays(125)));
        assertThat(again.status()).isEqualTo(AppendResult.Status.DUPLICATE);
        assertThat(history(ann)).isEqualTo(stages);
        assertThat(redis.commands().hget(cx.metricsKey(profileOf(ann)), "version")).isEqualTo(version);
        assertThat(buckets()).isEqualTo(before);
    }

    @Test
    void aLateInteractionTakesBackAChurnThatDidNotHappenAndACorrectionMovesIt() {
        resolve(ann, "ann@example.com");
        cx.append(activity(ann, "a-0", T0, "web"));
        clock.set(T0.plus(Duration.ofDays(500)));
        cx.refresh(profileOf(ann));
        LocalDate firstChurn = LocalDate.ofInstant(T0.plus(Duration.ofDays(366)), ZoneOffset.UTC);
        assertThat(churnCounts()).containsExactly(Map.entry(firstChurn + "|all|churn|entered", "1"));

        cx.append(activity(ann, "late", T0.plus(Duration.ofDays(300)), "web")); // silent 200 days only

        assertThat(history(ann)).containsExactly("ONBOARDING@" + T0, "USE@" + T0.plus(Duration.ofDays(31)));
        assertThat(churnCounts()).as("the churn is taken back, its field removed").isEmpty();

        AppendResult corrected = cx.append(activity(ann, "late", T0.plus(Duration.ofDays(100)), "web"));

        assertThat(corrected.status()).isEqualTo(AppendResult.Status.UPDATED);
        Instant churned = T0.plus(Duration.ofDays(100 + 366));
        assertThat(history(ann)).containsExactly("ONBOARDING@" + T0, "USE@" + T0.plus(Duration.ofDays(31)),
                "CHURNED@" + churned);
        assertThat(churnCounts()).containsExactly(
                Map.entry(LocalDate.ofInstant(churned, ZoneOffset.UTC) + "|all|churn|entered", "1"));
        Map<String, Map<String, String>> incremental = buckets();
        new CxAggregates(cx).rebuild();
        assertThat(buckets()).isEqualTo(incremental);
    }

    @Test
    void liveAppendsInTimeOrderAreStampedWhenTheyHappenAndOnlyAppendToTheHistory() {
        resolve(ann, "ann@example.com");
        List<String> seen = new ArrayList<>();
        for (int d : new int[] {0, 10, 11, 20, 45}) {
            clock.set(T0.plus(Duration.ofDays(d)));
            Interaction i = d == 10 ? ticket(ann, InteractionKind.TICKET_OPENED, "t-o", "T-1", clock.instant(), false)
                    : d == 11 ? ticket(ann, InteractionKind.TICKET_SOLVED, "t-s", "T-1", clock.instant(), false)
                    : activity(ann, "a-" + d, clock.instant(), "web");
            cx.append(i);
            List<String> stored = redis.commands().lrange(cx.stagesKey(profileOf(ann)), 0, -1);
            assertThat(stored.subList(0, seen.size())).as("earlier changes are never rewritten").isEqualTo(seen);
            seen = stored;
        }

        assertThat(history(ann)).containsExactly("ONBOARDING@" + T0, "MAINTENANCE@" + T0.plus(Duration.ofDays(10)),
                "ONBOARDING@" + T0.plus(Duration.ofDays(11)), "USE@" + T0.plus(Duration.ofDays(31)));
    }

    @Test
    void changesCausedByAMergeOrSplitAreBookkeepingAndCountNoChurn() {
        ProfileId a = resolve(ann, "ann@example.com");
        clock.advance(Duration.ofSeconds(1)); // the older profile survives the merge
        resolve(annCrm, "ann.smith@example.com");
        cx.append(activity(ann, "a-1", T0.minus(Duration.ofDays(800)), "web")); // silent: churned long ago
        cx.append(activity(annCrm, "c-1", T0.minus(Duration.ofDays(3)), "phone")); // active
        Map<String, String> churn = churnCounts();
        assertThat(churn).hasSize(1);

        ProfileId merged = resolve(rec("crm", "A-18"), "ann@example.com", "ann.smith@example.com");

        assertThat(merged).isEqualTo(a);
        List<StageChange> stages = cx.stages(merged);
        assertThat(stages.get(stages.size() - 1).stage()).isEqualTo(JourneyStage.USE);
        assertThat(stages.get(stages.size() - 1).enteredAt()).as("the merge's own time").isEqualTo(clock.instant());
        assertThat(churnCounts()).as("leaving CHURNED by a merge is no reactivation").isEqualTo(churn);
        Map<String, Map<String, String>> incremental = buckets();
        new CxAggregates(cx).rebuild();
        assertThat(buckets()).isEqualTo(incremental);

        clock.advance(Duration.ofHours(1));
        resolver.split(merged, Set.of(annCrm), new CxIdentityHooks(cx)::afterMoved);

        assertThat(cx.stages(profileOf(ann)).get(cx.stages(profileOf(ann)).size() - 1).stage())
                .isEqualTo(JourneyStage.CHURNED);
        assertThat(churnCounts()).as("nor is churning again by a split").isEqualTo(churn);

        // a late interaction re-derives the history from its time: an ordinary, counted change
        clock.advance(Duration.ofHours(1));
        cx.append(activity(ann, "a-late", T0.minus(Duration.ofDays(10)), "web"));
        Instant first = T0.minus(Duration.ofDays(800));
        assertThat(history(ann)).containsExactly("ONBOARDING@" + first, "USE@" + first.plus(Duration.ofDays(31)),
                "CHURNED@" + first.plus(Duration.ofDays(366)), "USE@" + T0.minus(Duration.ofDays(10)));
        assertThat(day(LocalDate.ofInstant(T0.minus(Duration.ofDays(10)), ZoneOffset.UTC)).churn().reactivated())
                .isEqualTo(1);
    }

    @Test
    void aRefreshBeforeAnyInteractionRecordsNoStageAndTheFirstInteractionStartsTheJourney() {
        resolve(ann, "ann@example.com");
        ProfileId p = profileOf(ann);
        clock.set(T0.plus(Duration.ofDays(3)));
        cx.refresh(p); // the scheduled refresh of a profile known from its CRM record only

        assertThat(redis.commands().lrange(cx.stagesKey(p), 0, -1)).isEmpty();
        clock.set(T0.plus(Duration.ofDays(5)));
        cx.append(activity(ann, "a-1", clock.instant(), "web"));

        // as deriving the whole history from the timeline says: no stay in USE before anything happened
        assertThat(history(ann)).containsExactly("ONBOARDING@" + T0.plus(Duration.ofDays(5)));
        assertThat(cx.rederiveStages(p)).extracting(StageChange::stage).containsExactly(JourneyStage.ONBOARDING);
    }

    @Test
    void profilesKnownFromTheirRecordsOnlyHaveNoStageAfterAMergeOrARederivation() {
        resolve(ann, "ann@example.com");
        clock.advance(Duration.ofSeconds(1));
        resolve(annCrm, "ann.smith@example.com");
        clock.advance(Duration.ofDays(2));
        ProfileId merged = resolve(rec("crm", "A-18"), "ann@example.com", "ann.smith@example.com");

        // the merge left its note on the timeline; no journey started from it
        assertThat(cx.interactions(merged)).isNotEmpty();
        assertThat(redis.commands().lrange(cx.stagesKey(merged), 0, -1)).isEmpty();
        assertThat(redis.commands().hget(cx.metricsKey(merged), "stage")).isNull();
        assertThat(cx.rederiveStages(merged)).isEmpty();
    }

    @Test
    void rederivingAStoredHistoryDatesItByEventTime() {
        resolve(ann, "ann@example.com");
        cx.append(activity(ann, "a-1", T0, "web"));
        ProfileId p = profileOf(ann);
        // a history as recorded before stage changes were dated by event time: churn stamped when noticed
        Instant noticed = T0.plus(Duration.ofDays(400));
        redis.commands().rpush(cx.stagesKey(p), CxJson.write(new CxStore.StoredStage(JourneyStage.CHURNED, noticed,
                null)));
        redis.commands().hset(cx.metricsKey(p), "stage", "CHURNED");
        new CxAggregates(cx).rebuild();
        clock.set(noticed.plus(Duration.ofDays(1)));

        List<StageChange> stages = cx.rederiveStages(p);

        assertThat(stages).extracting(StageChange::stage).containsExactly(JourneyStage.ONBOARDING, JourneyStage.USE,
                JourneyStage.CHURNED);
        assertThat(stages.get(2).enteredAt()).isEqualTo(T0.plus(Duration.ofDays(366)));
        assertThat(churnCounts()).containsExactly(Map.entry(
                LocalDate.ofInstant(T0.plus(Duration.ofDays(366)), ZoneOffset.UTC) + "|all|churn|entered", "1"));
    }
}
