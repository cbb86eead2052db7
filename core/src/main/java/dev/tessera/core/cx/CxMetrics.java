package dev.tessera.core.cx;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A profile's CX metrics as of {@code asOf}; every formula is in docs/cx-metrics.md. Absent values
 * (no survey answer yet, no order yet) are null, not zero. Money is per ISO currency, never converted.
 */
public record CxMetrics(
        Instant asOf,
        long interactions,
        Instant firstInteractionAt,
        Instant lastInteractionAt,
        Long daysSinceFirstInteraction,
        Long daysSinceLastInteraction,
        Integer npsLatest,
        NpsCategory npsCategory,
        long npsAnswers,
        Double csatAverage,
        long csatAnswers,
        Double cesAverage,
        long cesAnswers,
        long tickets,
        long openTickets,
        long complaints,
        long openComplaints,
        Duration firstResponseLatest,
        Duration firstResponseAverage,
        Duration resolutionLatest,
        Duration resolutionAverage,
        long orders,
        long returns,
        Map<String, BigDecimal> revenue,
        Map<String, BigDecimal> returnedValue,
        Map<String, BigDecimal> averageOrderValue,
        Instant lastOrderAt,
        Long daysSinceLastOrder,
        Map<String, BigDecimal> clv,
        ChurnRisk churnRisk,
        CxHealth health) {

    public CxMetrics {
        Objects.requireNonNull(asOf, "asOf");
        revenue = Map.copyOf(revenue);
        returnedValue = Map.copyOf(returnedValue);
        averageOrderValue = Map.copyOf(averageOrderValue);
        clv = Map.copyOf(clv);
        Objects.requireNonNull(churnRisk, "churnRisk");
    }

    /** NPS category of one answer: promoter 9-10, passive 7-8, detractor 0-6. */
    public enum NpsCategory {
        PROMOTER, PASSIVE, DETRACTOR;

        public static NpsCategory of(int score) {
            if (score < 0 || score > 10) {
                throw new IllegalArgumentException("NPS score must be within 0..10");
            }
            return score >= 9 ? PROMOTER : score >= 7 ? PASSIVE : DETRACTOR;
        }
    }

    /**
     * One input of a score, shown so the score is not a black box.
     *
     * @param signal       the factor's value scaled to [0, 1]
     * @param weight       its configured weight
     * @param contribution what it adds to the score (churn: share of 0..1; health: points of 0..100)
     */
    public record Factor(String name, double signal, double weight, double contribution) {}

    /** Churn risk in [0, 1] with every factor that went into it, largest contribution first. */
    public record ChurnRisk(double score, List<Factor> factors) {
        public ChurnRisk {
            factors = List.copyOf(factors);
        }
    }

    /**
     * CX health in 0..100 with its drivers, the ones that cost the most points first. Null on a profile
     * without any of the health signals.
     */
    public record CxHealth(int score, List<Factor> drivers) {
        public CxHealth {
            drivers = List.copyOf(drivers);
        }
    }
}
