package dev.tessera.core.identity;

import static dev.tessera.core.identity.ProbabilisticResolutionTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claimed sources ({@code tessera.identity.claimed-sources}) against a real Redis: a survey whose hidden
 * email field comes from the link, a Segment write key in a web page. Anyone can send another person's
 * email through them with their own phone number. Each case is run with the source trusted too, to show
 * what the setting prevents.
 */
class ClaimedSourcesTest {

    private static final String AT = "2025-01-01T00:00:00Z";
    private static final String LATER = "2025-06-01T00:00:00Z";
    private static final IdentitySettings TRUSTED = IdentitySettings.defaults();
    private static final IdentitySettings CLAIMED = TRUSTED.withClaimedSources(Set.of("survey", "web"));

    private final CustomerRecord anna = record("crm", "1", AT, List.of("anna.berg@example.com", "07700 900111"),
            "first_name", "Anna", "last_name", "Berg", "birth_date", "1985-02-03", "city", "London",
            "phone", "07700 900111");
    /** Mallory as her support desk knows her: a phone number, nothing else. */
    private final CustomerRecord mallory = record("support", "u5", AT, List.of("07700 900999"));
    /** A survey answer sent with Anna's name and email in the link and Mallory's phone number in the form. */
    private final CustomerRecord forged = record("survey", "r1", LATER, List.of("anna.berg@example.com", "07700 900999"),
            "first_name", "Anna", "phone", "07700 900999");

    private RedisConnection redis;
    private ProfileStore store;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private ProfileResolver resolver(IdentitySettings settings) {
        return settings.resolver(store, Clock.systemUTC());
    }

    @Test
    void aClaimedRecordWithOnePersonsEmailAndAnothersPhoneMergesNoProfiles() {
        // trusted, the forged answer shares an identifier with each and joins them: Mallory's tickets are
        // on Anna's profile, and an agent who looks up Mallory's phone number sees Anna
        ProfileResolver trusted = resolver(TRUSTED);
        trusted.resolve(anna);
        trusted.resolve(mallory);
        Resolution bridged = trusted.resolve(forged);
        assertThat(bridged.merged()).hasSize(1);
        assertThat(home(anna)).isEqualTo(home(mallory));

        RedisTestSupport.flush();
        ProfileResolver claimed = resolver(CLAIMED);
        ProfileId annas = claimed.resolve(anna).profileId();
        ProfileId mallorys = claimed.resolve(mallory).profileId();
        Resolution answer = claimed.resolve(forged);

        assertThat(answer.merged()).isEmpty();
        assertThat(answer.profileId()).isEqualTo(annas); // email and name are the stronger link: the answer is Anna's
        assertThat(home(mallory)).isEqualTo(mallorys).isNotEqualTo(annas);
        assertThat(claimed.claimed(forged.id())).isTrue();
        assertThat(claimed.claimed(anna.id())).isFalse();
        // her phone number stays hers, though the claimed one is more recent
        Profile profile = store.find(annas).orElseThrow();
        assertThat(profile.golden().get("phone").value()).isEqualTo("07700 900111");
        assertThat(profile.golden().get("phone").sourceRecord()).isEqualTo(anna.id());
    }

    @Test
    void noArrivalOrderLetsAClaimedRecordJoinTwoPeople() {
        List<CustomerRecord> records = List.of(anna, mallory, forged);
        for (List<CustomerRecord> order : permutations(records)) {
            RedisTestSupport.flush();
            ProfileResolver claimed = resolver(CLAIMED);
            order.forEach(claimed::resolve);
            assertThat(home(anna)).as("order %s", order.stream().map(r -> r.id().key()).toList())
                    .isNotEqualTo(home(mallory));
            assertThat(home(forged)).isIn(home(anna), home(mallory));
        }
    }

    @Test
    void aClaimedRecordVouchesForNoOneElseJoiningItsProfile() {
        // later, Mallory's first support request: her phone number, nothing else known
        CustomerRecord call = mallory;

        ProfileResolver trusted = resolver(TRUSTED);
        trusted.resolve(anna);
        trusted.resolve(forged);
        trusted.resolve(call);
        assertThat(home(call)).isEqualTo(home(anna)); // through the forged phone number: Mallory's calls are Anna's

        RedisTestSupport.flush();
        ProfileResolver claimed = resolver(CLAIMED);
        ProfileId annas = claimed.resolve(anna).profileId();
        assertThat(claimed.resolve(forged).profileId()).isEqualTo(annas);
        Resolution separate = claimed.resolve(call);
        assertThat(separate.profileId()).isNotEqualTo(annas);
        assertThat(separate.outcome()).isEqualTo(Resolution.Outcome.CREATED);
        // nor does a claimed record veto: Anna's own shop record, sharing her email, still joins her
        CustomerRecord shop = record("shop", "7", LATER, List.of("anna.berg@example.com"),
                "first_name", "Anna", "last_name", "Berg");
        assertThat(claimed.resolve(shop).profileId()).isEqualTo(annas);
    }

    @Test
    void listingASourceLaterAndReResolvingMendsTheGoldenRecordsOfProfilesThatStayTogether() {
        ProfileResolver trusted = resolver(TRUSTED);
        ProfileId annas = trusted.resolve(anna).profileId();
        assertThat(trusted.resolve(forged).profileId()).isEqualTo(annas);
        assertThat(store.find(annas).orElseThrow().golden().get("phone").sourceRecord()).isEqualTo(forged.id());

        List<String> progress = new ArrayList<>();
        ReResolution.Report dryRun = new ReResolution(store, CLAIMED, Clock.systemUTC()).onProgress(progress::add).dryRun();
        assertThat(dryRun.unchanged()).isEqualTo(1);
        assertThat(progress).contains("golden record: would change for 1 profile(s) whose records stay together");
        assertThat(store.find(annas).orElseThrow().golden().get("phone").sourceRecord()).isEqualTo(forged.id());

        progress.clear();
        new ReResolution(store, CLAIMED, Clock.systemUTC()).onProgress(progress::add).apply();
        assertThat(progress).contains("golden record: changed for 1 profile(s) whose records stayed together");
        assertThat(store.find(annas).orElseThrow().golden().get("phone").sourceRecord()).isEqualTo(anna.id());
        assertThat(redis.commands().xrange(dev.tessera.core.store.RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+"))
                .stream().filter(m -> "refreshed".equals(m.getBody().get("change")))
                .map(m -> m.getBody().get("profile")))
                .as("segments and the name index hear of the new golden record").containsExactly(annas.value());
        // and again: nothing left to change
        progress.clear();
        new ReResolution(store, CLAIMED, Clock.systemUTC()).onProgress(progress::add).dryRun();
        assertThat(progress).contains("golden record: would change for 0 profile(s) whose records stay together");
    }

    @Test
    void batchesAndTheExactPolicyKeepTheSameRules() {
        // batched rounds (resolveAll) decide as one at a time
        ProfileResolver claimed = resolver(CLAIMED);
        List<Resolution> batch = claimed.resolveAll(List.of(anna, mallory, forged));
        assertThat(batch.get(2).merged()).isEmpty();
        assertThat(home(anna)).isNotEqualTo(home(mallory));

        // exact-key matching has only the identifiers to go by: the claimed phone number finds Anna's
        // profile, and must neither join Mallory's to it nor bring her later call there
        RedisTestSupport.flush();
        IdentitySettings exact = new IdentitySettings(IdentitySettings.Policy.EXACT, null, null, null, null, null,
                Set.of("survey"));
        ProfileResolver byKeys = resolver(exact);
        ProfileId annas = byKeys.resolve(anna).profileId();
        ProfileId mallorys = byKeys.resolve(mallory).profileId();
        assertThat(byKeys.resolve(forged).merged()).isEmpty();
        assertThat(home(anna)).isEqualTo(annas);
        assertThat(home(mallory)).isEqualTo(mallorys);
        RedisTestSupport.flush();
        byKeys.resolve(anna);
        byKeys.resolve(forged);
        assertThat(byKeys.resolve(mallory).profileId()).isNotEqualTo(home(anna));
        // trusted, exact keys merge all three
        RedisTestSupport.flush();
        ProfileResolver trustedKeys = resolver(new IdentitySettings(IdentitySettings.Policy.EXACT, null, null, null,
                null, null, null));
        trustedKeys.resolve(anna);
        trustedKeys.resolve(mallory);
        trustedKeys.resolve(forged);
        assertThat(home(anna)).isEqualTo(home(mallory));
    }

    @Test
    void anAgentIsNotOfferedTheMergeAClaimedRecordMayNotMake() {
        ProfileResolver claimed = resolver(CLAIMED);
        ProfileId annas = claimed.resolve(anna).profileId();
        ProfileId mallorys = claimed.resolve(mallory).profileId();
        claimed.resolve(forged);

        // the forged answer on Anna's profile shares Mallory's phone number: no reason to merge them
        assertThat(claimed.possibleMatches(annas, 10)).extracting(ProfileResolver.PossibleMatch::profile)
                .doesNotContain(mallorys);
        // nor, from Mallory's side, through the phone number only the claimed record has
        assertThat(claimed.possibleMatches(mallorys, 10)).extracting(ProfileResolver.PossibleMatch::profile)
                .doesNotContain(annas);
    }

    @Test
    void aVisitorKnownOnlyFromClaimedRecordsIsStitchedAndFoundByHerCrmRecord() {
        ProfileResolver claimed = resolver(CLAIMED);
        // anonymous browsing (a device id), then an identify naming her email with that device id
        CustomerRecord device = new CustomerRecord(new SourceRecordId("web", "anon-1"), java.time.Instant.parse(AT),
                List.of(anonymous("d-42")), java.util.Map.of("city", "Bristol"));
        CustomerRecord identify = new CustomerRecord(new SourceRecordId("web", "user-9"), java.time.Instant.parse(LATER),
                List.of(anonymous("d-42"), anna.identifiers().get(0)),
                java.util.Map.of("first_name", "Annie"));
        ProfileId visitor = claimed.resolve(device).profileId();
        assertThat(claimed.resolve(identify).profileId()).isEqualTo(visitor);

        // her CRM record finds the visitor's profile by email, though it holds claimed records only
        Resolution crm = claimed.resolve(anna);
        assertThat(crm.profileId()).isEqualTo(visitor);
        Profile profile = store.find(visitor).orElseThrow();
        assertThat(profile.records()).containsExactlyInAnyOrder(device.id(), identify.id(), anna.id());
        // the CRM's name wins over the claimed one, a claimed value fills what no other source has
        assertThat(profile.golden().get("first_name").value()).isEqualTo("Anna");
        assertThat(profile.golden().get("city").value()).isEqualTo("London");
        assertThat(profile.golden().get("birth_date").sourceRecord()).isEqualTo(anna.id());

        // a device known only from claimed records joins a person's profile when an identify names both
        CustomerRecord otherDevice = new CustomerRecord(new SourceRecordId("web", "anon-2"),
                java.time.Instant.parse(AT), List.of(anonymous("d-43")), java.util.Map.of());
        ProfileId second = claimed.resolve(otherDevice).profileId();
        assertThat(second).isNotEqualTo(visitor);
        CustomerRecord again = new CustomerRecord(new SourceRecordId("web", "user-9"), java.time.Instant.parse(LATER),
                List.of(anonymous("d-42"), anonymous("d-43"),
                        anna.identifiers().get(0)),
                java.util.Map.of("first_name", "Annie"));
        Resolution stitched = claimed.resolve(again);
        assertThat(stitched.profileId()).isEqualTo(visitor);
        assertThat(stitched.merged()).containsExactly(second);
    }

    /**
     * Forty people, each with a CRM record and a phone-only support-desk record, and forty forged answers
     * each pairing one person's name and email with the next person's phone number, resolved by four
     * threads in a random order: no person's CRM record ever shares a profile with the next one's support
     * record, nor with another CRM record. Trusted, the answers join them (run with {@code TRUSTED} below).
     */
    @Test
    void underConcurrencyNoOrderLetsClaimedRecordsJoinPeople() throws Exception {
        assertThat(joinedPeople(resolver(CLAIMED))).isZero();
        RedisTestSupport.flush();
        assertThat(joinedPeople(resolver(TRUSTED))).as("the forged answers, trusted").isPositive();
    }

    /** How many people the forged answers joined with the next person, resolved by four threads. */
    private int joinedPeople(ProfileResolver resolver) throws Exception {
        String[] first = {"Anna", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas"};
        String[] last = {"Berg", "Costa", "Dahl", "Evans", "Fischer"};
        int n = 40;
        List<CustomerRecord> crm = new ArrayList<>();
        List<CustomerRecord> support = new ArrayList<>();
        List<CustomerRecord> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            crm.add(record("crm", "p" + i, AT, List.of("person" + i + "@example.com"),
                    "first_name", first[i % first.length], "last_name", last[(i / first.length) % last.length],
                    "birth_date", (1960 + i) + "-0" + (1 + i % 9) + "-1" + (i % 9), "city", "London"));
            support.add(record("support", "u" + i, AT, List.of(phone(i))));
        }
        for (int i = 0; i < n; i++) {
            all.add(record("survey", "f" + i, LATER, List.of("person" + i + "@example.com", phone((i + 1) % n)),
                    "first_name", crm.get(i).attributes().get("first_name")));
        }
        all.addAll(crm);
        all.addAll(support);
        java.util.Collections.shuffle(all, new java.util.Random(7));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (CustomerRecord record : all) {
                done.add(pool.submit(() -> resolver.resolve(record)));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        int joined = 0;
        java.util.Set<ProfileId> homes = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            joined += home(crm.get(i)).equals(home(support.get((i + 1) % n))) ? 1 : 0;
            joined += homes.add(home(crm.get(i))) ? 0 : 1;
        }
        return joined;
    }

    private static String phone(int i) {
        return String.format(java.util.Locale.ROOT, "07700 9%05d", 10_000 + i * 37);
    }

    private ProfileId home(CustomerRecord record) {
        return store.findBySource(record.id()).orElseThrow();
    }

    private static Identifier anonymous(String device) {
        return new Identifier(dev.tessera.core.model.IdentifierType.EXTERNAL_ID, "segment-anon:" + device);
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() < 2) {
            return List.of(items);
        }
        List<List<T>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }
}
