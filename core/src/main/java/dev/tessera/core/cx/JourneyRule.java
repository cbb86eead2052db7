package dev.tessera.core.cx;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * "The profile is in {@code stage} when every condition holds." Rules are evaluated in order and the
 * first one that matches decides; a rule without conditions always matches (use it last, as the
 * fallback). A condition over a metric the profile does not have (no order yet, say) does not hold.
 */
public record JourneyRule(JourneyStage stage, List<Condition> conditions) {

    public JourneyRule {
        Objects.requireNonNull(stage, "stage");
        conditions = conditions == null ? List.of() : List.copyOf(conditions); // none: the fallback stage
    }

    /** Convenience for a rule with one condition. */
    public static JourneyRule when(JourneyStage stage, Metric metric, Op op, double value) {
        return new JourneyRule(stage, List.of(new Condition(metric, op, value)));
    }

    /** The rule that always matches. */
    public static JourneyRule otherwise(JourneyStage stage) {
        return new JourneyRule(stage, List.of());
    }

    boolean matches(CxMetrics metrics) {
        return conditions.stream().allMatch(c -> c.holds(metrics));
    }

    /** The first stage whose rule matches, or {@link JourneyStage#USE} when none does. */
    public static JourneyStage evaluate(List<JourneyRule> rules, CxMetrics metrics) {
        return rules.stream().filter(r -> r.matches(metrics)).map(JourneyRule::stage).findFirst()
                .orElse(JourneyStage.USE);
    }

    /** {@code metric op value}, e.g. {@code DAYS_SINCE_LAST_INTERACTION > 365}. */
    public record Condition(Metric metric, Op op, double value) {

        public Condition {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(op, "op");
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("condition value must be finite");
            }
        }

        boolean holds(CxMetrics metrics) {
            return holds(metric.read(metrics));
        }

        /** Whether the condition holds for this value of its metric (none: it does not). */
        boolean holds(Number actual) {
            return actual != null && op.test(actual.doubleValue(), value);
        }
    }

    public enum Op {
        LT, LE, GT, GE, EQ;

        boolean test(double actual, double expected) {
            return switch (this) {
                case LT -> actual < expected;
                case LE -> actual <= expected;
                case GT -> actual > expected;
                case GE -> actual >= expected;
                case EQ -> actual == expected;
            };
        }
    }

    /** The metrics a journey rule can look at. */
    public enum Metric {
        DAYS_SINCE_LAST_INTERACTION(CxMetrics::daysSinceLastInteraction),
        DAYS_SINCE_FIRST_INTERACTION(CxMetrics::daysSinceFirstInteraction),
        DAYS_SINCE_LAST_ORDER(CxMetrics::daysSinceLastOrder),
        INTERACTIONS(CxMetrics::interactions),
        ORDERS(CxMetrics::orders),
        OPEN_TICKETS(CxMetrics::openTickets),
        OPEN_COMPLAINTS(CxMetrics::openComplaints),
        NPS_LATEST(CxMetrics::npsLatest),
        CHURN_RISK(m -> m.churnRisk().score()),
        HEALTH(m -> m.health() == null ? null : m.health().score());

        private final Function<CxMetrics, Number> reader;

        Metric(Function<CxMetrics, Number> reader) {
            this.reader = reader;
        }

        Number read(CxMetrics metrics) {
            return reader.apply(metrics);
        }
    }
}
