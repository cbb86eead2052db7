package dev.tessera.core.segment;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.cx.JourneyStage;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.privacy.ConsentChannel;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A segment's condition: a tree of boolean nodes over one profile (attributes, CX metrics, journey stage,
 * consent, identifiers, sources and CX history). The JSON form is in docs/segments.md and is read by
 * {@link SegmentRules#parse}; {@link #toJson()} writes it back in the same form.
 *
 * <p>Every condition over something the profile does not have (an attribute, a metric such as the latest
 * NPS before any answer) is false, and so is its negation only through an explicit {@code not}: "NPS ≤ 6"
 * does not match a profile that never answered, "not NPS > 6" does.
 */
public sealed interface SegmentRule {

    /** True when the profile is in the segment. */
    boolean test(SegmentSubject subject);

    /** The rules this one combines (none for a condition). */
    default List<SegmentRule> children() {
        return List.of();
    }

    /**
     * True when the outcome can change with time alone, without any change to the profile (days since the
     * last order, "an order in the last 90 days"): such segments are re-evaluated on a schedule as well.
     */
    default boolean timeDependent() {
        return children().stream().anyMatch(SegmentRule::timeDependent);
    }

    /** True when evaluation reads the timeline ({@link History}). */
    default boolean readsHistory() {
        return children().stream().anyMatch(SegmentRule::readsHistory);
    }

    /** The JSON form (maps, lists, strings, numbers), as {@link SegmentRules#parse} reads it. */
    Object toJson();

    // ---------------------------------------------------------------- combinators

    /** Every rule holds (true when empty). */
    record All(List<SegmentRule> rules) implements SegmentRule {
        public All {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean test(SegmentSubject s) {
            return rules.stream().allMatch(r -> r.test(s));
        }

        @Override
        public List<SegmentRule> children() {
            return rules;
        }

        @Override
        public Object toJson() {
            return Map.of("all", rules.stream().map(SegmentRule::toJson).toList());
        }
    }

    /** At least one rule holds (false when empty). */
    record Any(List<SegmentRule> rules) implements SegmentRule {
        public Any {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean test(SegmentSubject s) {
            return rules.stream().anyMatch(r -> r.test(s));
        }

        @Override
        public List<SegmentRule> children() {
            return rules;
        }

        @Override
        public Object toJson() {
            return Map.of("any", rules.stream().map(SegmentRule::toJson).toList());
        }
    }

    record Not(SegmentRule rule) implements SegmentRule {
        public Not {
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public boolean test(SegmentSubject s) {
            return !rule.test(s);
        }

        @Override
        public List<SegmentRule> children() {
            return List.of(rule);
        }

        @Override
        public Object toJson() {
            return Map.of("not", rule.toJson());
        }
    }

    // ---------------------------------------------------------------- conditions

    /** Comparison operators of attribute and metric conditions. */
    enum Op {
        EQ, NE, GT, GE, LT, LE, IN, CONTAINS, STARTS_WITH, EXISTS, MISSING;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean numericOrder() {
            return this == GT || this == GE || this == LT || this == LE;
        }

        boolean compare(int order) {
            return switch (this) {
                case EQ -> order == 0;
                case NE -> order != 0;
                case GT -> order > 0;
                case GE -> order >= 0;
                case LT -> order < 0;
                case LE -> order <= 0;
                default -> throw new IllegalStateException(code() + " is not a comparison");
            };
        }
    }

    /**
     * A golden-record attribute: {@code eq}, {@code ne}, {@code in}, {@code contains}, {@code starts_with}
     * compare text ignoring case and surrounding blanks; {@code gt}/{@code ge}/{@code lt}/{@code le} compare
     * numbers when both sides are numbers and text otherwise (so ISO dates order correctly);
     * {@code exists}/{@code missing} need no value.
     */
    record Attribute(String name, Op op, List<String> values) implements SegmentRule {
        public Attribute {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(op, "op");
            values = List.copyOf(values);
        }

        @Override
        public boolean test(SegmentSubject s) {
            GoldenValue golden = s.profile().golden().get(name);
            String actual = golden == null || golden.value() == null || golden.value().isBlank() ? null
                    : fold(golden.value());
            return switch (op) {
                case EXISTS -> actual != null;
                case MISSING -> actual == null;
                case NE -> actual == null || !actual.equals(fold(values.get(0)));
                case EQ -> actual != null && actual.equals(fold(values.get(0)));
                case IN -> actual != null && values.stream().map(SegmentRule::fold).anyMatch(actual::equals);
                case CONTAINS -> actual != null && actual.contains(fold(values.get(0)));
                case STARTS_WITH -> actual != null && actual.startsWith(fold(values.get(0)));
                case GT, GE, LT, LE -> actual != null && op.compare(order(actual, fold(values.get(0))));
            };
        }

        private static int order(String actual, String expected) {
            try {
                return new BigDecimal(actual).compareTo(new BigDecimal(expected));
            } catch (NumberFormatException e) {
                return actual.compareTo(expected);
            }
        }

        @Override
        public Object toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("attribute", name);
            json.put("op", op.code());
            if (op == Op.IN) {
                json.put("values", values);
            } else if (!values.isEmpty()) {
                json.put("value", values.get(0));
            }
            return json;
        }
    }

    /** The CX metrics a segment can look at; durations in hours, money per currency. */
    enum Metric {
        INTERACTIONS(m -> m.interactions(), false),
        DAYS_SINCE_FIRST_INTERACTION(CxMetrics::daysSinceFirstInteraction, true),
        DAYS_SINCE_LAST_INTERACTION(CxMetrics::daysSinceLastInteraction, true),
        NPS_LATEST(CxMetrics::npsLatest, false),
        NPS_ANSWERS(m -> m.npsAnswers(), false),
        CSAT_AVERAGE(CxMetrics::csatAverage, false),
        CSAT_ANSWERS(m -> m.csatAnswers(), false),
        CES_AVERAGE(CxMetrics::cesAverage, false),
        CES_ANSWERS(m -> m.cesAnswers(), false),
        TICKETS(m -> m.tickets(), false),
        OPEN_TICKETS(m -> m.openTickets(), false),
        COMPLAINTS(m -> m.complaints(), false),
        OPEN_COMPLAINTS(m -> m.openComplaints(), false),
        FIRST_RESPONSE_AVERAGE_HOURS(m -> hours(m.firstResponseAverage()), false),
        RESOLUTION_AVERAGE_HOURS(m -> hours(m.resolutionAverage()), false),
        ORDERS(m -> m.orders(), false),
        RETURNS(m -> m.returns(), false),
        DAYS_SINCE_LAST_ORDER(CxMetrics::daysSinceLastOrder, true),
        CHURN_RISK(m -> m.churnRisk().score(), true),
        HEALTH(m -> m.health() == null ? null : m.health().score(), true),
        REVENUE(null, false),
        AVERAGE_ORDER_VALUE(null, false),
        // falls as the first order recedes, once the tenure passes minTenureYears (docs/cx-metrics.md)
        CLV(null, true);

        private final Function<CxMetrics, Number> reader;
        private final boolean timeDependent;

        Metric(Function<CxMetrics, Number> reader, boolean timeDependent) {
            this.reader = reader;
            this.timeDependent = timeDependent;
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Money metrics need a currency: amounts are never converted. */
        public boolean perCurrency() {
            return reader == null;
        }

        Number read(CxMetrics m, String currency) {
            if (reader != null) {
                return reader.apply(m);
            }
            Map<String, BigDecimal> amounts = switch (this) {
                case REVENUE -> m.revenue();
                case AVERAGE_ORDER_VALUE -> m.averageOrderValue();
                case CLV -> m.clv();
                default -> throw new IllegalStateException(code());
            };
            return amounts.get(currency);
        }

        private static Double hours(Duration d) {
            return d == null ? null : d.toSeconds() / 3600.0;
        }
    }

    /** {@code metric op value}; a metric the profile does not have yet never matches. */
    record MetricCondition(Metric metric, Op op, BigDecimal value, String currency) implements SegmentRule {
        public MetricCondition {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(value, "value");
            if (metric.perCurrency() != (currency != null)) {
                throw new IllegalArgumentException("currency goes with revenue, average_order_value and clv only");
            }
        }

        @Override
        public boolean test(SegmentSubject s) {
            Number actual = metric.read(s.metrics(), currency);
            if (actual == null) {
                return false;
            }
            BigDecimal a = actual instanceof BigDecimal b ? b : new BigDecimal(actual.toString());
            return op.compare(a.compareTo(value));
        }

        @Override
        public boolean timeDependent() {
            return metric.timeDependent;
        }

        @Override
        public Object toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("metric", metric.code());
            json.put("op", op.code());
            json.put("value", value);
            if (currency != null) {
                json.put("currency", currency);
            }
            return json;
        }
    }

    /**
     * The journey stage is one of these. Not time-dependent here: time-driven stage changes are written
     * (and published on the change feed) by the CX refresh.
     */
    record Stage(Set<JourneyStage> stages) implements SegmentRule {
        public Stage {
            stages = Set.copyOf(stages);
        }

        @Override
        public boolean test(SegmentSubject s) {
            return s.stage() != null && stages.contains(s.stage());
        }

        @Override
        public Object toJson() {
            return Map.of("stage", stages.stream().map(st -> st.name().toLowerCase(Locale.ROOT)).sorted().toList());
        }
    }

    /** The category of the latest NPS answer is one of these. */
    record NpsCategory(Set<CxMetrics.NpsCategory> categories) implements SegmentRule {
        public NpsCategory {
            categories = Set.copyOf(categories);
        }

        @Override
        public boolean test(SegmentSubject s) {
            return s.metrics().npsCategory() != null && categories.contains(s.metrics().npsCategory());
        }

        @Override
        public Object toJson() {
            return Map.of("nps_category",
                    categories.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList());
        }
    }

    /** The person's consent in force for this purpose on this channel is a grant (opt-in: none is no). */
    record Consent(String purpose, ConsentChannel channel) implements SegmentRule {
        public Consent {
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public boolean test(SegmentSubject s) {
            return s.consent().allows(purpose, channel);
        }

        @Override
        public Object toJson() {
            return Map.of("consent", Map.of("purpose", purpose, "channel", channel.code()));
        }
    }

    /** The profile holds an identifier of this type (a reachable email, say). */
    record Has(IdentifierType type) implements SegmentRule {
        public Has {
            Objects.requireNonNull(type, "type");
        }

        @Override
        public boolean test(SegmentSubject s) {
            return s.profile().identifiers().stream().anyMatch(i -> i.type() == type);
        }

        @Override
        public Object toJson() {
            return Map.of("has", type.code());
        }
    }

    /** The profile holds a record of this source. */
    record Source(String source) implements SegmentRule {
        public Source {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public boolean test(SegmentSubject s) {
            return s.profile().records().stream().anyMatch(r -> r.source().equals(source));
        }

        @Override
        public Object toJson() {
            return Map.of("source", source);
        }
    }

    /**
     * Counting the timeline: between {@code atLeast} and {@code atMost} (null: no upper bound) interactions
     * that match every given filter (kind, channel, touchpoint, score range) and, when {@code withinDays} is
     * set, occurred within that many days before now. "No order in the last 90 days" is
     * {@code kind order, within 90, at_most 0}.
     */
    record History(InteractionKind kind, String channel, String touchpoint, Integer withinDays, Integer scoreMin,
            Integer scoreMax, int atLeast, Integer atMost) implements SegmentRule {

        public History {
            if (atLeast < 0 || (atMost != null && atMost < atLeast)) {
                throw new IllegalArgumentException("at_least must be ≥ 0 and at_most ≥ at_least");
            }
            if (withinDays != null && withinDays <= 0) {
                throw new IllegalArgumentException("within_days must be positive");
            }
        }

        @Override
        public boolean test(SegmentSubject s) {
            Instant since = withinDays == null ? null : s.now().minus(Duration.ofDays(withinDays));
            long count = s.history(since).stream().filter(i -> matches(i, since, s.now())).count();
            return count >= atLeast && (atMost == null || count <= atMost);
        }

        private boolean matches(Interaction i, Instant since, Instant now) {
            if (kind != null && i.kind() != kind) {
                return false;
            }
            // Tessera's own notes of a merge or split are no customer interaction (they count in no metric
            // either): a merge today made a customer dormant for a year "recently active"; asked by kind, they count
            if (kind == null && dev.tessera.core.cx.CxMetricsCalculator.isSystem(i.kind())) {
                return false;
            }
            if (channel != null && (i.channel() == null || !fold(i.channel()).equals(fold(channel)))) {
                return false;
            }
            if (touchpoint != null && (i.touchpoint() == null || !fold(i.touchpoint()).equals(fold(touchpoint)))) {
                return false;
            }
            if (since != null && (i.occurredAt().isBefore(since) || i.occurredAt().isAfter(now))) {
                return false;
            }
            if (scoreMin != null || scoreMax != null) {
                if (i.score() == null) {
                    return false;
                }
                int v = i.score().value();
                return (scoreMin == null || v >= scoreMin) && (scoreMax == null || v <= scoreMax);
            }
            return true;
        }

        @Override
        public boolean timeDependent() {
            return withinDays != null;
        }

        @Override
        public boolean readsHistory() {
            return true;
        }

        @Override
        public Object toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            if (kind != null) {
                json.put("kind", kind.name().toLowerCase(Locale.ROOT));
            }
            if (channel != null) {
                json.put("channel", channel);
            }
            if (touchpoint != null) {
                json.put("touchpoint", touchpoint);
            }
            if (withinDays != null) {
                json.put("within_days", withinDays);
            }
            if (scoreMin != null) {
                json.put("score_min", scoreMin);
            }
            if (scoreMax != null) {
                json.put("score_max", scoreMax);
            }
            json.put("at_least", atLeast);
            if (atMost != null) {
                json.put("at_most", atMost);
            }
            return Map.of("history", json);
        }
    }

    /** Text as compared: blanks stripped, lower case. */
    static String fold(String text) {
        return text.strip().toLowerCase(Locale.ROOT);
    }
}
