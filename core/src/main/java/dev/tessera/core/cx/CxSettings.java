package dev.tessera.core.cx;

import dev.tessera.core.cx.JourneyRule.Metric;
import dev.tessera.core.cx.JourneyRule.Op;
import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.Interaction;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every tunable of the CX metrics in one place; {@link #defaults()} is the only copy of the defaults
 * (docs/cx-metrics.md explains each). A null component in the canonical constructor takes its default,
 * so configuration binders can leave out what they do not set.
 *
 * @param ticketIdAttribute   interaction attribute naming the ticket a TICKET_* event belongs to; an
 *                            event without it is its own ticket
 * @param complaintAttribute  attribute of TICKET_OPENED that marks a complaint ...
 * @param complaintValue      ... when it equals this value (case-insensitive)
 * @param pendingTtl          how long interactions of a not-yet-known source record wait for it
 * @param momentMaxAge        moments whose trigger happened longer ago than this are not fired (a
 *                            backfill of old history must not page anyone)
 * @param maxAhead            how far past now an interaction from a source may be dated (other systems'
 *                            clocks, time zones); later ones are refused: they would freeze recency (default
 *                            24 hours)
 */
public record CxSettings(
        String ticketIdAttribute,
        String complaintAttribute,
        String complaintValue,
        Clv clv,
        Churn churn,
        Health health,
        List<JourneyRule> journey,
        List<MomentRule> moments,
        Duration pendingTtl,
        Duration momentMaxAge,
        Duration maxAhead) {

    public CxSettings {
        ticketIdAttribute = attribute(ticketIdAttribute == null ? Interaction.TICKET_ID : ticketIdAttribute);
        complaintAttribute = attribute(complaintAttribute == null ? "type" : complaintAttribute);
        complaintValue = complaintValue == null ? "complaint" : complaintValue;
        clv = clv == null ? Clv.DEFAULT : clv;
        churn = churn == null ? Churn.DEFAULT : churn;
        health = health == null ? Health.DEFAULT : health;
        journey = List.copyOf(journey == null ? DEFAULT_JOURNEY : journey);
        moments = List.copyOf(moments == null ? DEFAULT_MOMENTS : moments);
        pendingTtl = positive(pendingTtl == null ? Duration.ofDays(30) : pendingTtl, "pendingTtl");
        momentMaxAge = positive(momentMaxAge == null ? Duration.ofDays(7) : momentMaxAge, "momentMaxAge");
        maxAhead = positive(maxAhead == null ? Duration.ofHours(24) : maxAhead, "maxAhead");
        if (moments.stream().map(MomentRule::name).distinct().count() != moments.size()) {
            throw new IllegalArgumentException("moment rule names must be unique");
        }
    }

    /** Default journey rules, evaluated in this order. */
    public static final List<JourneyRule> DEFAULT_JOURNEY = List.of(
            JourneyRule.when(JourneyStage.CHURNED, Metric.DAYS_SINCE_LAST_INTERACTION, Op.GT, 365),
            JourneyRule.when(JourneyStage.AT_RISK, Metric.CHURN_RISK, Op.GE, 0.6),
            JourneyRule.when(JourneyStage.MAINTENANCE, Metric.OPEN_TICKETS, Op.GE, 1),
            JourneyRule.when(JourneyStage.ONBOARDING, Metric.DAYS_SINCE_FIRST_INTERACTION, Op.LE, 30),
            JourneyRule.when(JourneyStage.RENEWAL, Metric.DAYS_SINCE_LAST_ORDER, Op.GE, 330),
            JourneyRule.otherwise(JourneyStage.USE));

    /** Default moments of truth. */
    public static final List<MomentRule> DEFAULT_MOMENTS = List.of(
            new MomentRule.DetractorAfterSolved("detractor-after-solved", Duration.ofDays(7)),
            new MomentRule.ComplaintOverdue("complaint-overdue", Duration.ofHours(48)));

    public static CxSettings defaults() {
        return new CxSettings(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** These settings with other journey rules. */
    public CxSettings withJourney(List<JourneyRule> rules) {
        return new CxSettings(ticketIdAttribute, complaintAttribute, complaintValue, clv, churn, health, rules,
                moments, pendingTtl, momentMaxAge, maxAhead);
    }

    /** These settings with other moment rules. */
    public CxSettings withMoments(List<MomentRule> rules) {
        return new CxSettings(ticketIdAttribute, complaintAttribute, complaintValue, clv, churn, health, journey,
                rules, pendingTtl, momentMaxAge, maxAhead);
    }

    /** The same settings with another tolerance for interactions dated ahead of now. */
    public CxSettings withMaxAhead(Duration tolerance) {
        return new CxSettings(ticketIdAttribute, complaintAttribute, complaintValue, clv, churn, health, journey,
                moments, pendingTtl, momentMaxAge, tolerance);
    }

    /**
     * CLV = net revenue per order × orders per year × expected lifetime in years × gross margin, per
     * currency. Orders per year = orders / max(tenure in years, {@code minTenureYears}), tenure counted
     * from the first order to now, so one order last week is not read as 52 orders a year.
     */
    public record Clv(double lifetimeYears, double grossMargin, double minTenureYears) {
        public static final Clv DEFAULT = new Clv(3.0, 1.0, 1.0);

        public Clv {
            if (!(lifetimeYears > 0) || !(grossMargin > 0 && grossMargin <= 1) || !(minTenureYears > 0)) {
                throw new IllegalArgumentException("CLV needs lifetimeYears > 0, 0 < grossMargin <= 1, minTenureYears > 0");
            }
        }
    }

    /**
     * Churn risk = Σ weight × signal / Σ weight, each signal in [0, 1] (docs/cx-metrics.md): recency
     * (days since the last interaction / {@code recencyHorizonDays}, capped at 1), detractor (latest NPS
     * detractor 1, passive {@code passiveSignal}), open complaints (capped at 1 complaint), declining
     * frequency (drop of interactions in the last {@code frequencyWindowDays} against the window before).
     */
    public record Churn(double recencyWeight, double detractorWeight, double openComplaintWeight,
            double decliningFrequencyWeight, int recencyHorizonDays, int frequencyWindowDays, double passiveSignal) {
        public static final Churn DEFAULT = new Churn(0.35, 0.25, 0.2, 0.2, 180, 90, 0.4);

        public Churn {
            weights(recencyWeight, detractorWeight, openComplaintWeight, decliningFrequencyWeight);
            if (recencyHorizonDays < 1 || frequencyWindowDays < 1 || !(passiveSignal >= 0 && passiveSignal <= 1)) {
                throw new IllegalArgumentException("churn horizons must be >= 1 day and passiveSignal within 0..1");
            }
        }
    }

    /**
     * CX health = 100 × Σ weight × signal / Σ weight over the signals the profile has (each in [0, 1],
     * 1 = good): latest NPS, average CSAT, average CES (low effort is good), no open complaint, average
     * resolution time against {@code resolutionTarget}, recency against {@code recencyHorizonDays}.
     */
    public record Health(double npsWeight, double csatWeight, double cesWeight, double complaintWeight,
            double resolutionWeight, double recencyWeight, Duration resolutionTarget, int recencyHorizonDays) {
        public static final Health DEFAULT = new Health(0.25, 0.2, 0.15, 0.15, 0.1, 0.15, Duration.ofHours(72), 180);

        public Health {
            weights(npsWeight, csatWeight, cesWeight, complaintWeight, resolutionWeight, recencyWeight);
            positive(resolutionTarget, "resolutionTarget");
            if (recencyHorizonDays < 1) {
                throw new IllegalArgumentException("recencyHorizonDays must be >= 1");
            }
        }
    }

    private static void weights(double... weights) {
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0");
            }
            sum += w;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("at least one weight must be > 0");
        }
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return d;
    }

    private static String attribute(String name) {
        if (!Attributes.isValidName(name)) {
            throw new IllegalArgumentException("attribute names must match " + Attributes.NAME_PATTERN);
        }
        return name;
    }
}
