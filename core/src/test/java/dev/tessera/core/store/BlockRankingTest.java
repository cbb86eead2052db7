package dev.tessera.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which block-only candidates a record gets when more share its keys than are compared: those sharing
 * the rarest keys, by {@link ProfileStore#blockWeight}, the same with the script (one node) and with
 * commands (Redis Cluster's path).
 */
class BlockRankingTest {

    private static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

    private final RedisConnection connection = RedisTestSupport.connect();

    @AfterEach
    void close() {
        RedisTestSupport.flush();
        connection.close();
    }

    private ProfileStore store(ProfileStore.Access access) {
        RedisTestCluster.assumeAvailable(access);
        return new ProfileStore(connection, RedisKeys.Namespace.DEFAULT, access);
    }

    private static ProfileId profile(ProfileStore store, String sourceId, Set<String> blocks) {
        return profile(store, new SourceRecordId("crm", sourceId), blocks);
    }

    private static ProfileId profile(ProfileStore store, SourceRecordId id, Set<String> blocks) {
        CustomerRecord record = new CustomerRecord(id, AT, List.of(), Map.of());
        Profile profile = new Profile(ProfileId.random(), new GoldenRecordBuilder().golden(List.of(record)),
                List.of(), List.of(record.id()), AT, AT, 1);
        assertThat(store.write(profile, 0, List.of(record),
                List.of(LinkEvidence.exact(record.id(), "new-profile", List.of(), List.of(), AT)))).isTrue();
        store.index(profile.id(), List.of(), List.of(), List.of(record.id()), blocks);
        return profile.id();
    }

    private static Set<ProfileId> blockOnly(ProfileStore store, List<String> blocks, int maxBlockOnly) {
        return blockOnly(store, blocks, 250, maxBlockOnly);
    }

    private static Set<ProfileId> blockOnly(ProfileStore store, List<String> blocks, int maxBlock, int maxBlockOnly) {
        return store.candidates(new ProfileStore.CandidateQuery(new SourceRecordId("web", "new"), List.of(), blocks,
                maxBlock, maxBlockOnly)).byLiveId().keySet();
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void aBlockWithMoreProfilesThanMaxBlockIsSkippedWhole(ProfileStore.Access access) {
        ProfileStore store = store(access);
        ProfileId a = profile(store, "a", Set.of("big", "small"));
        ProfileId b = profile(store, "b", Set.of("big", "small"));
        profile(store, "c", Set.of("big"));

        assertThat(blockOnly(store, List.of("big"), 3, 8)).hasSize(3);
        assertThat(blockOnly(store, List.of("big"), 2, 8)).as("3 members, at most 2 read").isEmpty();
        assertThat(blockOnly(store, List.of("big", "small"), 2, 8)).containsExactlyInAnyOrder(a, b);
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void aProfileSharingOneRareKeyOutranksOnesSharingSeveralCommonKeys(ProfileStore.Access access) {
        ProfileStore store = store(access);
        // thirty namesakes in one city: each shares the three common keys with the record
        List<ProfileId> namesakes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            namesakes.add(profile(store, "namesake-" + i, Set.of("nn:common", "cn:city|common", "ni:common|a")));
        }
        // the one that shares a key nobody else has (the same birth date and name, say) and one common key
        ProfileId rare = profile(store, "rare", Set.of("dn:19800101|common", "nn:common"));

        Set<ProfileId> top = blockOnly(store,
                List.of("nn:common", "cn:city|common", "ni:common|a", "dn:19800101|common"), 1);

        assertThat(top).containsExactly(rare);
        // a larger budget fills up with namesakes, lowest ids first (they all score the same)
        Set<ProfileId> three = blockOnly(store,
                List.of("nn:common", "cn:city|common", "ni:common|a", "dn:19800101|common"), 3);
        assertThat(three).hasSize(3).contains(rare)
                .containsAll(namesakes.stream().sorted().limit(2).toList());
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void sharingMoreKeysOfTheSameSizeStillCounts(ProfileStore.Access access) {
        ProfileStore store = store(access);
        ProfileId two = profile(store, "two", Set.of("a", "b"));
        ProfileId one = profile(store, "one", Set.of("a", "c"));
        profile(store, "other", Set.of("b", "c"));

        // blocks a, b and c hold two profiles each: sharing a and b beats sharing a alone
        assertThat(blockOnly(store, List.of("a", "b"), 1)).containsExactly(two);
        assertThat(blockOnly(store, List.of("a"), 2)).containsExactlyInAnyOrder(two, one);
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void aRecordsOwnWriteDoesNotChangeHowItsLaterPicksRank(ProfileStore.Access access) {
        ProfileStore store = store(access);
        ProfileId alone = profile(store, "alone", Set.of("x"));
        for (String name : List.of("y", "n1", "n2")) {
            profile(store, name, Set.of("y1", "y2", "y3"));
        }
        List<String> blocks = List.of("x", "y1", "y2", "y3");
        SourceRecordId self = new SourceRecordId("web", "new");
        ProfileStore.CandidateQuery query = new ProfileStore.CandidateQuery(self, List.of(), blocks, 250, 1);

        ProfileStore.Candidates first = store.candidates(query);
        // 1,000,000 for the only profile in x against 3 x 333,333 for each of the three in y1..y3
        assertThat(first.byLiveId().keySet()).containsExactly(alone);
        assertThat(first.blockSizes()).containsExactlyInAnyOrderEntriesOf(Map.of("x", 1, "y1", 3, "y2", 3, "y3", 3));

        // the record's own write: its new profile joins every one of its blocks (found by source id after)
        ProfileId own = profile(store, self, Set.copyOf(blocks));

        Set<ProfileId> again = new java.util.TreeSet<>(store.candidates(query.withBlockSizes(first.blockSizes()))
                .byLiveId().keySet());
        again.remove(own);
        assertThat(again).as("ranked with the first pick's sizes").containsExactly(alone);
        Set<ProfileId> reRead = new java.util.TreeSet<>(store.candidates(query).byLiveId().keySet());
        reRead.remove(own);
        assertThat(reRead).as("with the sizes now (500,000 against 3 x 250,000) it would differ")
                .doesNotContain(alone);
    }

    @Test
    void theWeightFallsWithTheBlocksSize() {
        assertThat(ProfileStore.blockWeight(1)).isEqualTo(ProfileStore.BLOCK_WEIGHT);
        assertThat(ProfileStore.blockWeight(2)).isEqualTo(ProfileStore.BLOCK_WEIGHT / 2);
        assertThat(ProfileStore.blockWeight(3) * 3).isLessThanOrEqualTo(ProfileStore.BLOCK_WEIGHT);
        assertThat(ProfileStore.blockWeight(0)).isZero();
        // a key shared with the record alone outweighs the most common keys a record can have together
        assertThat(ProfileStore.blockWeight(2)).isGreaterThan(40 * ProfileStore.blockWeight(100));
    }
}
