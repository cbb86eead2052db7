package dev.tessera.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProfileCacheTest {

    @Test
    void keepsAtMostItsCapacityAndWhatIsInUse() {
        ProfileCache.Generations<Integer, String> cache = new ProfileCache.Generations<>(10);
        for (int i = 0; i < 100; i++) {
            cache.put(i, "v" + i);
            assertThat(cache.get(0)).as("read after every put, so kept").isEqualTo("v0");
            assertThat(cache.size()).isLessThanOrEqualTo(10);
        }
        assertThat(cache.get(99)).isEqualTo("v99");
        assertThat(cache.get(1)).as("never read again: dropped").isNull();
    }

    @Test
    void theNewestValueWins() {
        ProfileCache.Generations<Integer, String> cache = new ProfileCache.Generations<>(4);
        cache.put(1, "old");
        cache.put(2, "x"); // young is full: becomes the old generation
        cache.put(1, "new");
        assertThat(cache.get(1)).isEqualTo("new");
        cache.put(3, "y"); // rotates again: the generation holding "old" is dropped
        assertThat(cache.get(1)).isEqualTo("new");
    }

    @Test
    void capacityZeroOrOneCachesNothing() {
        ProfileCache.Generations<Integer, String> none = new ProfileCache.Generations<>(0);
        none.put(1, "a");
        assertThat(none.get(1)).isNull();
        ProfileCache.Generations<Integer, String> one = new ProfileCache.Generations<>(1);
        one.put(1, "a");
        assertThat(one.get(1)).isNull();
    }

    @Test
    void aRemovedEntryIsGoneFromBothGenerations() {
        ProfileCache.Generations<Integer, String> cache = new ProfileCache.Generations<>(4);
        cache.put(1, "erased");
        cache.put(2, "x"); // 1 is in the old generation now
        cache.put(3, "y");
        cache.remove(1);
        cache.remove(3);
        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(3)).isNull();
        assertThat(cache.get(2)).isEqualTo("x");
    }
}
