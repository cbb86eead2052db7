package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A record is decided on the candidates its first pick ranked, also after its own write joined its
 * blocks and made them larger: its settle check and any later attempt rank with the block sizes that
 * first pick read ({@link ProfileStore.CandidateQuery#withBlockSizes}). Otherwise a profile ranked in by
 * a rare key could be ranked out again by the record's own write, and the record decided a second time
 * on candidates a sequential run never showed it, differently on the two access paths.
 */
class SettleRankingTest {

    private static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

    private final RedisConnection connection = RedisTestSupport.connect();

    @AfterEach
    void close() {
        RedisTestSupport.flush();
        connection.close();
    }

    /** Files each record under the blocks named in its "blocks" attribute; links nothing. */
    private static final class NamedBlocks implements MatchPolicy {
        final List<Set<String>> asked = new CopyOnWriteArrayList<>();

        @Override
        public Set<String> blockingKeys(CustomerRecord record) {
            return new LinkedHashSet<>(List.of(record.attributes().get("blocks").split(",")));
        }

        @Override
        public List<Link> decide(CustomerRecord record, List<Candidate> candidates) {
            if (record.id().source().equals("web")) {
                Set<String> seen = new java.util.TreeSet<>();
                candidates.forEach(c -> seen.add(String.join(",", c.profile().records().stream()
                        .map(SourceRecordId::sourceId).toList())));
                asked.add(seen);
            }
            return List.of();
        }
    }

    private static CustomerRecord record(String source, String id, String blocks) {
        return new CustomerRecord(new SourceRecordId(source, id), AT, List.of(), Map.of("blocks", blocks));
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void theRecordsOwnWriteDoesNotRankAProfileOutOfItsCandidates(ProfileStore.Access access) {
        resolveBesideNineNamesakes(access, false);
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void neitherInABatch(ProfileStore.Access access) {
        resolveBesideNineNamesakes(access, true);
    }

    private void resolveBesideNineNamesakes(ProfileStore.Access access, boolean batch) {
        RedisTestCluster.assumeAvailable(access);
        NamedBlocks policy = new NamedBlocks();
        ProfileResolver resolver = new ProfileResolver(new ProfileStore(connection, RedisKeys.Namespace.DEFAULT,
                access), policy, new GoldenRecordBuilder(), Clock.systemUTC());
        resolver.resolve(record("crm", "alone", "x"));
        List<String> blocks = new ArrayList<>(List.of("x"));
        // nine profiles in three groups of three, each group sharing three blocks: 3 x 333,333 each
        for (String group : List.of("y", "z", "w")) {
            for (int i = 1; i <= 3; i++) {
                resolver.resolve(record("crm", group + i, group + "1," + group + "2," + group + "3"));
                blocks.add(group + i);
            }
        }
        assertThat(ProfileResolver.MAX_BLOCK_CANDIDATES).as("fewer places than block-only profiles").isLessThan(10);

        CustomerRecord next = record("web", "new", String.join(",", blocks));
        ProfileId id = batch
                ? resolver.resolveAll(List.of(next, record("shop", "elsewhere", "q"))).get(0).profileId()
                : resolver.resolve(next).profileId();

        // first pick: "alone" (1,000,000) and 7 of the 9 (999,999 each); after the record joined every
        // block, with the sizes then, "alone" would score 500,000 and the others 750,000
        assertThat(policy.asked).isNotEmpty().allSatisfy(seen -> assertThat(seen).contains("alone"));
        assertThat(id).isNotNull();
    }
}
