package dev.tessera.adminui.dashboard;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.SortedMap;

/** The shapes of the profile service's metrics API (/api/v1/metrics/...), as admin-ui reads them. */
public final class Metrics {

    private Metrics() {
    }

    /** With a segment's report, {@code segment}, {@code asOf} and {@code members} say whose and when; else null. */
    public record View<T>(LocalDate from, LocalDate to, String granularity, String by, List<Series<T>> series,
            String segment, java.time.Instant asOf, Integer members) {}

    /** {@code folded}: how many channels or touchpoints the last series, "(other)", sums (0 or null: one). */
    public record Series<T>(String key, List<T> buckets, Integer folded) {}

    public record Nps(LocalDate from, LocalDate to, long promoters, long passives, long detractors, long answers,
            Double nps) {}

    public record Score(LocalDate from, LocalDate to, long answers, Double average) {}

    public record Complaints(LocalDate from, LocalDate to, long opened, Long solved, Long averageHandlingSeconds,
            Long ticketsSolved, Long averageFirstResponseSeconds, Long averageResolutionSeconds) {}

    public record Churn(LocalDate from, LocalDate to, long churned, long reactivated, long activeProfiles,
            Double churnRate) {}

    public record Orders(LocalDate from, LocalDate to, long orders, SortedMap<String, BigDecimal> revenue) {}

    public record Summary(LocalDate from, LocalDate to, long interactions, Nps nps, Score csat, Score ces,
            Complaints complaints, Churn churn, Orders orders) {}
}
