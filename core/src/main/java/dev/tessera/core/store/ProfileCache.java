package dev.tessera.core.store;

import dev.tessera.core.model.ProfileId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded live profiles by id, each valid for exactly one stored version. Every change of a profile's
 * document or records bumps its version in the same script, so an entry whose version Redis still
 * reports is the stored state, and a reader never needs to decode that profile's JSON again. Also
 * remembers where merged-away ids forward to, so a stale index entry asks for the right version.
 *
 * <p>Bounded and thread-safe without a lock: two generations of concurrent maps. New entries go to the
 * young one; when it holds half the capacity it becomes the old one and the previous old one is dropped.
 * A hit in the old generation moves the entry to the young one, so what is in use survives (an
 * approximation of least recently used). A miss only costs a decode. A synchronized access-ordered map
 * did this before; its lock and its list updates on every read showed in profiles of the resolver.
 */
final class ProfileCache {

    private final Generations<ProfileId, ProfileStore.Loaded> profiles;
    private final Generations<ProfileId, ProfileId> forwards;

    ProfileCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        profiles = new Generations<>(capacity);
        forwards = new Generations<>(capacity);
    }

    /** The live id this id was last seen to forward to (itself when not forwarded). */
    ProfileId liveIdOf(ProfileId id) {
        ProfileId live = forwards.get(id);
        return live == null ? id : live;
    }

    ProfileStore.Loaded get(ProfileId liveId) {
        return profiles.get(liveId);
    }

    void put(ProfileId asked, ProfileStore.Loaded loaded) {
        ProfileId live = loaded.profile().id();
        profiles.put(live, loaded);
        if (!asked.equals(live)) {
            forwards.put(asked, live);
        }
    }

    /** Drops what is held for this id (an erased profile's data must not stay in memory until pushed out). */
    void evict(ProfileId id) {
        profiles.remove(id);
        forwards.remove(id);
    }

    /** Young and old generation; at most {@code capacity} entries in all. */
    static final class Generations<K, V> {

        private final int half;
        private volatile Map<K, V> young = new ConcurrentHashMap<>();
        private volatile Map<K, V> old = new ConcurrentHashMap<>();

        Generations(int capacity) {
            this.half = capacity / 2;
        }

        V get(K key) {
            V value = young.get(key);
            if (value != null) {
                return value;
            }
            value = old.get(key);
            if (value != null) {
                put(key, value);
            }
            return value;
        }

        void put(K key, V value) {
            if (half == 0) {
                return;
            }
            Map<K, V> target = young;
            target.put(key, value);
            if (target.size() >= half) {
                synchronized (this) {
                    if (young == target) {
                        old = target;
                        young = new ConcurrentHashMap<>();
                    }
                }
            }
        }

        int size() {
            return young.size() + old.size();
        }

        void remove(K key) {
            young.remove(key);
            old.remove(key);
        }
    }
}
