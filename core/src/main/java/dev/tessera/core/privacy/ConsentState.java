package dev.tessera.core.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything stored about one profile's consent: the latest statement of each origin for each purpose
 * and channel. The plain predicate {@link #allows} is what segment conditions will use (segments do not
 * exist yet).
 *
 * @param statements every stored statement, latest first
 */
public record ConsentState(List<ConsentEntry> statements) {

    public static final ConsentState NONE = new ConsentState(List.of());

    public ConsentState {
        List<ConsentEntry> sorted = new ArrayList<>(statements);
        sorted.sort(ConsentEntry.LATEST_FIRST);
        statements = List.copyOf(sorted);
    }

    /**
     * The statement in force for each purpose and channel: the latest one of any origin (see
     * {@link ConsentEntry#LATEST_FIRST}), keyed {@code purpose|channel}, latest first.
     */
    public Map<String, ConsentEntry> current() {
        Map<String, ConsentEntry> current = new LinkedHashMap<>();
        for (ConsentEntry e : statements) {
            current.putIfAbsent(e.purpose() + "|" + e.channel().code(), e);
        }
        return current;
    }

    /**
     * True when the person's latest statement about {@code purpose} on {@code channel} — or on
     * {@link ConsentChannel#ANY}, whichever is later — is a grant. Without any statement: false (consent
     * is opt-in). Asking for {@code ANY} considers only statements made for {@code ANY}.
     */
    public boolean allows(String purpose, ConsentChannel channel) {
        return decisive(purpose, channel).map(e -> e.status() == ConsentStatus.GRANTED).orElse(false);
    }

    /** The statement that decides {@link #allows}, if any. */
    public Optional<ConsentEntry> decisive(String purpose, ConsentChannel channel) {
        return statements.stream().filter(e -> e.covers(purpose, channel)).findFirst();
    }
}
