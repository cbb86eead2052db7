package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.Resolution.Outcome;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.Profile;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeterministicResolverTest {

    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection redis;
    private ProfileStore store;
    private DeterministicResolver resolver;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = new DeterministicResolver(store, new GoldenRecordBuilder(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void firstRecordOfAPersonCreatesAProfile() {
        Resolution result = resolver.resolve(jane("c1", "jane@example.com", null, "2025-01-01T00:00:00Z"));

        assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
        Profile profile = store.find(result.profileId()).orElseThrow();
        assertThat(profile.golden().get("first_name").value()).isEqualTo("Jane");
        assertThat(profile.records()).containsExactly(new SourceRecordId("crm", "c1"));
    }

    @Test
    void linksRecordsThatShareANormalisedEmail() {
        Resolution first = resolver.resolve(jane("c1", "jane@example.com", null, "2025-01-01T00:00:00Z"));
        Resolution second = resolver.resolve(jane("c2", "  JANE@Example.com", null, "2025-02-01T00:00:00Z"));

        assertThat(second.outcome()).isEqualTo(Outcome.LINKED);
        assertThat(second.profileId()).isEqualTo(first.profileId());
        Map<SourceRecordId, LinkEvidence> links = store.links(first.profileId());
        assertThat(links.get(new SourceRecordId("crm", "c2")).matchedOn()).containsExactly("email");
    }

    @Test
    void linksRecordsThatShareAPhoneWrittenDifferently() {
        Resolution first = resolver.resolve(jane("c1", null, "020 7946 0958", "2025-01-01T00:00:00Z"));
        Resolution second = resolver.resolve(jane("c2", null, "+44 20 7946 0958", "2025-01-02T00:00:00Z"));

        assertThat(second.profileId()).isEqualTo(first.profileId());
    }

    @Test
    void recordThatBridgesTwoProfilesMergesThemAndTheOldIdForwards() {
        Resolution byEmail = resolver.resolve(jane("c1", "jane@example.com", null, "2025-01-01T00:00:00Z"));
        Resolution byPhone = resolver.resolve(jane("s9", null, "020 7946 0958", "2025-01-02T00:00:00Z"));
        assertThat(byPhone.profileId()).isNotEqualTo(byEmail.profileId());

        Resolution bridge = resolver.resolve(jane("c3", "jane@example.com", "020 7946 0958", "2025-01-03T00:00:00Z"));

        assertThat(bridge.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(bridge.profileId()).isEqualTo(byEmail.profileId());
        assertThat(bridge.merged()).containsExactly(byPhone.profileId());
        Profile merged = store.find(byPhone.profileId()).orElseThrow();
        assertThat(merged.id()).isEqualTo(byEmail.profileId());
        assertThat(merged.records()).hasSize(3);
        assertThat(store.findByIdentifier(ids.phone("02079460958").orElseThrow())).containsExactly(byEmail.profileId());
        assertThat(store.links(merged.id()).get(new SourceRecordId("crm", "c3")).mergedFrom())
                .containsExactly(byPhone.profileId());
    }

    @Test
    void sameRecordTwiceIsStoredOnce() {
        CustomerRecord record = jane("c1", "jane@example.com", null, "2025-01-01T00:00:00Z");
        Resolution first = resolver.resolve(record);
        Resolution again = resolver.resolve(record);

        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(store.find(first.profileId()).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void olderVersionOfARecordArrivingLateDoesNotOverwriteTheNewer() {
        resolver.resolve(withCity(jane("c1", "jane@example.com", null, "2025-03-01T00:00:00Z"), "York"));
        Resolution late = resolver.resolve(withCity(jane("c1", "jane@example.com", null, "2025-01-01T00:00:00Z"), "Leeds"));

        assertThat(late.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(store.find(late.profileId()).orElseThrow().golden().get("city").value()).isEqualTo("York");
    }

    @Test
    void changedEmailOnARecordMovesTheIndex() {
        Resolution first = resolver.resolve(jane("c1", "old@example.com", null, "2025-01-01T00:00:00Z"));
        resolver.resolve(jane("c1", "new@example.com", null, "2025-02-01T00:00:00Z"));

        assertThat(store.findByIdentifier(ids.email("old@example.com").orElseThrow())).isEmpty();
        assertThat(store.findByIdentifier(ids.email("new@example.com").orElseThrow())).containsExactly(first.profileId());
    }

    @Test
    void indexKeysDoNotContainPersonalData() {
        resolver.resolve(jane("c1", "jane@example.com", "020 7946 0958", "2025-01-01T00:00:00Z"));

        List<String> keys = redis.commands().keys("*");
        assertThat(keys).isNotEmpty().noneMatch(k -> k.contains("jane") || k.contains("7946"));
    }

    @Test
    void concurrentResolutionEndsInTheSameClusteringAsSequential() throws Exception {
        List<CustomerRecord> records = new ArrayList<>();
        for (int person = 0; person < 40; person++) {
            for (int copy = 0; copy < 4; copy++) {
                // copies alternate between email and phone, and copy 3 carries both: bridges appear late
                String email = copy % 2 == 0 || copy == 3 ? "p" + person + "@example.com" : null;
                String phone = copy % 2 == 1 ? "+44 20 7946 " + String.format("%04d", person) : null;
                records.add(jane("r" + person + "-" + copy, email, phone, "2025-01-0" + (copy + 1) + "T00:00:00Z"));
            }
        }
        Set<Set<SourceRecordId>> sequential = clustering(records, 1);
        RedisTestSupport.flush();
        Collections.shuffle(records, new java.util.Random(7));
        Set<Set<SourceRecordId>> concurrent = clustering(records, 8);

        assertThat(sequential).hasSize(40);
        assertThat(concurrent).isEqualTo(sequential);
    }

    private Set<Set<SourceRecordId>> clustering(List<CustomerRecord> records, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<RedisConnection> connections = new ArrayList<>();
        try {
            List<DeterministicResolver> resolvers = IntStream.range(0, threads).mapToObj(i -> {
                RedisConnection c = RedisTestSupport.connect();
                connections.add(c);
                return new DeterministicResolver(new ProfileStore(c), new GoldenRecordBuilder(), Clock.systemUTC());
            }).toList();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int slot = t;
                futures.add(pool.submit(() -> {
                    for (int i = slot; i < records.size(); i += threads) {
                        resolvers.get(slot).resolve(records.get(i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            connections.forEach(RedisConnection::close);
        }
        Map<ProfileId, Set<SourceRecordId>> byProfile = new HashMap<>();
        for (CustomerRecord record : records) {
            Optional<ProfileId> id = store.findBySource(record.id());
            byProfile.computeIfAbsent(id.orElseThrow(), k -> new HashSet<>()).add(record.id());
        }
        byProfile.forEach((id, members) ->
                assertThat(store.find(id).orElseThrow().records()).containsExactlyInAnyOrderElementsOf(members));
        return new HashSet<>(byProfile.values());
    }

    private CustomerRecord jane(String id, String email, String phone, String at) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        ids.phone(phone).ifPresent(identifiers::add);
        return new CustomerRecord(new SourceRecordId("crm", id), Instant.parse(at), identifiers,
                Map.of("first_name", "Jane", "last_name", "Doe"));
    }

    private static CustomerRecord withCity(CustomerRecord record, String city) {
        Map<String, String> attributes = new HashMap<>(record.attributes());
        attributes.put("city", city);
        return new CustomerRecord(record.id(), record.observedAt(), record.identifiers(), attributes);
    }
}
