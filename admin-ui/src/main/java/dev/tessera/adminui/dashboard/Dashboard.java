package dev.tessera.adminui.dashboard;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the marketers' dashboard shows for a period: the totals over all its buckets (each recomputed
 * from counts, never by averaging averages) and, per channel and per touchpoint, the NPS. Plain data
 * from the metrics API's answers; the formulas are those of docs/cx-metrics.md.
 *
 * @param periods      one row per day/week/month bucket, oldest first
 * @param npsByChannel NPS per channel over the whole period, channels with answers only
 */
public record Dashboard(Totals totals, List<Metrics.Summary> periods, List<Segment> npsByChannel,
        List<Segment> npsByTouchpoint) {

    /**
     * @param nps                    % promoters − % detractors over all answers, null without answers
     * @param csat                   average CSAT over all answers
     * @param ces                    average CES over all answers
     * @param averageHandlingSeconds complaints solved in the period: their average handling time
     * @param churned                profiles that became churned in the period (per-period rates are in the
     *                               table: active profiles are distinct counts and cannot be summed)
     * @param reactivated            churned profiles that came back in the period
     */
    public record Totals(long interactions, Double nps, long npsAnswers, Double csat, long csatAnswers, Double ces,
            long cesAnswers, long complaintsOpened, long complaintsSolved, Long averageHandlingSeconds,
            long churned, long reactivated, long orders, Map<String, BigDecimal> revenue) {}

    public record Segment(String key, long answers, Double nps) {}

    static Dashboard of(Metrics.View<Metrics.Summary> summary, Metrics.View<Metrics.Nps> byChannel,
            Metrics.View<Metrics.Nps> byTouchpoint) {
        List<Metrics.Summary> periods = summary.series().isEmpty() ? List.of() : summary.series().get(0).buckets();
        return new Dashboard(totals(periods), periods, segments(byChannel), segments(byTouchpoint));
    }

    static Totals totals(List<Metrics.Summary> periods) {
        long interactions = 0;
        long promoters = 0;
        long detractors = 0;
        long npsAnswers = 0;
        double csatSum = 0;
        long csatAnswers = 0;
        double cesSum = 0;
        long cesAnswers = 0;
        long opened = 0;
        long solved = 0;
        double handlingSum = 0;
        long handled = 0;
        long churned = 0;
        long reactivated = 0;
        long orders = 0;
        Map<String, BigDecimal> revenue = new TreeMap<>();
        for (Metrics.Summary p : periods) {
            interactions += p.interactions();
            promoters += p.nps().promoters();
            detractors += p.nps().detractors();
            npsAnswers += p.nps().answers();
            if (p.csat().average() != null) {
                csatSum += p.csat().average() * p.csat().answers();
                csatAnswers += p.csat().answers();
            }
            if (p.ces().average() != null) {
                cesSum += p.ces().average() * p.ces().answers();
                cesAnswers += p.ces().answers();
            }
            opened += p.complaints().opened();
            long solvedHere = p.complaints().solved() == null ? 0 : p.complaints().solved();
            solved += solvedHere;
            if (p.complaints().averageHandlingSeconds() != null && solvedHere > 0) {
                handlingSum += (double) p.complaints().averageHandlingSeconds() * solvedHere;
                handled += solvedHere;
            }
            if (p.churn() != null) {
                churned += p.churn().churned();
                reactivated += p.churn().reactivated();
            }
            orders += p.orders().orders();
            p.orders().revenue().forEach((currency, amount) -> revenue.merge(currency, amount, BigDecimal::add));
        }
        return new Totals(interactions, npsAnswers == 0 ? null : 100.0 * (promoters - detractors) / npsAnswers,
                npsAnswers, csatAnswers == 0 ? null : csatSum / csatAnswers, csatAnswers,
                cesAnswers == 0 ? null : cesSum / cesAnswers, cesAnswers, opened, solved,
                handled == 0 ? null : Math.round(handlingSum / handled), churned, reactivated, orders, revenue);
    }

    private static List<Segment> segments(Metrics.View<Metrics.Nps> view) {
        return view.series().stream()
                .map(series -> {
                    long promoters = 0;
                    long detractors = 0;
                    long answers = 0;
                    for (Metrics.Nps b : series.buckets()) {
                        promoters += b.promoters();
                        detractors += b.detractors();
                        answers += b.answers();
                    }
                    String key = series.folded() != null && series.folded() > 0
                            ? series.key() + " (" + series.folded() + " more)" : series.key();
                    return new Segment(key, answers, answers == 0 ? null : 100.0 * (promoters - detractors) / answers);
                })
                .filter(segment -> segment.answers() > 0)
                .toList();
    }
}
