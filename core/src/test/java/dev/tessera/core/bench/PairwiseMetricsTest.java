package dev.tessera.core.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairwiseMetricsTest {

    @Test
    void countsPairsWithinClustersAndCells() {
        // truth: {1,2,3} {4,5} {6}: 3 + 1 = 4 true pairs
        // predicted: {1,2} {3,4,5} {6}: 1 + 3 = 4 predicted pairs; true positives (1,2) and (4,5) = 2
        List<String> truth = List.of("A", "A", "A", "B", "B", "C");
        List<String> predicted = List.of("x", "x", "y", "y", "y", "z");

        PairwiseMetrics m = PairwiseMetrics.of(predicted, truth);

        assertThat(m).isEqualTo(new PairwiseMetrics(4, 4, 2));
        assertThat(m.precision()).isEqualTo(0.5);
        assertThat(m.recall()).isEqualTo(0.5);
        assertThat(m.f1()).isEqualTo(0.5);
    }

    @Test
    void perfectClusteringScoresOneWhateverTheLabels() {
        PairwiseMetrics m = PairwiseMetrics.of(List.of("p", "p", "q", "r", "r", "r"), List.of("1", "1", "2", "3", "3", "3"));

        assertThat(m).isEqualTo(new PairwiseMetrics(4, 4, 4));
        assertThat(m.f1()).isEqualTo(1.0);
    }

    @Test
    void everythingInOneClusterHasFullRecallAndLowPrecision() {
        // truth {a,a} {b,b} {c}: 2 true pairs; one predicted cluster of 5: 10 pairs
        PairwiseMetrics m = PairwiseMetrics.of(List.of("x", "x", "x", "x", "x"), List.of("a", "a", "b", "b", "c"));

        assertThat(m).isEqualTo(new PairwiseMetrics(2, 10, 2));
        assertThat(m.precision()).isEqualTo(0.2);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.f1()).isCloseTo(2 * 0.2 / 1.2, within(1e-12));
    }

    @Test
    void allSingletonsHaveNoPredictedPairs() {
        PairwiseMetrics m = PairwiseMetrics.of(List.of("1", "2", "3", "4"), List.of("a", "a", "a", "b"));

        assertThat(m).isEqualTo(new PairwiseMetrics(3, 0, 0));
        assertThat(m.precision()).isEqualTo(1.0);
        assertThat(m.recall()).isEqualTo(0.0);
        assertThat(m.f1()).isEqualTo(0.0);
    }

    @Test
    void missingValuesAreSingletons() {
        PairwiseMetrics m = PairwiseMetrics.of(Arrays.asList("x", "x", null, null), Arrays.asList("a", "a", "a", ""));

        assertThat(m).isEqualTo(new PairwiseMetrics(3, 1, 1));
    }

    @Test
    void pairCountsDoNotOverflowOnLargeClusters() {
        assertThat(PairwiseMetrics.pairs(0)).isZero();
        assertThat(PairwiseMetrics.pairs(1)).isZero();
        assertThat(PairwiseMetrics.pairs(2)).isEqualTo(1);
        assertThat(PairwiseMetrics.pairs(100_000)).isEqualTo(4_999_950_000L);
    }
}
