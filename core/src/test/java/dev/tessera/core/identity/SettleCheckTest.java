package dev.tessera.core.identity;

import static dev.tessera.core.identity.ProbabilisticResolutionTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.ProfileStore.Written;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The settle check after a record's write, against a real Redis: it may skip looking at the candidates
 * again only when nothing that could add or change one was written since they were picked (the write
 * generation did not move). Each test writes in between through another connection, the way a concurrent
 * resolver or a merge does, and would see the record "settled" if that write did not count.
 */
class SettleCheckTest {

    private static final String AT = "2025-01-01T00:00:00Z";

    private RedisConnection redis;
    private RedisConnection other;
    private ProfileStore store;
    private ProfileStore otherStore;
    private ProfileResolver resolver;

    @BeforeEach
    void setUp() {
        // on a cluster every record is checked again by the per-key path: there is no write generation
        RedisTestCluster.assumeSingleNode("the settle check runs inside the single node's write script");
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        other = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        otherStore = new ProfileStore(other);
        resolver = IdentitySettings.defaults().resolver(store, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        if (redis != null) { // not opened when the test was skipped
            redis.close();
            other.close();
        }
    }

    @Test
    void withNothingWrittenInBetweenTheRecordIsSettledWithOrWithoutTheGeneration() {
        resolver.resolve(bob("crm", "1"));
        CustomerRecord anna = anna("web", "9");
        ProfileStore.Candidates seen = store.candidates(query(anna));
        assertThat(seen.generation()).isPositive();
        assertThat(createWithSettle(anna, seen, seen.generation())).isEqualTo(Written.SETTLED);

        CustomerRecord carl = record("web", "10", AT, List.of(), "first_name", "Carl", "last_name", "Weber",
                "birth_date", "1971-07-07", "city", "Hamburg", "country", "DE");
        ProfileStore.Candidates before = store.candidates(query(carl));
        assertThat(before.generation()).as("each write counts").isGreaterThan(seen.generation());
        // without a generation the full check runs and agrees
        assertThat(createWithSettle(carl, before, -1)).isEqualTo(Written.SETTLED);
    }

    @Test
    void aProfileWrittenInBetweenIsLookedAt() {
        CustomerRecord anna = anna("web", "9");
        ProfileStore.Candidates seen = store.candidates(query(anna));
        otherResolver().resolve(anna("crm", "1"));
        assertThat(createWithSettle(anna, seen, seen.generation())).isEqualTo(Written.WRITTEN);
    }

    @Test
    void indexEntriesAddedInBetweenAreLookedAt() {
        ProfileId bob = resolver.resolve(bob("crm", "1")).profileId();
        CustomerRecord anna = anna("web", "9");
        ProfileStore.Candidates seen = store.candidates(query(anna));
        assertThat(seen.byLiveId()).doesNotContainKey(bob);
        // what a merge does after writing the survivor: files it under more keys, as separate commands
        otherStore.index(bob, List.of(), List.of(), List.of(), resolver.policy().blockingKeys(anna));
        assertThat(createWithSettle(anna, seen, seen.generation())).isEqualTo(Written.WRITTEN);
    }

    @Test
    void aWriteFiledUnderOtherKeysInBetweenLeavesTheRecordSettled() {
        resolver.resolve(anna("crm", "1"));
        CustomerRecord anna = anna("web", "9");
        ProfileStore.Candidates seen = store.candidates(query(anna));
        assertThat(seen.byLiveId()).hasSize(1);
        otherResolver().resolve(bob("crm", "2"));
        assertThat(otherStore.candidates(query(anna)).generation()).as("the generation moved")
                .isGreaterThan(seen.generation());
        assertThat(createWithSettle(anna, seen, seen.generation())).isEqualTo(Written.SETTLED);
    }

    @Test
    void aCandidateRewrittenInBetweenWithoutNewKeysIsLookedAt() {
        ProfileId first = resolver.resolve(anna("crm", "1")).profileId();
        CustomerRecord anna = anna("web", "9");
        ProfileStore.Candidates seen = store.candidates(query(anna));
        // a versioned write that adds no index entry (the survivor write of a merge, say)
        ProfileStore.Loaded loaded = otherStore.loadLive(List.of(first)).get(first);
        Profile profile = loaded.profile();
        Profile next = new Profile(profile.id(), profile.golden(), profile.identifiers(), profile.records(),
                profile.createdAt(), profile.updatedAt(), profile.version() + 1);
        assertThat(otherStore.write(next, profile.version(), List.of(), List.of(), List.of()))
                .isEqualTo(Written.WRITTEN);
        assertThat(createWithSettle(anna, seen, seen.generation())).isEqualTo(Written.WRITTEN);
    }

    @Test
    void removalsAndForwardsCountAsChangesToo() {
        // a removal can free a place among the candidates compared, a forward can lead an index entry
        // to another profile: both move the generation (conservative: the full check runs afterwards)
        ProfileId bob = resolver.resolve(bob("crm", "1")).profileId();
        CustomerRecord anna = anna("web", "9");
        long before = store.candidates(query(anna)).generation();
        otherStore.unindex(bob, List.of(), resolver.policy().blockingKeys(bob("crm", "1")));
        long afterRemoval = store.candidates(query(anna)).generation();
        assertThat(afterRemoval).isGreaterThan(before);
        otherStore.forwardDissolved(ProfileId.random(), bob);
        assertThat(store.candidates(query(anna)).generation()).isGreaterThan(afterRemoval);
    }

    @Test
    void aProfileWithThousandsOfSourceRecordsIsWrittenAndIndexed() {
        CustomerRecord anna = anna("web", "9");
        Instant now = Instant.parse(AT);
        Profile profile = new Profile(ProfileId.random(), new GoldenRecordBuilder().golden(List.of(anna)),
                anna.identifiers(), List.of(anna.id()), now, now, 1);
        List<dev.tessera.core.model.SourceRecordId> sources = new java.util.ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            sources.add(new dev.tessera.core.model.SourceRecordId("bulk", "r" + i));
        }
        ProfileStore.CandidateQuery query = query(anna);
        ProfileStore.Candidates seen = store.candidates(query);
        // more marks than Lua's unpack takes at once, in the write script and in the index script
        assertThat(store.writeAndIndex(profile, 0, List.of(anna),
                List.of(LinkEvidence.exact(anna.id(), "new-profile", List.of(), List.of(), now)),
                new ProfileStore.IndexUpdate(anna.identifiers(), List.of(), sources, query.blockingKeys()),
                "created", query, seen.versions(), seen.generation(), List.of())).isEqualTo(Written.SETTLED);
        otherStore.index(profile.id(), List.of(), List.of(), sources, List.of());
        assertThat(store.findBySource(sources.get(5_999))).hasValue(profile.id());
    }

    @Test
    void aRecordDecidedWhileItsMatchIsWrittenEndsInTheSameProfile() {
        AtomicBoolean once = new AtomicBoolean();
        // the same person arrives through another process between this decision and its write
        ProfileResolver raced = racedResolver(once, () -> otherResolver().resolve(anna("crm", "1")));
        // a namesake elsewhere: a candidate the record does not join, so its pick finds it not alone and the
        // record's new profile is decided on the client (a record alone is created by its pick's own script,
        // where nothing can come in between)
        ProfileId namesake = resolver.resolve(record("shop", "3", AT, List.of(), "first_name", "Anna", "last_name",
                "Schmidt", "birth_date", "1955-09-09", "city", "Hamburg", "postcode", "20095", "country", "DE"))
                .profileId();

        ProfileId web = raced.resolve(anna("web", "9")).profileId();

        assertThat(once).isTrue();
        assertThat(web).isNotEqualTo(namesake);
        assertThat(store.findBySource(anna("crm", "1").id())).hasValue(web);
        assertThat(store.find(web).orElseThrow().records()).hasSize(2);
    }

    @Test
    void aRecordDecidedWhileItsMatchIsCreatedAloneEndsInTheSameProfile() {
        AtomicBoolean once = new AtomicBoolean();
        // her crm record shares nothing with anyone stored: its pick creates its profile in one script
        ProfileResolver raced = racedResolver(once, () -> assertThat(otherResolver().resolve(anna("crm", "1"))
                .outcome()).isEqualTo(Resolution.Outcome.CREATED));
        // someone else's landline on her web record: a candidate she does not join (so she is not alone)
        String landline = "+49 30 1234567";
        ProfileId otto = resolver.resolve(record("shop", "3", AT, List.of(landline), "first_name", "Otto",
                "last_name", "Krause", "birth_date", "1949-05-06", "city", "Cologne", "country", "DE")).profileId();
        CustomerRecord web = record("web", "9", AT, List.of(landline), "first_name", "Anna", "last_name",
                "Schmidt", "birth_date", "1980-02-03", "street", "Hauptstr. 5", "city", "Berlin", "postcode", "10115",
                "country", "DE");

        ProfileId home = raced.resolve(web).profileId();

        assertThat(once).isTrue();
        assertThat(home).isNotEqualTo(otto);
        assertThat(store.findBySource(anna("crm", "1").id())).hasValue(home);
        assertThat(store.find(home).orElseThrow().records()).hasSize(2);
    }

    /** A resolver that runs {@code between} once, after its first decision and before that decision's write. */
    private ProfileResolver racedResolver(AtomicBoolean once, Runnable between) {
        MatchPolicy base = resolver.policy();
        MatchPolicy racing = new MatchPolicy() {
            @Override
            public java.util.Set<String> blockingKeys(CustomerRecord record) {
                return base.blockingKeys(record);
            }

            @Override
            public List<Link> decide(CustomerRecord record, List<Candidate> candidates) {
                List<Link> links = base.decide(record, candidates);
                if (once.compareAndSet(false, true)) {
                    between.run();
                }
                return links;
            }

            @Override
            public boolean mayMerge(CustomerRecord record, Candidate a, Candidate b) {
                return base.mayMerge(record, a, b);
            }
        };
        return new ProfileResolver(store, racing, new GoldenRecordBuilder(), Clock.systemUTC());
    }

    /** A resolver of another process: its own connection and store. */
    private ProfileResolver otherResolver() {
        return IdentitySettings.defaults().resolver(otherStore, Clock.systemUTC());
    }

    private ProfileStore.CandidateQuery query(CustomerRecord record) {
        return query(record, 250);
    }

    private ProfileStore.CandidateQuery query(CustomerRecord record, int maxBlock) {
        return new ProfileStore.CandidateQuery(record.id(), record.identifiers(),
                resolver.policy().blockingKeys(record), maxBlock, 20);
    }

    private Written createWithSettle(CustomerRecord record, ProfileStore.Candidates seen, long generation) {
        return createWithSettle(record, query(record), seen, generation);
    }

    private Written createWithSettle(CustomerRecord record, ProfileStore.CandidateQuery query,
            ProfileStore.Candidates seen, long generation) {
        Instant now = Instant.parse(AT);
        Profile profile = new Profile(ProfileId.random(), new GoldenRecordBuilder().golden(List.of(record)),
                record.identifiers(), List.of(record.id()), now, now, 1);
        return store.writeAndIndex(profile, 0, List.of(record),
                List.of(LinkEvidence.exact(record.id(), "new-profile", List.of(), List.of(), now)),
                new ProfileStore.IndexUpdate(record.identifiers(), List.of(), List.of(record.id()),
                        query.blockingKeys()),
                "created", query, seen.versions(), generation, List.of());
    }

    private static CustomerRecord anna(String source, String id) {
        return record(source, id, AT, List.of(), "first_name", "Anna", "last_name", "Schmidt", "birth_date",
                "1980-02-03", "street", "Hauptstr. 5", "city", "Berlin", "postcode", "10115", "country", "DE");
    }

    private static CustomerRecord bob(String source, String id) {
        return record(source, id, AT, List.of(), "first_name", "Bob", "last_name", "Meyer", "birth_date",
                "1966-11-12", "street", "Ringstr. 1", "city", "Munich", "postcode", "80331", "country", "DE");
    }
}
