package dev.tessera.profile.cx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.ProfileId;
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

    /** A customer silent for over a year churned: the pass records it, from the stored tally, once. */
    @Test
    void thePassRecordsTheChurnThatTimeAloneMade() {
        dev.tessera.core.testing.MovableClock clock = new dev.tessera.core.testing.MovableClock(
                Instant.parse("2025-01-02T00:00:00Z"));
        CxStore store = new CxStore(profiles, CxSettings.defaults(), clock);
        SourceRecordId who = new SourceRecordId("crm", "c0");
        ProfileId p = profiles.findBySource(who).orElseThrow();
        store.append(new dev.tessera.core.model.Interaction("a-1", who, dev.tessera.core.model.InteractionKind.CRM_ACTIVITY,
                "web", "account", clock.instant(), null, null, Map.of()));
        String stages = "{p:" + p.value() + "}:stages"; // the key layout of docs/architecture.md
        assertThat(redis.commands().lrange(stages, 0, -1)).noneMatch(s -> s.contains("CHURNED"));
        clock.advance(Duration.ofDays(400));

        assertThat(new CxSchedule(store, profiles, Duration.ofHours(6)).refreshStages()).isEqualTo(3);

        List<String> recorded = redis.commands().lrange(stages, 0, -1);
        assertThat(recorded).filteredOn(s -> s.contains("CHURNED")).hasSize(1);
        assertThat(recorded.get(recorded.size() - 1)).contains("CHURNED").contains("2026-01-03T00:00:00Z");
        redis.commands().del(CxSchedule.REFRESH_LOCK);
        new CxSchedule(store, profiles, Duration.ofHours(6)).refreshStages();
        assertThat(redis.commands().lrange(stages, 0, -1)).as("recorded once").isEqualTo(recorded);
    }

    /** An order that waited for a record stored without its attach (the process stopped) lands on the pass. */
    @Test
    void thePassAttachesWhatWaitedForARecordStoredMeanwhile() {
        SourceRecordId late = new SourceRecordId("shop", "s9");
        cx.append(new dev.tessera.core.model.Interaction("o-1", late, dev.tessera.core.model.InteractionKind.ORDER,
                "web", "checkout", Instant.parse("2025-01-01T00:00:00Z"),
                new dev.tessera.core.model.Interaction.Money(new java.math.BigDecimal("12.50"), "EUR"), null, Map.of()));
        ProfileId p = IdentitySettings.defaults().resolver(profiles, Clock.systemUTC()).resolve(new CustomerRecord(late,
                Instant.parse("2025-01-01T00:00:00Z"), List.of(new Identifiers("GB").email("late@example.org").orElseThrow()),
                Map.of())).profileId();
        assertThat(cx.interactions(p)).isEmpty();

        new CxSchedule(cx, profiles, Duration.ofHours(6)).waitingInteractions();

        assertThat(cx.interactions(p)).extracting(dev.tessera.core.model.Interaction::id).containsExactly("o-1");
    }

    /** The weekly repair recomputes a tally from the timeline (here one lost), once per period. */
    @Test
    void theRepairPassRecomputesTalliesFromTheTimelines() {
        SourceRecordId who = new SourceRecordId("crm", "c1");
        ProfileId p = profiles.findBySource(who).orElseThrow();
        cx.append(new dev.tessera.core.model.Interaction("o-1", who, dev.tessera.core.model.InteractionKind.ORDER,
                "web", "checkout", Instant.parse("2025-01-01T00:00:00Z"),
                new dev.tessera.core.model.Interaction.Money(new java.math.BigDecimal("12.50"), "EUR"), null, Map.of()));
        String metrics = "{p:" + p.value() + "}:metrics"; // the key layout of docs/architecture.md
        redis.commands().hdel(metrics, "state");
        assertThat(cx.metrics(p).orders()).isZero();

        assertThat(new CxSchedule(cx, profiles, Duration.ofHours(6)).repairTallies()).isEqualTo(3);

        assertThat(cx.metrics(p).orders()).isEqualTo(1);
        assertThat(new CxSchedule(cx, profiles, Duration.ofHours(6)).repairTallies()).as("once per period")
                .isEqualTo(-1);
    }
}
