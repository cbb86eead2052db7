package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.activity;
import static dev.tessera.core.cx.CxFixtures.nps;
import static dev.tessera.core.cx.CxFixtures.order;
import static dev.tessera.core.cx.CxFixtures.rec;
import static dev.tessera.core.cx.CxFixtures.ticket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Appending, de-duplicating, ordering and paging one profile's timeline. */
class CxTimelineTest extends CxStoreTestBase {

    private final SourceRecordId ann = rec("shop", "ann");

    @Test
    void theSameEventDeliveredTwiceIsStoredOnce() {
        ProfileId p = person(ann, "ann@example.com");
        Interaction o = order(ann, "o-1", T0.minus(Duration.ofDays(1)), "25.00", "EUR");

        AppendResult first = cx.append(o);
        AppendResult again = cx.append(o);

        assertThat(first.status()).isEqualTo(AppendResult.Status.STORED);
        assertThat(first.profile()).isEqualTo(p);
        assertThat(again.status()).isEqualTo(AppendResult.Status.DUPLICATE);
        assertThat(cx.interactions(p)).containsExactly(o);
        assertThat(cx.metrics(p).orders()).isEqualTo(1);
        assertThat(redis.commands().hget(cx.metricsKey(p), "version")).isEqualTo("1");
    }

    @Test
    void aReDeliveryWithOtherContentReplacesTheStoredOneAndItsMetrics() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(1)), "25.00", "EUR"));

        AppendResult corrected = cx.append(order(ann, "o-1", T0.minus(Duration.ofDays(2)), "30.00", "EUR"));

        assertThat(corrected.status()).isEqualTo(AppendResult.Status.UPDATED);
        assertThat(cx.interactions(p)).hasSize(1);
        assertThat(cx.metrics(p).revenue()).containsEntry("EUR", new java.math.BigDecimal("30.00"));
        assertThat(cx.metrics(p).daysSinceLastOrder()).isEqualTo(2);
    }

    @Test
    void lateEventsLandAtTheirTimeNotAtTheEnd() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(activity(ann, "a3", T0.minus(Duration.ofHours(1)), "email"));
        cx.append(activity(ann, "a1", T0.minus(Duration.ofDays(3)), "email"));
        cx.append(activity(ann, "a2", T0.minus(Duration.ofDays(1)), "phone"));

        assertThat(cx.timeline(p, TimelineQuery.latest(10)).items()).extracting(Interaction::id)
                .containsExactly("a3", "a2", "a1");
        assertThat(cx.metrics(p).firstInteractionAt()).isEqualTo(T0.minus(Duration.ofDays(3)));
    }

    @Test
    void pagesComeNewestFirstWithTheTotal() {
        ProfileId p = person(ann, "ann@example.com");
        for (int k = 0; k < 25; k++) {
            cx.append(activity(ann, "a" + k, T0.minus(Duration.ofHours(k)), "email"));
        }

        TimelinePage second = cx.timeline(p, TimelineQuery.latest(10).page(10, 10));
        TimelinePage last = cx.timeline(p, TimelineQuery.latest(10).page(20, 10));

        assertThat(second.total()).isEqualTo(25);
        assertThat(second.items()).extracting(Interaction::id).first().isEqualTo("a10");
        assertThat(second.hasMore()).isTrue();
        assertThat(last.items()).extracting(Interaction::id).containsExactly("a20", "a21", "a22", "a23", "a24");
        assertThat(last.hasMore()).isFalse();
    }

    @Test
    void filtersByKindChannelAndTimeRangeAndCountsOnlyTheMatches() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(activity(ann, "mail-old", T0.minus(Duration.ofDays(10)), "email"));
        cx.append(activity(ann, "mail-new", T0.minus(Duration.ofDays(1)), "email"));
        cx.append(activity(ann, "call", T0.minus(Duration.ofDays(2)), "phone"));
        cx.append(order(ann, "order", T0.minus(Duration.ofDays(3)), "5", "EUR"));
        cx.append(nps(ann, "nps", T0.minus(Duration.ofDays(4)), 9));
        cx.append(activity(ann, "visit", T0.minus(Duration.ofDays(9)), "In Store"));

        TimelineQuery activities = TimelineQuery.latest(1).kinds(Set.of(InteractionKind.CRM_ACTIVITY));
        TimelinePage firstPage = cx.timeline(p, activities);
        TimelinePage emails = cx.timeline(p, TimelineQuery.latest(10).channels(Set.of("email")));
        TimelinePage lastWeek = cx.timeline(p, TimelineQuery.latest(10)
                .between(T0.minus(Duration.ofDays(7)), T0.minus(Duration.ofDays(2))));

        assertThat(firstPage.total()).isEqualTo(4);
        assertThat(firstPage.items()).extracting(Interaction::id).containsExactly("mail-new");
        assertThat(emails.items()).extracting(Interaction::id).containsExactly("mail-new", "nps", "mail-old");
        // a label as a source wrote it, found whatever its case
        assertThat(cx.timeline(p, TimelineQuery.latest(10).channels(Set.of("in store"))).items())
                .extracting(Interaction::id).containsExactly("visit");
        assertThat(lastWeek.items()).extracting(Interaction::id).containsExactly("order", "nps");
        assertThat(lastWeek.total()).isEqualTo(2);
    }

    @Test
    void aFilteredPageAcrossReadBatchesKeepsOrderOffsetAndTotal() {
        ProfileId p = person(ann, "ann@example.com");
        // 1,200 interactions, more than two of the store's read batches; every third is an order
        List<Interaction> all = new ArrayList<>();
        for (int k = 0; k < 1_200; k++) {
            Instant at = T0.minus(Duration.ofMinutes(k));
            all.add(k % 3 == 0 ? order(ann, "o" + k, at, "5", "EUR") : activity(ann, "a" + k, at, "email"));
        }
        cx.appendAll(all);

        TimelineQuery orders = TimelineQuery.latest(5).kinds(Set.of(InteractionKind.ORDER));
        TimelinePage middle = cx.timeline(p, orders.page(165, 5)); // orders o495..o507: the first batch ends at 500
        TimelinePage beyond = cx.timeline(p, orders.page(398, 5));

        assertThat(middle.total()).isEqualTo(400);
        assertThat(middle.items()).extracting(Interaction::id).containsExactly("o495", "o498", "o501", "o504", "o507");
        assertThat(middle.hasMore()).isTrue();
        assertThat(beyond.items()).extracting(Interaction::id).containsExactly("o1194", "o1197");
        assertThat(beyond.hasMore()).isFalse();
        assertThat(cx.timeline(p, orders.page(400, 5)).items()).isEmpty();
    }

    @Test
    void idsWithOddCharactersRoundTrip() {
        ProfileId p = person(ann, "ann@example.com");
        String odd = "{p:evil}:timeline|ü 💥 \"quoted\" ,;:*?[]";
        cx.append(activity(ann, odd, T0, "e-mail (Outlook)"));

        assertThat(cx.interactions(p)).extracting(Interaction::id).containsExactly(odd);
        assertThat(redis.commands().keys("*evil*")).isEmpty();
    }

    @Test
    void anInteractionDatedMoreThanADayAheadIsRefusedSoItCannotFreezeRecency() {
        ProfileId p = person(ann, "ann@example.com");
        cx.append(activity(ann, "a-past", T0.minus(Duration.ofDays(400)), "email"));

        assertThatThrownBy(() -> cx.append(order(ann, "typo-2030", Instant.parse("2030-01-01T00:00:00Z"), "5", "EUR")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("in the future");
        // within the day's tolerance (another system's clock, a time zone) it is taken
        cx.append(activity(ann, "a-soon", T0.plus(Duration.ofHours(20)), "email"));

        assertThat(cx.interactions(p)).extracting(Interaction::id).containsExactly("a-past", "a-soon");
        // once the time has come, the refused one is taken (a replayed dead letter)
        clock.set(Instant.parse("2030-01-01T00:00:00Z"));
        cx.append(order(ann, "typo-2030", Instant.parse("2030-01-01T00:00:00Z"), "5", "EUR"));
        assertThat(cx.interactions(p)).hasSize(3);
    }

    @Test
    void hostileInteractionsAreRefusedWithAClearErrorThatDoesNotEchoTheValue() {
        person(ann, "ann@example.com");
        String huge = "x".repeat(10_000);
        Map<String, String> many = new HashMap<>();
        for (int k = 0; k < 100; k++) {
            many.put("a" + k, "v");
        }

        assertThatThrownBy(() -> cx.append(withAttributes(Map.of("note", huge))))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("note")
                .hasMessageNotContaining("xxxx");
        assertThatThrownBy(() -> cx.append(withAttributes(many)))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("at most 64 attributes");
        assertThatThrownBy(() -> cx.append(withAttributes(Map.of("Bad Name", "v"))))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("attribute names");
        assertThatThrownBy(() -> cx.append(activity(ann, "line\nbreak", T0, "email")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("control characters");
        assertThatThrownBy(() -> cx.append(activity(ann, "a", T0, "c".repeat(65))))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> cx.append(activity(ann, "a", Instant.parse("3000-01-01T00:00:00Z"), "email")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("occurredAt");
        assertThatThrownBy(() -> cx.append(activity(rec("tessera", "x"), "a", T0, "email")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("reserved");
        assertThat(redis.commands().dbsize()).isEqualTo(countKeysOfProfiles());
    }

    @Test
    void ticketsFromDifferentSourcesWithTheSameNumberAreDifferentTickets() {
        ProfileId p = person(ann, "ann@example.com");
        SourceRecordId annInDesk = rec("desk", "ann");
        resolver.resolve(new dev.tessera.core.model.CustomerRecord(annInDesk, T0,
                List.of(new dev.tessera.core.model.Identifier(dev.tessera.core.model.IdentifierType.EMAIL,
                        "ann@example.com")), Map.of()));
        cx.append(ticket(ann, InteractionKind.TICKET_OPENED, "x1", "42", T0.minusSeconds(60), false));
        cx.append(ticket(annInDesk, InteractionKind.TICKET_OPENED, "y1", "42", T0.minusSeconds(30), false));

        assertThat(cx.metrics(p).tickets()).isEqualTo(2);
    }

    private long countKeysOfProfiles() {
        return redis.commands().keys("*").size();
    }

    private Interaction withAttributes(Map<String, String> attributes) {
        return new Interaction("a", ann, InteractionKind.CUSTOM, "web", null, T0, null, null, attributes);
    }
}
