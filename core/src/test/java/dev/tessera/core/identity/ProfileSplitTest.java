package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.identity.ProfileExplainer.Explanation;
import dev.tessera.core.identity.ProfileResolver.SplitResult;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An agent undoes a wrong merge; the decision holds against later data. */
class ProfileSplitTest {

    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver resolver;
    private ProfileId merged;

    @BeforeEach
    void aSharedLandlineMergedJaneAndMallory() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = new ProfileResolver(store, new ExactKeyPolicy(), new GoldenRecordBuilder(), Clock.systemUTC());
        merged = resolver.resolve(record("c1", "jane@example.com", null, "Jane")).profileId();
        resolver.resolve(record("c2", "jane@example.com", "020 7946 0958", "Jane"));
        resolver.resolve(record("m3", null, "020 7946 0958", "Mallory"));
        assertThat(store.find(merged).orElseThrow().records()).hasSize(3);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void splittingMovesTheChosenRecordsOutAndTheOldIdForwardsToTheRest() {
        SplitResult result = resolver.split(merged, Set.of(id("m3")));

        assertThat(result.remaining()).hasSize(1);
        assertThat(result.movedOut()).hasSize(1).doesNotContainAnyElementsOf(result.remaining());
        assertThat(store.find(result.remaining().get(0)).orElseThrow().records())
                .containsExactlyInAnyOrder(id("c1"), id("c2"));
        assertThat(store.find(result.movedOut().get(0)).orElseThrow().golden().get("first_name").value())
                .isEqualTo("Mallory");
        assertThat(store.find(merged).orElseThrow().id()).isEqualTo(result.remaining().get(0));
    }

    @Test
    void theSameDataArrivingAgainDoesNotUndoTheSplit() {
        SplitResult result = resolver.split(merged, Set.of(id("m3")));

        resolver.resolve(record("m3", null, "020 7946 0958", "Mallory"));
        Resolution bridge = resolver.resolve(record("c4", "jane@example.com", "020 7946 0958", "Jane"));

        assertThat(bridge.profileId()).isEqualTo(result.remaining().get(0));
        assertThat(store.findBySource(id("m3"))).contains(result.movedOut().get(0));
        assertThat(store.find(result.movedOut().get(0)).orElseThrow().records()).containsExactly(id("m3"));
    }

    @Test
    void anIndexEntryLeftBehindDoesNotTakeARecordPastTheSplit() {
        SplitResult result = resolver.split(merged, Set.of(id("m3")));
        ProfileId jane = result.remaining().get(0);
        // Mallory's source index entry leads to Jane's profile, which does not list her record (as one left
        // behind by a record refused on the way would): it is a lead, not proof that Jane's profile holds it
        redis.commands().set(store.namespace().source(id("m3")), jane.value());

        Resolution again = resolver.resolve(record("m3", null, "020 7946 0958", "Mallory"));

        assertThat(again.profileId()).isEqualTo(result.movedOut().get(0));
        assertThat(store.find(jane).orElseThrow().records()).containsExactlyInAnyOrder(id("c1"), id("c2"));
        assertThat(store.findBySource(id("m3"))).as("the entry leads to her profile again")
                .contains(result.movedOut().get(0));
    }

    @Test
    void anIndexEntryLeftBehindLeadingToAStrangerMergesNoOne() {
        SplitResult result = resolver.split(merged, Set.of(id("m3")));
        ProfileId carol = resolver.resolve(record("k9", "carol@example.com", null, "Carol")).profileId();
        redis.commands().set(store.namespace().source(id("m3")), carol.value());

        Resolution again = resolver.resolve(record("m3", null, "020 7946 0958", "Mallory"));

        assertThat(again.outcome()).isEqualTo(Resolution.Outcome.UNCHANGED);
        assertThat(again.profileId()).isEqualTo(result.movedOut().get(0));
        assertThat(store.find(carol).orElseThrow().records()).containsExactly(id("k9"));
        assertThat(store.findBySource(id("m3"))).contains(result.movedOut().get(0));
    }

    /**
     * Two live profiles list one record (a merge that stopped halfway on Redis Cluster, written here by
     * hand): only the one its source entry names holds it, so a delivery of that record does not join the
     * other past an agent's decision (Mallory was split from Jane; the other profile holds Mallory's record).
     */
    @Test
    void aRecordListedByTwoProfilesIsHeldOnlyWhereItsEntryLeads() {
        SplitResult result = resolver.split(merged, Set.of(id("m3")));
        ProfileId jane = result.remaining().get(0);
        ProfileId mallory = result.movedOut().get(0);
        CustomerRecord c2 = store.records(jane).stream().filter(r -> r.id().equals(id("c2"))).findFirst().orElseThrow();
        CustomerRecord m3 = store.records(mallory).get(0);
        // Mallory's profile also lists Jane's c2, as a survivor whose absorbed profile was never forwarded would
        dev.tessera.core.model.Profile before = store.find(mallory).orElseThrow();
        List<CustomerRecord> both = List.of(m3, c2);
        dev.tessera.core.model.Profile withC2 = new dev.tessera.core.model.Profile(mallory, resolver.goldenOf(both),
                before.identifiers(), List.of(id("c2"), id("m3")), before.createdAt(), before.updatedAt(),
                before.version() + 1);
        assertThat(store.write(withC2, before.version(), List.of(c2), List.of(), List.of()))
                .isEqualTo(ProfileStore.Written.WRITTEN);

        Resolution again = resolver.resolve(record("c2", "jane@example.com", "020 7946 0958", "Jane"));

        assertThat(again.merged()).as("Jane and Mallory stay apart").isEmpty();
        assertThat(again.profileId()).isEqualTo(jane);
        assertThat(store.find(jane).orElseThrow().records()).doesNotContain(id("m3"));

        // an older copy of c2 delivered late: nothing changes, and the entry is not moved to Mallory's profile
        CustomerRecord older = new CustomerRecord(id("c2"), Instant.parse("2024-01-01T00:00:00Z"), c2.identifiers(),
                c2.attributes());
        assertThat(resolver.resolve(older)).as("reported where it is held, whichever id sorts first")
                .isEqualTo(new Resolution(jane, Resolution.Outcome.UNCHANGED, List.of()));
        assertThat(store.findBySource(id("c2"))).contains(jane);

        // the entry is lost as well: the older of the two profiles listing c2 keeps its update, no third copy
        redis.commands().del(store.namespace().source(id("c2")));
        Resolution updated = resolver.resolve(new CustomerRecord(id("c2"), Instant.parse("2025-06-01T00:00:00Z"),
                c2.identifiers(), Map.of("first_name", "Janet")));
        assertThat(updated).isEqualTo(new Resolution(jane, Resolution.Outcome.UPDATED, List.of()));
        assertThat(store.profileIds()).containsExactlyInAnyOrder(jane, mallory);
    }

    @Test
    void explanationShowsEachRecordsRuleAndTheSeparation() {
        resolver.split(merged, Set.of(id("m3")));
        ProfileId jane = store.findBySource(id("c1")).orElseThrow();

        Explanation explanation = new ProfileExplainer(store).explain(merged).orElseThrow();

        assertThat(explanation.profile().id()).isEqualTo(jane);
        assertThat(explanation.records()).hasSize(2).allSatisfy(r -> {
            assertThat(r.evidence()).isNotNull();
            assertThat(r.separatedFrom()).containsExactly(id("m3"));
        });
        assertThat(explanation.records()).extracting(r -> r.evidence().rule())
                .containsExactlyInAnyOrder("new-profile", "exact-identifier");
    }

    @Test
    void aSplitMustLeaveRecordsOnBothSides() {
        assertThatThrownBy(() -> resolver.split(merged, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver.split(merged, Set.of(id("c1"), id("c2"), id("m3"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver.split(merged, Set.of(id("nope")))).isInstanceOf(IllegalArgumentException.class);
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
