package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.nps;
import static dev.tessera.core.cx.CxFixtures.order;
import static dev.tessera.core.cx.CxFixtures.rec;
import static dev.tessera.core.cx.CxFixtures.returned;
import static dev.tessera.core.cx.CxFixtures.survey;
import static dev.tessera.core.cx.CxFixtures.ticket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.CxMetrics.Factor;
import dev.tessera.core.cx.CxMetrics.NpsCategory;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The metric definitions of docs/cx-metrics.md, one example each, and order independence. */
class CxMetricsCalculatorTest {

    private final CxMetricsCalculator calculator = new CxMetricsCalculator(CxSettings.defaults());
    private final SourceRecordId ann = rec("shop", "ann");

    @Test
    void npsCategoriesArePromoterNineToTenPassiveSevenToEightDetractorZeroToSix() {
        for (int score = 0; score <= 10; score++) {
            NpsCategory expected = score >= 9 ? NpsCategory.PROMOTER : score >= 7 ? NpsCategory.PASSIVE
                    : NpsCategory.DETRACTOR;
            assertThat(NpsCategory.of(score)).as("score %d", score).isEqualTo(expected);
        }
        assertThatThrownBy(() -> NpsCategory.of(11)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latestNpsIsTheAnswerWithTheLatestTimeNotTheLastToArrive() {
        CxMetrics m = calculator.recompute(List.of(nps(ann, "s2", T0.minusSeconds(10), 10),
                nps(ann, "s1", T0.minusSeconds(3600), 3)), T0);

        assertThat(m.npsLatest()).isEqualTo(10);
        assertThat(m.npsCategory()).isEqualTo(NpsCategory.PROMOTER);
        assertThat(m.npsAnswers()).isEqualTo(2);
    }

    @Test
    void averagesCsatAndCesOverEveryAnswer() {
        CxMetrics m = calculator.recompute(List.of(survey(ann, "c1", T0, ScoreType.CSAT, 4),
                survey(ann, "c2", T0, ScoreType.CSAT, 5), survey(ann, "c3", T0, ScoreType.CSAT, 2),
                survey(ann, "e1", T0, ScoreType.CES, 2)), T0);

        assertThat(m.csatAverage()).isEqualTo(11 / 3.0);
        assertThat(m.csatAnswers()).isEqualTo(3);
        assertThat(m.cesAverage()).isEqualTo(2.0);
    }

    @Test
    void firstResponseAndResolutionComeFromTheSameTicketsOpeningReplyAndSolve() {
        Instant opened = T0.minus(Duration.ofDays(3));
        List<Interaction> history = List.of(
                ticket(ann, InteractionKind.TICKET_OPENED, "o1", "T-1", opened, true),
                ticket(ann, InteractionKind.TICKET_REPLIED, "r1", "T-1", opened.plus(Duration.ofHours(2)), false),
                ticket(ann, InteractionKind.TICKET_REPLIED, "r2", "T-1", opened.plus(Duration.ofHours(5)), false),
                ticket(ann, InteractionKind.TICKET_SOLVED, "s1", "T-1", opened.plus(Duration.ofHours(30)), false),
                ticket(ann, InteractionKind.TICKET_OPENED, "o2", "T-2", opened.plus(Duration.ofDays(1)), false),
                ticket(ann, InteractionKind.TICKET_REPLIED, "r3", "T-2", opened.plus(Duration.ofDays(1)).plus(Duration.ofHours(4)), false));

        CxMetrics m = calculator.recompute(history, T0);

        assertThat(m.tickets()).isEqualTo(2);
        assertThat(m.openTickets()).isEqualTo(1);
        assertThat(m.complaints()).isEqualTo(1);
        assertThat(m.openComplaints()).isZero();
        assertThat(m.firstResponseLatest()).isEqualTo(Duration.ofHours(4));
        assertThat(m.firstResponseAverage()).isEqualTo(Duration.ofHours(3));
        assertThat(m.resolutionLatest()).isEqualTo(Duration.ofHours(30));
        assertThat(m.resolutionAverage()).isEqualTo(Duration.ofHours(30));
    }

    @Test
    void aReopenedTicketIsOpenAgainAndCountsOnce() {
        Instant opened = T0.minus(Duration.ofDays(3));
        CxMetrics m = calculator.recompute(List.of(
                ticket(ann, InteractionKind.TICKET_OPENED, "o1", "T-1", opened, true),
                ticket(ann, InteractionKind.TICKET_SOLVED, "s1", "T-1", opened.plus(Duration.ofHours(1)), false),
                ticket(ann, InteractionKind.TICKET_OPENED, "o2", "T-1", opened.plus(Duration.ofHours(2)), false)), T0);

        assertThat(m.tickets()).isEqualTo(1);
        assertThat(m.openComplaints()).isEqualTo(1);
        assertThat(m.resolutionAverage()).isNull();
    }

    @Test
    void ordersRevenueAndAverageOrderValueArePerCurrency() {
        CxMetrics m = calculator.recompute(List.of(order(ann, "o1", T0.minus(Duration.ofDays(10)), "100.00", "EUR"),
                order(ann, "o2", T0.minus(Duration.ofDays(5)), "50.00", "EUR"),
                order(ann, "o3", T0.minus(Duration.ofDays(1)), "20", "USD"),
                returned(ann, "r1", T0, "-30.00", "EUR")), T0);

        assertThat(m.orders()).isEqualTo(3);
        assertThat(m.returns()).isEqualTo(1);
        assertThat(m.revenue()).isEqualTo(Map.of("EUR", new BigDecimal("150.00"), "USD", new BigDecimal("20")));
        assertThat(m.returnedValue()).isEqualTo(Map.of("EUR", new BigDecimal("30.00")));
        assertThat(m.averageOrderValue()).containsEntry("EUR", new BigDecimal("75.00"));
        assertThat(m.daysSinceLastOrder()).isEqualTo(1);
    }

    @Test
    void clvIsNetRevenuePerOrderTimesOrdersPerYearTimesLifetime() {
        // 4 orders of 50 EUR over two years, one 40 EUR return: net 160 / 4 = 40 per order, 2 orders a
        // year, 3 years of expected lifetime, margin 1: CLV = 40 × 2 × 3 = 240
        Instant first = T0.minus(Duration.ofMillis((long) (2 * 365.25 * 86_400_000L)));
        List<Interaction> history = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            history.add(order(ann, "o" + k, first.plus(Duration.ofDays(180L * k)), "50", "EUR"));
        }
        history.add(returned(ann, "r", T0.minus(Duration.ofDays(3)), "40", "EUR"));

        assertThat(calculator.recompute(history, T0).clv()).containsEntry("EUR", new BigDecimal("240.00"));
    }

    @Test
    void clvOfANewCustomerUsesAtLeastOneYearOfTenure() {
        CxMetrics m = calculator.recompute(List.of(order(ann, "o1", T0.minus(Duration.ofDays(7)), "80", "EUR")), T0);

        assertThat(m.clv()).containsEntry("EUR", new BigDecimal("240.00")); // 80 × 1/year × 3 years
    }

    @Test
    void churnRiskShowsEveryFactorWithItsWeightAndContribution() {
        // last interaction 90 days ago (recency 0.5), latest NPS a detractor, one open complaint, and both
        // interactions in the window before the last 90 days (frequency dropped from 2 to 0)
        Instant last = T0.minus(Duration.ofDays(90));
        CxMetrics m = calculator.recompute(List.of(nps(ann, "n", last.minus(Duration.ofDays(1)), 3),
                ticket(ann, InteractionKind.TICKET_OPENED, "o", "T", last, true)), T0);

        assertThat(m.churnRisk().factors()).extracting(Factor::name)
                .containsExactly("detractor", "declining_frequency", "open_complaints", "recency");
        assertThat(m.churnRisk().factors()).extracting(Factor::contribution).containsExactly(0.25, 0.2, 0.2, 0.175);
        assertThat(m.churnRisk().score()).isEqualTo(0.825);
    }

    @Test
    void decliningFrequencyComparesTheLastWindowWithTheOneBefore() {
        List<Interaction> history = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            history.add(CxFixtures.activity(ann, "old" + k, T0.minus(Duration.ofDays(100 + k)), "email"));
        }
        history.add(CxFixtures.activity(ann, "new", T0.minus(Duration.ofDays(1)), "email"));

        Factor declining = calculator.recompute(history, T0).churnRisk().factors().stream()
                .filter(f -> f.name().equals("declining_frequency")).findFirst().orElseThrow();

        assertThat(declining.signal()).isEqualTo(0.75); // 4 before, 1 now
    }

    @Test
    void anInteractionDatedAheadOfNowIsRecentActivityNotADropInFrequency() {
        // now late on a UTC day; a visit dated a few hours into the next day (sources may date up to 24 h ahead)
        Instant now = Instant.parse("2026-01-01T23:00:00Z");
        List<Interaction> history = List.of(
                CxFixtures.activity(ann, "before", Instant.parse("2025-09-01T10:00:00Z"), "email"),
                CxFixtures.activity(ann, "ahead", Instant.parse("2026-01-02T05:00:00Z"), "email"));

        Factor declining = calculator.recompute(history, now).churnRisk().factors().stream()
                .filter(f -> f.name().equals("declining_frequency")).findFirst().orElseThrow();

        assertThat(declining.signal()).isZero(); // one before, one now: no decline
    }

    @Test
    void scoresAreSummedFromExactSignalsAndRoundedOnce() {
        // a ticket resolved in 254,021,184 ms (resolution signal 1 - 254021184/259200000 = 0.019980...), no open
        // complaint, active today: 100 × (.15 × 1 + .1 × 0.01998 + .15 × 1) / .40 = 75.4995 → 75, not the 76 that
        // adding rounded contributions gave
        Instant opened = T0.minus(Duration.ofMillis(254_021_184));
        CxMetrics m = calculator.recompute(List.of(ticket(ann, InteractionKind.TICKET_OPENED, "o", "T", opened, false),
                ticket(ann, InteractionKind.TICKET_SOLVED, "s", "T", T0, false)), T0);

        assertThat(m.health().drivers()).extracting(Factor::name)
                .containsExactlyInAnyOrder("no_open_complaint", "resolution_time", "recency");
        assertThat(m.health().score()).isEqualTo(75);
    }

    @Test
    void healthUsesOnlyTheSignalsAProfileHasAndListsTheCostliestDriverFirst() {
        CxMetrics m = calculator.recompute(List.of(nps(ann, "n", T0, 10),
                survey(ann, "c", T0, ScoreType.CSAT, 1)), T0);

        // nps 1.0 (w .25), csat 0.0 (w .2), recency 1.0 (w .15): 100 × .40 / .60 = 66.67
        assertThat(m.health().score()).isEqualTo(67);
        assertThat(m.health().drivers()).extracting(Factor::name).first().isEqualTo("csat");
        assertThat(calculator.recompute(List.of(), T0).health()).isNull();
    }

    @Test
    void aSolveWhoseOpeningWasNeverSeenIsNoTicketForHealthEither() {
        // imported after the ticket was opened: the solve arrives alone, and no ticket counts
        CxMetrics m = calculator.recompute(List.of(nps(ann, "n", T0, 0),
                CxFixtures.ticket(ann, InteractionKind.TICKET_SOLVED, "s", "t-1", T0, false)), T0);

        assertThat(m.tickets()).isZero();
        // nps 0.0 (w .25), recency 1.0 (w .15); no open-complaint signal: 100 × .15 / .40 = 37.5
        assertThat(m.health().drivers()).extracting(Factor::name).doesNotContain("no_open_complaint");
        assertThat(m.health().score()).isEqualTo(38);
    }

    @Test
    void mergeAndSplitEntriesCountInNoMetric() {
        Interaction merged = new Interaction("merged:x", rec("tessera", "x"), InteractionKind.PROFILE_MERGED, "system",
                null, T0, null, null, Map.of());

        assertThat(calculator.recompute(List.of(merged), T0).interactions()).isZero();
    }

    @Test
    void foldingInAnyOrderGivesTheSameTallyAsRecomputing() {
        List<SourceRecordId> people = List.of(ann, rec("crm", "ann-1"));
        for (long seed = 1; seed <= 30; seed++) {
            List<Interaction> history = RandomInteractions.history(seed, 60, people);
            CxTally expected = calculator.tally(history);
            List<Interaction> shuffled = new ArrayList<>(history);
            Collections.shuffle(shuffled, new Random(seed * 31));
            CxTally folded = CxTally.EMPTY;
            for (Interaction i : shuffled) {
                folded = calculator.add(folded, i);
            }
            assertThat(folded).as("seed %d", seed).isEqualTo(expected);
            assertThat(calculator.metrics(folded, T0)).isEqualTo(calculator.metrics(expected, T0));
        }
    }

    /** The stored form gives back the same tally, down to its JSON and the metrics computed from it. */
    @Test
    void theTallySurvivesItsJsonForm() {
        for (long seed = 0; seed < 50; seed++) {
            CxTally tally = calculator.tally(RandomInteractions.history(seed, 80, List.of(ann)));
            CxTally decoded = CxJson.read(CxJson.write(tally), CxTally.class);

            assertThat(decoded).as("seed %d", seed).isEqualTo(tally);
            assertThat(CxJson.write(decoded)).isEqualTo(CxJson.write(tally));
            assertThat(calculator.metrics(decoded, T0)).isEqualTo(calculator.metrics(tally, T0));
        }
    }

    @Test
    void aTallyMadeFromAnotherSharesOnlyWhatNoOneCanChange() {
        CxTally before = calculator.tally(List.of(order(ann, "o1", T0.minus(Duration.ofDays(3)), "10.00", "EUR"),
                ticket(ann, InteractionKind.TICKET_OPENED, "t1", "T-1", T0.minus(Duration.ofDays(2)), false)));
        String json = CxJson.write(before);

        CxTally after = calculator.add(before, order(ann, "o2", T0, "5.00", "EUR"));
        calculator.add(after, ticket(ann, InteractionKind.TICKET_SOLVED, "t2", "T-1", T0, false));

        assertThat(CxJson.write(before)).isEqualTo(json); // adding never changes the tally it started from
        assertThat(after.revenue()).containsEntry("EUR", new BigDecimal("15.00"));
        assertThat(after.tickets()).isSameAs(before.tickets()); // unchanged: shared, not copied
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> after.tickets().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> after.revenue().remove("USD"))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> after.revenue().computeIfPresent("USD", (k, v) -> v))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> after.activeDays().put(1L, 1L))
                .isInstanceOf(UnsupportedOperationException.class);
        java.util.TreeMap<String, BigDecimal> mine = new java.util.TreeMap<>(Map.of("EUR", BigDecimal.ONE));
        CxTally copied = new CxTally(0, null, null, null, null, 0, 0, 0, null, 0, 0, 0, 0, 0, 0, mine, null, null,
                null, null, null);
        mine.put("USD", BigDecimal.TEN);
        assertThat(copied.revenue()).containsOnlyKeys("EUR"); // a map handed in from outside is copied
    }
}
