package dev.tessera.core.segment;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.cx.JourneyStage;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.privacy.ConsentChannel;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.segment.SegmentRule.Op;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the JSON form of {@link SegmentRule}s (docs/segments.md). Parsing is strict: unknown
 * keys, wrong types, unknown operators or metrics and values out of range are refused with an
 * {@link InvalidSegmentException} naming the place ({@code rule.any[0].metric}). Size limits keep a rule
 * cheap to evaluate on every profile change: at most {@value #MAX_DEPTH} levels, {@value #MAX_NODES}
 * nodes, {@value #MAX_LIST} values in a list, {@value #MAX_TEXT} characters in a value.
 */
public final class SegmentRules {

    static final int MAX_DEPTH = 8;
    static final int MAX_NODES = 100;
    static final int MAX_LIST = 200;
    static final int MAX_TEXT = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Set<Op> ATTRIBUTE_OPS = EnumSet.allOf(Op.class);
    private static final Set<Op> METRIC_OPS = EnumSet.of(Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE);

    private SegmentRules() {}

    /** Parses a rule from its JSON text. */
    public static SegmentRule parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidSegmentException("rule", "is not valid JSON");
        }
        return parse(node, "rule");
    }

    /** Parses a rule from a JSON tree; {@code field} is the name of that tree in error messages. */
    public static SegmentRule parse(JsonNode node, String field) {
        return new Parser().rule(node, field, 1);
    }

    /** The JSON text of a rule, in the form {@link #parse} reads. */
    public static String write(SegmentRule rule) {
        return JSON.writeValueAsString(rule.toJson());
    }

    private static final class Parser {
        private int nodes;

        SegmentRule rule(JsonNode node, String at, int depth) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                throw new InvalidSegmentException(at, "is required");
            }
            if (!node.isObject() || node.size() == 0) {
                throw new InvalidSegmentException(at, "must be an object with one of all, any, not, attribute, "
                        + "metric, stage, nps_category, consent, has, source, history");
            }
            if (depth > MAX_DEPTH) {
                throw new InvalidSegmentException(at, "nests deeper than " + MAX_DEPTH + " levels");
            }
            if (++nodes > MAX_NODES) {
                throw new InvalidSegmentException(at, "the rule has more than " + MAX_NODES + " conditions");
            }
            if (node.has("all")) {
                only(node, at, "all");
                return new SegmentRule.All(list(node.get("all"), at + ".all", depth));
            }
            if (node.has("any")) {
                only(node, at, "any");
                return new SegmentRule.Any(list(node.get("any"), at + ".any", depth));
            }
            if (node.has("not")) {
                only(node, at, "not");
                return new SegmentRule.Not(rule(node.get("not"), at + ".not", depth + 1));
            }
            if (node.has("attribute")) {
                return attribute(node, at);
            }
            if (node.has("metric")) {
                return metric(node, at);
            }
            if (node.has("stage")) {
                only(node, at, "stage");
                return new SegmentRule.Stage(enums(node.get("stage"), at + ".stage", JourneyStage.class));
            }
            if (node.has("nps_category")) {
                only(node, at, "nps_category");
                return new SegmentRule.NpsCategory(
                        enums(node.get("nps_category"), at + ".nps_category", CxMetrics.NpsCategory.class));
            }
            if (node.has("consent")) {
                only(node, at, "consent");
                return consent(node.get("consent"), at + ".consent");
            }
            if (node.has("has")) {
                only(node, at, "has");
                return new SegmentRule.Has(one(node.get("has"), at + ".has", IdentifierType.class));
            }
            if (node.has("source")) {
                only(node, at, "source");
                return new SegmentRule.Source(text(node.get("source"), at + ".source", SOURCE, "a source name"));
            }
            if (node.has("history")) {
                only(node, at, "history");
                return history(node.get("history"), at + ".history");
            }
            throw new InvalidSegmentException(at, "has none of all, any, not, attribute, metric, stage, "
                    + "nps_category, consent, has, source, history");
        }

        private List<SegmentRule> list(JsonNode node, String at, int depth) {
            if (node == null || !node.isArray()) {
                throw new InvalidSegmentException(at, "must be a list of conditions");
            }
            List<SegmentRule> rules = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                rules.add(rule(node.get(i), at + "[" + i + "]", depth + 1));
            }
            return rules;
        }

        private SegmentRule attribute(JsonNode node, String at) {
            only(node, at, "attribute", "op", "value", "values");
            String name = text(node.get("attribute"), at + ".attribute", NAME, "an attribute name");
            Op op = one(node.get("op"), at + ".op", Op.class);
            if (!ATTRIBUTE_OPS.contains(op)) {
                throw new InvalidSegmentException(at + ".op", "is not an attribute operator");
            }
            return switch (op) {
                case EXISTS, MISSING -> {
                    none(node, at, "value", "values");
                    yield new SegmentRule.Attribute(name, op, List.of());
                }
                case IN -> {
                    none(node, at, "value");
                    JsonNode values = node.get("values");
                    if (values == null || !values.isArray() || values.isEmpty() || values.size() > MAX_LIST) {
                        throw new InvalidSegmentException(at + ".values", "must be a list of 1 to " + MAX_LIST
                                + " values");
                    }
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < values.size(); i++) {
                        texts.add(value(values.get(i), at + ".values[" + i + "]"));
                    }
                    yield new SegmentRule.Attribute(name, op, texts);
                }
                default -> {
                    none(node, at, "values");
                    yield new SegmentRule.Attribute(name, op, List.of(value(node.get("value"), at + ".value")));
                }
            };
        }

        private SegmentRule metric(JsonNode node, String at) {
            only(node, at, "metric", "op", "value", "currency");
            SegmentRule.Metric metric = one(node.get("metric"), at + ".metric", SegmentRule.Metric.class);
            Op op = one(node.get("op"), at + ".op", Op.class);
            if (!METRIC_OPS.contains(op)) {
                throw new InvalidSegmentException(at + ".op", "must be one of eq, ne, gt, ge, lt, le");
            }
            JsonNode value = node.get("value");
            if (value == null || !value.isNumber()) {
                throw new InvalidSegmentException(at + ".value", "must be a number");
            }
            // a number beyond a double's range (1e400) reads as infinite, which has no decimal value
            if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
                throw new InvalidSegmentException(at + ".value", "is out of range");
            }
            BigDecimal number = value.decimalValue();
            if (number.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000L)) > 0
                    || number.stripTrailingZeros().scale() > 12) {
                throw new InvalidSegmentException(at + ".value", "is out of range");
            }
            String currency = null;
            if (metric.perCurrency()) {
                currency = text(node.get("currency"), at + ".currency", CURRENCY, "an ISO 4217 code such as EUR");
            } else {
                none(node, at, "currency");
            }
            return new SegmentRule.MetricCondition(metric, op, number, currency);
        }

        private SegmentRule consent(JsonNode node, String at) {
            if (node == null || !node.isObject()) {
                throw new InvalidSegmentException(at, "must be an object with purpose and channel");
            }
            only(node, at, "purpose", "channel");
            String purpose = text(node.get("purpose"), at + ".purpose", Pattern.compile(ConsentEntry.PURPOSE_PATTERN),
                    "a purpose such as marketing");
            JsonNode channelNode = node.get("channel");
            ConsentChannel channel = channelNode == null ? ConsentChannel.ANY
                    : ConsentChannel.of(channelNode.isString() ? channelNode.asString() : "")
                            .orElseThrow(() -> new InvalidSegmentException(at + ".channel", "must be one of "
                                    + Arrays.stream(ConsentChannel.values()).map(ConsentChannel::code)
                                            .collect(Collectors.joining(", "))));
            return new SegmentRule.Consent(purpose, channel);
        }

        private SegmentRule history(JsonNode node, String at) {
            if (node == null || !node.isObject()) {
                throw new InvalidSegmentException(at, "must be an object");
            }
            only(node, at, "kind", "channel", "touchpoint", "within_days", "score_min", "score_max", "at_least",
                    "at_most");
            InteractionKind kind = node.has("kind") ? one(node.get("kind"), at + ".kind", InteractionKind.class) : null;
            String channel = node.has("channel") ? value(node.get("channel"), at + ".channel") : null;
            String touchpoint = node.has("touchpoint") ? value(node.get("touchpoint"), at + ".touchpoint") : null;
            Integer within = integer(node, "within_days", at, 1, 36_600);
            Integer scoreMin = integer(node, "score_min", at, 0, 10);
            Integer scoreMax = integer(node, "score_max", at, 0, 10);
            Integer atLeast = integer(node, "at_least", at, 0, 1_000_000);
            Integer atMost = integer(node, "at_most", at, 0, 1_000_000);
            if (atLeast == null && atMost == null) {
                atLeast = 1;
            }
            int least = atLeast == null ? 0 : atLeast;
            if (atMost != null && atMost < least) {
                throw new InvalidSegmentException(at + ".at_most", "must not be below at_least");
            }
            if (scoreMin != null && scoreMax != null && scoreMax < scoreMin) {
                throw new InvalidSegmentException(at + ".score_max", "must not be below score_min");
            }
            return new SegmentRule.History(kind, channel, touchpoint, within, scoreMin, scoreMax, least, atMost);
        }

        // ------------------------------------------------------------ values

        private static Integer integer(JsonNode parent, String name, String at, int min, int max) {
            JsonNode node = parent.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            // canConvertToLong first: asLong() of an integer beyond 64 bits throws, and that must be a 400 too
            if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
                throw new InvalidSegmentException(at + "." + name, "must be a whole number from " + min + " to " + max);
            }
            return node.asInt();
        }

        private static String value(JsonNode node, String at) {
            if (node == null || !(node.isString() || node.isNumber() || node.isBoolean())) {
                throw new InvalidSegmentException(at, "must be a text, number or boolean");
            }
            String text = node.isString() ? node.asString() : node.asString();
            if (text.isBlank() || text.length() > MAX_TEXT) {
                throw new InvalidSegmentException(at, "must be 1 to " + MAX_TEXT + " characters");
            }
            if (text.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSegmentException(at, "must not contain control characters");
            }
            return text;
        }

        private static String text(JsonNode node, String at, Pattern pattern, String what) {
            if (node == null || !node.isString() || !pattern.matcher(node.asString()).matches()) {
                throw new InvalidSegmentException(at, "must be " + what + " (" + pattern.pattern() + ")");
            }
            return node.asString();
        }

        private static <E extends Enum<E>> E one(JsonNode node, String at, Class<E> type) {
            String allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            if (node == null || !node.isString()) {
                throw new InvalidSegmentException(at, "must be one of " + allowed);
            }
            String code = node.asString().strip().toUpperCase(Locale.ROOT);
            Function<String, E> lookup = c -> Arrays.stream(type.getEnumConstants())
                    .filter(e -> e.name().equals(c)).findFirst().orElse(null);
            E value = lookup.apply(code);
            if (value == null) {
                throw new InvalidSegmentException(at, "must be one of " + allowed);
            }
            return value;
        }

        private static <E extends Enum<E>> Set<E> enums(JsonNode node, String at, Class<E> type) {
            if (node != null && node.isString()) {
                return EnumSet.of(one(node, at, type));
            }
            if (node == null || !node.isArray() || node.isEmpty()) {
                throw new InvalidSegmentException(at, "must be a value or a non-empty list of values");
            }
            Set<E> values = EnumSet.noneOf(type);
            for (int i = 0; i < node.size(); i++) {
                values.add(one(node.get(i), at + "[" + i + "]", type));
            }
            return values;
        }

        private static void only(JsonNode node, String at, String... allowed) {
            Set<String> names = Set.of(allowed);
            for (Iterator<String> it = node.propertyNames().iterator(); it.hasNext(); ) {
                String name = it.next();
                if (!names.contains(name)) {
                    throw new InvalidSegmentException(at, "unexpected key (allowed here: " + String.join(", ", allowed)
                            + ")");
                }
            }
        }

        private static void none(JsonNode node, String at, String... forbidden) {
            for (String name : forbidden) {
                if (node.has(name)) {
                    throw new InvalidSegmentException(at + "." + name, "does not go with this operator");
                }
            }
        }
    }
}
