package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.MovableClock;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A split or re-resolution dissolves a profile before resolving its records again: a process that stops
 * in between (a crash, a deploy) must not lose those records. They stay held in Redis until resolved and
 * followed up, and {@link ProfileResolver#finishDissolved} completes what was left.
 */
class DissolvedRecoveryTest {

    private static final Duration GRACE = Duration.ofMinutes(2);

    private final Identifiers ids = new Identifiers("GB");
    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver resolver;
    private ProfileId merged;
    private final List<ReResolution.Moved> followedUp = new ArrayList<>();

    @BeforeEach
    void aSharedLandlineMergedJaneAndMallory() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = new ProfileResolver(store, new ExactKeyPolicy(), new GoldenRecordBuilder(), clock);
        merged = resolver.resolve(record("c1", "jane@example.com", null, "Jane")).profileId();
        resolver.resolve(record("c2", "jane@example.com", "020 7946 0958", "Jane"));
        resolver.resolve(record("m3", null, "020 7946 0958", "Mallory"));
        assertThat(store.find(merged).orElseThrow().records()).hasSize(3);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    /** The split and re-resolved announcements of one profile id on the change feed, oldest first. */
    private List<String> announced(ProfileId id) {
        return redis.commands().xrange(dev.tessera.core.store.RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+"))
                .stream().filter(m -> id.value().equals(m.getBody().get("profile")))
                .map(m -> m.getBody().get("change")).filter(c -> c.equals("split") || c.equals("re-resolved"))
                .toList();
    }

    @Test
    void aSplitThatStoppedRightAfterDissolvingIsFinishedWithItsDecision() {
        // exactly what a split writes first; the process stops before anything else
        long version = store.find(merged).orElseThrow().version();
        assertThat(store.dissolve(merged, version, Set.of(id("m3")))).isTrue();
        assertThat(store.find(merged)).isEmpty();
        assertThat(store.dissolvedRecords(merged)).extracting(CustomerRecord::id)
                .containsExactly(id("c1"), id("c2"), id("m3"));
        assertThat(store.dissolvedHeld()).containsExactly(merged);

        assertThat(resolver.finishDissolved(GRACE, followedUp::add))
                .as("a split dissolved just now may still be running elsewhere").isEmpty();
        // the grace is measured by Redis's clock (processes' clocks may differ): none here
        assertThat(resolver.finishDissolved(Duration.ZERO, followedUp::add)).containsExactly(merged);

        ProfileId jane = store.findBySource(id("c1")).orElseThrow();
        ProfileId mallory = store.findBySource(id("m3")).orElseThrow();
        assertThat(jane).isNotEqualTo(mallory);
        assertThat(store.find(jane).orElseThrow().records()).containsExactly(id("c1"), id("c2"));
        assertThat(store.find(merged).orElseThrow().id()).as("the old id forwards to the rest").isEqualTo(jane);
        assertThat(store.decisions(List.of(id("m3"))).get(id("m3")).cannotLink())
                .containsExactlyInAnyOrder(id("c1"), id("c2"));
        assertThat(followedUp).containsExactly(new ReResolution.Moved(merged,
                Map.of(jane, Set.of(id("c1"), id("c2")), mallory, Set.of(id("m3")))));
        assertThat(followedUp.get(0).to().keySet()).first().isEqualTo(jane);
        assertThat(store.dissolvedHeld()).isEmpty();
        assertThat(store.dissolvedRecords(merged)).isEmpty();

        assertThat(resolver.finishDissolved(Duration.ZERO, followedUp::add)).isEmpty();
        assertThat(followedUp).hasSize(1);
    }

    @Test
    void aSplitWhoseFollowUpFailedKeepsItsRecordsHeldUntilFollowedUp() {
        assertThatThrownBy(() -> resolver.split(merged, Set.of(id("m3")), moved -> {
            throw new IllegalStateException("the process stops here");
        })).isInstanceOf(IllegalStateException.class);
        ProfileId jane = store.findBySource(id("c1")).orElseThrow();
        ProfileId mallory = store.findBySource(id("m3")).orElseThrow();
        assertThat(store.dissolvedHeld()).containsExactly(merged);

        assertThat(announced(merged)).as("not announced while its records are still held").isEmpty();

        assertThat(resolver.finishDissolved(Duration.ZERO, followedUp::add)).containsExactly(merged);

        assertThat(announced(merged)).as("announced by the process that finished it").containsExactly("split");
        assertThat(store.findBySource(id("c1"))).contains(jane);
        assertThat(store.findBySource(id("m3"))).contains(mallory);
        assertThat(followedUp).extracting(ReResolution.Moved::to)
                .containsExactly(Map.of(jane, Set.of(id("c1"), id("c2")), mallory, Set.of(id("m3"))));
        assertThat(store.dissolvedHeld()).isEmpty();
    }

    @Test
    void aCompletedSplitHoldsNothing() {
        ProfileResolver.SplitResult result = resolver.split(merged, Set.of(id("m3")), followedUp::add);

        assertThat(store.dissolvedHeld()).isEmpty();
        assertThat(announced(merged)).containsExactly("split");
        assertThat(followedUp).containsExactly(new ReResolution.Moved(merged,
                Map.of(result.remaining().get(0), Set.of(id("c1"), id("c2")),
                        result.movedOut().get(0), Set.of(id("m3")))));
    }

    @Test
    void aReResolutionThatStoppedAfterDissolvingResolvesTheRecordsAgainInArrivalOrder() {
        long version = store.find(merged).orElseThrow().version();
        assertThat(store.dissolve(merged, version, List.of())).isTrue();

        assertThat(resolver.finishDissolved(Duration.ZERO, followedUp::add)).containsExactly(merged);

        // no decision separates them: the same links bring all three together again, under a new id
        ProfileId again = store.findBySource(id("c1")).orElseThrow();
        assertThat(again).isNotEqualTo(merged);
        assertThat(store.find(again).orElseThrow().records()).containsExactly(id("c1"), id("c2"), id("m3"));
        assertThat(store.find(merged).orElseThrow().id()).isEqualTo(again);
        assertThat(followedUp).containsExactly(
                new ReResolution.Moved(merged, Map.of(again, Set.of(id("c1"), id("c2"), id("m3")))));
        assertThat(store.dissolvedHeld()).isEmpty();
        assertThat(announced(merged)).containsExactly("re-resolved");
    }

    @Test
    void aProfileThatChangedIsNotDissolvedAndHoldsNothing() {
        long version = store.find(merged).orElseThrow().version();
        resolver.resolve(record("c4", "jane@example.com", null, "Jane"));

        assertThat(store.dissolve(merged, version, Set.of(id("m3")))).isFalse();
        assertThat(store.dissolvedHeld()).isEmpty();
        assertThat(store.find(merged).orElseThrow().records()).hasSize(4);
    }

    @Test
    void aSplitFinishedAfterAnAgentMergedBackKeepsTheNewerDecision() {
        assertThatThrownBy(() -> resolver.split(merged, Set.of(id("m3")), moved -> {
            throw new IllegalStateException("the process stops here");
        })).isInstanceOf(IllegalStateException.class);
        ProfileId jane = store.findBySource(id("c1")).orElseThrow();
        ProfileId mallory = store.findBySource(id("m3")).orElseThrow();
        // the agent reloads and merges back on purpose, overriding the split's decision
        resolver.merge(jane, mallory, new dev.tessera.core.model.MergeDecision("agent-1", "same person after all",
                Instant.parse("2026-03-01T10:05:00Z")), true);
        assertThat(store.decisions(List.of(id("m3"))).get(id("m3")).cannotLink()).isEmpty();

        assertThat(resolver.finishDissolved(Duration.ZERO, followedUp::add)).containsExactly(merged);

        assertThat(store.decisions(List.of(id("m3"))).get(id("m3")).cannotLink())
                .as("the split's decision is not written again over the newer one").isEmpty();
        assertThat(store.decisions(List.of(id("m3"))).get(id("m3")).mustLink()).isNotEmpty();
        assertThat(store.dissolvedHeld()).isEmpty();
    }

    @Test
    void aSplitRefusesAProfileThatIsNotWhatTheCallerSaw() {
        assertThatThrownBy(() -> resolver.split(merged, Set.of(id("m3")), Set.of(id("c1"), id("m3")), followedUp::add))
                .isInstanceOf(java.util.ConcurrentModificationException.class);
        assertThat(store.find(merged).orElseThrow().records()).hasSize(3);
        assertThat(store.dissolvedHeld()).isEmpty();
        assertThat(resolver.split(merged, Set.of(id("m3")), Set.of(id("c1"), id("c2"), id("m3")), followedUp::add)
                .movedOut()).hasSize(1);
    }

    private static SourceRecordId id(String sourceId) {
        return new SourceRecordId("crm", sourceId);
    }

    private CustomerRecord record(String id, String email, String phone, String firstName) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        ids.phone(phone).ifPresent(identifiers::add);
        return new CustomerRecord(id(id), Instant.parse("2025-01-01T00:00:00Z"), identifiers,
                Map.of("first_name", firstName));
    }
}
