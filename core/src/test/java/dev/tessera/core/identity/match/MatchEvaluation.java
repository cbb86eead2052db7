package dev.tessera.core.identity.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Pairwise quality measures for the match tests: blocking recall, best-threshold precision/recall, clustering. */
final class MatchEvaluation {

    private MatchEvaluation() {}

    static long pair(int i, int j) {
        return i < j ? ((long) i << 32) | j : ((long) j << 32) | i;
    }

    static int left(long pair) {
        return (int) (pair >>> 32);
    }

    static int right(long pair) {
        return (int) pair;
    }

    /** All within-entity pairs. */
    static Set<Long> truePairs(List<String> entities) {
        Map<String, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < entities.size(); i++) {
            groups.computeIfAbsent(entities.get(i), k -> new ArrayList<>()).add(i);
        }
        Set<Long> pairs = new HashSet<>();
        for (List<Integer> g : groups.values()) {
            for (int a = 0; a < g.size(); a++) {
                for (int b = a + 1; b < g.size(); b++) {
                    pairs.add(pair(g.get(a), g.get(b)));
                }
            }
        }
        return pairs;
    }

    /** Blocks by key. */
    static Map<String, List<Integer>> blocks(List<PreparedRecord> records) {
        Map<String, List<Integer>> blocks = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            for (String key : BlockingKeys.keys(records.get(i))) {
                blocks.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            }
        }
        return blocks;
    }

    /** Distinct pairs sharing at least one key, sorted. */
    static long[] candidatePairs(Map<String, List<Integer>> blocks) {
        Set<Long> pairs = new HashSet<>();
        for (List<Integer> block : blocks.values()) {
            for (int a = 0; a < block.size(); a++) {
                for (int b = a + 1; b < block.size(); b++) {
                    pairs.add(pair(block.get(a), block.get(b)));
                }
            }
        }
        long[] out = pairs.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }

    static double meanBlockSize(Map<String, List<Integer>> blocks) {
        return blocks.values().stream().mapToInt(List::size).average().orElse(0);
    }

    static int maxBlockSize(Map<String, List<Integer>> blocks) {
        return blocks.values().stream().mapToInt(List::size).max().orElse(0);
    }

    /** Precision, recall and F1 at the threshold that maximises F1. */
    record Quality(double threshold, double precision, double recall, double f1) {
        @Override
        public String toString() {
            return String.format("threshold=%.2f precision=%.4f recall=%.4f f1=%.4f", threshold, precision, recall, f1);
        }
    }

    /**
     * Best-F1 threshold over scored pairs; {@code totalTrue} counts all true pairs, also those never scored
     * (missed by blocking), so recall is end to end.
     */
    static Quality bestThreshold(double[] scores, boolean[] isMatch, int totalTrue) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
        Quality best = new Quality(Double.POSITIVE_INFINITY, 1, 0, 0);
        int tp = 0;
        for (int k = 0; k < order.length; k++) {
            if (isMatch[order[k]]) {
                tp++;
            }
            if (k + 1 < order.length && scores[order[k + 1]] == scores[order[k]]) {
                continue;
            }
            double precision = tp / (double) (k + 1);
            double recall = tp / (double) totalTrue;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 > best.f1()) {
                double next = k + 1 < order.length ? scores[order[k + 1]] : scores[order[k]] - 1;
                best = new Quality((scores[order[k]] + next) / 2, precision, recall, f1);
            }
        }
        return best;
    }

    /** Pairwise precision/recall/F1 of the connected components of the pairs scoring at least the threshold. */
    static Quality clusterQuality(int n, long[] pairs, double[] scores, double threshold, List<String> entities) {
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int k = 0; k < pairs.length; k++) {
            if (scores[k] >= threshold) {
                int a = find(parent, left(pairs[k]));
                int b = find(parent, right(pairs[k]));
                if (a != b) {
                    parent[a] = b;
                }
            }
        }
        Map<Integer, List<Integer>> clusters = new HashMap<>();
        for (int i = 0; i < n; i++) {
            clusters.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        }
        long predicted = 0;
        long correct = 0;
        for (List<Integer> c : clusters.values()) {
            predicted += (long) c.size() * (c.size() - 1) / 2;
            Map<String, Integer> byEntity = new HashMap<>();
            for (int i : c) {
                byEntity.merge(entities.get(i), 1, Integer::sum);
            }
            for (int count : byEntity.values()) {
                correct += (long) count * (count - 1) / 2;
            }
        }
        long truth = truePairs(entities).size();
        double precision = predicted == 0 ? 1 : correct / (double) predicted;
        double recall = correct / (double) truth;
        return new Quality(threshold, precision, recall, 2 * precision * recall / (precision + recall));
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
