package dev.tessera.profile.api;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Records to move out of a profile, as {@code source:sourceId} keys (see the profile's records).
 *
 * @param seen optional: every record key of the profile as the caller read it; when given, a profile
 *             whose records changed since (a merge brought others in) is refused with a 409 instead of
 *             separating the moved records from records the caller never saw
 */
record SplitRequest(@NotEmpty @Size(max = 1000) List<String> records, @Size(max = 10_000) List<String> seen) {

    SplitRequest(List<String> records) {
        this(records, null);
    }
}
