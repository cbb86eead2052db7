package dev.tessera.profile.cx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two instances on one Redis: one of them runs a period's stage refresh, the other skips it. */
class CxScheduleTest {

    private RedisConnection redis;
    private ProfileStore profiles;
    private CxStore cx;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        profiles = new ProfileStore(redis);
        cx = new CxStore(profiles, CxSettings.defaults(), Clock.systemUTC());
        Identifiers ids = new Identifiers("GB");
        for (int i = 0; i < 3; i++) {
            IdentitySettings.defaults().resolver(profiles, Clock.systemUTC()).resolve(new CustomerRecord(
                    new SourceRecordId("crm", "c" + i), Instant.parse("2025-01-01T00:00:00Z"),
                    List.of(ids.email("person" + i + "@example.org").orElseThrow()), Map.of("first_name", "P" + i)));
        }
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void oneInstanceRefreshesPerPeriodAndTheOthersSkip() {
        CxSchedule first = new CxSchedule(cx, profiles, Duration.ofHours(6));
        CxSchedule second = new CxSchedule(cx, profiles, Duration.ofHours(6));

        assertThat(first.refreshStages()).isEqualTo(3);
        assertThat(second.refreshStages()).as("the period is taken").isEqualTo(-1);
        assertThat(first.refreshStages()).as("also for the holder: once per period").isEqualTo(-1);
        Long ttl = redis.commands().pttl(CxSchedule.REFRESH_LOCK);
        assertThat(ttl).isBetween(Duration.ofHours(5).toMillis(), Duration.ofMinutes(324).toMillis());

        redis.commands().del(CxSchedule.REFRESH_LOCK); // the period is over
        assertThat(second.refreshStages()).isEqualTo(3);
    }
}
