package dev.tessera.core.identity;

import static dev.tessera.core.identity.ProbabilisticResolutionTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisCommandLog;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A record whose candidate pick finds nothing gets its new profile from the pick's own script (decision 56
 * in docs/architecture.md), against a real Redis: one script call instead of a pick, a write and a settle
 * check, and nothing can come in between. Anything that gives the record something to decide on (a
 * candidate, an agent's decision, an erasure tombstone) leaves the pick a pick, and the record takes the
 * usual path.
 */
class CreateWhenAloneTest {

    private static final String AT = "2025-01-01T00:00:00Z";

    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver resolver;

    @BeforeEach
    void setUp() {
        // scripted access only: on a cluster every pick is a pick (ProfileStore.createsWhenAlone)
        RedisTestCluster.assumeSingleNode("the pick creates in the single node's candidate script");
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = IdentitySettings.defaults().resolver(store, Clock.systemUTC());
        // the scripts are loaded (a first EVALSHA answered NOSCRIPT would count twice below)
        resolver.resolveAll(List.of(carl("warm", "1"), carl("warm", "2")));
        RedisTestSupport.flush();
    }

    @AfterEach
    void tearDown() {
        if (redis != null) { // not opened when the test was skipped
            redis.close();
        }
    }

    @Test
    void aRecordAloneGetsItsProfileFromItsPickInOneScriptCall() {
        CustomerRecord web = anna("web", "9");
        long before = store.candidates(query(bob("x", "1"))).generation();
        Resolution created;
        List<List<String>> commands;
        try (RedisCommandLog log = RedisCommandLog.start()) {
            created = resolver.resolve(web);
            commands = log.clientCommands(redis);
        }

        assertThat(created.outcome()).isEqualTo(Resolution.Outcome.CREATED);
        assertThat(scriptCalls(commands)).as("the pick, and no write or settle script after it").isEqualTo(1);
        ProfileId id = created.profileId();
        Profile profile = store.find(id).orElseThrow();
        assertThat(profile.records()).containsExactly(web.id());
        assertThat(profile.version()).isEqualTo(1);
        assertThat(store.findBySource(web.id())).hasValue(id);
        assertThat(store.records(id)).containsExactly(web);
        assertThat(store.links(id)).containsKey(web.id());
        // filed under every identifier and block of its query, as the separate write filed it
        ProfileStore.CandidateQuery query = query(web);
        assertThat(query.blockingKeys()).isNotEmpty();
        for (String block : query.blockingKeys()) {
            assertThat(redis.commands().smembers(store.namespace().block(block))).as(block).containsExactly(id.value());
        }
        for (var identifier : query.identifiers()) {
            assertThat(redis.commands().smembers(store.namespace().identifier(identifier))).containsExactly(id.value());
        }
        // the write counts for every concurrent record's settle check, and the change feed tells of it
        assertThat(store.candidates(query(bob("x", "1"))).generation()).isGreaterThan(before);
        assertThat(redis.commands().xrange(store.namespace().changeFeed(), io.lettuce.core.Range.create("-", "+")))
                .anySatisfy(m -> assertThat(m.getBody())
                        .containsEntry("profile", id.value()).containsEntry("change", "created"));
        // filed under its identifiers and blocks: the same person from another source finds and joins it
        Resolution joined = resolver.resolve(anna("crm", "1"));
        assertThat(joined.profileId()).isEqualTo(id);
        assertThat(joined.outcome()).isEqualTo(Resolution.Outcome.LINKED);
    }

    @Test
    void inABatchTheRecordsAloneAreCreatedByTheirPicksAndTheOthersStillMeetThem() {
        List<CustomerRecord> batch = List.of(anna("web", "9"), bob("crm", "2"), anna("crm", "1"));
        List<Resolution> resolved;
        List<List<String>> commands;
        try (RedisCommandLog log = RedisCommandLog.start()) {
            resolved = resolver.resolveAll(batch);
            commands = log.clientCommands(redis);
        }

        assertThat(resolved).extracting(Resolution::outcome).containsExactly(Resolution.Outcome.CREATED,
                Resolution.Outcome.CREATED, Resolution.Outcome.LINKED);
        assertThat(resolved.get(2).profileId()).isEqualTo(resolved.get(0).profileId());
        assertThat(resolved.get(1).profileId()).isNotEqualTo(resolved.get(0).profileId());
        // Anna's crm record shares keys with her web record, so it waits for the next round: two picks
        // that create, then one pick and the write that links (before: a pick and a write each, six calls)
        assertThat(scriptCalls(commands)).isEqualTo(4);
    }

    @Test
    void aCandidateADecisionOrATombstoneLeavesThePickAPick() {
        CustomerRecord web = anna("web", "9");
        SourceRecordId elsewhere = new SourceRecordId("shop", "77");

        // alone: created
        assertThat(pickOrCreate(web, List.of())).isNull();
        RedisTestSupport.flush();

        // a candidate (the same person from another source): picked, nothing written
        ProfileId crm = resolver.resolve(anna("crm", "1")).profileId();
        ProfileStore.WriteRequest create = createRequest(web, List.of());
        ProfileStore.Candidates found = pickOrCreate(web, create);
        assertThat(found).isNotNull();
        assertThat(found.byLiveId()).containsOnlyKeys(crm);
        assertThat(store.find(create.profile().id())).isEmpty();
        RedisTestSupport.flush();

        // an agent kept the record apart from another one: picked, so the resolver sees the decision
        store.addCannotLink(web.id(), elsewhere);
        create = createRequest(web, List.of());
        found = pickOrCreate(web, create);
        assertThat(found).isNotNull();
        assertThat(found.cannotLink()).containsExactly(elsewhere);
        assertThat(store.find(create.profile().id())).isEmpty();
        RedisTestSupport.flush();

        // an agent joined it with another record: picked, so the resolver sees the decision
        store.addMustLink(web.id(), elsewhere, new MergeDecision("agent", "same person", Instant.parse(AT)));
        create = createRequest(web, List.of());
        assertThat(pickOrCreate(web, create)).isNotNull();
        assertThat(store.find(create.profile().id())).isEmpty();
        RedisTestSupport.flush();

        // an erasure's tombstone refuses the record (the last of its tombstone keys here, the others absent):
        // picked, and the usual write refuses it too
        String tombstone = "privacy:test-tombstone";
        List<String> tombstones = List.of("privacy:test-absent-1", "privacy:test-absent-2", tombstone);
        redis.commands().set(tombstone, "1");
        create = createRequest(web, tombstones);
        assertThat(pickOrCreate(web, create)).isNotNull();
        assertThat(store.find(create.profile().id())).isEmpty();
        assertThat(store.findBySource(web.id())).isEmpty();
        ProfileStore.WriteRequest refused = create;
        assertThat(store.writeAndIndexAll(List.of(refused))).containsExactly(ProfileStore.Written.ERASED);
        assertThat(store.find(create.profile().id())).isEmpty();
        // with the tombstone gone the same keys let it be created alone
        redis.commands().del(tombstone);
        assertThat(pickOrCreate(web, tombstones)).isNull();
    }

    @Test
    void aProfileCreatedWhenAloneMustBeNewAndFiledUnderItsQuerysKeys() {
        CustomerRecord web = anna("web", "9");
        ProfileStore.CandidateQuery query = query(web);
        Instant now = Instant.parse(AT);
        Profile profile = new Profile(ProfileId.random(), new GoldenRecordBuilder().golden(List.of(web)),
                web.identifiers(), List.of(web.id()), now, now, 1);
        List<String> fewerBlocks = new ArrayList<>(query.blockingKeys()).subList(1, query.blockingKeys().size());
        ProfileStore.WriteRequest elsewhere = new ProfileStore.WriteRequest(profile, 0, List.of(web),
                List.of(LinkEvidence.exact(web.id(), "new-profile", List.of(), List.of(), now)),
                new ProfileStore.IndexUpdate(web.identifiers(), List.of(), List.of(web.id()), fewerBlocks),
                "created", query, java.util.Map.of(), -1, List.of());

        assertThatThrownBy(() -> store.candidatesOrCreateAll(List.of(query), List.of(elsewhere)))
                .isInstanceOf(IllegalArgumentException.class);
        Profile atVersionTwo = new Profile(profile.id(), profile.golden(), profile.identifiers(), profile.records(),
                now, now, 2);
        ProfileStore.WriteRequest notNew = new ProfileStore.WriteRequest(atVersionTwo, 0, List.of(web),
                elsewhere.evidence(), new ProfileStore.IndexUpdate(web.identifiers(), List.of(), List.of(web.id()),
                        query.blockingKeys()), "created", query, java.util.Map.of(), -1, List.of());
        assertThatThrownBy(() -> store.candidatesOrCreateAll(List.of(query), List.of(notNew)))
                .isInstanceOf(IllegalArgumentException.class);
        CustomerRecord other = anna("crm", "1");
        ProfileStore.WriteRequest anotherRecord = new ProfileStore.WriteRequest(profile, 0, List.of(other),
                elsewhere.evidence(), new ProfileStore.IndexUpdate(web.identifiers(), List.of(), List.of(web.id()),
                        query.blockingKeys()), "created", query, java.util.Map.of(), -1, List.of());
        assertThatThrownBy(() -> store.candidatesOrCreateAll(List.of(query), List.of(anotherRecord)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.candidatesOrCreateAll(List.of(query), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(profile.id())).isEmpty();
    }

    private ProfileStore.Candidates pickOrCreate(CustomerRecord record, List<String> tombstones) {
        ProfileStore.WriteRequest create = createRequest(record, tombstones);
        ProfileStore.Candidates found = pickOrCreate(record, create);
        if (found == null) {
            assertThat(store.find(create.profile().id())).isPresent();
        }
        return found;
    }

    private ProfileStore.Candidates pickOrCreate(CustomerRecord record, ProfileStore.WriteRequest create) {
        return store.candidatesOrCreateAll(List.of(query(record)), java.util.Collections.singletonList(create))
                .get(0);
    }

    private ProfileStore.WriteRequest createRequest(CustomerRecord record, List<String> tombstones) {
        ProfileStore.CandidateQuery query = query(record);
        Instant now = Instant.parse(AT);
        Profile profile = new Profile(ProfileId.random(), new GoldenRecordBuilder().golden(List.of(record)),
                record.identifiers(), List.of(record.id()), now, now, 1);
        return new ProfileStore.WriteRequest(profile, 0, List.of(record),
                List.of(LinkEvidence.exact(record.id(), "new-profile", List.of(), List.of(), now)),
                new ProfileStore.IndexUpdate(record.identifiers(), List.of(), List.of(record.id()),
                        query.blockingKeys()),
                "created", query, java.util.Map.of(), -1, tombstones);
    }

    private ProfileStore.CandidateQuery query(CustomerRecord record) {
        return new ProfileStore.CandidateQuery(record.id(), record.identifiers(),
                resolver.policy().blockingKeys(record), 16, 20);
    }

    private static long scriptCalls(List<List<String>> commands) {
        return commands.stream().filter(c -> !c.isEmpty())
                .map(c -> c.get(0).toUpperCase(Locale.ROOT))
                .filter(name -> name.equals("EVALSHA") || name.equals("EVAL"))
                .count();
    }

    private static CustomerRecord anna(String source, String id) {
        return record(source, id, AT, List.of("anna.schmidt@example.org"), "first_name", "Anna", "last_name",
                "Schmidt", "birth_date", "1980-02-03", "street", "Hauptstr. 5", "city", "Berlin", "postcode", "10115",
                "country", "DE");
    }

    private static CustomerRecord bob(String source, String id) {
        return record(source, id, AT, List.of(), "first_name", "Bob", "last_name", "Meyer", "birth_date",
                "1966-11-12", "street", "Ringstr. 1", "city", "Munich", "postcode", "80331", "country", "DE");
    }

    private static CustomerRecord carl(String source, String id) {
        return record(source, id, AT, List.of(), "first_name", "Carl", "last_name", "Weber", "birth_date",
                "1971-07-07", "city", "Hamburg", "country", "DE");
    }
}
