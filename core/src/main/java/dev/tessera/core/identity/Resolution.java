package dev.tessera.core.identity;

import dev.tessera.core.model.ProfileId;
import java.util.List;
import java.util.Objects;

/**
 * What resolving one record did.
 *
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
        MERGED
    }

    public Resolution {
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(outcome, "outcome");
        merged = List.copyOf(merged);
    }
}
