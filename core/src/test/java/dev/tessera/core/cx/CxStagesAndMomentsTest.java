package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.activity;
import static dev.tessera.core.cx.CxFixtures.nps;
import static dev.tessera.core.cx.CxFixtures.rec;
import static dev.tessera.core.cx.CxFixtures.ticket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Journey stages from rules, with their history, and moments of truth on the change feed. */
class CxStagesAndMomentsTest extends CxStoreTestBase {

    private final SourceRecordId ann = rec("shop", "ann");

    private List<Map<String, String>> moments() {
        return redis.commands().xrange(RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+")).stream()
                .map(StreamMessage::getBody).filter(b -> "moment".equals(b.get("change"))).toList();
    }

    @Test
    void aDetractorAnswerRightAfterATicketWasSolvedIsAMomentOfTruthPublishedOnce() {
        ProfileId p = person(ann, "ann@example.com");
        long feedBefore = redis.commands().xlen(RedisKeys.CHANGE_FEED);
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "o", "T-1", T0.minus(Duration.ofDays(3)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1", T0.minus(Duration.ofDays(2)), false));

        AppendResult answer = cx.append(nps(ann, "n", T0.minus(Duration.ofDays(1)), 4));
        cx.append(nps(ann, "n", T0.minus(Duration.ofDays(1)), 4));
        cx.append(nps(ann, "n2", T0.minus(Duration.ofHours(1)), 9));

        assertThat(answer.moments()).containsExactly(new Moment("detractor-after-solved", p));
        assertThat(moments()).containsExactly(Map.of("profile", p.value(), "change", "moment",
                "rule", "detractor-after-solved"));
        // one entry per append that changed something; the moment's entry stands for its append's "cx"
        assertThat(redis.commands().xrange(RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+")).stream()
                .skip(feedBefore).map(m -> m.getBody().get("change")).toList())
                .containsExactly("cx", "cx", "moment", "cx");
    }

    @Test
    void theMomentFiresWhicheverOfAnswerAndSolveArrivesLast() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(nps(ann, "n", T0.minus(Duration.ofDays(1)), 0));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "o", "T-1", T0.minus(Duration.ofDays(3)), false));

        AppendResult solved = cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1",
                T0.minus(Duration.ofDays(2)), false));

        assertThat(solved.moments()).containsExactly(new Moment("detractor-after-solved", p));
    }

    @Test
    void aDetractorAnswerAfterASolvingFiresEvenWhenTheTicketWasSolvedAgainLater() {
        ProfileId p = person(ann, "ann@example.com");
        // solved, re-opened and solved again; the survey tool delivers an answer given in between last
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "o", "T-1", T0.minus(Duration.ofDays(7)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1", T0.minus(Duration.ofDays(6)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "o2", "T-1", T0.minus(Duration.ofDays(2)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s2", "T-1", T0.minus(Duration.ofDays(1)), false));

        AppendResult answer = cx.append(nps(ann, "n", T0.minus(Duration.ofDays(3)), 3));

        // delivered on time (before the second solving) it would have fired: arrival order does not matter
        assertThat(answer.moments()).containsExactly(new Moment("detractor-after-solved", p));
    }

    @Test
    void oldHistoryBeingLoadedFiresNoMoments() {
        person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1", T0.minus(Duration.ofDays(300)), false));

        assertThat(cx.append(nps(ann, "n", T0.minus(Duration.ofDays(299)), 2)).moments()).isEmpty();
        assertThat(moments()).isEmpty();
    }

    @Test
    void aComplaintOpenPastItsSlaIsReportedOnceByTheOverdueCheck() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "q", "T-10", T0.minus(Duration.ofHours(1)), false));

        assertThat(cx.checkOverdue(T0)).isEmpty();
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(47)))).containsExactly(new Moment("complaint-overdue", p));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(50)))).isEmpty();
        assertThat(moments()).extracting(m -> m.get("rule")).containsExactly("complaint-overdue");
        assertThat(redis.commands().zcard("cx:complaints-open")).as("nothing left to watch").isZero();
    }

    @Test
    void aComplaintOpenedWhileTheOverdueCheckLooksAtTheProfileIsStillWatched() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        clock.set(T0.plus(Duration.ofHours(48)));
        // while the check has read ann's tally, a second complaint arrives: its write indexes the profile under
        // the earliest deadline of an open complaint, T-9's, the very score the check read
        cx.beforeReindex = () -> {
            cx.beforeReindex = () -> {};
            cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "d", "T-10", T0.plus(Duration.ofHours(47)), true));
        };
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(48)))).containsExactly(new Moment("complaint-overdue", p));

        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(49)))).as("T-9 reported already").isEmpty();
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(96)))).as("T-10, past its SLA")
                .containsExactly(new Moment("complaint-overdue", p));
        assertThat(redis.commands().hkeys(cx.momentsKey(p))).containsExactlyInAnyOrder(
                "complaint-overdue|shop:T-9|first", "complaint-overdue|shop:T-10|first");
    }

    @Test
    void aCorrectedOpeningTimeIsTheSameOpeningAndAReopeningAfterASolveIsANewOne() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(48)))).containsExactly(new Moment("complaint-overdue", p));

        // the same opening delivered again with its time corrected by five minutes: no second alert
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofMinutes(55)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(49)))).isEmpty();

        // solved, then opened again and left past the SLA: that opening is overdue in its own right
        clock.set(T0.plus(Duration.ofHours(51)));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.plus(Duration.ofHours(50)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "r", "T-9", T0.plus(Duration.ofHours(51)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(100)))).containsExactly(new Moment("complaint-overdue", p));
    }

    @Test
    void aSolveArrivingAfterTheReopeningItPrecededDoesNotReportTheSameOpeningAgain() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(10)), true));
        // the reopening arrives, the solve before it is late
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "r", "T-9", T0.minus(Duration.ofHours(1)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(48)))).containsExactly(new Moment("complaint-overdue", p));

        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.minus(Duration.ofHours(5)), false));

        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(49)))).isEmpty();
    }

    @Test
    void aTicketDeliveredLaterForAnotherRequesterMovesItsInteractionsToThatPerson() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        // opened as ann's (a colleague forwarded it), replied to
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true));
        cx.append(ticket(ann, InteractionKind.TICKET_REPLIED, "r", "T-9", T0.minus(Duration.ofHours(4)), false));
        assertThat(cx.metrics(first).openTickets()).isEqualTo(1);

        // the agent names the real requester: the vendor delivers the ticket again, now as bob's
        cx.append(ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true));

        assertThat(cx.interactions(first)).isEmpty();
        assertThat(cx.metrics(first).openTickets()).isZero();
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("c", "r");
        assertThat(cx.metrics(second).openTickets()).isEqualTo(1);
        assertThat(cx.metrics(second).firstResponseLatest()).isEqualTo(Duration.ofHours(1));
        assertThat(cx.tally(second)).isEqualTo(cx.calculator().tally(cx.interactions(second)));
        // delivered again for bob: nothing moves
        cx.append(ticket(bob, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.minus(Duration.ofHours(1)), false));
        assertThat(cx.metrics(second).openTickets()).isZero();
        assertThat(cx.interactions(first)).isEmpty();
    }

    /**
     * A shop changes an order's customer (and a survey tool an answer's respondent): the order delivered
     * again under bob leaves ann's profile, so her order count, revenue and NPS no longer include it, and it
     * is stored once. Her other order stays. Delivered again for bob, nothing moves.
     */
    @Test
    void anOrderAndAnAnswerDeliveredLaterForAnotherPersonMoveToThatPerson() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(CxFixtures.order(ann, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        cx.append(CxFixtures.order(ann, "o-2", T0.minus(Duration.ofDays(2)), "20.00", "EUR"));
        cx.append(nps(ann, "n-1", T0.minus(Duration.ofDays(1)), 3));
        assertThat(cx.metrics(first).orders()).isEqualTo(2);

        cx.append(CxFixtures.order(bob, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        cx.appendAll(List.of(nps(bob, "n-1", T0.minus(Duration.ofDays(1)), 3)));

        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactly("o-2");
        assertThat(cx.metrics(first).orders()).isEqualTo(1);
        assertThat(cx.metrics(first).revenue()).isEqualTo(Map.of("EUR", new java.math.BigDecimal("20.00")));
        assertThat(cx.metrics(first).npsLatest()).isNull();
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("o-1", "n-1");
        assertThat(cx.metrics(second).revenue()).isEqualTo(Map.of("EUR", new java.math.BigDecimal("80.00")));
        assertThat(cx.tally(first)).isEqualTo(cx.calculator().tally(cx.interactions(first)));
        assertThat(cx.tally(second)).isEqualTo(cx.calculator().tally(cx.interactions(second)));

        cx.append(CxFixtures.order(bob, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactly("o-2");
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("o-1", "n-1");
    }

    /** An order that waited for its customer's record is hers once it lands, and follows a later correction. */
    @Test
    void anOrderThatWaitedForItsRecordFollowsALaterDeliveryForAnotherPerson() {
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        assertThat(cx.append(CxFixtures.order(ann, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR")).status())
                .isEqualTo(AppendResult.Status.PENDING);
        ProfileId first = person(ann, "ann@example.com");
        assertThat(cx.attachPending(ann, first)).isEqualTo(1);

        cx.append(CxFixtures.order(bob, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));

        assertThat(cx.interactions(first)).isEmpty();
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactly("o-1");
    }

    /**
     * A detractor answer that fired after ann's solved ticket, delivered again as bob's: the answer moves, the
     * moment about ann's ticket does not go with it (bob has no solved ticket), and it leaves ann's profile.
     */
    @Test
    void aMomentAboutTheFirstPersonsTicketDoesNotFollowAnAnswerToAnotherPerson() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "o", "T-1", T0.minus(Duration.ofDays(3)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1", T0.minus(Duration.ofDays(2)), false));
        assertThat(cx.append(nps(ann, "n", T0.minus(Duration.ofDays(1)), 2)).moments())
                .containsExactly(new Moment("detractor-after-solved", first));

        cx.append(nps(bob, "n", T0.minus(Duration.ofDays(1)), 2));

        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactly("n");
        assertThat(cx.firedMoments(second)).isEmpty();
        assertThat(cx.firedMoments(first)).isEmpty();
        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactlyInAnyOrder("o", "s");
    }

    /**
     * An order held by two profiles with no owner (stored before orders followed their person, or a move that
     * failed and set the owner back): delivered again unchanged, a duplicate still records its owner, and
     * the next delivery under the other person moves it.
     */
    @Test
    void anUnchangedDeliveryStillRecordsTheOwnerAndAnEmptyOwnerBreaksNothing() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(CxFixtures.order(ann, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        redis.commands().hdel(cx.ticketOwnersKey(), "#shop:o-1"); // stored before owners were kept
        cx.append(CxFixtures.order(bob, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        redis.commands().hdel(cx.ticketOwnersKey(), "#shop:o-1");
        cx.append(CxFixtures.order(ann, "o-2", T0.minus(Duration.ofDays(2)), "20.00", "EUR"));
        redis.commands().hset(cx.ticketOwnersKey(), "#shop:o-2", ""); // as a failed move once left it
        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactlyInAnyOrder("o-1", "o-2");

        assertThat(cx.append(CxFixtures.order(ann, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR")).status())
                .isEqualTo(AppendResult.Status.DUPLICATE);
        cx.append(CxFixtures.order(bob, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));

        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactly("o-2");
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactly("o-1");
        cx.moveRest(first, second); // reads the empty owner of o-2 and leaves it alone
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("o-1", "o-2");
    }

    /**
     * A shop corrects the customer of forty orders at once (an import under the wrong account): the batch
     * moves all of them to bob, reading ann's timeline once for the lot instead of once per order (a
     * correction of a long history was quadratic), and both profiles' metrics agree with their timelines.
     */
    @Test
    void manyOrdersCorrectedInOneBatchMoveTogether() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        List<Interaction> hers = new java.util.ArrayList<>();
        List<Interaction> his = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            hers.add(CxFixtures.order(ann, "o-" + i, T0.minus(Duration.ofDays(50 - i)), "10.00", "EUR"));
            his.add(CxFixtures.order(bob, "o-" + i, T0.minus(Duration.ofDays(50 - i)), "10.00", "EUR"));
        }
        hers.add(CxFixtures.order(ann, "kept", T0.minus(Duration.ofDays(1)), "5.00", "EUR"));
        cx.appendAll(hers);
        boolean single = !dev.tessera.core.testing.RedisTestCluster.enabled();
        if (single) {
            redis.commands().configResetstat();
        }

        cx.appendAll(his);

        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactly("kept");
        assertThat(cx.interactions(second)).hasSize(40);
        assertThat(cx.metrics(first).orders()).isEqualTo(1);
        assertThat(cx.metrics(second).orders()).isEqualTo(40);
        assertThat(cx.tally(first)).isEqualTo(cx.calculator().tally(cx.interactions(first)));
        assertThat(cx.tally(second)).isEqualTo(cx.calculator().tally(cx.interactions(second)));
        if (single) {
            // the whole timeline is read with HGETALL: a few times for the batch, not once per order
            String stats = redis.commands().info("commandstats");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_hgetall:calls=([0-9]+)").matcher(stats);
            assertThat(m.find() ? Integer.parseInt(m.group(1)) : 0).isLessThan(10);
        }
    }

    /**
     * A batch corrects two tickets of two people, and the first move fails (Redis refuses ann's moments):
     * both tickets get their owner back, also the one after the failure that was never tried, so the
     * delivery tried again moves both. Before, the second kept bob as owner and its steps stayed with carl.
     */
    @Test
    void aFailedMoveGivesEveryTicketNotMovedItsOwnerBackSoTheRetryMovesThem() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId carl = rec("shop", "carl");
        ProfileId third = person(carl, "carl@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c1", "T-1", T0.minus(Duration.ofHours(5)), false));
        cx.append(ticket(carl, InteractionKind.TICKET_OPENED, "c2", "T-2", T0.minus(Duration.ofHours(5)), false));
        List<Interaction> corrected = List.of(
                ticket(bob, InteractionKind.TICKET_REPLIED, "r1", "T-1", T0.minus(Duration.ofHours(4)), false),
                ticket(bob, InteractionKind.TICKET_REPLIED, "r2", "T-2", T0.minus(Duration.ofHours(4)), false));
        String moments = cx.momentsKey(first);
        redis.commands().del(moments);
        redis.commands().set(moments, "not a hash"); // WRONGTYPE for the first move's read

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cx.appendAll(corrected))
                .hasMessageContaining("WRONGTYPE");
        assertThat(redis.commands().hget(cx.ticketOwnersKey(), "shop:T-1")).isEqualTo(first.value());
        assertThat(redis.commands().hget(cx.ticketOwnersKey(), "shop:T-2")).isEqualTo(third.value());

        redis.commands().del(moments);
        cx.appendAll(corrected); // the delivery tried again

        assertThat(cx.interactions(first)).isEmpty();
        assertThat(cx.interactions(third)).isEmpty();
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("c1", "r1", "c2",
                "r2");
    }

    /**
     * One batch names two later requesters of ann's ticket: carl for a step she had too, then bob. One by one,
     * carl's copy of that step would have moved to bob with the ticket; so it does in the batch, whatever
     * other ticket the batch corrects between the same people.
     */
    @Test
    void aTicketCorrectedTwiceInOneBatchKeepsTheLatestCopyOfAStep() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId carl = rec("shop", "carl");
        ProfileId third = person(carl, "carl@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "r1", "T-1", T0.minus(Duration.ofHours(5)), false));
        cx.append(ticket(carl, InteractionKind.TICKET_OPENED, "x1", "T-2", T0.minus(Duration.ofHours(5)), false));

        cx.appendAll(List.of(
                ticket(bob, InteractionKind.TICKET_REPLIED, "x2", "T-2", T0.minus(Duration.ofHours(4)), false),
                ticket(carl, InteractionKind.TICKET_OPENED, "r1", "T-1", T0.minus(Duration.ofHours(5)), false),
                ticket(bob, InteractionKind.TICKET_REPLIED, "r2", "T-1", T0.minus(Duration.ofHours(4)), false)));

        assertThat(cx.interactions(first)).isEmpty();
        assertThat(cx.interactions(third)).isEmpty();
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("x1", "x2", "r1",
                "r2");
        assertThat(cx.interactions(second)).filteredOn(i -> i.id().equals("r1")).extracting(Interaction::record)
                .containsExactly(carl);
    }

    /**
     * An order and a ticket stored before owners were kept: the dashboard rebuild, which reads every timeline
     * anyway, records ann as their owner, so the order's first correction moves it to bob instead of leaving
     * a copy with her. A second rebuild has nothing to record. A profile sealed for erasure (no document any
     * more, its timeline not yet deleted) gets no owner entries: erasure has dropped those already.
     */
    @Test
    void theRebuildGivesWhatWasStoredBeforeOwnersWereKeptItsOwner() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(CxFixtures.order(ann, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));
        SourceRecordId carl = rec("shop", "carl");
        ProfileId sealed = person(carl, "carl@example.com");
        cx.append(CxFixtures.order(carl, "o-7", T0.minus(Duration.ofDays(2)), "10.00", "EUR"));
        redis.commands().hdel(RedisKeys.Namespace.DEFAULT.profile(sealed), "doc"); // as an erasure seals it
        redis.commands().del(cx.ticketOwnersKey()); // as stored before owners were kept

        assertThat(new CxAggregates(cx).rebuild().owned()).isEqualTo(2);
        assertThat(redis.commands().hget(cx.ticketOwnersKey(), "#shop:o-7")).isNull();

        assertThat(redis.commands().hget(cx.ticketOwnersKey(), "#shop:o-1")).isEqualTo(first.value());
        assertThat(redis.commands().hget(cx.ticketOwnersKey(), "shop:T-9")).isEqualTo(first.value());
        cx.append(CxFixtures.order(bob, "o-1", T0.minus(Duration.ofDays(3)), "80.00", "EUR"));
        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactly("c");
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactly("o-1");
        assertThat(new CxAggregates(cx).rebuild().owned()).isZero();
    }

    /** A batch holding steps of one ticket under two requesters ends as appending them one by one ends. */
    @Test
    void aBatchWithATicketUnderTwoRequestersEndsWithTheLastAsOneByOne() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");

        cx.appendAll(List.of(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true),
                ticket(bob, InteractionKind.TICKET_REPLIED, "r", "T-9", T0.minus(Duration.ofHours(4)), false)));

        assertThat(cx.interactions(first)).isEmpty();
        assertThat(cx.metrics(first).openTickets()).isZero();
        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("c", "r");
        assertThat(cx.metrics(second).tickets()).isEqualTo(1);

        // and back: a batch whose later step names ann again takes bob's steps back to her
        cx.appendAll(List.of(ticket(bob, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.minus(Duration.ofHours(3)), false),
                ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true)));
        assertThat(cx.interactions(second)).isEmpty();
        assertThat(cx.interactions(first)).extracting(Interaction::id).containsExactlyInAnyOrder("c", "r", "s");
    }

    /** A detractor answer about a ticket that moves to its corrected requester is reported once, not again. */
    @Test
    void aDetractorMomentAboutAMovedTicketsAnswerGoesAlongAndIsNotPublishedAgain() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.minus(Duration.ofHours(4)), false));
        Interaction answer = nps(ann, "n", T0.minus(Duration.ofHours(3)), 2);
        Map<String, String> aboutTheTicket = new java.util.HashMap<>(answer.attributes());
        aboutTheTicket.put("ticket_id", "T-9");
        cx.append(new Interaction(answer.id(), ann, answer.kind(), answer.channel(), answer.touchpoint(),
                answer.occurredAt(), null, answer.score(), aboutTheTicket));
        assertThat(moments()).extracting(m -> m.get("rule")).containsExactly("detractor-after-solved");

        cx.append(ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));

        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactlyInAnyOrder("c", "s", "n");
        assertThat(moments()).extracting(m -> m.get("rule")).as("published once").containsExactly("detractor-after-solved");
        assertThat(redis.commands().hkeys(cx.momentsKey(second))).anyMatch(k -> k.startsWith("detractor-after-solved|"));
        assertThat(redis.commands().hkeys(cx.momentsKey(first))).noneMatch(k -> k.startsWith("detractor-after-solved|"));
    }

    @Test
    void aComplaintReportedOverdueIsNotReportedAgainWhenItMovesToItsCorrectedRequester() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        // ann's own complaint, which stays hers
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "d", "T-10", T0.minus(Duration.ofHours(1)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(48)))).containsExactly(
                new Moment("complaint-overdue", first), new Moment("complaint-overdue", first));

        // a day later the agent names the real requester of T-9; the vendor delivers it again as bob's
        clock.set(T0.plus(Duration.ofHours(72)));
        cx.append(ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));

        assertThat(cx.interactions(second)).extracting(Interaction::id).containsExactly("c");
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(73)))).as("the same opening, reported once").isEmpty();
        assertThat(moments()).extracting(m -> m.get("rule")).containsExactly("complaint-overdue", "complaint-overdue");
        // only T-9's moment went along, with the time it fired: what bob's profile holds says nothing about
        // ann's other complaint, and what ann's holds names no ticket of bob's
        assertThat(redis.commands().hgetall(cx.momentsKey(second))).containsExactly(
                Map.entry("complaint-overdue|shop:T-9|first", Long.toString(T0.plus(Duration.ofHours(48)).toEpochMilli())));
        assertThat(redis.commands().hkeys(cx.momentsKey(first))).containsExactly("complaint-overdue|shop:T-10|first");
    }

    @Test
    void aReopeningOfAMovedTicketIsReportedWhenItsSlaPasses() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(48)))).containsExactly(new Moment("complaint-overdue", first));

        // days later the vendor delivers the whole ticket again as bob's: solved, then reopened and left open
        clock.set(T0.plus(Duration.ofHours(120)));
        cx.append(ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        cx.append(ticket(bob, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.plus(Duration.ofHours(50)), false));
        cx.append(ticket(bob, InteractionKind.TICKET_OPENED, "r", "T-9", T0.plus(Duration.ofHours(51)), true));

        // the first opening was reported (under ann); the reopening, due at 99 h, is another opening: reported
        // (a copied moment dated by the move would have passed for an alert after that deadline)
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(121)))).containsExactly(new Moment("complaint-overdue", second));
    }

    @Test
    void anOverdueCheckDoesNotPutBackAProfileErasedWhileItLooked() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        cx.beforeReindex = () -> {
            cx.beforeReindex = () -> {};
            // as an erasure does: the profile's CX keys and its index entry go
            redis.commands().del(cx.metricsKey(p));
            redis.commands().zrem(cx.overdueKey(), p.value());
        };
        cx.checkOverdue(T0.plus(Duration.ofHours(48)));

        assertThat(redis.commands().zscore(cx.overdueKey(), p.value())).isNull();
    }

    @Test
    void aProfileLeftWithoutInteractionsHasNoJourneyAsItsTimelineSays() {
        ProfileId first = person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        ProfileId second = person(bob, "bob@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true));
        assertThat(cx.snapshot(first).stage()).isNotNull();
        assertThat(cx.stages(first)).isNotEmpty();

        // the ticket was bob's all along: ann's profile has nothing left
        cx.append(ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true));

        assertThat(cx.interactions(first)).isEmpty();
        assertThat(cx.snapshot(first).stage()).as("no interaction, no journey").isNull();
        assertThat(cx.stages(first)).isEmpty();
        assertThat(cx.snapshot(second).stage()).isNotNull();
        // what deriving from the (empty) timeline says, and stays so when refreshed, also a year later
        assertThat(cx.rederiveStages(first)).isEmpty();
        assertThat(cx.snapshot(first).stage()).isNull();
        clock.set(T0.plus(Duration.ofDays(400)));
        cx.refresh(first);
        assertThat(cx.snapshot(first).stage()).isNull();
        assertThat(cx.stages(first)).isEmpty();
    }

    @Test
    void anOverdueMomentKeyBelongsToExactlyOneTicket() {
        MomentRule.ComplaintOverdue rule = new MomentRule.ComplaintOverdue("late", Duration.ofHours(1));
        assertThat(CxStore.isOverdueKeyOf("late|z:a|first", rule, "z:a")).isTrue();
        assertThat(CxStore.isOverdueKeyOf("late|z:a|after-1700000000000", rule, "z:a")).isTrue();
        assertThat(CxStore.isOverdueKeyOf("late|z:a|after--5", rule, "z:a")).isTrue();
        // ticket ids are vendor text and may hold '|': "a" is not "a|b"
        assertThat(CxStore.isOverdueKeyOf("late|z:a|b|first", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("late|z:a|b|first", rule, "z:a|b")).isTrue();
        assertThat(CxStore.isOverdueKeyOf("late|z:a|after-", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("late|z:a|after--", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("late|z:a|after-1x", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("later|z:a|first", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("late|z:ab|first", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("late|z:a", rule, "z:a")).isFalse();
        assertThat(CxStore.isOverdueKeyOf("detractor-after-solved|z:a|first", rule, "z:a")).isFalse();
    }

    @Test
    void aSolvedComplaintIsNotOverdue() {
        person(ann, "ann@example.com");
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.minus(Duration.ofMinutes(5)), false));

        assertThat(cx.checkOverdue(T0.plus(Duration.ofDays(3)))).isEmpty();
    }

    @Test
    void theJourneyStageFollowsTheRulesAndKeepsItsHistoryWithTimeSpent() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(activity(ann, "first", T0, "web"));
        assertThat(cx.stages(p)).extracting(StageChange::stage).containsExactly(JourneyStage.ONBOARDING);

        clock.advance(Duration.ofDays(40));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "o", "T-1", clock.instant(), false));
        clock.advance(Duration.ofDays(2));
        cx.append(ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1", clock.instant(), false));
        clock.advance(Duration.ofDays(400));
        cx.refresh(p);

        // onboarding ends after 30 days by itself and churn starts 366 whole days after the last interaction,
        // whenever the store notices: each change is dated when its rule first held
        List<StageChange> stages = cx.stages(p);
        assertThat(stages).extracting(StageChange::stage).containsExactly(JourneyStage.ONBOARDING,
                JourneyStage.USE, JourneyStage.MAINTENANCE, JourneyStage.USE, JourneyStage.CHURNED);
        assertThat(stages).extracting(StageChange::enteredAt).containsExactly(T0, T0.plus(Duration.ofDays(31)),
                T0.plus(Duration.ofDays(40)), T0.plus(Duration.ofDays(42)), T0.plus(Duration.ofDays(42 + 366)));
        assertThat(stages.get(0).timeSpent()).isEqualTo(Duration.ofDays(31));
        assertThat(stages.get(2).timeSpent()).isEqualTo(Duration.ofDays(2));
        assertThat(stages.get(4).current()).isTrue();
        assertThat(stages.get(4).timeSpent()).isEqualTo(Duration.ofDays(442 - 408));
    }

    @Test
    void journeyRulesAreConfigurable() {
        CxStore custom = store(CxSettings.defaults().withJourney(List.of(
                JourneyRule.when(JourneyStage.RENEWAL, JourneyRule.Metric.INTERACTIONS, JourneyRule.Op.GE, 2),
                JourneyRule.otherwise(JourneyStage.ONBOARDING))));
        ProfileId p = person(ann, "ann@example.com");

        custom.append(activity(ann, "a", T0.minus(Duration.ofHours(1)), "web"));
        custom.append(activity(ann, "b", T0, "web"));

        assertThat(custom.stages(p)).extracting(StageChange::stage)
                .containsExactly(JourneyStage.ONBOARDING, JourneyStage.RENEWAL);
    }
}
