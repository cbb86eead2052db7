package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;

import dev.tessera.core.identity.ExactKeyPolicy;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.MovableClock;
import dev.tessera.core.testing.RedisTestSupport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real Redis, a real resolver to create profiles, and a CX store on a clock the test moves. */
abstract class CxStoreTestBase {

    protected RedisConnection redis;
    protected ProfileStore profiles;
    protected ProfileResolver resolver;
    protected MovableClock clock;
    protected CxStore cx;

    @BeforeEach
    void openStore() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        profiles = new ProfileStore(redis);
        clock = new MovableClock(T0);
        resolver = new ProfileResolver(profiles, new ExactKeyPolicy(), new GoldenRecordBuilder(), clock);
        cx = store(CxSettings.defaults());
    }

    @AfterEach
    void closeStore() {
        redis.close();
    }

    protected CxStore store(CxSettings settings) {
        return new CxStore(profiles, settings, clock);
    }

    /** Resolves a record with these emails and lets the CX store follow (pending interactions, merges). */
    protected Resolution resolveAndHook(SourceRecordId id, String... emails) {
        CustomerRecord record = new CustomerRecord(id, T0, java.util.Arrays.stream(emails)
                .map(e -> new Identifier(IdentifierType.EMAIL, e)).toList(), Map.of());
        Resolution resolution = resolver.resolve(record);
        new CxIdentityHooks(cx).afterResolve(record, resolution);
        return resolution;
    }

    /** Stores a source record with an email through the resolver and returns its profile. */
    protected ProfileId person(SourceRecordId record, String email) {
        CustomerRecord r = new CustomerRecord(record, T0, List.of(new Identifier(IdentifierType.EMAIL, email)),
                Map.of("first_name", "Ann"));
        return resolver.resolve(r).profileId();
    }
}
