package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;
import static dev.tessera.core.cx.CxFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The metrics kept on each append equal the metrics recomputed from the timeline. */
class CxIncrementalMetricsTest extends CxStoreTestBase {

    private final SourceRecordId shop = rec("shop", "ann");
    private final SourceRecordId desk = rec("desk", "ann");

    private ProfileId ann() {
        ProfileId p = person(shop, "ann@example.com");
        resolver.resolve(new CustomerRecord(desk, T0, List.of(new Identifier(IdentifierType.EMAIL, "ann@example.com")),
                Map.of()));
        return p;
    }

    @Test
    void incrementalMetricsEqualRecomputedOnesForShuffledHistoriesWithDuplicatesAndCorrections() {
        ProfileId p = ann();
        for (long seed = 1; seed <= 12; seed++) {
            RedisTestSupport.flush();
            p = ann();
            List<Interaction> history = RandomInteractions.history(seed, 80, List.of(shop, desk));
            Random random = new Random(seed);
            List<Interaction> deliveries = new ArrayList<>(history);
            for (int k = 0; k < 20; k++) { // re-deliveries, identical
                deliveries.add(history.get(random.nextInt(history.size())));
            }
            List<Interaction> corrections = RandomInteractions.history(seed + 1000, 10, List.of(shop, desk)).stream()
                    .map(i -> withId(i, history.get(random.nextInt(history.size())))).toList();
            deliveries.addAll(corrections); // same key, other content: the last delivery wins
            Collections.shuffle(deliveries, random);
            Map<String, Interaction> expected = new LinkedHashMap<>();
            for (Interaction i : deliveries) {
                cx.append(i);
                expected.put(CxMetricsCalculator.key(i), i);
            }
            clock.advance(Duration.ofDays(random.nextInt(30)));

            CxTally incremental = cx.tally(p);
            assertThat(incremental).as("seed %d", seed).isEqualTo(cx.calculator().tally(expected.values()));
            assertThat(incremental).isEqualTo(cx.calculator().tally(cx.interactions(p)));
            assertThat(cx.metrics(p)).isEqualTo(cx.calculator().recompute(expected.values(), clock.instant()));
        }
    }

    @Test
    void concurrentAppendersEndWithTheRecomputedMetrics() throws Exception {
        ProfileId p = ann();
        List<Interaction> history = RandomInteractions.history(99, 200, List.of(shop, desk));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            done.add(pool.submit(() -> {
                // every thread delivers everything, in its own order: heavy duplication and contention
                List<Interaction> mine = new ArrayList<>(history);
                Collections.shuffle(mine, new Random(seed));
                try (RedisConnection connection = RedisTestSupport.connect()) {
                    CxStore store = new CxStore(new ProfileStore(connection), CxSettings.defaults(), clock);
                    mine.forEach(store::append);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        assertThat(cx.interactions(p)).hasSize(history.size());
        assertThat(cx.tally(p)).isEqualTo(cx.calculator().tally(history));
    }

    private static Interaction withId(Interaction content, Interaction keyOf) {
        return new Interaction(keyOf.id(), keyOf.record(), content.kind(), content.channel(), content.touchpoint(),
                content.occurredAt(), content.amount(), content.score(), content.attributes());
    }
}
