package dev.tessera.profile.api;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;

/** The profile id of a request path, checked the same way by every controller that takes one. */
final class ProfileIds {

    private ProfileIds() {}

    /** The id as given; 400 when it is no profile id. */
    static ProfileId valid(String id) {
        if (!ProfileId.isValid(id)) {
            throw new ApiProblem.InvalidParameter("id", "must be 1-64 characters of [A-Za-z0-9_-]");
        }
        return new ProfileId(id);
    }

    /**
     * The id of a request about one person. One merged into a profile that was split or re-resolved since is
     * refused (409 {@code ambiguous-former-id}): it forwards to where most of that profile's records went,
     * which may be another person (Bob's old id would open Olive's profile). The split profile's own id
     * still answers.
     */
    static ProfileId aboutOnePerson(ProfileStore store, String id) {
        ProfileId profile = valid(id);
        if (store.forwardsThroughDissolved(profile)) {
            throw new ApiProblem.AmbiguousFormerId();
        }
        return profile;
    }
}
