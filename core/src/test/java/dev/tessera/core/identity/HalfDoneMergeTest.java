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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A merge stopped between its steps. On Redis Cluster a merge writes the survivor (now holding the absorbed
 * profile's records too) and only then forwards the absorbed profile; a process killed in between leaves
 * both live, the absorbed one's records held twice. These tests leave the store in exactly that state
 * (the survivor written with {@link ProfileStore#write}, nothing forwarded or indexed) and require the next
 * record that meets both profiles to finish the merge, whatever the matcher would say about it on its own.
 */
class HalfDoneMergeTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final Identifiers ids = new Identifiers("GB");
    private final GoldenRecordBuilder golden = new GoldenRecordBuilder();
    private RedisConnection redis;
    private ProfileStore store;
    private DeterministicResolver resolver;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = new DeterministicResolver(store, golden, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void theRecordThatStartedTheMergeFinishesItWhenDeliveredAgain() {
        ProfileId byEmail = resolver.resolve(jane("c1", "jane@example.com", null, 0)).profileId();
        ProfileId byPhone = resolver.resolve(jane("s9", null, "020 7946 0958", 1)).profileId();
        CustomerRecord bridge = jane("c3", "jane@example.com", "020 7946 0958", 2);
        survivorWrittenOnly(byEmail, byPhone, bridge);

        Resolution again = resolver.resolve(bridge);

        assertThat(again.profileId()).isEqualTo(byEmail);
        assertOneLiveProfileHoldsAll(byEmail, byPhone);
    }

    @Test
    void anUpdateTheAbsorbedProfileTookMeanwhileIsKeptWhenTheMergeFinishes() {
        ProfileId byEmail = resolver.resolve(jane("c1", "jane@example.com", null, 0)).profileId();
        ProfileId byPhone = resolver.resolve(jane("s9", null, "020 7946 0958", 1)).profileId();
        CustomerRecord bridge = jane("c3", "jane@example.com", "020 7946 0958", 2);
        survivorWrittenOnly(byEmail, byPhone, bridge);
        // before the bridge comes again, its source sends s9 again, newer: the absorbed profile is still
        // the one its keys lead to
        CustomerRecord moved = withCity(jane("s9", null, "020 7946 0958", 3), "York");
        assertThat(resolver.resolve(moved).profileId()).isEqualTo(byPhone);

        Resolution again = resolver.resolve(bridge);

        assertThat(again.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(again.merged()).containsExactly(byPhone);
        assertOneLiveProfileHoldsAll(byEmail, byPhone);
        assertThat(store.records(byEmail)).contains(moved);
        assertThat(store.find(byEmail).orElseThrow().golden().get("city").value()).isEqualTo("York");
    }

    /** A record seen twice is settled where it is, even when that is the survivor of a half-done merge. */
    @Test
    void theSurvivorsOwnRecordsStayWhereTheyAre() {
        ProfileId byEmail = resolver.resolve(jane("c1", "jane@example.com", null, 0)).profileId();
        ProfileId byPhone = resolver.resolve(jane("s9", null, "020 7946 0958", 1)).profileId();
        survivorWrittenOnly(byEmail, byPhone, jane("c3", "jane@example.com", "020 7946 0958", 2));

        Resolution again = resolver.resolve(jane("c1", "jane@example.com", null, 0));

        assertThat(again.profileId()).isEqualTo(byEmail);
    }

    @Test
    void aLaterRecordMeetingBothFinishesTheMergeThoughItWouldNotJoinTheAbsorbedOneByItself() {
        ProfileResolver matching = IdentitySettings.defaults().resolver(store, Clock.systemUTC());
        ProfileId byEmail = matching.resolve(person("crm", "c1", "jane@example.com", null, "York", 0)).profileId();
        ProfileId byPhone = matching.resolve(person("support", "s9", null, "020 7946 0958", "Leeds", 1)).profileId();
        assertThat(byPhone).as("a namesake in another city is not linked").isNotEqualTo(byEmail);
        survivorWrittenOnly(byEmail, byPhone, person("crm", "c3", "jane@example.com", "020 7946 0958", "York", 2));

        // found through the email (the survivor) and through the names' block (the absorbed profile)
        CustomerRecord later = person("shop", "o5", "jane@example.com", null, "York", 3);
        Resolution resolved = matching.resolve(later);

        assertThat(resolved.profileId()).isEqualTo(byEmail);
        assertThat(resolved.merged()).containsExactly(byPhone);
        assertThat(store.find(byPhone).orElseThrow().id()).isEqualTo(byEmail);
        assertThat(store.find(byEmail).orElseThrow().records()).containsExactlyInAnyOrder(
                new SourceRecordId("crm", "c1"), new SourceRecordId("support", "s9"), new SourceRecordId("crm", "c3"),
                later.id());
        assertThat(store.findBySource(new SourceRecordId("support", "s9"))).contains(byEmail);
    }

    @Test
    void anAbsorbedProfileThatGainedARecordOfItsOwnIsLeftToMatching() {
        ProfileResolver matching = IdentitySettings.defaults().resolver(store, Clock.systemUTC());
        ProfileId byEmail = matching.resolve(person("crm", "c1", "jane@example.com", null, "York", 0)).profileId();
        ProfileId byPhone = matching.resolve(person("support", "s9", null, "020 7946 0958", "Leeds", 1)).profileId();
        survivorWrittenOnly(byEmail, byPhone, person("crm", "c3", "jane@example.com", "020 7946 0958", "York", 2));
        // meanwhile the absorbed profile took a record the survivor does not hold (written as a concurrent
        // resolver that found it through the absorbed profile's keys alone would write it)
        CustomerRecord own = person("support", "s10", null, "020 7946 0958", "Leeds", 3);
        Profile absorbed = store.find(byPhone).orElseThrow();
        List<CustomerRecord> records = new ArrayList<>(store.records(byPhone));
        records.add(own);
        assertThat(store.write(new Profile(byPhone, golden.golden(records), golden.identifiers(records),
                records.stream().map(CustomerRecord::id).toList(), absorbed.createdAt(), own.observedAt(),
                absorbed.version() + 1), absorbed.version(), List.of(own),
                List.of(LinkEvidence.exact(own.id(), "exact-identifier", List.of("phone"), List.of(), own.observedAt()))))
                .isTrue();

        Resolution resolved = matching.resolve(person("shop", "o5", "jane@example.com", null, "York", 4));

        assertThat(resolved.profileId()).isEqualTo(byEmail);
        assertThat(resolved.merged()).isEmpty();
        assertThat(store.find(byPhone).orElseThrow().id()).isEqualTo(byPhone);
        assertThat(store.find(byPhone).orElseThrow().records()).contains(own.id());
    }

    @Test
    void aNewerCopyTheSurvivorHoldsIsNotReplacedByTheAbsorbedProfilesOlderOne() {
        ProfileId byEmail = resolver.resolve(jane("c1", "jane@example.com", null, 0)).profileId();
        ProfileId byPhone = resolver.resolve(jane("s9", null, "020 7946 0958", 1)).profileId();
        CustomerRecord newer = withCity(jane("s9", null, "020 7946 0958", 4), "York");
        CustomerRecord bridge = jane("c3", "jane@example.com", "020 7946 0958", 2);
        survivorWrittenOnly(byEmail, byPhone, bridge, newer);

        resolver.resolve(bridge);

        assertOneLiveProfileHoldsAll(byEmail, byPhone);
        assertThat(store.records(byEmail)).contains(newer);
    }

    /** The Cluster merge's first step alone: the survivor written with the absorbed records and the bridge. */
    private void survivorWrittenOnly(ProfileId survivorId, ProfileId absorbedId, CustomerRecord bridge,
            CustomerRecord... newerCopies) {
        Profile survivor = store.find(survivorId).orElseThrow();
        Profile absorbed = store.find(absorbedId).orElseThrow();
        List<CustomerRecord> records = new ArrayList<>(store.records(survivorId));
        List<CustomerRecord> moved = new ArrayList<>(store.records(absorbedId));
        for (CustomerRecord copy : newerCopies) {
            moved.replaceAll(r -> r.id().equals(copy.id()) ? copy : r);
        }
        moved.add(bridge);
        records.addAll(moved);
        Profile updated = new Profile(survivorId, golden.golden(records), golden.identifiers(records),
                records.stream().map(CustomerRecord::id).toList(), survivor.createdAt(), bridge.observedAt(),
                survivor.version() + 1);
        List<LinkEvidence> evidence = moved.stream().map(r -> LinkEvidence.exact(r.id(), "merge", List.of("email"),
                List.of(absorbed.id()), bridge.observedAt())).toList();
        assertThat(store.write(updated, survivor.version(), moved, evidence)).isTrue();
        assertThat(store.find(absorbedId).orElseThrow().id()).isEqualTo(absorbedId); // still live: the stop
    }

    private void assertOneLiveProfileHoldsAll(ProfileId survivor, ProfileId absorbed) {
        assertThat(store.find(absorbed).orElseThrow().id()).as("absorbed forwards to the survivor").isEqualTo(survivor);
        assertThat(store.find(survivor).orElseThrow().records()).containsExactlyInAnyOrder(
                new SourceRecordId("crm", "c1"), new SourceRecordId("crm", "s9"), new SourceRecordId("crm", "c3"));
        for (String source : List.of("c1", "s9", "c3")) {
            assertThat(store.findBySource(new SourceRecordId("crm", source))).contains(survivor);
        }
        assertThat(store.findByIdentifier(ids.phone("02079460958").orElseThrow())).containsExactly(survivor);
        assertThat(store.findByIdentifier(ids.email("jane@example.com").orElseThrow())).containsExactly(survivor);
    }

    private static CustomerRecord withCity(CustomerRecord record, String city) {
        Map<String, String> attributes = new java.util.HashMap<>(record.attributes());
        attributes.put("city", city);
        return new CustomerRecord(record.id(), record.observedAt(), record.identifiers(), attributes);
    }

    private CustomerRecord person(String source, String id, String email, String phone, String city, int day) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        ids.phone(phone).ifPresent(identifiers::add);
        return new CustomerRecord(new SourceRecordId(source, id), T0.plusSeconds(86_400L * day), identifiers,
                Map.of("first_name", "Jane", "last_name", "Doe", "city", city));
    }

    private CustomerRecord jane(String id, String email, String phone, int day) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        ids.phone(phone).ifPresent(identifiers::add);
        return new CustomerRecord(new SourceRecordId("crm", id), T0.plusSeconds(86_400L * day), identifiers,
                Map.of("first_name", "Jane", "last_name", "Doe"));
    }
}
