package dev.tessera.core.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.ProfileId;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The preview's sample drawn while the profiles are scanned: uniform, counted, and any first part uniform too. */
class ReservoirTest {

    private static ProfileId id(int i) {
        return new ProfileId(String.format("p-%05d", i));
    }

    @Test
    void withNoMoreIdsThanRoomEveryOneIsKeptOnceAndRepeatsAreNotCounted() {
        SegmentEngine.Reservoir reservoir = new SegmentEngine.Reservoir(50, new Random(1));
        for (int i = 0; i < 40; i++) {
            reservoir.offer(id(i));
            reservoir.offer(id(i % 7)); // SCAN handing keys over twice
        }

        assertThat(reservoir.seen()).isEqualTo(40);
        List<ProfileId> sample = reservoir.shuffled();
        assertThat(sample).hasSize(40).doesNotHaveDuplicates();
        assertThat(new HashSet<>(sample)).hasSize(40);
    }

    @Test
    void eachIdIsEquallyLikelyToBeKeptAndToComeFirst() {
        int ids = 1_000;
        int size = 100;
        int runs = 2_000;
        int[] kept = new int[ids];
        int[] firstByTenth = new int[10];
        Random random = new Random(42);
        for (int run = 0; run < runs; run++) {
            SegmentEngine.Reservoir reservoir = new SegmentEngine.Reservoir(size, random);
            for (int i = 0; i < ids; i++) {
                reservoir.offer(id(i));
            }
            assertThat(reservoir.seen()).isEqualTo(ids);
            List<ProfileId> sample = reservoir.shuffled();
            assertThat(sample).hasSize(size).doesNotHaveDuplicates();
            sample.forEach(p -> kept[Integer.parseInt(p.value().substring(2))]++);
            firstByTenth[Integer.parseInt(sample.get(0).value().substring(2)) / 100]++;
        }
        // kept with probability 1/10: 200 times in 2,000 runs, binomial sd about 13; early and late ids alike
        for (int i = 0; i < ids; i++) {
            assertThat(kept[i]).as("id %d", i).isBetween(130, 270);
        }
        // the first of the shuffled sample (what a preview out of time evaluates first) from every tenth alike
        for (int tenth = 0; tenth < 10; tenth++) {
            assertThat(firstByTenth[tenth]).as("tenth %d", tenth).isBetween(140, 260);
        }
    }
}
