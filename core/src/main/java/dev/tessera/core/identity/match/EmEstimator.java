package dev.tessera.core.identity.match;

import dev.tessera.core.identity.match.MatchModel.Probabilities;
import dev.tessera.core.model.CustomerRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Estimates a {@link MatchModel} from unlabelled records with expectation–maximisation, in the manner of
 * Splink:
 * <ol>
 *   <li><b>u</b> from random pairs, which are almost all non-matches: the share of each level among them,
 *       smoothed towards the starting model's u where a field is rarely present.</li>
 *   <li><b>m</b> by EM in several sessions, each over the pairs that share one kind of blocking key (same
 *       birth date; same name sounds; same email or phone; same postcode and house number). The fields a
 *       session blocks on agree by construction, so that session neither uses nor estimates them; the other
 *       fields' m are estimated with u held fixed. Each field's m is the average over the sessions that
 *       estimated it, weighted by their expected number of matches.</li>
 *   <li><b>lambda</b> by EM over all candidate pairs ({@link BlockingKeys}) with m and u fixed: the prior
 *       that a candidate pair is a match. The matches expected among the random pairs are then taken out of
 *       u (in small or duplicate-heavy data they make shared emails look common) and lambda re-estimated.</li>
 * </ol>
 * Fields or levels the data never shows keep the starting model's values. Blocks larger than
 * {@code maxBlockSize} are skipped, as a resolver would. The result depends only on the records, their
 * order, the starting model and the seed. Instances are immutable and thread-safe.
 */
public final class EmEstimator {

    private static final int FIELDS = MatchField.values().length;
    private static final int LEVELS = ComparisonLevel.values().length;
    private static final int MISSING = ComparisonLevel.MISSING.ordinal();
    /** Pseudo-pairs of the starting model's u added to the random-pair counts. */
    private static final double U_PRIOR_PAIRS = 50;
    /** Pseudo-matches of the starting model's m added in each M step. */
    private static final double M_PRIOR_PAIRS = 1;
    private static final double MIN_PROBABILITY = 1e-6;
    private static final int MIN_SESSION_PAIRS = 20;

    /** One training session: the blocking rules (key prefixes) it takes pairs from and the fields those fix. */
    private record Session(String name, Set<String> rules, Set<MatchField> fixed) {}

    private static final List<Session> SESSIONS = List.of(
            new Session("birth date", Set.of("d"), EnumSet.of(MatchField.BIRTH_DATE)),
            new Session("names", Set.of("nn"), EnumSet.of(MatchField.FIRST_NAME, MatchField.LAST_NAME)),
            new Session("email and phone", Set.of("e", "p"), EnumSet.of(MatchField.EMAIL, MatchField.PHONE)),
            new Session("address", Set.of("ah"), EnumSet.of(MatchField.POSTCODE, MatchField.STREET)));

    private final long seed;
    private final int randomPairs;
    private final int maxIterations;
    private final double tolerance;
    private final int maxBlockSize;

    /** An estimator with 200,000 random pairs, at most 200 EM iterations, blocks of at most 500 records. */
    public EmEstimator(long seed) {
        this(seed, 200_000, 200, 1e-6, 500);
    }

    private EmEstimator(long seed, int randomPairs, int maxIterations, double tolerance, int maxBlockSize) {
        if (randomPairs < 1 || maxIterations < 1 || !(tolerance > 0) || maxBlockSize < 2) {
            throw new IllegalArgumentException("invalid EM settings");
        }
        this.seed = seed;
        this.randomPairs = randomPairs;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.maxBlockSize = maxBlockSize;
    }

    /** The same estimator drawing this many random pairs for u. */
    public EmEstimator withRandomPairs(int count) {
        return new EmEstimator(seed, count, maxIterations, tolerance, maxBlockSize);
    }

    /** The same estimator ignoring blocks with more records than this. */
    public EmEstimator withMaxBlockSize(int size) {
        return new EmEstimator(seed, randomPairs, maxIterations, tolerance, size);
    }

    /** Estimates a model starting from {@link MatchModel#defaults()}. */
    public MatchModel estimate(List<CustomerRecord> records) {
        return estimate(records, MatchModel.defaults());
    }

    /** Estimates a model from the records, starting from (and falling back to) {@code start}. */
    public MatchModel estimate(List<CustomerRecord> records, MatchModel start) {
        Objects.requireNonNull(start, "start");
        List<PreparedRecord> prepared = records.stream().map(PreparedRecord::of).toList();
        if (prepared.size() < 2) {
            return start;
        }
        double[][] uFloor = new double[FIELDS][LEVELS];
        double[] uPresent = new double[FIELDS];
        double[][] u = estimateU(prepared, start, uFloor, uPresent);
        Map<String, List<Integer>> blocks = blocks(prepared);

        double[][] mSum = new double[FIELDS][LEVELS];
        double[] mWeight = new double[FIELDS];
        for (Session session : SESSIONS) {
            Patterns patterns = Patterns.of(prepared, candidatePairs(blocks, session.rules()));
            if (patterns.total() < MIN_SESSION_PAIRS) {
                continue;
            }
            boolean[] active = new boolean[FIELDS];
            for (MatchField field : MatchField.values()) {
                active[field.ordinal()] = !session.fixed().contains(field);
            }
            SessionResult result = runSession(patterns, active, initialM(start), u);
            for (int f = 0; f < FIELDS; f++) {
                if (active[f] && result.evidence()[f] > 0) {
                    for (int l = 0; l < LEVELS; l++) {
                        mSum[f][l] += result.m()[f][l] * result.evidence()[f];
                    }
                    mWeight[f] += result.evidence()[f];
                }
            }
        }
        double[][] m = initialM(start);
        for (int f = 0; f < FIELDS; f++) {
            if (mWeight[f] > 0) {
                for (int l = 0; l < LEVELS; l++) {
                    m[f][l] = mSum[f][l] / mWeight[f];
                }
            }
        }
        Patterns all = Patterns.of(prepared, candidatePairs(blocks, null));
        double lambda = estimateLambda(all, m, u, start.lambda());
        // Random pairs include a few matches; in small or duplicate-heavy data they inflate u of the strong
        // levels (an exact email is never shared by two people, yet matches among the random pairs share
        // one). Remove their expected share: u = (observed - lambdaAll * m) / (1 - lambdaAll).
        double possible = (double) prepared.size() * (prepared.size() - 1) / 2;
        double lambdaAll = Math.min(0.5, lambda * all.total() / possible);
        correctU(u, m, lambdaAll, uFloor, uPresent);
        lambda = estimateLambda(all, m, u, lambda);
        return toModel(lambda, m, u).withDependentGroups(start.dependentGroups())
                .withConflictCaps(start.conflictCaps());
    }

    // ---- u from random pairs

    private double[][] estimateU(List<PreparedRecord> records, MatchModel start, double[][] floor, double[] presentCounts) {
        int n = records.size();
        long possible = (long) n * (n - 1) / 2;
        double[][] counts = new double[FIELDS][LEVELS];
        ComparisonLevel[] levels = new ComparisonLevel[FIELDS];
        SplittableRandom random = new SplittableRandom(seed);
        if (possible <= randomPairs) {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    count(records.get(i), records.get(j), levels, counts);
                }
            }
        } else {
            for (int k = 0; k < randomPairs; k++) {
                int i = random.nextInt(n);
                int j = random.nextInt(n - 1);
                if (j >= i) {
                    j++;
                }
                count(records.get(i), records.get(j), levels, counts);
            }
        }
        double[][] u = new double[FIELDS][LEVELS];
        for (MatchField field : MatchField.values()) {
            int f = field.ordinal();
            double present = 0;
            for (ComparisonLevel level : field.levels()) {
                present += counts[f][level.ordinal()];
            }
            presentCounts[f] = present;
            double sum = 0;
            for (ComparisonLevel level : field.levels()) {
                int l = level.ordinal();
                double prior = start.probabilities(field, level).u();
                double value = (counts[f][l] + U_PRIOR_PAIRS * prior) / (present + U_PRIOR_PAIRS);
                // Never seen among many random pairs says "rarer than about 1 in their number", no less;
                // among few pairs it says nothing, and the starting model's u stands.
                floor[f][l] = Math.min(prior, 0.5 / (present + U_PRIOR_PAIRS));
                u[f][l] = Math.max(value, floor[f][l]);
                sum += u[f][l];
            }
            for (ComparisonLevel level : field.levels()) {
                u[f][level.ordinal()] /= sum;
            }
        }
        return u;
    }

    private static void correctU(double[][] u, double[][] m, double lambdaAll, double[][] floor, double[] present) {
        for (MatchField field : MatchField.values()) {
            int f = field.ordinal();
            if (present[f] == 0) {
                continue;
            }
            double sum = 0;
            for (ComparisonLevel level : field.levels()) {
                int l = level.ordinal();
                u[f][l] = Math.max(floor[f][l], (u[f][l] - lambdaAll * m[f][l]) / (1 - lambdaAll));
                sum += u[f][l];
            }
            for (ComparisonLevel level : field.levels()) {
                u[f][level.ordinal()] /= sum;
            }
        }
    }

    private static void count(PreparedRecord a, PreparedRecord b, ComparisonLevel[] levels, double[][] counts) {
        FieldComparators.compareInto(a, b, levels);
        for (int f = 0; f < FIELDS; f++) {
            counts[f][levels[f].ordinal()]++;
        }
    }

    // ---- m by EM sessions

    private record SessionResult(double[][] m, double[] evidence) {}

    private SessionResult runSession(Patterns patterns, boolean[] active, double[][] startM, double[][] u) {
        double[][] m = startM;
        double lambda = 0.5;
        double[][] prior = startM;
        double[] evidence = new double[FIELDS];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[][] numerator = new double[FIELDS][LEVELS];
            double[] present = new double[FIELDS];
            double expectedMatches = 0;
            for (int k = 0; k < patterns.size(); k++) {
                byte[] levels = patterns.levels(k);
                double p = posterior(levels, active, m, u, lambda);
                double weight = p * patterns.count(k);
                expectedMatches += weight;
                for (int f = 0; f < FIELDS; f++) {
                    if (active[f] && levels[f] != MISSING) {
                        numerator[f][levels[f]] += weight;
                        present[f] += weight;
                    }
                }
            }
            double[][] next = new double[FIELDS][LEVELS];
            double change = 0;
            for (MatchField field : MatchField.values()) {
                int f = field.ordinal();
                for (ComparisonLevel level : field.levels()) {
                    int l = level.ordinal();
                    next[f][l] = active[f]
                            ? (numerator[f][l] + M_PRIOR_PAIRS * prior[f][l]) / (present[f] + M_PRIOR_PAIRS)
                            : m[f][l];
                    change = Math.max(change, Math.abs(next[f][l] - m[f][l]));
                }
            }
            double nextLambda = Math.min(1 - MIN_PROBABILITY, Math.max(MIN_PROBABILITY, expectedMatches / patterns.total()));
            change = Math.max(change, Math.abs(nextLambda - lambda));
            m = next;
            lambda = nextLambda;
            evidence = present;
            if (change < tolerance) {
                break;
            }
        }
        return new SessionResult(m, evidence);
    }

    private static double posterior(byte[] levels, boolean[] active, double[][] m, double[][] u, double lambda) {
        double logRatio = Math.log(lambda / (1 - lambda));
        for (int f = 0; f < FIELDS; f++) {
            int l = levels[f];
            if (active[f] && l != MISSING) {
                logRatio += Math.log(Math.max(m[f][l], MIN_PROBABILITY) / u[f][l]);
            }
        }
        return 1.0 / (1.0 + Math.exp(-logRatio));
    }

    private double estimateLambda(Patterns patterns, double[][] m, double[][] u, double start) {
        if (patterns.total() == 0) {
            return start;
        }
        boolean[] active = new boolean[FIELDS];
        Arrays.fill(active, true);
        double lambda = start;
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double expected = 0;
            for (int k = 0; k < patterns.size(); k++) {
                expected += posterior(patterns.levels(k), active, m, u, lambda) * patterns.count(k);
            }
            double next = Math.min(1 - MIN_PROBABILITY, Math.max(MIN_PROBABILITY, expected / patterns.total()));
            boolean done = Math.abs(next - lambda) < tolerance;
            lambda = next;
            if (done) {
                break;
            }
        }
        return lambda;
    }

    private static double[][] initialM(MatchModel start) {
        double[][] m = new double[FIELDS][LEVELS];
        for (MatchField field : MatchField.values()) {
            for (ComparisonLevel level : field.levels()) {
                m[field.ordinal()][level.ordinal()] = start.probabilities(field, level).m();
            }
        }
        return m;
    }

    private static MatchModel toModel(double lambda, double[][] m, double[][] u) {
        Map<MatchField, Map<ComparisonLevel, Probabilities>> parameters = new EnumMap<>(MatchField.class);
        for (MatchField field : MatchField.values()) {
            int f = field.ordinal();
            double mSum = 0;
            for (ComparisonLevel level : field.levels()) {
                mSum += Math.max(m[f][level.ordinal()], MIN_PROBABILITY);
            }
            Map<ComparisonLevel, Probabilities> levels = new EnumMap<>(ComparisonLevel.class);
            for (ComparisonLevel level : field.levels()) {
                int l = level.ordinal();
                levels.put(level, new Probabilities(Math.min(1, Math.max(m[f][l], MIN_PROBABILITY) / mSum),
                        Math.min(1, Math.max(u[f][l], MIN_PROBABILITY))));
            }
            parameters.put(field, levels);
        }
        return new MatchModel(lambda, parameters);
    }

    // ---- candidate pairs

    private static Map<String, List<Integer>> blocks(List<PreparedRecord> records) {
        Map<String, List<Integer>> blocks = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            for (String key : BlockingKeys.keys(records.get(i))) {
                blocks.computeIfAbsent(key, k -> new ArrayList<>(2)).add(i);
            }
        }
        return blocks;
    }

    /** Distinct pairs sharing a key of the given rules (all rules for null), sorted. */
    private long[] candidatePairs(Map<String, List<Integer>> blocks, Set<String> rules) {
        LongSet pairs = new LongSet();
        for (Map.Entry<String, List<Integer>> block : blocks.entrySet()) {
            List<Integer> members = block.getValue();
            if (members.size() < 2 || members.size() > maxBlockSize) {
                continue;
            }
            if (rules != null) {
                String key = block.getKey();
                if (!rules.contains(key.substring(0, key.indexOf(':')))) {
                    continue;
                }
            }
            for (int a = 0; a < members.size(); a++) {
                for (int b = a + 1; b < members.size(); b++) {
                    int i = members.get(a);
                    int j = members.get(b);
                    pairs.add(i < j ? ((long) i << 32) | j : ((long) j << 32) | i);
                }
            }
        }
        long[] sorted = pairs.toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** Distinct comparison vectors and how often each occurs: EM works on these, not on pairs. */
    private static final class Patterns {
        private final byte[][] levels;
        private final double[] counts;
        private final double total;

        private Patterns(byte[][] levels, double[] counts) {
            this.levels = levels;
            this.counts = counts;
            this.total = Arrays.stream(counts).sum();
        }

        static Patterns of(List<PreparedRecord> records, long[] pairs) {
            Map<Long, Integer> counts = new TreeMap<>();
            ComparisonLevel[] levels = new ComparisonLevel[FIELDS];
            for (long pair : pairs) {
                FieldComparators.compareInto(records.get((int) (pair >>> 32)), records.get((int) pair), levels);
                long key = 0;
                for (int f = 0; f < FIELDS; f++) {
                    key = key * 16 + levels[f].ordinal();
                }
                counts.merge(key, 1, Integer::sum);
            }
            byte[][] vectors = new byte[counts.size()][];
            double[] weights = new double[counts.size()];
            int k = 0;
            for (Map.Entry<Long, Integer> e : counts.entrySet()) {
                byte[] vector = new byte[FIELDS];
                long key = e.getKey();
                for (int f = FIELDS - 1; f >= 0; f--) {
                    vector[f] = (byte) (key % 16);
                    key /= 16;
                }
                vectors[k] = vector;
                weights[k] = e.getValue();
                k++;
            }
            return new Patterns(vectors, weights);
        }

        int size() {
            return counts.length;
        }

        byte[] levels(int k) {
            return levels[k];
        }

        double count(int k) {
            return counts[k];
        }

        double total() {
            return total;
        }
    }

    /** A growable open-addressing set of longs; pairs are many and boxing them all is slow. */
    private static final class LongSet {
        private static final long EMPTY = -1L;
        private long[] table = filled(1024);
        private int size;

        private static long[] filled(int capacity) {
            long[] t = new long[capacity];
            Arrays.fill(t, EMPTY);
            return t;
        }

        void add(long value) {
            if (size * 2 >= table.length) {
                long[] old = table;
                table = filled(old.length * 2);
                size = 0;
                for (long v : old) {
                    if (v != EMPTY) {
                        insert(v);
                    }
                }
            }
            insert(value);
        }

        private void insert(long value) {
            int mask = table.length - 1;
            int i = (int) (mix(value) & mask);
            while (table[i] != EMPTY) {
                if (table[i] == value) {
                    return;
                }
                i = (i + 1) & mask;
            }
            table[i] = value;
            size++;
        }

        private static long mix(long x) {
            x ^= x >>> 33;
            x *= 0xff51afd7ed558ccdL;
            x ^= x >>> 33;
            return x;
        }

        long[] toArray() {
            long[] out = new long[size];
            int k = 0;
            for (long v : table) {
                if (v != EMPTY) {
                    out[k++] = v;
                }
            }
            return out;
        }
    }
}
