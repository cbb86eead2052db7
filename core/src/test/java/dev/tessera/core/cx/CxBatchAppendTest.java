package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.nps;
import static dev.tessera.core.cx.CxFixtures.order;
import static dev.tessera.core.cx.CxFixtures.rec;
import static dev.tessera.core.cx.CxFixtures.ticket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.AggregateQuery.Dimension;
import dev.tessera.core.cx.AggregateQuery.Granularity;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link CxStore#appendAll} ends where appending one by one ends: the same timelines, tallies, stage
 * histories, moments, dashboard buckets and per-interaction results, also with duplicates, corrections
 * (the later delivery wins), out-of-order events, records no profile holds yet, merges between batches,
 * a stale source index and concurrent batches.
 */
class CxBatchAppendTest extends CxStoreTestBase {

    private static final List<SourceRecordId> PEOPLE = List.of(rec("shop", "ann"), rec("desk", "ann"),
            rec("shop", "bob"), rec("shop", "cy"), rec("desk", "dee"), rec("shop", "eve"));
    /** Has interactions but no profile until the middle of the deliveries. */
    private static final SourceRecordId LATE = rec("crm", "late");

    private CxIdentityHooks hooks() {
        return new CxIdentityHooks(cx);
    }

    private Resolution resolve(SourceRecordId id, String... emails) {
        clock.advance(Duration.ofMillis(1)); // the older profile survives a merge, not the one with the lower random id
        CustomerRecord record = new CustomerRecord(id, T0, java.util.Arrays.stream(emails)
                .map(e -> new Identifier(IdentifierType.EMAIL, e)).toList(), Map.of());
        Resolution resolution = resolver.resolve(record);
        hooks().afterResolve(record, resolution);
        if (resolution.outcome() == Resolution.Outcome.MERGED) {
            hooks().afterMerge(resolution);
        }
        return resolution;
    }

    /** Everyone but LATE; ann has two records, bob and cy are separate until {@link #link}. */
    private void people() {
        resolve(PEOPLE.get(0), "ann@example.com");
        resolve(PEOPLE.get(1), "ann@example.com");
        resolve(PEOPLE.get(2), "bob@example.com");
        resolve(PEOPLE.get(3), "cy@example.com");
        resolve(PEOPLE.get(4), "dee@example.com");
        resolve(PEOPLE.get(5), "eve@example.com");
        labels.clear();
        PEOPLE.forEach(r -> labels.put(profiles.findBySource(r).orElseThrow().value(), "P(" + r.key() + ")"));
    }

    /** Profile ids (random) to names by record, so that two runs compare. */
    private final Map<String, String> labels = new LinkedHashMap<>();

    private String named(Object o) {
        String text = String.valueOf(o);
        for (Map.Entry<String, String> l : labels.entrySet()) {
            text = text.replace(l.getKey(), l.getValue());
        }
        return text;
    }

    /** A record linking bob and cy (a merge), and LATE arriving on dee. */
    private void link() {
        resolve(rec("crm", "bob-cy"), "bob@example.com", "cy@example.com");
        resolve(LATE, "dee@example.com");
    }

    /**
     * Shuffled history with identical re-deliveries and corrections (same key, other content). A ticket
     * belongs to one person, as in a support system: the dashboard counts a ticket once, from the profile
     * that wrote it last, so one ticket id on two unmerged profiles would depend on the order of writes.
     */
    private static List<Interaction> deliveries(long seed) {
        List<SourceRecordId> who = new ArrayList<>(PEOPLE);
        who.add(LATE);
        List<Interaction> history = RandomInteractions.history(seed, 300, who).stream()
                .map(CxBatchAppendTest::ownTicket).toList();
        Random random = new Random(seed);
        List<Interaction> out = new ArrayList<>(history);
        for (int k = 0; k < 40; k++) {
            out.add(history.get(random.nextInt(history.size())));
        }
        for (Interaction other : RandomInteractions.history(seed + 1000, 25, who)) {
            Interaction keyOf = history.get(random.nextInt(history.size()));
            // the correction's ticket is its own record's, as above: not the ticket of whoever 'other' was for
            out.add(ownTicket(new Interaction(keyOf.id(), keyOf.record(), other.kind(), other.channel(),
                    other.touchpoint(), other.occurredAt(), other.amount(), other.score(), other.attributes())));
        }
        Collections.shuffle(out, random);
        return out;
    }

    private static Interaction ownTicket(Interaction i) {
        String ticket = i.attributes().get("ticket_id");
        if (ticket == null) {
            return i;
        }
        Map<String, String> attributes = new LinkedHashMap<>(i.attributes());
        attributes.put("ticket_id", ticket + "-" + i.record().key());
        return new Interaction(i.id(), i.record(), i.kind(), i.channel(), i.touchpoint(), i.occurredAt(), i.amount(),
                i.score(), attributes);
    }

    /** Everything a reader can see, by record instead of by (random) profile id. */
    private Map<String, Object> snapshot(List<AppendResult> results) {
        Map<String, Object> seen = new TreeMap<>();
        List<SourceRecordId> all = new ArrayList<>(PEOPLE);
        all.add(LATE);
        for (SourceRecordId record : all) {
            ProfileId p = profiles.findBySource(record).orElseThrow();
            String at = record.key();
            seen.put(at + " timeline", named(cx.interactions(p)));
            seen.put(at + " tally", cx.tally(p));
            seen.put(at + " metrics", cx.metrics(p));
            seen.put(at + " stages", cx.stages(p));
            seen.put(at + " moments", new TreeMap<>(cx.firedMoments(p)).keySet());
            seen.put(at + " pending", cx.pending(record));
        }
        CxAggregates aggregates = new CxAggregates(cx);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<Long> active = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            seen.put("aggregate " + d, withoutEstimates(aggregates.query(new AggregateQuery(today.minusDays(420),
                    today, Granularity.MONTH, d)), active));
        }
        seen.put(ACTIVE_ESTIMATES, active);
        seen.put("ledger", new TreeMap<>(redis.commands().hgetall(AggregateBuckets.ledgerKey(profiles.namespace()))));
        seen.put("open complaints due", new java.util.TreeSet<>(redis.commands().zrangeWithScores(
                cx.openComplaintsKey(), 0, -1).stream().map(v -> named(v.getValue()) + "=" + v.getScore()).toList()));
        seen.put("statuses", results.stream().map(AppendResult::status).toList());
        seen.put("moments fired", results.stream().mapToInt(r -> r.moments().size()).sum());
        return seen;
    }

    /**
     * Active profiles are counted by a HyperLogLog over profile ids, and each run creates its profiles with
     * new random ids: two runs that store the same thing may differ by a collision of two ids in one of its
     * registers. The estimates are compared within one profile; the churn rate, divided by them, is left
     * out (the churned and reactivated counts it is made of are compared exactly).
     */
    private static final String ACTIVE_ESTIMATES = "active profiles (HyperLogLog estimates)";

    private static AggregateReport withoutEstimates(AggregateReport report, List<Long> active) {
        List<AggregateReport.Series> series = new ArrayList<>();
        for (AggregateReport.Series s : report.series()) {
            List<AggregateReport.Bucket> buckets = new ArrayList<>();
            for (AggregateReport.Bucket b : s.buckets()) {
                AggregateReport.Churn churn = b.churn();
                if (churn != null) {
                    active.add(churn.activeProfiles());
                    churn = new AggregateReport.Churn(churn.churned(), churn.reactivated(), 0, null);
                }
                buckets.add(new AggregateReport.Bucket(b.from(), b.to(), b.interactions(), b.nps(), b.csat(), b.ces(),
                        b.complaints(), b.tickets(), churn, b.orders()));
            }
            series.add(new AggregateReport.Series(s.key(), buckets));
        }
        return new AggregateReport(report.query(), series);
    }

    @SuppressWarnings("unchecked")
    private static void assertSameUpToEstimates(Map<String, Object> batched, Map<String, Object> oneByOne,
            String what) {
        List<String> differing = oneByOne.keySet().stream().filter(k -> !k.equals(ACTIVE_ESTIMATES))
                .filter(k -> !java.util.Objects.equals(oneByOne.get(k), batched.get(k))).toList();
        assertThat(differing).as("%s: what differs", what).isEmpty();
        List<Long> expected = (List<Long>) oneByOne.get(ACTIVE_ESTIMATES);
        List<Long> actual = (List<Long>) batched.get(ACTIVE_ESTIMATES);
        assertThat(actual).as("%s: active profiles", what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("%s: active profiles, bucket %d", what, i)
                    .isBetween(expected.get(i) - 1, expected.get(i) + 1);
        }
    }

    private Map<String, Object> run(List<Interaction> deliveries, int batch, Random sizes) {
        clock.set(T0);
        people();
        List<AppendResult> results = new ArrayList<>();
        int half = deliveries.size() / 2;
        for (int from = 0; from < deliveries.size(); ) {
            int size = batch == 1 ? 1 : 1 + sizes.nextInt(batch);
            int to = Math.min(deliveries.size(), from + size);
            if (from < half && to > half) {
                to = half; // the merge and the late record come between two batches
            }
            List<Interaction> slice = deliveries.subList(from, to);
            if (batch == 1) {
                slice.forEach(i -> results.add(cx.append(i)));
            } else {
                results.addAll(cx.appendAll(slice));
            }
            if (to == half) {
                link();
            }
            from = to;
        }
        return snapshot(results);
    }

    @Test
    void batchesEndWhereOneByOneEnds() {
        for (long seed = 1; seed <= 3; seed++) {
            List<Interaction> deliveries = deliveries(seed);
            Map<String, Object> oneByOne = run(deliveries, 1, null);
            for (int batch : new int[] {8, 64, 400}) {
                RedisTestSupport.flush();
                Map<String, Object> batched = run(deliveries, batch, new Random(seed * batch));
                assertSameUpToEstimates(batched, oneByOne, "seed " + seed + ", batches up to " + batch);
            }
            RedisTestSupport.flush();
        }
    }

    @Test
    void aBatchAnswersForEachInteractionInOrder() {
        people();
        SourceRecordId ann = PEOPLE.get(0);
        Interaction first = order(ann, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR");
        Interaction again = order(ann, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR");
        Interaction corrected = order(ann, "o-1", T0.minus(Duration.ofDays(3)), "12", "EUR");
        Interaction unknown = order(rec("shop", "nobody"), "o-2", T0.minus(Duration.ofDays(2)), "5", "EUR");
        Interaction earlier = order(ann, "o-0", T0.minus(Duration.ofDays(30)), "7", "EUR");

        List<AppendResult> results = cx.appendAll(List.of(first, again, corrected, unknown, earlier));

        assertThat(results).extracting(AppendResult::status).containsExactly(AppendResult.Status.STORED,
                AppendResult.Status.DUPLICATE, AppendResult.Status.UPDATED, AppendResult.Status.PENDING,
                AppendResult.Status.STORED);
        ProfileId p = profiles.findBySource(ann).orElseThrow();
        assertThat(results.get(0).profile()).isEqualTo(p);
        assertThat(cx.interactions(p)).containsExactlyInAnyOrder(corrected, earlier);
        assertThat(cx.metrics(p).revenue().get("EUR")).isEqualByComparingTo("19");
        assertThat(cx.pending(rec("shop", "nobody"))).containsExactly(unknown);
        assertThat(cx.appendAll(List.of())).isEmpty();
    }

    @Test
    void aMomentFiredByABatchIsReportedOnceOnItsProfilesLastInteraction() {
        people();
        SourceRecordId ann = PEOPLE.get(1);
        Interaction solved = ticket(ann, InteractionKind.TICKET_SOLVED, "s-1", "t-1", T0.minus(Duration.ofDays(2)), true);
        Interaction detractor = nps(ann, "n-1", T0.minus(Duration.ofDays(1)), 3);
        Interaction other = order(PEOPLE.get(2), "o-9", T0.minus(Duration.ofDays(1)), "3", "EUR");

        List<AppendResult> results = cx.appendAll(List.of(detractor, other, solved));

        assertThat(results.get(0).moments()).isEmpty();
        assertThat(results.get(1).moments()).isEmpty();
        assertThat(results.get(2).moments()).extracting(Moment::rule).containsExactly("detractor-after-solved");
        assertThat(cx.appendAll(List.of(detractor, solved))).allSatisfy(r -> assertThat(r.moments()).isEmpty());
    }

    @Test
    void aTicketSolvedAgainLaterInTheBatchDoesNotHideTheMomentOfTheFirstSolve() {
        people();
        SourceRecordId ann = PEOPLE.get(1);
        List<Interaction> batch = List.of(
                ticket(ann, InteractionKind.TICKET_OPENED, "o-1", "t-1", T0.minus(Duration.ofDays(6)), true),
                ticket(ann, InteractionKind.TICKET_SOLVED, "s-1", "t-1", T0.minus(Duration.ofDays(5)), true),
                nps(ann, "n-1", T0.minus(Duration.ofDays(4)), 2),
                ticket(ann, InteractionKind.TICKET_SOLVED, "s-2", "t-1", T0.minus(Duration.ofDays(1)), true));

        List<AppendResult> results = cx.appendAll(batch);

        assertThat(results.stream().flatMap(r -> r.moments().stream())).extracting(Moment::rule)
                .as("as when appended one after the other").containsExactly("detractor-after-solved");
    }

    @Test
    void aRedeliveredConsentChangeIsAppliedAgainWhenItsBatchIsAllDuplicates() {
        people();
        SourceRecordId ann = PEOPLE.get(0);
        ProfileId p = profiles.findBySource(ann).orElseThrow();
        Interaction withdrawn = new Interaction("c-1", ann, InteractionKind.CONSENT_CHANGE, "email", "preferences",
                T0.minus(Duration.ofDays(1)), null, null, Map.of("purpose", "marketing", "channel", "email",
                        "status", "withdrawn"));
        cx.appendAll(List.of(withdrawn));
        assertThat(cx.consent().stored(p)).hasSize(1);
        redis.commands().del(cx.consent().key(p)); // as if the process died between the timeline and the consent

        List<AppendResult> again = cx.appendAll(List.of(withdrawn));

        assertThat(again).extracting(AppendResult::status).containsExactly(AppendResult.Status.DUPLICATE);
        assertThat(cx.consent().stored(p)).hasSize(1);
    }

    @Test
    void aBatchLargerThanOneSliceEndsAsOneByOne() {
        people();
        List<Interaction> many = RandomInteractions.history(5, 1_200, PEOPLE).stream()
                .map(CxBatchAppendTest::ownTicket).toList();

        List<AppendResult> results = cx.appendAll(many);

        assertThat(results).hasSize(many.size()).allSatisfy(r -> assertThat(r.status())
                .isEqualTo(AppendResult.Status.STORED));
        ProfileId ann = profiles.findBySource(PEOPLE.get(0)).orElseThrow();
        List<Interaction> anns = many.stream().filter(i -> i.record().equals(PEOPLE.get(0))
                || i.record().equals(PEOPLE.get(1))).toList();
        assertThat(cx.interactions(ann)).containsExactlyInAnyOrderElementsOf(anns);
        assertThat(cx.tally(ann)).isEqualTo(cx.calculator().tally(anns));
    }

    @Test
    void aWriteThatFailsIsReportedAfterTheRestOfTheBatchIsFinished() {
        people();
        ProfileId ann = profiles.findBySource(PEOPLE.get(0)).orElseThrow();
        ProfileId bob = profiles.findBySource(PEOPLE.get(2)).orElseThrow();
        redis.commands().set(cx.timelineKey(bob), "not a sorted set"); // bob's write script fails (WRONGTYPE)
        long feedBefore = redis.commands().xlen(profiles.namespace().changeFeed());
        Interaction forBob = order(PEOPLE.get(2), "o-b", T0.minus(Duration.ofDays(2)), "5", "EUR");
        Interaction forAnn = order(PEOPLE.get(0), "o-a", T0.minus(Duration.ofDays(2)), "7", "EUR");
        Interaction waiting = order(rec("shop", "nobody"), "o-n", T0.minus(Duration.ofDays(2)), "3", "EUR");

        assertThatThrownBy(() -> cx.appendAll(List.of(forBob, forAnn, waiting)))
                .isInstanceOf(io.lettuce.core.RedisCommandExecutionException.class).hasMessageContaining("WRONGTYPE");

        assertThat(cx.interactions(ann)).containsExactly(forAnn);
        assertThat(redis.commands().xlen(profiles.namespace().changeFeed()))
                .as("ann's change is published, not left undone by bob's failure").isEqualTo(feedBefore + 1);
        assertThat(cx.pending(rec("shop", "nobody"))).containsExactly(waiting);
    }

    @Test
    void anInvalidInteractionRefusesTheBatchBeforeAnythingIsWritten() {
        people();
        Interaction fine = order(PEOPLE.get(0), "o-1", T0, "10", "EUR");
        Interaction bad = new Interaction("o-2", PEOPLE.get(0), InteractionKind.ORDER, "we\u0001b", "checkout", T0,
                null, null, Map.of());

        assertThatThrownBy(() -> cx.appendAll(List.of(fine, bad))).isInstanceOf(InvalidInteractionException.class);
        assertThat(cx.interactions(profiles.findBySource(PEOPLE.get(0)).orElseThrow())).isEmpty();

        List<Interaction> refused = new ArrayList<>();
        List<AppendResult> results = cx.appendAll(List.of(fine, bad), (interaction, e) -> refused.add(interaction));

        assertThat(refused).containsExactly(bad);
        assertThat(results).extracting(AppendResult::status).containsExactly(AppendResult.Status.STORED);
        assertThat(cx.interactions(profiles.findBySource(PEOPLE.get(0)).orElseThrow())).containsExactly(fine);
    }

    @Test
    void interactionsOfARecordJustResolvedGoToTheProfileTheCallerNamesWithoutALookup() {
        people();
        SourceRecordId bob = PEOPLE.get(2);
        ProfileId p = profiles.findBySource(bob).orElseThrow();
        // without its index entry only the caller's word names the profile: a lookup would find nothing
        redis.commands().del(profiles.namespace().source(bob));
        Interaction o = order(bob, "o-told", T0.minus(Duration.ofDays(1)), "10", "EUR");

        List<AppendResult> results = cx.appendAll(List.of(o), (i, e) -> {
            throw e;
        }, Map.of(bob, p));

        assertThat(results).extracting(AppendResult::status).containsExactly(AppendResult.Status.STORED);
        assertThat(results.get(0).profile()).isEqualTo(p);
        assertThat(cx.interactions(p)).contains(o);
    }

    @Test
    void aStaleSourceIndexFallsBackToTheLiveProfile() {
        people();
        SourceRecordId bob = PEOPLE.get(2);
        ProfileId before = profiles.findBySource(bob).orElseThrow();
        link(); // bob's and cy's profiles merge; one of them is forwarded now
        ProfileId live = profiles.findBySource(bob).orElseThrow();
        ProfileId gone = live.equals(before) ? profiles.findBySource(PEOPLE.get(3)).orElseThrow() : before;
        // as if the lookup had been answered just before the merge
        redis.commands().set(profiles.namespace().source(bob), gone.value());

        Interaction o = order(bob, "o-1", T0.minus(Duration.ofDays(1)), "10", "EUR");
        List<AppendResult> results = cx.appendAll(List.of(o));

        ProfileId survivor = profiles.canonical(gone).orElseThrow();
        assertThat(results.get(0).status()).isEqualTo(AppendResult.Status.STORED);
        assertThat(results.get(0).profile()).isEqualTo(survivor);
        assertThat(cx.interactions(survivor)).contains(o);
    }

    @Test
    void batchesRacingOnOneProfileLoseNothing() throws Exception {
        people();
        SourceRecordId ann = PEOPLE.get(0);
        List<Interaction> history = RandomInteractions.history(11, 400, List.of(ann, PEOPLE.get(1)));
        List<List<AppendResult>> answers = inParallel(4, t -> {
            List<Interaction> mine = new ArrayList<>(); // each delivers its own quarter: a lost write shows
            for (int k = t; k < history.size(); k += 4) {
                mine.add(history.get(k));
            }
            List<AppendResult> results = new ArrayList<>();
            try (RedisConnection connection = RedisTestSupport.connect()) {
                CxStore store = new CxStore(new ProfileStore(connection), CxSettings.defaults(), clock);
                for (int from = 0; from < mine.size(); from += 5) {
                    results.addAll(store.appendAll(mine.subList(from, Math.min(mine.size(), from + 5))));
                }
            }
            return results;
        });

        ProfileId p = profiles.findBySource(ann).orElseThrow();
        assertThat(answers.stream().flatMap(List::stream)).hasSize(history.size())
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(AppendResult.Status.STORED));
        assertThat(cx.interactions(p)).containsExactlyInAnyOrderElementsOf(history);
        assertThat(cx.tally(p)).isEqualTo(cx.calculator().tally(history));
    }

    private static <T> List<T> inParallel(int threads, java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> task.apply(thread)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : done) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentBatchesEndWithTheRecomputedMetrics() throws Exception {
        people();
        SourceRecordId ann = PEOPLE.get(0);
        SourceRecordId desk = PEOPLE.get(1);
        List<Interaction> history = RandomInteractions.history(7, 200, List.of(ann, desk));
        inParallel(4, t -> {
            // every thread delivers everything, in its own order: heavy duplication and contention
            List<Interaction> mine = new ArrayList<>(history);
            Collections.shuffle(mine, new Random(t));
            try (RedisConnection connection = RedisTestSupport.connect()) {
                CxStore store = new CxStore(new ProfileStore(connection), CxSettings.defaults(), clock);
                for (int from = 0; from < mine.size(); from += 16) {
                    store.appendAll(mine.subList(from, Math.min(mine.size(), from + 16)));
                }
            }
            return null;
        });

        ProfileId p = profiles.findBySource(ann).orElseThrow();
        Map<String, Interaction> expected = new LinkedHashMap<>();
        history.forEach(i -> expected.put(CxMetricsCalculator.key(i), i));
        assertThat(cx.interactions(p)).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(cx.tally(p)).isEqualTo(cx.calculator().tally(expected.values()));
        List<StageChange> kept = cx.stages(p);
        assertThat(cx.rederiveStages(p)).as("the history derived again from the timeline").isEqualTo(kept);
    }
}
