package dev.tessera.core.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pairwise precision, recall and F1 of a clustering against the truth, in linear time: pairs are counted
 * per cluster ({@code n·(n-1)/2}), never enumerated. A predicted pair is a true positive when both
 * records also share a true cluster, so true positives are the pairs inside each (predicted, true) cell.
 *
 * <p>Conventions for empty denominators: with no predicted pairs precision is 1 (nothing was wrongly
 * merged); with no true pairs recall is 1; F1 is 0 when precision and recall are both 0. A record with no
 * predicted or no true cluster (null or empty) is a singleton on that side.
 */
public record PairwiseMetrics(long truePairs, long predictedPairs, long truePositivePairs) {

    public static PairwiseMetrics of(List<String> predicted, List<String> truth) {
        if (predicted.size() != truth.size()) {
            throw new IllegalArgumentException("predicted and truth must have one entry per record");
        }
        Map<String, Long> predictedSizes = new HashMap<>();
        Map<String, Long> trueSizes = new HashMap<>();
        Map<Cell, Long> cellSizes = new HashMap<>();
        for (int i = 0; i < predicted.size(); i++) {
            String p = blankToNull(predicted.get(i));
            String t = blankToNull(truth.get(i));
            if (p != null) {
                predictedSizes.merge(p, 1L, Long::sum);
            }
            if (t != null) {
                trueSizes.merge(t, 1L, Long::sum);
            }
            if (p != null && t != null) {
                cellSizes.merge(new Cell(p, t), 1L, Long::sum);
            }
        }
        return new PairwiseMetrics(sumPairs(trueSizes), sumPairs(predictedSizes), sumPairs(cellSizes));
    }

    /** Unordered pairs among {@code n} records. */
    public static long pairs(long n) {
        return n < 2 ? 0 : n * (n - 1) / 2;
    }

    public double precision() {
        return predictedPairs == 0 ? 1.0 : (double) truePositivePairs / predictedPairs;
    }

    public double recall() {
        return truePairs == 0 ? 1.0 : (double) truePositivePairs / truePairs;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    private static <K> long sumPairs(Map<K, Long> sizes) {
        long sum = 0;
        for (long n : sizes.values()) {
            sum += pairs(n);
        }
        return sum;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private record Cell(String predicted, String truth) {
        Cell {
            Objects.requireNonNull(predicted);
            Objects.requireNonNull(truth);
        }
    }
}
