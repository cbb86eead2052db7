package dev.tessera.adminui.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DashboardTest {

    private static final LocalDate D = LocalDate.parse("2026-03-02");

    @Test
    void totalsAreRecomputedFromCountsNotAveragedAverages() {
        // week 1: 3 promoters, 1 detractor of 4; CSAT 5.0 from 1 answer; week 2: 0 promoters, 4 detractors
        // of 4; CSAT 3.0 from 3 answers. NPS over both = (3 - 5) / 8 = -25, not the mean of +50 and -100.
        Dashboard.Totals totals = Dashboard.totals(List.of(
                period(D, 3, 0, 1, 5.0, 1, 2L, 3600L, 0.02, "GBP", "10.50"),
                period(D.plusDays(7), 0, 0, 4, 3.0, 3, 1L, 7200L, 0.05, "GBP", "4.50")));

        assertThat(totals.nps()).isCloseTo(-25.0, within(1e-9));
        assertThat(totals.npsAnswers()).isEqualTo(8);
        assertThat(totals.csat()).isCloseTo(3.5, within(1e-9));
        assertThat(totals.complaintsSolved()).isEqualTo(3);
        // (2 × 1 h + 1 × 2 h) / 3 solved
        assertThat(totals.averageHandlingSeconds()).isEqualTo(4800L);
        // churned profiles add up (1 per period here); rates stay per period
        assertThat(totals.churned()).isEqualTo(2);
        assertThat(totals.revenue()).containsEntry("GBP", new BigDecimal("15.00"));
    }

    @Test
    void saysNothingWithoutAnswers() {
        Dashboard.Totals totals = Dashboard.totals(List.of(period(D, 0, 0, 0, null, 0, null, null, null, null, null)));

        assertThat(totals.nps()).isNull();
        assertThat(totals.csat()).isNull();
        assertThat(totals.averageHandlingSeconds()).isNull();
        assertThat(totals.churned()).isZero();
        assertThat(totals.revenue()).isEmpty();
    }

    @Test
    void npsPerChannelOverTheWholePeriodLeavesOutChannelsWithoutAnswers() {
        Metrics.View<Metrics.Nps> byChannel = new Metrics.View<>(D, D.plusDays(30), "month", "channel", List.of(
                new Metrics.Series<>("email", List.of(nps(2, 1, 1), nps(0, 0, 0)), 0),
                new Metrics.Series<>("phone", List.of(nps(0, 0, 0)), null)), null, null, null);
        Metrics.View<Metrics.Summary> summary = new Metrics.View<>(D, D.plusDays(30), "week", "all", List.of(), null, null,
                null);

        Dashboard dashboard = Dashboard.of(summary, byChannel, byChannel);

        assertThat(dashboard.npsByChannel()).extracting(Dashboard.Segment::key).containsExactly("email");
        assertThat(dashboard.npsByChannel().get(0).nps()).isCloseTo(25.0, within(1e-9));
        assertThat(dashboard.periods()).isEmpty();
    }

    @Test
    void theSeriesThatSumsTheLeastUsedTouchpointsSaysHowMany() {
        Metrics.View<Metrics.Nps> byTouchpoint = new Metrics.View<>(D, D.plusDays(30), "month", "touchpoint", List.of(
                new Metrics.Series<>("checkout", List.of(nps(1, 0, 0)), 0),
                new Metrics.Series<>("(other)", List.of(nps(0, 1, 1)), 40)), null, null, null);
        Metrics.View<Metrics.Summary> summary = new Metrics.View<>(D, D.plusDays(30), "week", "all", List.of(), null, null,
                null);

        Dashboard dashboard = Dashboard.of(summary, byTouchpoint, byTouchpoint);

        assertThat(dashboard.npsByTouchpoint()).extracting(Dashboard.Segment::key)
                .containsExactly("checkout", "(other) (40 more)");
    }

    private static Metrics.Nps nps(long promoters, long passives, long detractors) {
        return new Metrics.Nps(D, D, promoters, passives, detractors, promoters + passives + detractors, null);
    }

    private static Metrics.Summary period(LocalDate from, long promoters, long passives, long detractors, Double csat,
            long csatAnswers, Long solved, Long handlingSeconds, Double churnRate, String currency, String revenue) {
        TreeMap<String, BigDecimal> money = new TreeMap<>();
        if (currency != null) {
            money.put(currency, new BigDecimal(revenue));
        }
        return new Metrics.Summary(from, from.plusDays(6), 10, nps(promoters, passives, detractors),
                new Metrics.Score(from, from, csatAnswers, csat), new Metrics.Score(from, from, 0, null),
                new Metrics.Complaints(from, from, 1, solved, handlingSeconds, null, null, null),
                churnRate == null ? null : new Metrics.Churn(from, from, 1, 0, 19, churnRate),
                new Metrics.Orders(from, from, 1, money));
    }
}
