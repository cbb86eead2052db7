package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.match.MatchTestData.Labelled;
import dev.tessera.core.model.CustomerRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmEstimatorTest {

    private static final List<Labelled> PEOPLE = SyntheticPeople.generate(800, 3, false);
    private static final List<CustomerRecord> RECORDS = PEOPLE.stream().map(Labelled::record).toList();

    @Test
    void sameSeedSameModel() {
        MatchModel first = new EmEstimator(42).withRandomPairs(40_000).estimate(RECORDS);
        MatchModel second = new EmEstimator(42).withRandomPairs(40_000).estimate(RECORDS);
        assertThat(first.toJson()).isEqualTo(second.toJson());
    }

    @Test
    void learnsThatAgreementIsEvidence() {
        MatchModel model = new EmEstimator(1).withRandomPairs(40_000).estimate(RECORDS);
        for (MatchField field : List.of(MatchField.FIRST_NAME, MatchField.LAST_NAME, MatchField.BIRTH_DATE,
                MatchField.STREET, MatchField.CITY, MatchField.EMAIL)) {
            assertThat(model.weight(field, ComparisonLevel.EXACT)).as(field.id()).isGreaterThan(3);
            assertThat(model.weight(field, ComparisonLevel.DIFFERENT)).as(field.id()).isLessThan(-1);
            assertThat(model.probabilities(field, ComparisonLevel.EXACT).m()).as(field.id()).isGreaterThan(0.5);
        }
        assertThat(model.lambda()).isBetween(0.001, 0.999);
        assertThat(model.dependentGroups()).isEqualTo(MatchModel.defaults().dependentGroups());
    }

    @Test
    void estimatedModelSeparatesMatchesFromNonMatches() {
        MatchModel model = new EmEstimator(5).withRandomPairs(40_000).estimate(RECORDS);
        List<PreparedRecord> prepared = RECORDS.stream().map(PreparedRecord::of).toList();
        List<String> entities = PEOPLE.stream().map(Labelled::entity).toList();
        Set<Long> truth = MatchEvaluation.truePairs(entities);
        long[] pairs = MatchEvaluation.candidatePairs(MatchEvaluation.blocks(prepared));
        double[] scores = new double[pairs.length];
        boolean[] match = new boolean[pairs.length];
        for (int k = 0; k < pairs.length; k++) {
            scores[k] = model.matchWeight(prepared.get(MatchEvaluation.left(pairs[k])), prepared.get(MatchEvaluation.right(pairs[k])));
            match[k] = truth.contains(pairs[k]);
        }
        MatchEvaluation.Quality quality = MatchEvaluation.bestThreshold(scores, match, truth.size());
        System.out.println("EM on synthetic people: " + quality);
        assertThat(quality.f1()).isGreaterThan(0.97);
    }

    @Test
    void fieldsTheDataLacksKeepTheStartingValues() {
        MatchModel start = MatchModel.defaults();
        List<CustomerRecord> withoutPhones = RECORDS.stream()
                .map(r -> new CustomerRecord(r.id(), r.observedAt(),
                        r.identifiers().stream().filter(i -> i.type() != dev.tessera.core.model.IdentifierType.PHONE).toList(),
                        r.attributes()))
                .toList();
        MatchModel model = new EmEstimator(2).withRandomPairs(40_000).estimate(withoutPhones, start);
        for (ComparisonLevel level : MatchField.PHONE.levels()) {
            assertThat(model.probabilities(MatchField.PHONE, level).m())
                    .isCloseTo(start.probabilities(MatchField.PHONE, level).m(), org.assertj.core.api.Assertions.within(1e-9));
            assertThat(model.probabilities(MatchField.PHONE, level).u())
                    .isCloseTo(start.probabilities(MatchField.PHONE, level).u(), org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void tooFewRecordsGiveTheStartingModel() {
        assertThat(new EmEstimator(1).withRandomPairs(40_000).estimate(List.of())).isSameAs(MatchModel.defaults());
        assertThat(new EmEstimator(1).withRandomPairs(40_000).estimate(RECORDS.subList(0, 1))).isSameAs(MatchModel.defaults());
        // Few records: every pair is a "random pair" and sessions may be empty; still a valid model.
        MatchModel small = new EmEstimator(1).withRandomPairs(10).withMaxBlockSize(5).estimate(RECORDS.subList(0, 30));
        assertThat(MatchModel.fromJson(small.toJson()).parameters()).isEqualTo(small.parameters());
        assertThat(Map.copyOf(small.parameters())).hasSize(MatchField.values().length);
    }
}
