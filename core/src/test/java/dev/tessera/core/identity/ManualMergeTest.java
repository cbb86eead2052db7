package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.identity.ProfileExplainer.Explanation;
import dev.tessera.core.identity.ProfileExplainer.RecordExplanation;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An agent merges two profiles matching kept apart; the decision is explained and undone only by a split. */
class ManualMergeTest {

    private static final MergeDecision DECISION = new MergeDecision("agent-7", "same customer, confirmed by phone",
            Instant.parse("2026-03-01T10:00:00Z"));

    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver resolver;
    private ProfileId jane;
    private ProfileId janeAtWork;

    @BeforeEach
    void twoProfilesWithoutSharedKeys() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = new ProfileResolver(store, new ExactKeyPolicy(), new GoldenRecordBuilder(), Clock.systemUTC());
        jane = resolver.resolve(record("c1", "jane@example.com", null, "Jane")).profileId();
        janeAtWork = resolver.resolve(record("c2", "j.doe@work.example", "020 7946 0958", "Jane")).profileId();
        assertThat(jane).isNotEqualTo(janeAtWork);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void theOlderProfileTakesTheOthersRecordsAndTheOtherIdForwards() {
        Resolution merged = resolver.merge(janeAtWork, jane, DECISION);

        assertThat(merged.profileId()).isEqualTo(jane);
        assertThat(merged.outcome()).isEqualTo(Resolution.Outcome.MERGED);
        assertThat(merged.merged()).containsExactly(janeAtWork);
        assertThat(store.find(jane).orElseThrow().records()).containsExactlyInAnyOrder(id("c1"), id("c2"));
        assertThat(store.canonical(janeAtWork)).contains(jane);
        assertThat(store.findByIdentifier(ids.phone("020 7946 0958").orElseThrow())).containsExactly(jane);
        assertThat(store.findBySource(id("c2"))).contains(jane);
    }

    /** The change feed's entries, oldest first, as "profile change". */
    private List<String> feed() {
        return redis.commands().xrange(dev.tessera.core.store.RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+"))
                .stream().map(m -> m.getBody().get("profile") + " " + m.getBody().get("change")).toList();
    }

    @Test
    void aMergeIsAnnouncedOnTheChangeFeedOnceWhateverThePath() {
        int before = feed().size();

        resolver.merge(janeAtWork, jane, DECISION);

        // once each, the absorbed profile first (the merge-follow group moves its timeline on that entry)
        assertThat(feed().subList(before, feed().size()))
                .containsExactly(janeAtWork.value() + " merged-away", jane.value() + " merged");
    }

    @Test
    void aMergeMadeByMatchingIsAnnouncedOnceToo() {
        int before = feed().size();
        // the work phone of one profile with the email of the other: matching joins them
        CustomerRecord both = new CustomerRecord(id("c9"), Instant.parse("2025-01-02T00:00:00Z"),
                List.of(ids.email("jane@example.com").orElseThrow(), ids.phone("020 7946 0958").orElseThrow()),
                Map.of("first_name", "Jane"));

        Resolution merged = resolver.resolve(both);

        assertThat(merged.outcome()).isEqualTo(Resolution.Outcome.MERGED);
        ProfileId gone = merged.merged().get(0);
        assertThat(feed().subList(before, feed().size()))
                .containsExactly(gone.value() + " merged-away", merged.profileId().value() + " merged");
    }

    /**
     * The one-step merge of janeAtWork's record into jane with an agent's decision that lifts their
     * keep-apart entry, the absorbed profile expected at its version plus {@code versionOffset}.
     */
    private ProfileStore.Written agentsMergeStep(long versionOffset) {
        Profile survivor = store.find(jane).orElseThrow();
        Profile absorbed = store.find(janeAtWork).orElseThrow();
        Profile updated = new Profile(jane, survivor.golden(), survivor.identifiers(),
                List.of(id("c1"), id("c2")), survivor.createdAt(), Instant.now(), survivor.version() + 1);
        return store.mergeWrite(updated, survivor.version(), store.records(janeAtWork), List.of(),
                Map.of(janeAtWork, absorbed.version() + versionOffset), List.of(),
                new ProfileStore.AgentMerge(id("c1"), List.of(id("c1")), List.of(id("c2")), DECISION));
    }

    @Test
    void aMergeStepAnnouncesItselfAndRecordsTheAgentsDecisionSoAStopRightAfterItLosesNeither() {
        RedisTestCluster.assumeSingleNode("a merge in one step is a single node's script");
        store.addCannotLink(id("c1"), id("c2")); // kept apart once; the agent overrides it now
        int before = feed().size();

        // the write alone, as if the process stopped right after it: the feed already has the merge, and
        // the decision is recorded (a split or re-resolution would otherwise part the records again)
        assertThat(agentsMergeStep(0)).isEqualTo(ProfileStore.Written.WRITTEN);

        assertThat(feed().subList(before, feed().size()))
                .containsExactly(janeAtWork.value() + " merged-away", jane.value() + " merged");
        assertThat(store.mustLink(id("c1"))).containsExactly(Map.entry(id("c2"), DECISION));
        assertThat(store.mustLink(id("c2"))).containsExactly(Map.entry(id("c1"), DECISION));
        assertThat(store.cannotLink(id("c1"))).isEmpty();
        assertThat(store.cannotLink(id("c2"))).isEmpty();
    }

    @Test
    void aMergeStepThatIsRefusedRecordsNoDecision() {
        RedisTestCluster.assumeSingleNode("a merge in one step is a single node's script");
        store.addCannotLink(id("c1"), id("c2"));
        int before = feed().size();

        // read at an older version of the absorbed profile: refused, and nothing of the decision written
        assertThat(agentsMergeStep(-1)).isEqualTo(ProfileStore.Written.CONFLICT);

        assertThat(store.mustLink(id("c1"))).isEmpty();
        assertThat(store.mustLink(id("c2"))).isEmpty();
        assertThat(store.cannotLink(id("c1"))).as("the keep-apart decision not lifted").containsExactly(id("c2"));
        assertThat(feed()).hasSize(before);
    }

    @Test
    void withExactIdsAMergeNamingAnIdThatForwardsNowIsRefusedNotFollowed() {
        ProfileId third = resolver.resolve(record("c3", "jd@home.example", null, "Jane")).profileId();
        resolver.merge(janeAtWork, jane, DECISION); // another agent, meanwhile: janeAtWork forwards to jane

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> resolver.merge(third, janeAtWork, DECISION, false, true))
                .isInstanceOf(java.util.ConcurrentModificationException.class);
        assertThat(store.find(third).orElseThrow().records()).containsExactly(id("c3"));
        assertThat(resolver.merge(third, janeAtWork, DECISION, false, false).profileId())
                .as("without, the forward is followed (tools, the resolver's own merges)").isEqualTo(jane);
    }

    @Test
    void aMergeStepThatFindsTheAbsorbedProfileChangedWritesNothing() {
        RedisTestCluster.assumeSingleNode("a merge in one step is a single node's script");
        Profile survivor = store.find(jane).orElseThrow();
        Profile absorbed = store.find(janeAtWork).orElseThrow();
        // meanwhile the other profile changes (a record arrives; an erasure's seal or a split would too)
        resolver.resolve(record("c5", "j.doe@work.example", null, "Janet"));
        List<CustomerRecord> moved = store.records(janeAtWork);
        Profile updated = new Profile(jane, survivor.golden(), survivor.identifiers(),
                List.of(id("c1"), id("c2"), id("c5")), survivor.createdAt(), Instant.now(), survivor.version() + 1);

        assertThat(store.mergeWrite(updated, survivor.version(), moved, List.of(),
                Map.of(janeAtWork, absorbed.version()), List.of())).isEqualTo(ProfileStore.Written.CONFLICT);

        // nothing copied, nothing forwarded: the two profiles are as they were
        assertThat(store.find(jane).orElseThrow()).isEqualTo(survivor);
        assertThat(store.canonical(janeAtWork)).contains(janeAtWork);
        assertThat(store.find(janeAtWork).orElseThrow().records()).containsExactlyInAnyOrder(id("c2"), id("c5"));

        // at the versions as they are now, one step writes the survivor and forwards the other
        assertThat(store.mergeWrite(updated, survivor.version(), moved, List.of(),
                Map.of(janeAtWork, store.find(janeAtWork).orElseThrow().version()), List.of()))
                .isEqualTo(ProfileStore.Written.WRITTEN);
        assertThat(store.canonical(janeAtWork)).contains(jane);
        assertThat(store.records(jane)).extracting(CustomerRecord::id).containsExactlyInAnyOrder(id("c1"), id("c2"), id("c5"));
    }

    @Test
    void theExplanationShowsTheDecisionWithWhoWhenAndWhy() {
        resolver.merge(jane, janeAtWork, DECISION);

        Explanation explanation = new ProfileExplainer(store).explain(janeAtWork).orElseThrow();

        RecordExplanation moved = explanation.records().stream().filter(r -> r.record().id().equals(id("c2")))
                .findFirst().orElseThrow();
        assertThat(moved.evidence().rule()).isEqualTo(ProfileResolver.MANUAL_MERGE);
        assertThat(moved.evidence().mergedFrom()).containsExactly(janeAtWork);
        assertThat(moved.joinedWith()).isEqualTo(Map.of(id("c1"), DECISION));
    }

    @Test
    void laterDeliveriesStayInTheMergedProfile() {
        resolver.merge(jane, janeAtWork, DECISION);

        Resolution again = resolver.resolve(record("c2", "j.doe@work.example", "020 7946 0958", "Janet"));

        assertThat(again.profileId()).isEqualTo(jane);
        assertThat(store.find(jane).orElseThrow().records()).hasSize(2);
    }

    @Test
    void aMergeOverridesAnEarlierSplitOnlyWhenToldToAndASplitOverridesAMerge() {
        resolver.merge(jane, janeAtWork, DECISION);
        ProfileResolver.SplitResult split = resolver.split(jane, Set.of(id("c2")));
        assertThat(store.mustLink(id("c2"))).isEmpty();
        assertThat(store.cannotLink(id("c2"))).containsExactly(id("c1"));
        ProfileId remaining = split.remaining().get(0);
        ProfileId movedOut = split.movedOut().get(0);
        Profile remainingBefore = store.find(remaining).orElseThrow();
        Profile movedBefore = store.find(movedOut).orElseThrow();

        // an agent separated them: merging back is refused unless the merge says it overrides that
        assertThatThrownBy(() -> resolver.merge(remaining, movedOut, DECISION))
                .isInstanceOfSatisfying(KeptApartException.class,
                        e -> assertThat(e.records()).containsExactlyInAnyOrder(id("c1"), id("c2")))
                .hasMessageNotContaining("jane");
        assertThatThrownBy(() -> resolver.merge(movedOut, remaining, DECISION, false))
                .isInstanceOf(KeptApartException.class);
        assertThat(store.find(remaining)).contains(remainingBefore);
        assertThat(store.find(movedOut)).contains(movedBefore);
        assertThat(store.cannotLink(id("c2"))).containsExactly(id("c1"));

        resolver.merge(remaining, movedOut, DECISION, true);

        assertThat(store.cannotLink(id("c2"))).isEmpty();
        assertThat(store.mustLink(id("c2"))).containsKey(id("c1"));
        assertThat(store.findBySource(id("c1"))).isEqualTo(store.findBySource(id("c2")));
    }

    @Test
    void mergingAProfileWithItselfOrAnUnknownIdIsRefused() {
        assertThatThrownBy(() -> resolver.merge(jane, jane, DECISION)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver.merge(jane, new ProfileId("nope"), DECISION))
                .isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> new MergeDecision("agent-7", " ", Instant.now()))
                .isInstanceOf(IllegalArgumentException.class);
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
