package dev.tessera.profile.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ExactKeyPolicy;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A split whose process stopped halfway is finished by the schedule, timeline included. */
class IdentityScheduleTest {

    private static final Instant T0 = Instant.parse("2026-02-01T09:00:00Z");
    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection redis;
    private ProfileStore profiles;
    private CxStore cx;
    private ProfileResolver resolver;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        profiles = new ProfileStore(redis);
        cx = new CxStore(profiles, CxSettings.defaults(), Clock.systemUTC());
        // exact keys: the shared mailbox merges them (the wrong merge an agent then splits)
        resolver = new ProfileResolver(profiles, new ExactKeyPolicy(), new GoldenRecordBuilder(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void aSplitLeftHalfwayIsFinishedAndItsInteractionsFollowTheMovedRecord() {
        CustomerRecord jane = person("c1", "Jane", "Doe");
        CustomerRecord mallory = person("m3", "Mallory", "Doe");
        ProfileId both = resolver.resolve(jane).profileId();
        assertThat(resolver.resolve(mallory).profileId()).isEqualTo(both);
        cx.append(new Interaction("call-1", mallory.id(), InteractionKind.CRM_ACTIVITY, "phone", "account", T0,
                null, null, Map.of()));

        // records resolved again, the follow-up not done: still held
        assertThatThrownBy(() -> resolver.split(both, Set.of(mallory.id()), moved -> {
            throw new IllegalStateException("the process stopped before the timeline moved");
        })).isInstanceOf(IllegalStateException.class);
        ProfileId out = profiles.findBySource(mallory.id()).orElseThrow();
        assertThat(cx.interactions(out)).isEmpty();

        new IdentitySchedule(resolver, new CxIdentityHooks(cx), Duration.ZERO).finishDissolved();

        assertThat(cx.interactions(out)).extracting(Interaction::id).contains("call-1");
        assertThat(profiles.dissolvedHeld()).isEmpty();
    }

    private CustomerRecord person(String id, String first, String last) {
        return new CustomerRecord(new SourceRecordId("crm", id), T0.minusSeconds(60),
                List.of(ids.email("doe.family@example.org").orElseThrow()),
                Map.of("first_name", first, "last_name", last));
    }
}
