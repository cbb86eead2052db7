package dev.tessera.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A person's decision that two records belong to one customer (must-link), kept with the records it joined
 * so the explanation can show who decided it, when and why.
 *
 * @param actor  who decided (the user's token subject)
 * @param reason why, as the user wrote it (1-500 characters); it is shown to agents with the explanation
 */
public record MergeDecision(String actor, String reason, Instant at) {

    public static final int MAX_REASON = 500;

    public MergeDecision {
        Objects.requireNonNull(at, "at");
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor is required");
        }
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason must be 1-" + MAX_REASON + " characters");
        }
    }
}
