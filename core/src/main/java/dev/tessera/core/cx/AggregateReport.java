package dev.tessera.core.cx;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.SortedMap;

/**
 * The answer to an {@link AggregateQuery}: one series per dimension value ({@code all} for
 * {@link AggregateQuery.Dimension#ALL}, else each channel or touchpoint seen in the range, {@code (none)} for
 * interactions without one, at most {@link CxAggregates#MAX_SERIES} of them), each with one bucket per
 * period, empty periods included. Definitions in
 * docs/cx-metrics.md ("Dashboard aggregates").
 */
public record AggregateReport(AggregateQuery query, List<Series> series) {

    public AggregateReport {
        series = List.copyOf(series);
    }

    /** The key of the series that sums the labels beyond {@link CxAggregates#MAX_SERIES}. */
    public static final String OTHER = "(other)";

    /**
     * {@code folded}: 0 for one dimension value; for the {@link #OTHER} series (always last), how many values
     * it sums (a real label "(other)" has 0).
     */
    public record Series(String key, List<Bucket> buckets, int folded) {
        public Series {
            buckets = List.copyOf(buckets);
            if (folded < 0) {
                throw new IllegalArgumentException("folded must not be negative");
            }
        }

        public Series(String key, List<Bucket> buckets) {
            this(key, buckets, 0);
        }
    }

    /**
     * One period, clipped to the query's range ({@code from}..{@code to}, both included). {@code tickets}
     * and {@code churn} are kept for the whole business only: null in channel and touchpoint series.
     */
    public record Bucket(LocalDate from, LocalDate to, long interactions, Nps nps, Average csat, Average ces,
            Complaints complaints, Tickets tickets, Churn churn, Orders orders) {}

    /** NPS = % promoters − % detractors of the answers in the period, −100..100; null without answers. */
    public record Nps(long promoters, long passives, long detractors, Double score) {
        public long answers() {
            return promoters + passives + detractors;
        }
    }

    /** Sum and count of survey scores; the average is null without answers. */
    public record Average(long sum, long count, Double average) {}

    /**
     * Complaints opened in the period (TICKET_OPENED events marked as complaint, by the event's channel and
     * touchpoint) and, for {@code all} only, complaint tickets solved in it with their average handling time
     * (last solving − first opening); null where not kept or nothing was solved.
     */
    public record Complaints(long opened, Long solved, Duration averageHandlingTime) {}

    /** Tickets solved in the period (not reopened since), average first response and resolution time. */
    public record Tickets(long solved, long withResponse, Duration averageFirstResponse,
            Duration averageResolution) {}

    /**
     * Profiles that entered the journey stage CHURNED in the period, that left it, the (approximate, ±1%)
     * number of distinct profiles with an interaction in the period, and rate = churned / (churned + active);
     * null when both are 0.
     */
    public record Churn(long churned, long reactivated, long activeProfiles, Double rate) {}

    /** Orders in the period and their gross value per currency. */
    public record Orders(long count, SortedMap<String, BigDecimal> revenue) {}
}
