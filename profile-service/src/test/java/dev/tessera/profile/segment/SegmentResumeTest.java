package dev.tessera.profile.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.CxAggregates;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentEngine;
import dev.tessera.core.segment.SegmentRules;
import dev.tessera.core.segment.SegmentStore;
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

/** A segment build that did not finish (a stopped instance, an edit during the build) is resumed. */
class SegmentResumeTest {

    private RedisConnection redis;
    private SegmentService service;
    private SegmentStore store;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        ProfileStore profiles = new ProfileStore(redis);
        CxStore cx = new CxStore(profiles, CxSettings.defaults(), Clock.systemUTC());
        Identifiers ids = new Identifiers("GB");
        for (int i = 0; i < 3; i++) {
            IdentitySettings.defaults().resolver(profiles, Clock.systemUTC()).resolve(new CustomerRecord(
                    new SourceRecordId("crm", "c" + i), Instant.parse("2025-01-01T00:00:00Z"),
                    List.of(ids.email("person" + i + "@example.org").orElseThrow()),
                    Map.of("first_name", "P" + i, "country", i < 2 ? "DE" : "FR")));
        }
        SegmentEngine engine = new SegmentEngine(profiles, cx, new SegmentStore(redis, profiles.namespace()),
                Clock.systemUTC());
        service = new SegmentService(engine, new CxAggregates(cx), redis, 100, Duration.ofHours(1), Clock.systemUTC());
        store = service.store();
    }

    @AfterEach
    void tearDown() {
        service.close();
        redis.close();
    }

    @Test
    void renamingASegmentWhoseBuildHadNotFinishedBuildsTheNewVersion() throws Exception {
        Segment germans = service.create("Germans", "", SegmentRules.parse("{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}"), "m");
        service.awaitJobs(Duration.ofSeconds(10));
        // as an instance that stopped during the build, or a build the edit below interrupts, leaves it
        store.putStatus(germans.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, 1, 3, 1, Instant.now(), null));
        redis.commands().del(store.namespace().segmentMembers(germans.id()));

        Segment renamed = service.update(germans.id(), "Customers in Germany", "", germans.rule(), 1, "m").orElseThrow();
        service.awaitJobs(Duration.ofSeconds(10));

        SegmentStore.Status status = store.status(germans.id()).orElseThrow();
        assertThat(status.state()).isEqualTo(SegmentStore.Status.READY);
        assertThat(status.definitionVersion()).isEqualTo(renamed.version());
        assertThat(store.size(germans.id())).isEqualTo(2);
    }

    @Test
    void aStoppedBuildIsResumedAndAFinishedOneIsLeftAlone() throws Exception {
        Segment germans = service.create("Germans", "", SegmentRules.parse("{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}"), "m");
        service.awaitJobs(Duration.ofSeconds(10));
        assertThat(service.resumeSoon()).as("built: nothing to resume").isZero();

        store.putStatus(germans.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, 1, 3, 1, Instant.now(), null));
        redis.commands().del(store.namespace().segmentMembers(germans.id()));
        assertThat(service.resumeSoon()).isEqualTo(1);
        service.awaitJobs(Duration.ofSeconds(10));

        assertThat(store.status(germans.id()).orElseThrow().state()).isEqualTo(SegmentStore.Status.READY);
        assertThat(store.size(germans.id())).isEqualTo(2);
        assertThat(service.resumeSoon()).isZero();
    }

    @Test
    void aStoppedBuildsProgressDoesNotOverwriteANewerVersionsStatus() {
        Segment germans = service.create("Germans", "", SegmentRules.parse("{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}"), "m");
        store.putStatus(germans.id(), new SegmentStore.Status(SegmentStore.Status.READY, 3, 3, 2, Instant.now(), Instant.now()));

        store.putStatus(germans.id(), new SegmentStore.Status(SegmentStore.Status.BUILDING, 500, 3, 1, Instant.now(), null));

        assertThat(store.status(germans.id()).orElseThrow().definitionVersion()).isEqualTo(2);
        assertThat(store.status(germans.id()).orElseThrow().state()).isEqualTo(SegmentStore.Status.READY);
    }
}
