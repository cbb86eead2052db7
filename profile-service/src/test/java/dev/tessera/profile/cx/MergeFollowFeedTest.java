package dev.tessera.profile.cx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ExactKeyPolicy;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A merge whose process stopped right after the merge's write (before moving the timeline) is finished
 * from the change feed, once the entry is old enough not to race a process still at work. Each test uses
 * a key namespace of its own, so feeds of other tests in this JVM cannot take its changes.
 */
class MergeFollowFeedTest {

    private static final AtomicLong RUN = new AtomicLong();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private RedisConnection connection;
    private ProfileStore store;
    private CxStore cx;
    private ProfileResolver resolver;
    private final List<MergeFollowFeed> feeds = new ArrayList<>();

    @BeforeEach
    void connect() {
        connection = RedisTestSupport.connect();
        RedisKeys.Namespace namespace = RedisKeys.Namespace.of(
                "mergefollowtest" + ProcessHandle.current().pid() + "x" + RUN.incrementAndGet() + ":");
        store = new ProfileStore(connection, namespace);
        cx = new CxStore(store, CxSettings.defaults(), Clock.systemUTC());
        resolver = new ProfileResolver(store, new ExactKeyPolicy(), new GoldenRecordBuilder(), Clock.systemUTC());
    }

    @AfterEach
    void cleanUp() {
        feeds.forEach(MergeFollowFeed::stop);
        store.deleteNamespace();
        connection.close();
    }

    private MergeFollowFeed start(Duration grace) {
        MergeFollowFeed feed = new MergeFollowFeed(RedisTestSupport.connect(), store, cx, grace);
        feeds.add(feed);
        feed.start();
        // the group starts at the end of the stream: changes written before it exists would not reach it
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            try {
                return connection.commands().xinfoGroups(store.namespace().changeFeed()).stream()
                        .anyMatch(g -> g.toString().contains(MergeFollowFeed.GROUP));
            } catch (io.lettuce.core.RedisCommandExecutionException noStreamYet) {
                return false;
            }
        });
        return feed;
    }

    private ProfileId person(String id, String email) {
        CustomerRecord record = new CustomerRecord(new SourceRecordId("crm", id), T0,
                List.of(new Identifier(IdentifierType.EMAIL, email)), Map.of("first_name", "Jane"));
        ProfileId profile = resolver.resolve(record).profileId();
        cx.append(new Interaction("order-" + id, record.id(), InteractionKind.ORDER, "web", "checkout",
                T0.plusSeconds(60), new Interaction.Money(new java.math.BigDecimal("10.00"), "EUR"), null, Map.of()));
        return profile;
    }

    @Test
    void aMergeWhoseProcessStoppedBeforeTheTimelineMovedIsFinishedOnceItsEntryIsDue() {
        start(Duration.ofSeconds(2));
        ProfileId jane = person("1", "jane@example.com");
        ProfileId janeAtWork = person("2", "j.doe@work.example");

        // the merge alone, as a process that stopped before its CX follow-up would leave it
        ProfileId survivor = resolver.merge(jane, janeAtWork, new MergeDecision("agent-7", "same person", T0))
                .profileId();
        long mergedAt = System.currentTimeMillis();
        assertThat(cx.interactions(survivor)).as("the absorbed order still under the old id").hasSize(1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(cx.interactions(survivor)).extracting(Interaction::id)
                        .contains("order-1", "order-2"));
        assertThat(System.currentTimeMillis() - mergedAt).as("not before the entry was due")
                .isGreaterThanOrEqualTo(1_500);
    }
}
