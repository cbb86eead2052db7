package dev.tessera.profile.api;

import dev.tessera.core.cx.AggregateReport;
import dev.tessera.core.cx.AggregateReport.Bucket;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * One answer of the metrics API: the query as understood, then one series per dimension value
 * ({@code all}, or each channel or touchpoint, the least used summed into {@code (other)} beyond
 * {@link dev.tessera.core.cx.CxAggregates#MAX_SERIES}), each with one bucket per period. Times are in seconds.
 * For a segment's report, {@code segment}, {@code asOf} and {@code members} say whose and when; otherwise
 * they are null.
 */
record MetricsView<T>(LocalDate from, LocalDate to, String granularity, String by, List<SeriesView<T>> series,
        String segment, java.time.Instant asOf, Integer members) {

    static <T> MetricsView<T> of(AggregateReport report, Function<Bucket, T> bucket) {
        return new MetricsView<>(report.query().from(), report.query().to(),
                report.query().granularity().name().toLowerCase(Locale.ROOT),
                report.query().dimension().name().toLowerCase(Locale.ROOT),
                report.series().stream()
                        .map(s -> new SeriesView<>(s.key(), s.buckets().stream().map(bucket).toList(), s.folded()))
                        .toList(), null, null, null);
    }

    /** The same answer as a segment's report: which segment, as of when, over how many members. */
    MetricsView<T> forSegment(String id, java.time.Instant at, int memberCount) {
        return new MetricsView<>(from, to, granularity, by, series, id, at, memberCount);
    }

    /**
     * {@code folded}: 0 for one channel or touchpoint; for the last series, {@code (other)}, how many of them
     * it sums when the range holds more than {@link dev.tessera.core.cx.CxAggregates#MAX_SERIES}.
     */
    record SeriesView<T>(String key, List<T> buckets, int folded) {}

    /** NPS = % promoters − % detractors, −100..100; null without answers. */
    record NpsBucket(LocalDate from, LocalDate to, long promoters, long passives, long detractors, long answers,
            Double nps) {
        static NpsBucket of(Bucket b) {
            return new NpsBucket(b.from(), b.to(), b.nps().promoters(), b.nps().passives(), b.nps().detractors(),
                    b.nps().answers(), b.nps().score());
        }
    }

    record ScoreBucket(LocalDate from, LocalDate to, long answers, Double average) {
        static ScoreBucket of(Bucket b, AggregateReport.Average score) {
            return new ScoreBucket(b.from(), b.to(), score.count(), score.average());
        }
    }

    /** Complaints opened; for {@code by=all} also solved complaints and tickets with their average times. */
    record ComplaintsBucket(LocalDate from, LocalDate to, long opened, Long solved, Long averageHandlingSeconds,
            Long ticketsSolved, Long averageFirstResponseSeconds, Long averageResolutionSeconds) {
        static ComplaintsBucket of(Bucket b) {
            AggregateReport.Tickets t = b.tickets();
            return new ComplaintsBucket(b.from(), b.to(), b.complaints().opened(), b.complaints().solved(),
                    seconds(b.complaints().averageHandlingTime()), t == null ? null : t.solved(),
                    t == null ? null : seconds(t.averageFirstResponse()),
                    t == null ? null : seconds(t.averageResolution()));
        }
    }

    /** Churned / (churned + active profiles); active profiles are an approximate distinct count (±1%). */
    record ChurnBucket(LocalDate from, LocalDate to, long churned, long reactivated, long activeProfiles,
            Double churnRate) {
        static ChurnBucket of(Bucket b) {
            AggregateReport.Churn c = b.churn();
            return new ChurnBucket(b.from(), b.to(), c.churned(), c.reactivated(), c.activeProfiles(), c.rate());
        }
    }

    record OrdersBucket(LocalDate from, LocalDate to, long orders, SortedMap<String, BigDecimal> revenue) {
        static OrdersBucket of(Bucket b) {
            return new OrdersBucket(b.from(), b.to(), b.orders().count(), b.orders().revenue());
        }
    }

    record SummaryBucket(LocalDate from, LocalDate to, long interactions, NpsBucket nps, ScoreBucket csat,
            ScoreBucket ces, ComplaintsBucket complaints, ChurnBucket churn, OrdersBucket orders) {
        static SummaryBucket of(Bucket b) {
            return new SummaryBucket(b.from(), b.to(), b.interactions(), NpsBucket.of(b), ScoreBucket.of(b, b.csat()),
                    ScoreBucket.of(b, b.ces()), ComplaintsBucket.of(b), b.churn() == null ? null : ChurnBucket.of(b),
                    OrdersBucket.of(b));
        }
    }

    private static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
    }
}
