package dev.tessera.core.cx;

import dev.tessera.core.model.ProfileId;
import java.util.List;

/**
 * What {@link CxStore#append} did.
 *
 * @param profile where the interaction landed (null while {@link Status#PENDING} and for {@link Status#ERASED})
 * @param moments moments of truth this interaction fired
 */
public record AppendResult(Status status, String key, ProfileId profile, List<Moment> moments) {

    public AppendResult {
        moments = List.copyOf(moments);
    }

    public enum Status {
        /** A new interaction on the timeline. */
        STORED,
        /** The same key was stored with other content: replaced in place, metrics recomputed. */
        UPDATED,
        /** Exactly this interaction was stored already: nothing changed. */
        DUPLICATE,
        /** Its source record is not on any profile yet: kept until {@link CxStore#attachPending}. */
        PENDING,
        /** Its source record belongs to an erased person: dropped, neither stored nor kept pending. */
        ERASED
    }
}
