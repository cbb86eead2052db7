package dev.tessera.core.profile;

import dev.tessera.core.model.GoldenValue;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configurable survivorship: one rule per attribute (and a default), with a source priority list for the
 * {@link Rule#SOURCE_PRIORITY} rule. Values the rule cannot tell apart go, in this order, to the most
 * recent, to the one most records agree on, to the most complete and last to the greatest source record
 * key (each step skipped where it is the rule itself), so the golden record never depends on the order
 * records arrived in, and the rows of one file, which often share one observed-at time, do not hand an
 * attribute to whichever row sorts last: a city that three rows spell "London" survives one row's "Lonon".
 *
 * @param defaultRule    rule for attributes not listed in {@code attributes}
 * @param attributes     attribute name to rule
 * @param sourcePriority source names, most trusted first; unlisted sources rank after listed ones
 */
public record SurvivorshipRules(Rule defaultRule, Map<String, Rule> attributes, List<String> sourcePriority)
        implements GoldenRecordBuilder.Survivorship {

    /** How the surviving value of one attribute is chosen among the records' values. */
    public enum Rule {
        /** The value observed most recently; among those observed at the same time, the one most agree on. */
        MOST_RECENT,
        /** The value of the most trusted source (see {@code sourcePriority}), most recent among equals. */
        SOURCE_PRIORITY,
        /** The value most records agree on (case- and space-insensitive), most recent among equals. */
        MOST_FREQUENT,
        /** The most complete value (most letters and digits), most recent among equals. */
        MOST_COMPLETE
    }

    private static final Comparator<GoldenValue> RECENCY = Comparator.comparing(GoldenValue::observedAt);
    private static final Comparator<GoldenValue> COMPLETENESS =
            Comparator.comparingLong((GoldenValue v) -> completeness(v.value()));
    private static final Comparator<GoldenValue> KEY = Comparator.comparing(GoldenValue::sourceRecord);

    public SurvivorshipRules {
        defaultRule = defaultRule == null ? Rule.MOST_RECENT : defaultRule;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        sourcePriority = sourcePriority == null ? List.of() : List.copyOf(sourcePriority);
    }

    public static SurvivorshipRules mostRecent() {
        return new SurvivorshipRules(Rule.MOST_RECENT, Map.of(), List.of());
    }

    public Rule ruleFor(String attribute) {
        return attributes.getOrDefault(attribute, defaultRule);
    }

    @Override
    public GoldenValue choose(String attribute, List<GoldenValue> candidates) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        Map<String, Integer> counts = new HashMap<>();
        candidates.forEach(v -> counts.merge(fold(v.value()), 1, Integer::sum));
        Comparator<GoldenValue> agreement = Comparator.comparingInt((GoldenValue v) -> counts.get(fold(v.value())));
        Comparator<GoldenValue> order = switch (ruleFor(attribute)) {
            case MOST_RECENT -> RECENCY.thenComparing(agreement).thenComparing(COMPLETENESS);
            case SOURCE_PRIORITY -> Comparator.comparingInt((GoldenValue v) -> -rank(v.sourceRecord().source()))
                    .thenComparing(RECENCY).thenComparing(agreement).thenComparing(COMPLETENESS);
            case MOST_FREQUENT -> agreement.thenComparing(RECENCY).thenComparing(COMPLETENESS);
            case MOST_COMPLETE -> COMPLETENESS.thenComparing(RECENCY).thenComparing(agreement);
        };
        return candidates.stream().max(order.thenComparing(KEY)).orElseThrow();
    }

    private int rank(String source) {
        int index = sourcePriority.indexOf(source);
        return index < 0 ? sourcePriority.size() : index;
    }

    private static String fold(String value) {
        return value.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static long completeness(String value) {
        return value.codePoints().filter(Character::isLetterOrDigit).count();
    }
}
