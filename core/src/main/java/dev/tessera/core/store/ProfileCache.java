package dev.tessera.core.store;

import dev.tessera.core.model.ProfileId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded live profiles by id, each valid for exactly one stored version. Every change of a profile's
 * document or records bumps its version in the same script, so an entry whose version Redis still
 * reports is the stored state, and a reader never needs to decode that profile's JSON again. Also
 * remembers where merged-away ids forward to, so a stale index entry asks for the right version.
 *
 * <p>Bounded (least recently used goes first) and thread-safe; a miss only costs a decode.
 */
final class ProfileCache {

    private final Map<ProfileId, ProfileStore.Loaded> profiles;
    private final Map<ProfileId, ProfileId> forwards;

    ProfileCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        profiles = lru(capacity);
        forwards = lru(capacity);
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The live id this id was last seen to forward to (itself when not forwarded). */
    ProfileId liveIdOf(ProfileId id) {
        return forwards.getOrDefault(id, id);
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
}
