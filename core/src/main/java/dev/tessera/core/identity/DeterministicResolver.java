package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;

/**
 * A {@link ProfileResolver} with the {@link ExactKeyPolicy}: links on the source record id, a normalised
 * email, an E.164 phone or an external id. A record that matches several profiles merges them into the
 * oldest (ties: smallest id), so the outcome does not depend on arrival order.
 */
public final class DeterministicResolver implements IdentityResolver {

    private final ProfileResolver resolver;

    public DeterministicResolver(ProfileStore store, GoldenRecordBuilder golden, Clock clock) {
        this.resolver = new ProfileResolver(store, new ExactKeyPolicy(), golden, clock);
    }

    @Override
    public Resolution resolve(CustomerRecord record) {
        return resolver.resolve(record);
    }
}
