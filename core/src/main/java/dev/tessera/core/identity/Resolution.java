package dev.tessera.core.identity;

import dev.tessera.core.model.ProfileId;
import java.util.List;
import java.util.Objects;

/**
 * What resolving one record did.
 *
 * @param profileId where the record is now; null only for {@link Outcome#ERASED}
 * @param merged profile ids that were merged into {@code profileId} (empty unless {@link Outcome#MERGED})
 */
public record Resolution(ProfileId profileId, Outcome outcome, List<ProfileId> merged) {

    public enum Outcome {
        /** No profile matched: a new one was created. */
        CREATED,
        /** The record joined an existing profile. */
        LINKED,
        /** The record was already in the profile and changed. */
        UPDATED,
        /** The record was already stored as it is, or an older version of it arrived late: nothing written. */
        UNCHANGED,
        /** The record matched several profiles, which became one. */
        MERGED,
        /**
         * The record belongs to an erased person (its source record id, or its email or phone when so
         * configured, is tombstoned): nothing was stored. Not a rejection: keeping it as a dead letter
         * would keep the personal data the erasure removed.
         */
        ERASED
    }

    public Resolution {
        if (outcome != Outcome.ERASED) {
            Objects.requireNonNull(profileId, "profileId");
        } else if (profileId != null) {
            throw new IllegalArgumentException("an erased record has no profile");
        }
        Objects.requireNonNull(outcome, "outcome");
        merged = List.copyOf(merged);
    }

    /** The resolution of a record refused because its person was erased. */
    public static Resolution erased() {
        return new Resolution(null, Outcome.ERASED, List.of());
    }
}
