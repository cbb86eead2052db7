package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.core.identity.match.MatchEvaluation.Quality;
import dev.tessera.core.identity.match.MatchTestData.Labelled;
import dev.tessera.core.identity.match.MatchTestData.LabelledPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How well the default model and the blocking keys do on the labelled public data in {@code ../shared/data}
 * (skipped where it is absent). Every floor asserted here is a measured value rounded down a little, so a
 * change that makes matching worse fails; the numbers are printed to the test output.
 */
class MatchQualityTest {

    /** The match weight (bits) at which the default model links two records in these measurements. */
    private static final double THRESHOLD = 6.0;

    private final MatchModel model = MatchModel.defaults();

    @Test
    void defaultModelSeparatesFake1000LabelledPairs() {
        Path data = data();
        List<Labelled> people = MatchTestData.fake1000(data);
        List<LabelledPair> labels = MatchTestData.fake1000Labels(data);
        List<PreparedRecord> prepared = prepare(people);
        double[] scores = new double[labels.size()];
        boolean[] match = new boolean[labels.size()];
        int positives = 0;
        for (int k = 0; k < labels.size(); k++) {
            LabelledPair pair = labels.get(k);
            scores[k] = model.matchWeight(prepared.get(pair.left()), prepared.get(pair.right()));
            match[k] = pair.match();
            positives += pair.match() ? 1 : 0;
        }

        Quality best = MatchEvaluation.bestThreshold(scores, match, positives);

        System.out.println("fake_1000 labelled pairs (" + labels.size() + "), default model, best threshold: " + best);
        assertThat(best.f1()).isGreaterThanOrEqualTo(0.99);
        assertThat(best.precision()).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void blockingFindsFake1000PairsInSmallBlocks() {
        List<Labelled> people = MatchTestData.fake1000(data());
        Blocking blocking = blocking(people);

        System.out.println("fake_1000 blocking: " + blocking);
        assertThat(blocking.recall()).isGreaterThanOrEqualTo(0.90);
        assertThat(blocking.meanBlockSize()).isLessThanOrEqualTo(2.5);
        assertThat(blocking.maxBlockSize()).isLessThanOrEqualTo(30);
    }

    @Test
    void fake1000ClustersAtTheThreshold() {
        Result result = evaluate(MatchTestData.fake1000(data()), model);

        System.out.println("fake_1000 " + result);
        assertThat(result.clusters().precision()).isGreaterThanOrEqualTo(0.99);
        assertThat(result.clusters().f1()).isGreaterThanOrEqualTo(0.975);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dataset1.csv", "dataset2.csv", "dataset3.csv", "dataset4a.csv+dataset4b.csv"})
    void febrl(String files) {
        Path data = data();
        List<Labelled> people = new ArrayList<>();
        for (String file : files.split("\\+")) {
            people.addAll(MatchTestData.febrl(data, file));
        }

        Result result = evaluate(people, model);

        System.out.println("Febrl " + files + ": " + result);
        assertThat(result.blocking().recall()).isGreaterThanOrEqualTo(0.99);
        assertThat(result.blocking().meanBlockSize()).isLessThanOrEqualTo(2.5);
        assertThat(result.pairwise().f1()).isGreaterThanOrEqualTo(0.99);
        assertThat(result.clusters().precision()).isGreaterThanOrEqualTo(0.99);
        assertThat(result.clusters().f1()).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void emEstimatedModelSeparatesFebrl3() {
        List<Labelled> people = MatchTestData.febrl(data(), "dataset3.csv");
        MatchModel estimated = new EmEstimator(1).withRandomPairs(100_000)
                .estimate(people.stream().map(Labelled::record).toList());

        Result result = evaluate(people, estimated);

        System.out.println("Febrl dataset3.csv, EM-estimated model: " + result);
        assertThat(result.pairwise().f1()).isGreaterThanOrEqualTo(0.99);
    }

    // ---- helpers

    record Blocking(double recall, double meanBlockSize, int maxBlockSize, long candidatePairs) {
        @Override
        public String toString() {
            return String.format("recall=%.4f meanBlockSize=%.2f maxBlockSize=%d candidatePairs=%d",
                    recall, meanBlockSize, maxBlockSize, candidatePairs);
        }
    }

    record Result(Blocking blocking, Quality pairwise, Quality clusters) {
        @Override
        public String toString() {
            return "blocking " + blocking + "; pairwise at best threshold " + pairwise
                    + "; connected components at " + THRESHOLD + " bits " + clusters;
        }
    }

    private static Result evaluate(List<Labelled> people, MatchModel model) {
        List<PreparedRecord> prepared = prepare(people);
        List<String> entities = people.stream().map(Labelled::entity).toList();
        Set<Long> truth = MatchEvaluation.truePairs(entities);
        long[] pairs = MatchEvaluation.candidatePairs(MatchEvaluation.blocks(prepared));
        double[] scores = new double[pairs.length];
        boolean[] match = new boolean[pairs.length];
        for (int k = 0; k < pairs.length; k++) {
            scores[k] = model.matchWeight(prepared.get(MatchEvaluation.left(pairs[k])),
                    prepared.get(MatchEvaluation.right(pairs[k])));
            match[k] = truth.contains(pairs[k]);
        }
        return new Result(blocking(people), MatchEvaluation.bestThreshold(scores, match, truth.size()),
                MatchEvaluation.clusterQuality(prepared.size(), pairs, scores, THRESHOLD, entities));
    }

    private static Blocking blocking(List<Labelled> people) {
        List<PreparedRecord> prepared = prepare(people);
        Set<Long> truth = MatchEvaluation.truePairs(people.stream().map(Labelled::entity).toList());
        Map<String, List<Integer>> blocks = MatchEvaluation.blocks(prepared);
        long[] pairs = MatchEvaluation.candidatePairs(blocks);
        Set<Long> candidates = new HashSet<>();
        for (long pair : pairs) {
            candidates.add(pair);
        }
        long found = truth.stream().filter(candidates::contains).count();
        return new Blocking(found / (double) truth.size(), MatchEvaluation.meanBlockSize(blocks),
                MatchEvaluation.maxBlockSize(blocks), pairs.length);
    }

    private static List<PreparedRecord> prepare(List<Labelled> people) {
        return people.stream().map(l -> PreparedRecord.of(l.record())).toList();
    }

    private static Path data() {
        Optional<Path> data = MatchTestData.sharedData();
        assumeTrue(data.isPresent(), "../shared/data is not next to the project");
        return data.get();
    }
}
