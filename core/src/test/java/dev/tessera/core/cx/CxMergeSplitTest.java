package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.activity;
import static dev.tessera.core.cx.CxFixtures.nps;
import static dev.tessera.core.cx.CxFixtures.order;
import static dev.tessera.core.cx.CxFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.ProfileResolver.SplitResult;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The timeline follows its person: pending interactions, merges and splits. */
class CxMergeSplitTest extends CxStoreTestBase {

    private final SourceRecordId ann = rec("shop", "ann");
    private final SourceRecordId annCrm = rec("crm", "A-17");

    private CxIdentityHooks hooks() {
        return new CxIdentityHooks(cx);
    }

    @Test
    void anInteractionOfAnUnknownRecordWaitsAndLandsWhenTheRecordDoes() {
        Interaction early = order(ann, "o-1", T0.minus(Duration.ofDays(1)), "10", "EUR");

        AppendResult result = cx.append(early);

        assertThat(result.status()).isEqualTo(AppendResult.Status.PENDING);
        assertThat(cx.pending(ann)).containsExactly(early);
        assertThat(redis.commands().keys("*ann*")).as("no source id in key names").isEmpty();

        ProfileId p = resolveAndHook(ann, "ann@example.com").profileId();

        assertThat(cx.interactions(p)).containsExactly(early);
        assertThat(cx.metrics(p).orders()).isEqualTo(1);
        assertThat(cx.pending(ann)).isEmpty();
        assertThat(cx.attachPending(ann, p)).as("attaching again does nothing").isZero();
    }

    /**
     * The process stopped between storing the record and attaching what waited for it (a crash): the
     * periodic sweep attaches it; what waits for a record no one has sent stays waiting.
     */
    @Test
    void whatWaitedForARecordStoredWithoutItsAttachIsAttachedByTheSweep() {
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(2)), "10", "EUR"));
        cx.append(order(ann, "o-2", T0.minus(Duration.ofDays(1)), "20", "EUR"));
        SourceRecordId bob = rec("shop", "bob");
        cx.append(order(bob, "o-9", T0.minus(Duration.ofDays(1)), "5", "EUR"));
        // stored by the resolver, then the process stopped: no hook ran
        ProfileId p = resolver.resolve(new CustomerRecord(ann, T0,
                List.of(new Identifier(IdentifierType.EMAIL, "ann@example.com")), Map.of())).profileId();
        assertThat(cx.interactions(p)).isEmpty();

        assertThat(cx.attachWaiting()).isEqualTo(2);

        assertThat(cx.interactions(p)).extracting(Interaction::id).containsExactly("o-1", "o-2");
        assertThat(cx.metrics(p).orders()).isEqualTo(2);
        assertThat(cx.pending(ann)).isEmpty();
        assertThat(cx.pending(bob)).as("no record yet: it waits").hasSize(1);
        assertThat(cx.attachWaiting()).as("nothing more").isZero();
    }

    /**
     * A damaged value in a waiting list (written by another version, say) neither stops the sweep nor keeps
     * the list's readable interactions off the timeline: they land, it stays and expires with the list.
     */
    @Test
    void aDamagedWaitingValueStaysBehindAndTheRestLands() {
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(2)), "10", "EUR"));
        cx.append(order(ann, "o-2", T0.minus(Duration.ofDays(1)), "20", "EUR"));
        redis.commands().hset(cx.pendingKey(ann), "shop:damaged", "{\"id\": \"ann@example.com\", \"kind\": 7");
        ProfileId p = resolver.resolve(new CustomerRecord(ann, T0,
                List.of(new Identifier(IdentifierType.EMAIL, "ann@example.com")), Map.of())).profileId();

        assertThat(cx.attachWaiting()).isEqualTo(2);
        assertThat(cx.attachWaiting()).as("what stays is not readable").isZero();
        assertThat(cx.failedWaitingLists()).isZero();

        assertThat(cx.interactions(p)).extracting(Interaction::id).containsExactly("o-1", "o-2");
        assertThat(redis.commands().hkeys(cx.pendingKey(ann))).containsExactly("shop:damaged");
    }

    @Test
    void manyInteractionsWaitingForOneRecordAllLandInOneWrite() {
        List<Interaction> early = new java.util.ArrayList<>();
        for (int k = 0; k < 450; k++) { // more than the write script reads per command
            early.add(order(ann, "o-" + k, T0.minus(Duration.ofMinutes(k + 1)), "1", "EUR"));
        }
        assertThat(cx.appendAll(early)).allSatisfy(r -> assertThat(r.status()).isEqualTo(AppendResult.Status.PENDING));

        ProfileId p = resolveAndHook(ann, "ann@example.com").profileId();

        assertThat(cx.interactions(p)).containsExactlyInAnyOrderElementsOf(early);
        assertThat(cx.metrics(p).orders()).isEqualTo(450);
        assertThat(cx.pending(ann)).isEmpty();
    }

    @Test
    void aBatchOfRecordsPicksUpWhatWaitedForEachOfThem() {
        Interaction early = order(ann, "o-1", T0.minus(Duration.ofDays(1)), "10", "EUR");
        cx.append(early);
        SourceRecordId bob = rec("shop", "bob");
        List<CustomerRecord> records = List.of(
                new CustomerRecord(bob, T0, List.of(new Identifier(IdentifierType.EMAIL, "bob@example.com")), Map.of()),
                new CustomerRecord(ann, T0, List.of(new Identifier(IdentifierType.EMAIL, "ann@example.com")), Map.of()));
        assertThat(cx.pendingFor(records.stream().map(CustomerRecord::id).toList())).containsExactly(false, true);

        List<Resolution> resolutions = resolver.resolveAll(records);
        hooks().afterResolveAll(records, resolutions);

        assertThat(cx.interactions(resolutions.get(1).profileId())).containsExactly(early);
        assertThat(cx.interactions(resolutions.get(0).profileId())).isEmpty();
        assertThat(cx.pending(ann)).isEmpty();
    }

    @Test
    void pendingInteractionsExpire() {
        cx.append(order(ann, "o-1", T0, "10", "EUR"));

        long ttl = redis.commands().pttl(cx.pendingKey(ann));

        assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofDays(30).toMillis());
    }

    @Test
    void aMergeMovesTheWholeTimelineAndRecomputesTheSurvivorsMetrics() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        ProfileId b = resolveAndHook(annCrm, "ann.smith@example.com").profileId();
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR"));
        cx.append(nps(annCrm, "n-1", T0.minus(Duration.ofDays(2)), 10));

        Resolution bridge = resolveAndHook(rec("crm", "A-18"), "ann@example.com", "ann.smith@example.com");

        assertThat(bridge.merged()).containsExactly(b);
        assertThat(bridge.profileId()).isEqualTo(a);
        assertThat(cx.interactions(a)).extracting(Interaction::kind).containsExactly(InteractionKind.ORDER,
                InteractionKind.SURVEY_RESPONSE, InteractionKind.PROFILE_MERGED);
        CxMetrics m = cx.metrics(a);
        assertThat(m.orders()).isEqualTo(1);
        assertThat(m.npsLatest()).isEqualTo(10);
        assertThat(cx.tally(a)).isEqualTo(cx.calculator().tally(cx.interactions(a)));
        assertThat(redis.commands().exists(cx.timelineKey(b), cx.interactionsKey(b), cx.metricsKey(b))).isZero();
        assertThat(cx.interactions(b)).as("reads of the old id follow").hasSize(3);
    }

    @Test
    void aSolveOnOneProfileAndADetractorAnswerOnTheOtherFireTheirMomentWhenTheyMerge() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        resolveAndHook(annCrm, "ann.smith@example.com");
        cx.append(CxFixtures.ticket(ann, InteractionKind.TICKET_OPENED, "o", "T-1", T0.minus(Duration.ofDays(3)), false));
        cx.append(CxFixtures.ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T-1", T0.minus(Duration.ofDays(2)), false));
        // the survey tool knows her by another address: no moment yet, the solve is on the other profile
        assertThat(cx.append(nps(annCrm, "n", T0.minus(Duration.ofDays(1)), 3)).moments()).isEmpty();
        long before = momentsPublished();

        resolveAndHook(rec("crm", "A-18"), "ann@example.com", "ann.smith@example.com");

        assertThat(momentsPublished()).isEqualTo(before + 1);
        assertThat(cx.firedMoments(a)).containsKey("detractor-after-solved|" + CxMetricsCalculator.key(
                nps(annCrm, "n", T0.minus(Duration.ofDays(1)), 3)));
        // merged again through another bridge (nothing new): published once only
        resolveAndHook(rec("crm", "A-19"), "ann@example.com", "ann.smith@example.com");
        assertThat(momentsPublished()).isEqualTo(before + 1);
    }

    private long cxEntries(ProfileId profile) {
        return redis.commands().xrange(dev.tessera.core.store.RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+"))
                .stream().filter(m -> "cx".equals(m.getBody().get("change")) && profile.value().equals(m.getBody().get("profile")))
                .count();
    }

    private long momentsPublished() {
        return redis.commands().xrange(dev.tessera.core.store.RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+"))
                .stream().filter(m -> "moment".equals(m.getBody().get("change"))).count();
    }

    @Test
    void absorbingAgainAfterACrashBeforeTheDeleteChangesNothingAndFinishesTheJob() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        ProfileId b = resolveAndHook(annCrm, "other@example.com").profileId();
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR"));
        cx.append(order(annCrm, "o-2", T0.minus(Duration.ofDays(2)), "20", "EUR"));
        byte[] timeline = redis.commands().dump(cx.timelineKey(b));
        byte[] interactions = redis.commands().dump(cx.interactionsKey(b));

        assertThat(cx.absorb(b, a)).isEqualTo(1);
        List<Interaction> after = cx.interactions(a);
        CxTally tally = cx.tally(a);
        String version = redis.commands().hget(cx.metricsKey(a), "version");
        // the crash: the copy was done, the delete was not
        redis.commands().restore(cx.timelineKey(b), 0, timeline);
        redis.commands().restore(cx.interactionsKey(b), 0, interactions);
        clock.advance(Duration.ofMinutes(5));

        cx.absorb(b, a);

        assertThat(cx.interactions(a)).isEqualTo(after);
        assertThat(cx.tally(a)).isEqualTo(tally);
        assertThat(redis.commands().hget(cx.metricsKey(a), "version")).isEqualTo(version);
        assertThat(redis.commands().exists(cx.timelineKey(b), cx.interactionsKey(b))).isZero();
    }

    @Test
    void anAppendThatReachesAnAbsorbedTimelineFollowsItToTheSurvivor() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        ProfileId b = resolveAndHook(annCrm, "other@example.com").profileId();
        cx.absorb(b, a); // the profile documents are still separate: as if the append raced the merge

        cx.append(order(annCrm, "late", T0, "5", "EUR")); // finds b through the index, b's timeline moved

        assertThat(cx.interactions(a)).extracting(Interaction::id).contains("late");
        assertThat(redis.commands().exists(cx.interactionsKey(b))).isZero();
    }

    @Test
    void aBatchToldWhereItsRecordsWereJustResolvedFollowsAMergeOrSplitThatCameBetween() {
        java.util.function.BiConsumer<Interaction, InvalidInteractionException> refuse = (i, e) -> {
            throw e;
        };
        // merged meanwhile: the timeline the caller was told of moved to the survivor
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        ProfileId b = resolveAndHook(annCrm, "other@example.com").profileId();
        cx.absorb(b, a);
        List<AppendResult> merged = cx.appendAll(List.of(order(annCrm, "after-merge", T0, "5", "EUR")), refuse,
                Map.of(annCrm, b));
        assertThat(merged).extracting(AppendResult::profile).containsExactly(a);
        assertThat(cx.interactions(a)).extracting(Interaction::id).contains("after-merge");
        assertThat(redis.commands().exists(cx.interactionsKey(b))).isZero();

        // split meanwhile: the profile the caller was told of is dissolved, the record is elsewhere
        SourceRecordId zed = rec("shop", "zed");
        SourceRecordId zedCrm = rec("crm", "zed");
        ProfileId whole = resolveAndHook(zed, "zed@example.com").profileId();
        resolveAndHook(zedCrm, "zed@example.com");
        SplitResult split = resolver.split(whole, Set.of(zedCrm), hooks()::afterMoved);
        ProfileId out = split.movedOut().get(0);
        List<AppendResult> afterSplit = cx.appendAll(List.of(activity(zedCrm, "after-split", T0, "web"),
                order(zed, "kept", T0, "7", "EUR")), refuse, Map.of(zedCrm, whole, zed, whole));
        assertThat(afterSplit).extracting(AppendResult::profile).containsExactly(out, split.remaining().get(0));
        assertThat(cx.interactions(out)).extracting(Interaction::id).contains("after-split");
        assertThat(cx.interactions(whole)).extracting(Interaction::kind).containsOnly(InteractionKind.PROFILE_SPLIT);
    }

    /**
     * A split whose remaining record, resolved again, joins two other profiles: the one merged away on the
     * way gives its timeline to the survivor (it stayed on the dead id, out of every live timeline and
     * metric, when only the split's own records were followed).
     */
    @Test
    void aProfileThatASplitMergesOnTheWayGivesItsTimelineToTheSurvivor() {
        SourceRecordId anna = rec("crm", "anna");
        SourceRecordId wrong = rec("crm", "wrong");
        SourceRecordId shop = rec("shop", "anna");
        SourceRecordId support = rec("support", "anna");
        ProfileId whole = resolveAndHook(anna, "anna@example.com", "anna.work@example.com").profileId();
        resolveAndHook(wrong, "anna@example.com"); // someone else's record, wrongly sharing her email
        // her shop and support records stayed apart from that profile: an agent had separated them from it
        profiles.addCannotLink(shop, wrong);
        profiles.addCannotLink(support, wrong);
        clock.advance(Duration.ofSeconds(1));
        ProfileId viaShop = resolveAndHook(shop, "anna@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        ProfileId viaSupport = resolveAndHook(support, "anna.work@example.com").profileId();
        assertThat(List.of(viaShop, viaSupport)).doesNotContain(whole).doesNotHaveDuplicates();
        cx.append(order(shop, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR"));
        cx.append(nps(support, "n-1", T0.minus(Duration.ofDays(2)), 3));

        SplitResult split = resolver.split(whole, Set.of(wrong), hooks()::afterMoved);

        ProfileId rest = split.remaining().get(0);
        assertThat(profiles.findBySource(shop)).contains(rest);
        assertThat(profiles.findBySource(support)).contains(rest);
        assertThat(cx.interactions(rest)).extracting(Interaction::id).contains("o-1", "n-1");
        CxMetrics m = cx.metrics(rest);
        assertThat(m.orders()).isEqualTo(1);
        assertThat(m.npsLatest()).isEqualTo(3);
        assertThat(cx.tally(rest)).isEqualTo(cx.calculator().tally(cx.interactions(rest)));
        for (ProfileId away : List.of(viaShop, viaSupport)) {
            if (!away.equals(rest)) {
                assertThat(redis.commands().exists(cx.timelineKey(away), cx.interactionsKey(away))).isZero();
            }
        }
    }

    /**
     * A ticket's steps that followed its corrected requester onto his profile keep the first requester's
     * record: a split of his profile moved what each record held and left them on the dead id.
     */
    @Test
    void aSplitTakesAlongATicketsStepsThatCameUnderAnotherRecord() {
        person(ann, "ann@example.com");
        SourceRecordId bob = rec("shop", "bob");
        SourceRecordId bobCrm = rec("crm", "bob");
        ProfileId bobs = resolveAndHook(bob, "bob@example.com").profileId();
        resolveAndHook(bobCrm, "bob@example.com");
        cx.append(CxFixtures.ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true));
        cx.append(CxFixtures.ticket(ann, InteractionKind.TICKET_REPLIED, "r", "T-9", T0.minus(Duration.ofHours(4)), false));
        // the agent names the real requester: delivered again as bob's, the reply follows under ann's record
        cx.append(CxFixtures.ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), true));
        assertThat(cx.interactions(bobs)).extracting(Interaction::id).containsExactlyInAnyOrder("c", "r");

        SplitResult split = resolver.split(bobs, Set.of(bobCrm), hooks()::afterMoved);

        ProfileId rest = split.remaining().get(0);
        assertThat(cx.interactions(rest)).extracting(Interaction::id).contains("c", "r");
        assertThat(cx.metrics(rest).firstResponseLatest()).isEqualTo(Duration.ofHours(1));
        assertThat(cx.tally(rest)).isEqualTo(cx.calculator().tally(cx.interactions(rest)));
        assertThat(cx.interactions(bobs)).extracting(Interaction::kind).containsOnly(InteractionKind.PROFILE_SPLIT);
    }

    /**
     * A ticket whose steps a split took to another profile is that profile's: a later requester correction
     * moves it from there, not from the dissolved profile that holds none of it.
     */
    @Test
    void aTicketASplitMovedFollowsItsCorrectedRequesterFromItsNewProfile() {
        SourceRecordId annCrm = rec("crm", "ann");
        ProfileId together = resolveAndHook(ann, "ann@example.com").profileId();
        resolveAndHook(annCrm, "ann@example.com");
        cx.append(CxFixtures.ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));

        SplitResult split = resolver.split(together, Set.of(ann), hooks()::afterMoved);
        ProfileId annNow = split.movedOut().get(0);
        assertThat(cx.interactions(annNow)).extracting(Interaction::id).contains("c");

        SourceRecordId bob = rec("shop", "bob");
        ProfileId bobs = resolveAndHook(bob, "bob@example.com").profileId();
        cx.append(CxFixtures.ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));
        cx.append(CxFixtures.ticket(bob, InteractionKind.TICKET_SOLVED, "s", "T-9", T0.minus(Duration.ofHours(1)), false));

        assertThat(cx.interactions(annNow)).extracting(Interaction::kind).doesNotContain(InteractionKind.TICKET_OPENED);
        assertThat(cx.metrics(annNow).openTickets()).isZero();
        assertThat(cx.interactions(bobs)).extracting(Interaction::id).containsExactlyInAnyOrder("c", "s");
    }

    /**
     * The common way a ticket changes profile by a split: its profile was merged into another by mistake and
     * the agent split it out again. The ticket's owner is still the merged-away id; the split makes the new
     * profile the owner all the same, so a later requester correction moves the ticket from there.
     */
    @Test
    void aTicketOfAProfileMergedAwayAndSplitOutAgainFollowsItsCorrectedRequester() {
        clock.set(T0.minus(Duration.ofDays(30)));
        ProfileId olives = resolveAndHook(rec("crm", "olive"), "olive@example.com").profileId(); // older: survives
        clock.set(T0);
        ProfileId anns = resolveAndHook(ann, "ann@example.com").profileId();
        cx.append(CxFixtures.ticket(ann, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));
        dev.tessera.core.identity.Resolution merged = resolver.merge(olives, anns,
                new dev.tessera.core.model.MergeDecision("agent-1", "looked alike", T0));
        hooks().afterMerge(merged);
        assertThat(merged.profileId()).isEqualTo(olives);

        SplitResult split = resolver.split(olives, Set.of(ann), hooks()::afterMoved);
        ProfileId annNow = split.movedOut().get(0);
        assertThat(cx.metrics(annNow).openTickets()).isEqualTo(1);

        SourceRecordId bob = rec("shop", "bob");
        ProfileId bobs = resolveAndHook(bob, "bob@example.com").profileId();
        cx.append(CxFixtures.ticket(bob, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(5)), false));

        assertThat(cx.metrics(annNow).openTickets()).isZero();
        assertThat(cx.interactions(bobs)).extracting(Interaction::id).containsExactly("c");
    }

    /**
     * Two follow-ups of one merge: the change feed's moved C's timeline into B (the profile it was merged
     * into), the merging process, whose batch merged B into A as well, moves it into A. The same move:
     * continued, not refused.
     */
    @Test
    void aMoveBegunIntoAProfileMergedOnSinceIsContinuedNotRefused() {
        ProfileId a = resolveAndHook(rec("crm", "a"), "x@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        ProfileId b = resolveAndHook(rec("crm", "b"), "y@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        SourceRecordId cRecord = rec("crm", "c");
        ProfileId c = resolveAndHook(cRecord, "z@example.com").profileId();
        cx.append(order(cRecord, "o-c", T0.minus(Duration.ofDays(1)), "5", "EUR"));
        // merges written, their follow-ups not yet run
        assertThat(resolver.resolve(new CustomerRecord(rec("crm", "bc"), T0, List.of(
                new Identifier(IdentifierType.EMAIL, "y@example.com"), new Identifier(IdentifierType.EMAIL, "z@example.com")),
                Map.of())).merged()).containsExactly(c);
        assertThat(resolver.resolve(new CustomerRecord(rec("crm", "ab"), T0, List.of(
                new Identifier(IdentifierType.EMAIL, "x@example.com"), new Identifier(IdentifierType.EMAIL, "y@example.com")),
                Map.of())).merged()).containsExactly(b);

        assertThat(cx.absorb(c, b)).as("the feed, right after the first merge: into B").isEqualTo(1);
        assertThat(cx.absorb(c, a)).as("the process: into A, where B went since").isZero();
        cx.absorb(b, a);

        assertThat(cx.interactions(a)).extracting(Interaction::id).contains("o-c");
        assertThat(cx.metrics(a).orders()).isEqualTo(1);
        assertThat(cx.followMerged(c, a)).as("nothing left: nothing done").isZero();
    }

    @Test
    void aSplitMovesTheInteractionsOfTheMovedRecordsAndRecordsTheSplitOnBothSides() {
        ProfileId merged = resolveAndHook(ann, "ann@example.com").profileId();
        resolveAndHook(annCrm, "ann@example.com");
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(3)), "10", "EUR"));
        cx.append(order(annCrm, "o-2", T0.minus(Duration.ofDays(2)), "99", "EUR"));
        cx.append(activity(annCrm, "call", T0.minus(Duration.ofDays(1)), "phone"));

        SplitResult split = resolver.split(merged, Set.of(annCrm), moved -> {
            // an append racing the split: the record's index entry names a dissolved profile meanwhile
            redis.commands().hset(cx.pendingKey(annCrm), "crm:raced",
                    CxJson.write(activity(annCrm, "raced", T0.minus(Duration.ofHours(2)), "web")));
            hooks().afterMoved(moved);
            hooks().afterMoved(moved); // idempotent
        });

        ProfileId rest = split.remaining().get(0);
        ProfileId out = split.movedOut().get(0);
        assertThat(cx.interactions(out)).extracting(Interaction::id)
                .containsExactly("o-2", "call", "raced", "split:" + merged + ">" + out);
        assertThat(cx.interactions(rest)).extracting(Interaction::id)
                .containsExactly("o-1", "split:" + merged + ">" + rest);
        assertThat(cx.metrics(out).revenue()).containsEntry("EUR", new java.math.BigDecimal("99"));
        assertThat(cx.metrics(rest).orders()).isEqualTo(1);
        assertThat(cx.interactions(merged)).extracting(Interaction::kind).containsOnly(InteractionKind.PROFILE_SPLIT);
        assertThat(cx.metrics(merged).interactions()).isZero();

        cx.append(activity(annCrm, "after", T0, "email"));
        assertThat(cx.interactions(out)).extracting(Interaction::id).contains("after");
    }

    @Test
    void splitOffForwardsLateAppendsOfAMovedRecord() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        resolveAndHook(annCrm, "ann@example.com");
        ProfileId b = resolveAndHook(rec("crm", "B-1"), "bob@example.com").profileId();
        cx.append(order(annCrm, "o-2", T0.minus(Duration.ofDays(2)), "99", "EUR"));

        assertThat(cx.splitOff(a, b, Set.of(annCrm))).isEqualTo(1);
        cx.append(order(annCrm, "o-3", T0, "1", "EUR")); // the index still says a

        assertThat(cx.interactions(b)).extracting(Interaction::id).contains("o-2", "o-3");
        assertThat(cx.interactions(a)).extracting(Interaction::id).doesNotContain("o-2", "o-3");
        assertThat(cx.splitOff(a, b, Set.of(annCrm))).isZero();
    }

    @Test
    void momentsAlreadyFiredGoAlongWithASplitAndDoNotFireAgain() {
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        resolveAndHook(annCrm, "ann@example.com");
        ProfileId b = resolveAndHook(rec("crm", "B-1"), "bob@example.com").profileId();
        // a complaint on the CRM record, overdue and reported; a detractor right after a solved ticket
        cx.append(CxFixtures.ticket(annCrm, InteractionKind.TICKET_OPENED, "c", "T-9", T0.minus(Duration.ofHours(1)), true));
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(47)))).containsExactly(new Moment("complaint-overdue", a));
        cx.append(CxFixtures.ticket(annCrm, InteractionKind.TICKET_OPENED, "o", "T-1", T0.minus(Duration.ofDays(3)), false));
        cx.append(CxFixtures.ticket(annCrm, InteractionKind.TICKET_SOLVED, "s", "T-1", T0.minus(Duration.ofDays(2)), false));
        assertThat(cx.append(nps(annCrm, "n", T0.minus(Duration.ofDays(1)), 3)).moments())
                .containsExactly(new Moment("detractor-after-solved", a));

        long cxEntriesOfB = cxEntries(b);
        cx.splitOff(a, b, Set.of(annCrm));

        // b's timeline and metrics changed: announced on the feed though the moments it got were copies
        assertThat(cxEntries(b)).isGreaterThan(cxEntriesOfB);
        // the complaint is still open on b and past its SLA; the answer and the solve moved along
        assertThat(cx.checkOverdue(T0.plus(Duration.ofHours(49)))).isEmpty();
        assertThat(cx.append(CxFixtures.ticket(annCrm, InteractionKind.TICKET_SOLVED, "s2", "T-1",
                T0.minus(Duration.ofDays(2)).plusSeconds(1), false)).moments()).isEmpty();
        assertThat(cx.metrics(b).openComplaints()).isEqualTo(1);
    }

    /**
     * A customer with a long history: 1,200 orders under one record, 1,300 waiting for another. Waiting ones
     * land, a merge moves the history and a split moves it back, each in script calls of a bounded size
     * (a script holds Redis for as long as it runs: one call with every interaction of a long history
     * stopped every other client meanwhile), and every timeline ends where it belongs with metrics that
     * agree with it.
     */
    @Test
    void aLongHistoryLandsMergesAndSplitsInBoundedScriptCalls() {
        boolean single = !dev.tessera.core.testing.RedisTestCluster.enabled();
        int history = 1_200;
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        ProfileId b = resolveAndHook(annCrm, "ann.smith@example.com").profileId();
        List<Interaction> hers = new java.util.ArrayList<>();
        for (int k = 0; k < history; k++) {
            hers.add(order(annCrm, "o-" + k, T0.minus(Duration.ofMinutes(3 * k + 1)), "2", "EUR"));
        }
        cx.appendAll(hers);
        cx.append(order(ann, "shop-1", T0.minus(Duration.ofHours(1)), "5", "EUR"));
        SourceRecordId late = rec("crm", "A-18");
        List<Interaction> waiting = new java.util.ArrayList<>();
        for (int k = 0; k < 1_300; k++) {
            waiting.add(activity(late, "w-" + k, T0.minus(Duration.ofMinutes(2 * k + 1)), "email"));
        }
        cx.appendAll(waiting);
        dev.tessera.core.testing.RedisCommandLog log = single ? dev.tessera.core.testing.RedisCommandLog.start() : null;
        try {
            // the record the waiting ones belong to bridges the two profiles: they land, then b merges into a
            Resolution bridge = resolveAndHook(late, "ann@example.com", "ann.smith@example.com");
            assertThat(bridge.merged()).containsExactly(b);
            assertThat(cx.pending(late)).isEmpty();
            assertThat(cx.interactions(a)).hasSize(history + 1_300 + 2); // and the merge's note
            assertThat(cx.metrics(a).orders()).isEqualTo(history + 1);
            assertThat(cx.tally(a)).isEqualTo(cx.calculator().tally(cx.interactions(a)));

            SplitResult split = resolver.split(a, Set.of(annCrm), moved -> hooks().afterMoved(moved));

            ProfileId out = split.movedOut().get(0);
            ProfileId rest = split.remaining().get(0);
            assertThat(cx.interactions(out)).extracting(Interaction::id).filteredOn(id -> id.startsWith("o-"))
                    .hasSize(history);
            assertThat(cx.interactions(rest)).extracting(Interaction::id).noneMatch(id -> id.startsWith("o-"))
                    .contains("shop-1", "w-0", "w-1299");
            assertThat(cx.metrics(out).orders()).isEqualTo(history);
            assertThat(cx.metrics(rest).orders()).isEqualTo(1);
            assertThat(cx.tally(out)).isEqualTo(cx.calculator().tally(cx.interactions(out)));
            assertThat(cx.tally(rest)).isEqualTo(cx.calculator().tally(cx.interactions(rest)));
            if (single) {
                // no call wrote, moved or removed more than a slice of 500 of the 1,200 or 1,300 interactions
                assertThat(log.mostInOneScriptCall(redis, java.util.regex.Pattern.compile("crm:[ow]-[0-9]+")))
                        .isBetween(100, 500);
            }
        } finally {
            if (log != null) {
                log.close();
            }
        }
    }

    /**
     * A merge of 300 solved complaints (and one order before them) goes in slices, and no slice holds half a
     * ticket: between two slices the survivor would hold an opening without its solve, an open complaint
     * past its deadline for a ticket solved long ago (an overdue moment a check in between would publish).
     * After the merge no complaint is open, and nothing was reported overdue.
     */
    @Test
    void aLongMergeNeverSplitsATicketBetweenTwoSlices() {
        boolean single = !dev.tessera.core.testing.RedisTestCluster.enabled();
        ProfileId a = resolveAndHook(ann, "ann@example.com").profileId();
        clock.advance(Duration.ofSeconds(1));
        ProfileId b = resolveAndHook(annCrm, "ann.smith@example.com").profileId();
        List<Interaction> hers = new java.util.ArrayList<>();
        hers.add(order(annCrm, "first", T0.minus(Duration.ofDays(400)), "2", "EUR"));
        for (int k = 0; k < 300; k++) {
            Instant opened = T0.minus(Duration.ofDays(300)).plus(Duration.ofHours(3L * k));
            hers.add(CxFixtures.ticket(annCrm, InteractionKind.TICKET_OPENED, "t" + k + "-open", "T-" + k, opened, true));
            hers.add(CxFixtures.ticket(annCrm, InteractionKind.TICKET_SOLVED, "t" + k + "-solved", "T-" + k,
                    opened.plus(Duration.ofHours(1)), true));
        }
        cx.appendAll(hers);
        dev.tessera.core.testing.RedisCommandLog log = single ? dev.tessera.core.testing.RedisCommandLog.start() : null;
        try {
            Resolution bridge = resolveAndHook(rec("crm", "A-18"), "ann@example.com", "ann.smith@example.com");

            assertThat(bridge.merged()).containsExactly(b);
            assertThat(cx.interactions(a)).hasSize(602); // and the merge's note
            assertThat(cx.metrics(a).openTickets()).isZero();
            assertThat(cx.tally(a)).isEqualTo(cx.calculator().tally(cx.interactions(a)));
            assertThat(cx.checkOverdue(clock.instant())).isEmpty();
            if (single) {
                java.util.regex.Pattern step = java.util.regex.Pattern.compile("crm:t([0-9]+)-(open|solved)");
                int calls = 0;
                for (List<String> command : log.clientCommands(redis)) {
                    Map<String, Set<String>> halves = new java.util.HashMap<>();
                    for (String word : command) {
                        java.util.regex.Matcher m = step.matcher(word);
                        if (m.matches()) {
                            halves.computeIfAbsent(m.group(1), t -> new java.util.HashSet<>()).add(m.group(2));
                        }
                    }
                    if (command.get(0).startsWith("EVAL") && !halves.isEmpty()) {
                        calls++;
                        assertThat(halves).as("a script call with half a ticket").allSatisfy((t, h) -> assertThat(h)
                                .containsExactlyInAnyOrder("open", "solved"));
                    }
                }
                assertThat(calls).as("the copy in two slices, at least").isGreaterThanOrEqualTo(2);
            }
        } finally {
            if (log != null) {
                log.close();
            }
        }
    }
}
