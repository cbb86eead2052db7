package dev.tessera.core.cx;

import dev.tessera.core.model.InteractionKind;
import java.time.Instant;
import java.util.Set;

/**
 * One page of a timeline, newest first: interactions of any of {@code kinds} (empty: all) on any of
 * {@code channels} (empty: all; compared without case) that occurred in [{@code from}, {@code to}) (null: open end), skipping
 * {@code offset} and returning at most {@code limit} (1-1000).
 */
public record TimelineQuery(Set<InteractionKind> kinds, Set<String> channels, Instant from, Instant to, int offset,
        int limit) {

    public static final int MAX_LIMIT = 1_000;

    public TimelineQuery {
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        // channels are labels as sources write them ("Store", "in store"): compared without case, as segments do
        channels = channels == null ? Set.of() : channels.stream().map(c -> c.toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("offset must be >= 0 and limit within 1.." + MAX_LIMIT);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    /** The first {@code limit} interactions, all kinds, all channels, all time. */
    public static TimelineQuery latest(int limit) {
        return new TimelineQuery(Set.of(), Set.of(), null, null, 0, limit);
    }

    public TimelineQuery page(int newOffset, int newLimit) {
        return new TimelineQuery(kinds, channels, from, to, newOffset, newLimit);
    }

    public TimelineQuery kinds(Set<InteractionKind> newKinds) {
        return new TimelineQuery(newKinds, channels, from, to, offset, limit);
    }

    public TimelineQuery channels(Set<String> newChannels) {
        return new TimelineQuery(kinds, newChannels, from, to, offset, limit);
    }

    public TimelineQuery between(Instant newFrom, Instant newTo) {
        return new TimelineQuery(kinds, channels, newFrom, newTo, offset, limit);
    }

    boolean filtersContent() {
        return !kinds.isEmpty() || !channels.isEmpty();
    }
}
