package dev.tessera.core.identity.match;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tessera.core.identity.match.MatchScore.FieldContribution;
import dev.tessera.core.model.CustomerRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Fellegi–Sunter match model: for every {@link MatchField} and each of its {@link ComparisonLevel}s the
 * probability {@code m} of seeing that level when two records are the same person and {@code u} when they
 * are not, plus the prior {@code lambda}.
 *
 * <p>A level weighs {@code log2(m / u)} (its Bayes factor in bits); MISSING weighs 0. A pair's match weight
 * is {@code log2(lambda / (1 - lambda))} plus the weights of its fields' levels, and its match probability
 * {@code 2^w / (1 + 2^w)}. {@code lambda} is the prior probability that a <em>candidate pair</em> (two records
 * sharing a {@link BlockingKeys blocking key}) is a match, which is how a resolver meets pairs.
 *
 * <p>Fellegi–Sunter assumes fields agree independently; surname, address and landline do not (a household
 * shares them), so their positive weights can be capped together, see {@link DependentGroup}. Nor are
 * names and place independent of contact identifiers: namesakes in one city are common in large data, and
 * what tells them apart is that their emails and phones differ, see {@link ConflictCap}.
 *
 * <p>Models are immutable and thread-safe. They are stored as JSON:
 * <pre>{"lambda": 0.05,
 *  "dependentGroups": [{"fields": ["last_name", "street", "postcode", "city", "phone"], "maxWeight": 12,
 *                       "unless": [{"field": "first_name", "levels": ["EXACT", "EQUIVALENT", "CLOSE"]}, ...]}],
 *  "conflictCaps": [{"fields": ["email", "phone"], "maxWeight": 3,
 *                    "corroboratedBy": [{"field": "birth_date", "levels": ["EXACT", "ONE_DIFFERENCE"]}, ...]}],
 *  "fields": {"first_name": {"EXACT": {"m": 0.8, "u": 0.01}, ...}, ...}}</pre>
 * {@link #defaults()} is a built-in model meant to work reasonably on unseen data; {@link EmEstimator}
 * estimates one from data.
 */
public final class MatchModel {

    private static final String DEFAULT_RESOURCE = "default-model.json";
    private static final double LOG2 = Math.log(2);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * The two probabilities of one comparison level.
     *
     * @param m probability of the level among matching pairs, in (0, 1]
     * @param u probability of the level among non-matching pairs, in (0, 1]
     */
    public record Probabilities(double m, double u) {
        public Probabilities {
            if (!(m > 0 && m <= 1) || !(u > 0 && u <= 1)) {
                throw new IllegalArgumentException("m and u must be in (0, 1], got m=" + m + " u=" + u);
            }
        }

        /** {@code log2(m / u)}. */
        public double weight() {
            return Math.log(m / u) / LOG2;
        }
    }

    private static final class Defaults {
        static final MatchModel INSTANCE = load();

        private static MatchModel load() {
            try (InputStream in = MatchModel.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("default match model " + DEFAULT_RESOURCE + " missing");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Fields that agree together far more often among different people than independence predicts: one
     * household shares surname, street, postcode, city and landline. Unless every {@link Condition} holds
     * (typically: given names agree and birth dates do not disagree, so it is not merely a relative), the
     * group's positive weights together count at most {@code maxWeight} bits: such agreement shows "same
     * household" but cannot by itself outweigh a different given name. Negative weights are not capped.
     *
     * @param fields    the correlated fields
     * @param maxWeight the most their positive weights may add up to, in bits (> 0)
     * @param unless    conditions that together lift the cap; empty for an unconditional cap
     */
    public record DependentGroup(List<MatchField> fields, double maxWeight, List<Condition> unless) {
        public DependentGroup {
            fields = List.copyOf(fields);
            unless = unless == null ? List.of() : List.copyOf(unless);
            if (fields.isEmpty() || !(maxWeight > 0)) {
                throw new IllegalArgumentException("a dependent group needs fields and a positive maxWeight");
            }
            for (Condition condition : unless) {
                if (condition.fields().stream().anyMatch(fields::contains)) {
                    throw new IllegalArgumentException("a dependent group cannot be lifted by one of its own fields");
                }
            }
        }

        /** An unconditional cap. */
        public DependentGroup(List<MatchField> fields, double maxWeight) {
            this(fields, maxWeight, List.of());
        }

        boolean lifted(ComparisonLevel[] levels) {
            if (unless.isEmpty()) {
                return false;
            }
            for (Condition condition : unless) {
                if (!condition.holds(levels)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A limit on what a pair may weigh without corroboration. It applies when no {@code corroboratedBy}
     * condition holds and, if {@code fields} are given, those fields conflict: at least one of them is
     * DIFFERENT (both records carry one, no pair of them agrees at any level) and none agrees. The pair's
     * match weight (prior included) is then at most {@code maxWeight} bits: its positive weights are scaled
     * down together until it is.
     *
     * <p>The default model has two. <b>Contradicting contact identifiers</b> ({@code fields} email and
     * phone): two people with one common name in one city ("Amelia Williams, London") with their own
     * mailboxes and phones stay two people, however name and place add up under independence; a birth date
     * or street that agrees as well is evidence about the person, not only about the name, and lifts it.
     * <b>A name alone</b> (no {@code fields}): names and country agreeing while nothing else does (no birth
     * date, street, email or phone in common, and a city or postcode only with given name and surname both
     * agreeing) is what namesakes look like, and is not enough to link; one name and a place ("Thomas,
     * Berlin") is not either; for a {@link CommonName common name} the city does not count at all.
     * Identifier agreement never triggers a conflict (a shared family mailbox is handled by
     * {@link DependentGroup}).
     *
     * @param fields         identifier fields whose disagreement is a conflict (email, phone); empty for a
     *                       cap on every pair without corroboration
     * @param maxWeight      the most such a pair may weigh, in bits (prior included)
     * @param corroboratedBy conditions of which any one lifts the cap; none of them on {@code fields}
     * @param commonName     corroborations that do not count for a common name (null for none)
     */
    public record ConflictCap(List<MatchField> fields, double maxWeight, List<Condition> corroboratedBy,
            CommonName commonName) {
        public ConflictCap {
            fields = List.copyOf(fields);
            corroboratedBy = corroboratedBy == null ? List.of() : List.copyOf(corroboratedBy);
            if (!Double.isFinite(maxWeight) || (fields.isEmpty() && corroboratedBy.isEmpty())) {
                throw new IllegalArgumentException("a conflict cap needs a finite maxWeight and fields or conditions");
            }
            for (MatchField field : fields) {
                if (!field.supports(ComparisonLevel.DIFFERENT)) {
                    throw new IllegalArgumentException(field.id() + " has no level DIFFERENT");
                }
            }
            for (Condition condition : corroboratedBy) {
                if (condition.fields().stream().anyMatch(fields::contains)) {
                    throw new IllegalArgumentException("a conflict cannot be corroborated by one of its own fields");
                }
            }
            if (commonName != null) {
                Set<MatchField> corroborating = EnumSet.noneOf(MatchField.class);
                corroboratedBy.forEach(c -> corroborating.addAll(c.fields()));
                if (!corroborating.containsAll(commonName.notCorroborating())) {
                    throw new IllegalArgumentException(
                            "a common-name rule may only take away corroborations the cap has");
                }
                if (fields.isEmpty() && commonName.kept(corroboratedBy).isEmpty()) {
                    throw new IllegalArgumentException(
                            "a common-name rule must leave a cap without fields some corroboration");
                }
            }
        }

        /** A cap whose corroborations count for every name. */
        public ConflictCap(List<MatchField> fields, double maxWeight, List<Condition> corroboratedBy) {
            this(fields, maxWeight, corroboratedBy, null);
        }

        /** This cap for a record whose name {@code namesakes} profiles carry: weaker corroborations dropped. */
        ConflictCap forNamesakes(int namesakes) {
            if (commonName == null || namesakes < commonName.profiles()) {
                return this;
            }
            return new ConflictCap(fields, maxWeight, commonName.kept(corroboratedBy), null);
        }

        /** True when the pair's identifiers contradict (a cap without fields never reports a conflict). */
        boolean conflicting(ComparisonLevel[] levels) {
            return !fields.isEmpty() && applies(levels);
        }

        boolean applies(ComparisonLevel[] levels) {
            boolean conflict = fields.isEmpty();
            for (MatchField field : fields) {
                ComparisonLevel level = levels[field.ordinal()];
                if (level == ComparisonLevel.DIFFERENT) {
                    conflict = true;
                } else if (level != ComparisonLevel.MISSING) {
                    return false; // an identifier agrees: no conflict
                }
            }
            if (!conflict) {
                return false;
            }
            for (Condition condition : corroboratedBy) {
                if (condition.holds(levels)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Corroboration a common name does not get. A name that many profiles carry in one place is
     * shared by several people there, so agreeing on that place says little about which of them a record
     * is: "Emma Johnson, Chicago" with one record holding only an email and the other only a phone is two
     * people as often as one. A name counts as common for a record when at least {@code profiles}
     * profiles carry its full name, at least as many its given name in its city and at least as many its
     * surname in its city ({@link BlockingKeys#namesakeKeys}: block sizes the resolver reads anyway); an
     * upper bound on the namesakes in that city, so the rule errs towards keeping people apart. Rare names
     * keep every corroboration, also in large data.
     *
     * @param profiles         how many profiles make a name common (at least 2: the candidate itself is one)
     * @param notCorroborating fields whose agreement then no longer lifts the cap
     */
    public record CommonName(int profiles, Set<MatchField> notCorroborating) {
        public CommonName {
            if (profiles < 2) {
                throw new IllegalArgumentException("a common name needs at least 2 profiles, got " + profiles);
            }
            if (notCorroborating == null || notCorroborating.isEmpty()) {
                throw new IllegalArgumentException("a common-name rule needs notCorroborating fields");
            }
            notCorroborating = Collections.unmodifiableSet(EnumSet.copyOf(notCorroborating));
        }

        /** The conditions that still count for a common name: those that do not involve a field it takes away. */
        List<Condition> kept(List<Condition> corroboratedBy) {
            return corroboratedBy.stream()
                    .filter(c -> c.fields().stream().noneMatch(notCorroborating::contains))
                    .toList();
        }
    }

    /**
     * A field being at one of some levels, and, when {@code with} is given, each of those conditions holding
     * too: {@code {"field": "city", "levels": ["EXACT"], "with": [{"field": "last_name", ...}]}} is "the city
     * agrees, and so does the surname".
     *
     * @param levels levels of the field, {@link ComparisonLevel#MISSING} allowed
     * @param with   conditions that must hold as well (empty for none)
     */
    public record Condition(MatchField field, Set<ComparisonLevel> levels, List<Condition> with) {
        public Condition {
            Objects.requireNonNull(field, "field");
            if (levels == null || levels.isEmpty()) {
                throw new IllegalArgumentException("a condition needs levels");
            }
            levels = Collections.unmodifiableSet(EnumSet.copyOf(levels));
            for (ComparisonLevel level : levels) {
                if (!field.supports(level)) {
                    throw new IllegalArgumentException(field.id() + " has no level " + level);
                }
            }
            with = with == null ? List.of() : List.copyOf(with);
            for (Condition other : with) {
                if (other.fields().contains(field)) {
                    throw new IllegalArgumentException("a condition on " + field.id() + " cannot be joined by one on "
                            + field.id());
                }
            }
        }

        /** A condition on one field alone. */
        public Condition(MatchField field, Set<ComparisonLevel> levels) {
            this(field, levels, List.of());
        }

        /** This condition's field and those of its {@code with}, at any depth. */
        public Set<MatchField> fields() {
            Set<MatchField> fields = EnumSet.of(field);
            for (Condition other : with) {
                fields.addAll(other.fields());
            }
            return fields;
        }

        boolean holds(ComparisonLevel[] comparison) {
            if (!levels.contains(comparison[field.ordinal()])) {
                return false;
            }
            for (Condition condition : with) {
                if (!condition.holds(comparison)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final double lambda;
    private final Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters;
    private final List<DependentGroup> groups;
    private final List<ConflictCap> conflicts;
    /** Group index by field ordinal, -1 for none. */
    private final int[] groupOf;
    /** Weight by field ordinal and level ordinal; MISSING is 0. */
    private final double[][] weights;
    /** The profile counts the caps' {@link CommonName} rules ask for, ascending and distinct. */
    private final int[] commonNameThresholds;
    /** Per threshold, this model with the rules of that threshold and lower applied. */
    private final MatchModel[] commonNameModels;

    /** A model without dependent groups. */
    public MatchModel(double lambda, Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters) {
        this(lambda, parameters, List.of());
    }

    /**
     * @param lambda     prior match probability of a candidate pair, in (0, 1)
     * @param parameters m and u for every level of every field (MISSING excluded)
     * @param groups     correlated fields whose joint positive weight is capped; a field in at most one group
     */
    public MatchModel(double lambda, Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters,
            List<DependentGroup> groups) {
        this(lambda, parameters, groups, List.of());
    }

    /**
     * @param lambda     prior match probability of a candidate pair, in (0, 1)
     * @param parameters m and u for every level of every field (MISSING excluded)
     * @param groups     correlated fields whose joint positive weight is capped; a field in at most one group
     * @param conflicts  contradicting identifiers that cap a pair's weight unless corroborated
     */
    public MatchModel(double lambda, Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters,
            List<DependentGroup> groups, List<ConflictCap> conflicts) {
        this(lambda, parameters, groups, conflicts, true);
    }

    /** {@code variants}: whether to build the {@link #forNamesakes} models (not for those models themselves). */
    private MatchModel(double lambda, Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters,
            List<DependentGroup> groups, List<ConflictCap> conflicts, boolean variants) {
        if (!(lambda > 0 && lambda < 1)) {
            throw new IllegalArgumentException("lambda must be in (0, 1), got " + lambda);
        }
        this.lambda = lambda;
        Map<MatchField, Map<ComparisonLevel, Probabilities>> copy = new EnumMap<>(MatchField.class);
        weights = new double[MatchField.values().length][ComparisonLevel.values().length];
        for (MatchField field : MatchField.values()) {
            Map<ComparisonLevel, Probabilities> given = parameters.get(field);
            if (given == null) {
                throw new IllegalArgumentException("no parameters for field " + field.id());
            }
            Map<ComparisonLevel, Probabilities> levels = new EnumMap<>(ComparisonLevel.class);
            for (ComparisonLevel level : field.levels()) {
                Probabilities p = given.get(level);
                if (p == null) {
                    throw new IllegalArgumentException("no parameters for " + field.id() + " " + level);
                }
                levels.put(level, p);
                weights[field.ordinal()][level.ordinal()] = p.weight();
            }
            for (ComparisonLevel level : given.keySet()) {
                if (!field.levels().contains(level)) {
                    throw new IllegalArgumentException(field.id() + " has no level " + level);
                }
            }
            copy.put(field, Collections.unmodifiableMap(levels));
        }
        this.parameters = Collections.unmodifiableMap(copy);
        this.groups = List.copyOf(groups);
        this.conflicts = List.copyOf(conflicts);
        commonNameThresholds = !variants ? new int[0] : this.conflicts.stream()
                .filter(c -> c.commonName() != null)
                .mapToInt(c -> c.commonName().profiles())
                .distinct().sorted().toArray();
        commonNameModels = new MatchModel[commonNameThresholds.length];
        for (int i = 0; i < commonNameThresholds.length; i++) {
            int namesakes = commonNameThresholds[i];
            commonNameModels[i] = new MatchModel(lambda, this.parameters, this.groups,
                    this.conflicts.stream().map(c -> c.forNamesakes(namesakes)).toList(), false);
        }
        groupOf = new int[MatchField.values().length];
        java.util.Arrays.fill(groupOf, -1);
        for (int g = 0; g < this.groups.size(); g++) {
            for (MatchField field : this.groups.get(g).fields()) {
                if (groupOf[field.ordinal()] >= 0) {
                    throw new IllegalArgumentException(field.id() + " is in two dependent groups");
                }
                groupOf[field.ordinal()] = g;
            }
        }
    }

    /** The built-in model. */
    public static MatchModel defaults() {
        return Defaults.INSTANCE;
    }

    public double lambda() {
        return lambda;
    }

    public List<DependentGroup> dependentGroups() {
        return groups;
    }

    public List<ConflictCap> conflictCaps() {
        return conflicts;
    }

    /** m and u of every level of every field. */
    public Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters() {
        return parameters;
    }

    public Probabilities probabilities(MatchField field, ComparisonLevel level) {
        Probabilities p = parameters.get(field).get(level);
        if (p == null) {
            throw new IllegalArgumentException(field.id() + " has no parameters for " + level);
        }
        return p;
    }

    /** {@code log2(m / u)} of the level; 0 for MISSING. */
    public double weight(MatchField field, ComparisonLevel level) {
        if (!field.supports(level)) {
            throw new IllegalArgumentException(field.id() + " has no level " + level);
        }
        return weights[field.ordinal()][level.ordinal()];
    }

    /** {@code log2(lambda / (1 - lambda))}. */
    public double priorWeight() {
        return Math.log(lambda / (1 - lambda)) / LOG2;
    }

    /** The same parameters, prior and conflict caps with other dependent groups. */
    public MatchModel withDependentGroups(List<DependentGroup> newGroups) {
        return new MatchModel(lambda, parameters, newGroups, conflicts);
    }

    /** The same parameters, prior and dependent groups with other conflict caps. */
    public MatchModel withConflictCaps(List<ConflictCap> newConflicts) {
        return new MatchModel(lambda, parameters, groups, newConflicts);
    }

    /**
     * This model for a record whose name {@code namesakes} profiles carry ({@link CommonName}): the same
     * unless a conflict cap's common-name rule applies, then with that cap's weaker corroborations dropped.
     */
    public MatchModel forNamesakes(int namesakes) {
        MatchModel applied = this;
        for (int i = 0; i < commonNameThresholds.length && commonNameThresholds[i] <= namesakes; i++) {
            applied = commonNameModels[i];
        }
        return applied;
    }

    /** The same parameters with another prior. */
    public MatchModel withLambda(double newLambda) {
        return new MatchModel(newLambda, parameters, groups, conflicts);
    }

    /** Scores two records with explanations. Prepare records once with {@link PreparedRecord} when comparing many. */
    public MatchScore score(CustomerRecord a, CustomerRecord b) {
        return score(PreparedRecord.of(a), PreparedRecord.of(b));
    }

    /** Scores two prepared records with explanations. */
    public MatchScore score(PreparedRecord a, PreparedRecord b) {
        return score(FieldComparators.compare(a, b));
    }

    /**
     * Scores a comparison with explanations. A field in a capped {@link DependentGroup} shows its weight
     * after the cap (positive weights of the group scaled down together), and likewise every positive field
     * under a {@link ConflictCap}, so contributions add up to the match weight.
     */
    public MatchScore score(Comparison comparison) {
        ComparisonLevel[] levels = new ComparisonLevel[MatchField.values().length];
        for (MatchField field : MatchField.values()) {
            levels[field.ordinal()] = comparison.level(field);
            weight(field, levels[field.ordinal()]); // rejects levels the field does not have
        }
        double[] fieldWeights = fieldWeights(levels);
        double prior = priorWeight();
        double total = prior;
        List<FieldContribution> contributions = new ArrayList<>(MatchField.values().length);
        for (MatchField field : MatchField.values()) {
            double w = fieldWeights[field.ordinal()];
            total += w;
            contributions.add(new FieldContribution(field, levels[field.ordinal()], w));
        }
        return new MatchScore(total, probability(total), prior, contributions, comparison.namesSwapped());
    }

    /** The match weight alone, without building an explanation: the fast path for many pairs. */
    public double matchWeight(PreparedRecord a, PreparedRecord b) {
        ComparisonLevel[] levels = new ComparisonLevel[MatchField.values().length];
        FieldComparators.compareInto(a, b, levels);
        return matchWeight(levels);
    }

    /**
     * True when a {@link ConflictCap} holds for the pair: their contact identifiers contradict and nothing
     * personal corroborates them.
     */
    public boolean conflicting(PreparedRecord a, PreparedRecord b) {
        if (conflicts.isEmpty()) {
            return false;
        }
        ComparisonLevel[] levels = new ComparisonLevel[MatchField.values().length];
        FieldComparators.compareInto(a, b, levels);
        return conflicting(levels);
    }

    private boolean conflicting(ComparisonLevel[] levels) {
        for (ConflictCap conflict : conflicts) {
            if (conflict.conflicting(levels)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A pair's match weight, whether its contact identifiers contradict, whether any of the conflict caps'
     * identifier fields agrees at some level, and whether any was compared at all (present on both sides),
     * from one comparison.
     */
    public record Assessment(double matchWeight, boolean conflicting, boolean identifiersAgree,
            boolean identifiersCompared) {}

    /** {@link #matchWeight(PreparedRecord, PreparedRecord)} and {@link #conflicting} at the cost of one. */
    public Assessment assess(PreparedRecord a, PreparedRecord b) {
        ComparisonLevel[] levels = new ComparisonLevel[MatchField.values().length];
        FieldComparators.compareInto(a, b, levels);
        boolean agree = false;
        boolean compared = false;
        for (ConflictCap conflict : conflicts) {
            for (MatchField field : conflict.fields()) {
                ComparisonLevel level = levels[field.ordinal()];
                compared |= level != ComparisonLevel.MISSING;
                agree |= level != ComparisonLevel.MISSING && level != ComparisonLevel.DIFFERENT;
            }
        }
        return new Assessment(matchWeight(levels), conflicting(levels), agree, compared);
    }

    double matchWeight(ComparisonLevel[] levels) {
        double total = priorWeight();
        for (double w : fieldWeights(levels)) {
            total += w;
        }
        return total;
    }

    /** Each field's weight after the dependent-group caps and the conflict caps. */
    private double[] fieldWeights(ComparisonLevel[] levels) {
        double[] w = new double[levels.length];
        for (int f = 0; f < levels.length; f++) {
            w[f] = weights[f][levels[f].ordinal()];
        }
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).lifted(levels)) {
                continue;
            }
            double positive = 0;
            for (int f = 0; f < levels.length; f++) {
                if (groupOf[f] == g && w[f] > 0) {
                    positive += w[f];
                }
            }
            double cap = groups.get(g).maxWeight();
            if (positive > cap) {
                double scale = cap / positive;
                for (int f = 0; f < levels.length; f++) {
                    if (groupOf[f] == g && w[f] > 0) {
                        w[f] *= scale;
                    }
                }
            }
        }
        for (ConflictCap conflict : conflicts) {
            if (conflict.applies(levels)) {
                capTotal(w, conflict.maxWeight());
            }
        }
        return w;
    }

    /** Scales the positive weights down together so that the prior plus all weights is at most {@code max}. */
    private void capTotal(double[] w, double max) {
        double positive = 0;
        double negative = 0;
        for (double weight : w) {
            if (weight > 0) {
                positive += weight;
            } else {
                negative += weight;
            }
        }
        double room = max - priorWeight() - negative; // what the positive weights may add up to
        if (positive <= room) {
            return;
        }
        double scale = Math.max(0, room) / positive;
        for (int f = 0; f < w.length; f++) {
            if (w[f] > 0) {
                w[f] *= scale;
            }
        }
    }

    /** The probability for a match weight: {@code 2^w / (1 + 2^w)}. */
    public static double probability(double matchWeight) {
        return 1.0 / (1.0 + Math.pow(2, -matchWeight));
    }

    // ---- JSON

    private record ConditionFile(String field, List<String> levels,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ConditionFile> with) {}

    private record GroupFile(List<String> fields, double maxWeight, List<ConditionFile> unless) {}

    private record CommonNameFile(Integer profiles, List<String> notCorroborating) {}

    private record ConflictFile(List<String> fields, double maxWeight, List<ConditionFile> corroboratedBy,
            @JsonInclude(JsonInclude.Include.NON_NULL) CommonNameFile commonName) {}

    private record ModelFile(double lambda, List<GroupFile> dependentGroups, List<ConflictFile> conflictCaps,
            Map<String, Map<String, Probabilities>> fields) {}

    /** The model as JSON (see the class description), fields and levels in their declared order. */
    public String toJson() {
        Map<String, Map<String, Probabilities>> fields = new LinkedHashMap<>();
        for (MatchField field : MatchField.values()) {
            Map<String, Probabilities> levels = new LinkedHashMap<>();
            for (ComparisonLevel level : field.levels()) {
                levels.put(level.name(), parameters.get(field).get(level));
            }
            fields.put(field.id(), levels);
        }
        List<GroupFile> groupFiles = groups.stream()
                .map(g -> new GroupFile(g.fields().stream().map(MatchField::id).toList(), g.maxWeight(),
                        g.unless().stream().map(MatchModel::conditionFile).toList()))
                .toList();
        List<ConflictFile> conflictFiles = conflicts.stream()
                .map(c -> new ConflictFile(c.fields().stream().map(MatchField::id).toList(), c.maxWeight(),
                        c.corroboratedBy().stream().map(MatchModel::conditionFile).toList(),
                        c.commonName() == null ? null : new CommonNameFile(c.commonName().profiles(),
                                c.commonName().notCorroborating().stream().map(MatchField::id).toList())))
                .toList();
        return JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(new ModelFile(lambda, groupFiles, conflictFiles, fields));
    }

    private static ConditionFile conditionFile(Condition condition) {
        return new ConditionFile(condition.field().id(), condition.levels().stream().map(Enum::name).toList(),
                condition.with().stream().map(MatchModel::conditionFile).toList());
    }

    /**
     * Reads a model written by {@link #toJson()}. A field the file does not mention takes its parameters
     * from {@link #defaults()}, so models saved before a field was added keep working; a field that is
     * mentioned must list all its levels. A file without {@code conflictCaps} gets the defaults' (an empty
     * list means none).
     *
     * @throws IllegalArgumentException for malformed JSON, unknown fields or levels, or invalid probabilities
     */
    public static MatchModel fromJson(String json) {
        return parse(json, defaults());
    }

    private static MatchField field(String id) {
        try {
            return MatchField.fromId(Objects.requireNonNull(id, "field"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown field '" + id + "' in match model");
        }
    }

    private static MatchModel parse(String json, MatchModel fallback) {
        ModelFile file;
        try {
            file = JSON.readValue(Objects.requireNonNull(json, "json"), ModelFile.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a match model: " + e.getOriginalMessage(), e);
        }
        if (file.fields() == null) {
            throw new IllegalArgumentException("not a match model: no fields");
        }
        Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters = new EnumMap<>(MatchField.class);
        file.fields().forEach((id, levels) -> {
            MatchField field = field(id);
            Map<ComparisonLevel, Probabilities> byLevel = new EnumMap<>(ComparisonLevel.class);
            levels.forEach((name, p) -> {
                try {
                    byLevel.put(ComparisonLevel.valueOf(name), Objects.requireNonNull(p, name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown level '" + name + "' of " + id + " in match model");
                }
            });
            parameters.put(field, byLevel);
        });
        if (fallback != null) {
            for (MatchField field : MatchField.values()) {
                parameters.putIfAbsent(field, fallback.parameters().get(field));
            }
        }
        List<DependentGroup> groups = new ArrayList<>();
        if (file.dependentGroups() != null) {
            for (GroupFile group : file.dependentGroups()) {
                if (group == null || group.fields() == null) {
                    throw new IllegalArgumentException("dependent group without fields in match model");
                }
                groups.add(new DependentGroup(fields(group.fields()), group.maxWeight(),
                        conditions(group.unless(), "dependent group")));
            }
        }
        List<ConflictCap> conflicts = new ArrayList<>();
        if (file.conflictCaps() != null) {
            for (ConflictFile conflict : file.conflictCaps()) {
                if (conflict == null || conflict.fields() == null) {
                    throw new IllegalArgumentException("conflict cap without fields in match model");
                }
                CommonNameFile common = conflict.commonName();
                if (common != null && (common.notCorroborating() == null || common.profiles() == null)) {
                    throw new IllegalArgumentException(
                            "common-name rule without profiles or notCorroborating in match model");
                }
                List<MatchField> capFields = fields(conflict.fields());
                List<Condition> corroboratedBy = upgraded(fallback, capFields, conflict.maxWeight(),
                        conditions(conflict.corroboratedBy(), "conflict cap"));
                try {
                    CommonName rule = common == null ? inherited(fallback, capFields, conflict.maxWeight(), corroboratedBy)
                            : new CommonName(common.profiles(), Set.copyOf(fields(common.notCorroborating())));
                    conflicts.add(new ConflictCap(capFields, conflict.maxWeight(), corroboratedBy, rule));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + " in match model", e);
                }
            }
        }
        if (file.conflictCaps() == null && fallback != null) {
            // a model saved before conflict caps existed (an estimate, say) keeps the namesake protection;
            // "conflictCaps": [] turns it off on purpose
            conflicts.addAll(fallback.conflictCaps());
        }
        return new MatchModel(file.lambda(), parameters, groups, conflicts);
    }

    /**
     * A cap saved before conditions could require others {@code with} them (an estimate keeps the built-in
     * caps): when it is a fallback cap with every {@code with} left out, the fallback's conditions, so that
     * "city corroborates only with both names" (decision 58) reaches it; any other cap as written.
     */
    private static List<Condition> upgraded(MatchModel fallback, List<MatchField> fields, double maxWeight,
            List<Condition> corroboratedBy) {
        if (fallback == null || corroboratedBy.stream().anyMatch(c -> !c.with().isEmpty())) {
            return corroboratedBy;
        }
        for (ConflictCap cap : fallback.conflictCaps()) {
            if (cap.fields().equals(fields) && cap.maxWeight() == maxWeight
                    && cap.corroboratedBy().stream().anyMatch(c -> !c.with().isEmpty())
                    && Set.copyOf(cap.corroboratedBy().stream().map(c -> new Condition(c.field(), c.levels())).toList())
                            .equals(Set.copyOf(corroboratedBy))) {
                return cap.corroboratedBy();
            }
        }
        return corroboratedBy;
    }

    /**
     * The common-name rule of the fallback's cap that is this cap in every other respect: a model saved
     * before the rule existed (an estimate keeps the built-in caps) keeps it. A cap that differs, or one
     * with a rule of its own, is taken as written; to turn the rule off, give it a large {@code profiles}.
     */
    private static CommonName inherited(MatchModel fallback, List<MatchField> fields, double maxWeight,
            List<Condition> corroboratedBy) {
        if (fallback == null) {
            return null;
        }
        for (ConflictCap cap : fallback.conflictCaps()) {
            if (cap.commonName() != null && cap.fields().equals(fields) && cap.maxWeight() == maxWeight
                    && Set.copyOf(cap.corroboratedBy()).equals(Set.copyOf(corroboratedBy))) {
                return cap.commonName();
            }
        }
        return null;
    }

    private static List<MatchField> fields(List<String> ids) {
        List<MatchField> fields = new ArrayList<>();
        for (String id : ids) {
            fields.add(field(id));
        }
        return fields;
    }

    private static List<Condition> conditions(List<ConditionFile> files, String where) {
        List<Condition> conditions = new ArrayList<>();
        for (ConditionFile condition : files == null ? List.<ConditionFile>of() : files) {
            if (condition == null || condition.levels() == null) {
                throw new IllegalArgumentException(where + " condition without levels in match model");
            }
            Set<ComparisonLevel> levels = EnumSet.noneOf(ComparisonLevel.class);
            for (String level : condition.levels()) {
                try {
                    levels.add(ComparisonLevel.valueOf(level));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown level '" + level + "' in a " + where);
                }
            }
            conditions.add(new Condition(field(condition.field()), levels, conditions(condition.with(), where)));
        }
        return conditions;
    }
}
