package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.identity.ProfileExplainer.RecordExplanation;
import dev.tessera.core.identity.ReResolution.Change;
import dev.tessera.core.identity.ReResolution.Report;
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
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Re-resolving records honours the must-link decisions of manual merges as it honours cannot-links: a
 * split of another record, a re-resolution run (dry run and apply) and concurrent resolution keep the
 * records a person joined together; a newer cannot-link wins; contradicting decisions are reported.
 */
class MustLinkReResolutionTest {

    private static final MergeDecision DECISION = new MergeDecision("agent-7", "same customer, confirmed by phone",
            Instant.parse("2026-03-01T10:00:00Z"));
    private static final IdentitySettings EXACT = new IdentitySettings(IdentitySettings.Policy.EXACT, null, null,
            null, null, null, null);
    private static final IdentitySettings PROBABILISTIC = IdentitySettings.defaults();

    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver resolver;

    @BeforeEach
    void connect() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = new ProfileResolver(store, new ExactKeyPolicy(), new GoldenRecordBuilder(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        redis.close();
    }

    /** Jane's two records share no key; an agent merged them. Returns the merged profile. */
    private ProfileId janeMergedByAnAgent() {
        ProfileId jane = resolver.resolve(simple("c1", 1, "jane@example.com", null, "Jane")).profileId();
        ProfileId work = resolver.resolve(simple("c2", 2, "j.doe@work.example", "020 7946 0958", "Jane")).profileId();
        assertThat(jane).isNotEqualTo(work);
        return resolver.merge(jane, work, DECISION).profileId();
    }

    @Test
    void splittingAThirdRecordOutKeepsTheManuallyMergedRecordsTogether() {
        ProfileId jane = janeMergedByAnAgent();
        // Mallory shares Jane's work landline and joins the merged profile on it
        assertThat(resolver.resolve(simple("m3", 3, null, "020 7946 0958", "Mallory")).profileId()).isEqualTo(jane);

        ProfileResolver.SplitResult split = resolver.split(jane, Set.of(id("m3")));

        assertThat(split.remaining()).hasSize(1);
        ProfileId rest = split.remaining().get(0);
        assertThat(store.find(rest).orElseThrow().records()).containsExactlyInAnyOrder(id("c1"), id("c2"));
        assertThat(store.find(split.movedOut().get(0)).orElseThrow().records()).containsExactly(id("m3"));
        RecordExplanation c2 = explain(rest, "c2");
        assertThat(c2.evidence().rule()).isEqualTo(ProfileResolver.MANUAL_MERGE);
        assertThat(c2.joinedWith()).isEqualTo(Map.of(id("c1"), DECISION));
        assertThat(c2.separatedFrom()).containsExactly(id("m3"));
    }

    @Test
    void aReResolutionRunKeepsThemTogetherAndCountsThemUnchanged() {
        ProfileId jane = janeMergedByAnAgent();
        ProfileId other = resolver.resolve(simple("d1", 3, "dan@example.com", null, "Dan")).profileId();
        Profile before = store.find(jane).orElseThrow();
        ReResolution reResolution = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());

        Report planned = reResolution.dryRun();

        // matching alone would split them (nothing but a first name in common)
        assertThat(planned.unchanged()).isEqualTo(2);
        assertThat(planned.changed()).isZero();
        assertThat(planned.mustLinkConflicts()).isZero();
        assertThat(planned.examples().get(Change.UNCHANGED)).containsExactlyInAnyOrder(jane, other);
        assertThat(String.join("\n", planned.lines())).contains("must_link_conflicts=0")
                .doesNotContain("jane@", "Jane");

        Report applied = reResolution.apply();

        assertThat(applied.counts()).isEqualTo(planned.counts());
        assertThat(store.find(jane)).contains(before);
    }

    @Test
    void applyReResolvingAManuallyMergedProfileKeepsTheDecision() {
        // exact keys merged Alice with her father Bob on the family mailbox; an agent merged Alice's work
        // record (no key in common) into that profile
        ProfileResolver exact = EXACT.resolver(store, Clock.systemUTC());
        ProfileId family = exact.resolve(person("crm", "f1", 1, "smith.family@example.com", "Alice", "Smith",
                "1980-02-14", "12 High Street", "SW1A 1AA", "London")).profileId();
        exact.resolve(person("shop", "f2", 2, "smith.family@example.com", "Bob", "Smith", "1952-09-30",
                "4 Station Road", "LS2 7EW", "Leeds"));
        ProfileId work = exact.resolve(person("crm", "w9", 3, "a.smith@corp.example", "Ally", "Smyth", null, null,
                null, null)).profileId();
        exact.merge(family, work, DECISION);
        ReResolution reResolution = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());

        Report planned = reResolution.dryRun();

        assertThat(planned.split()).isEqualTo(1);
        assertThat(planned.examples().get(Change.SPLIT)).containsExactly(family);
        assertThat(planned.profilesAfter()).isEqualTo(2);
        assertThat(planned.mustLinkConflicts()).isZero();

        Report applied = reResolution.apply();

        assertThat(applied.counts()).isEqualTo(planned.counts());
        ProfileId alice = home("crm:f1");
        assertThat(home("crm:w9")).isEqualTo(alice);
        assertThat(home("shop:f2")).isNotEqualTo(alice);
        RecordExplanation w9 = explain(alice, "crm:w9");
        assertThat(w9.evidence().rule()).isEqualTo(ProfileResolver.MANUAL_MERGE);
        assertThat(w9.joinedWith()).isEqualTo(Map.of(id("crm:f1"), DECISION));
        assertThat(reResolution.dryRun().changed()).isZero();
    }

    @Test
    void aLaterCannotLinkBetweenTheSameRecordsWins() {
        ProfileId jane = janeMergedByAnAgent();
        // recorded after the merge, which dropped the cannot-links between the two records
        store.addCannotLink(id("c1"), id("c2"));
        ReResolution reResolution = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());

        Report planned = reResolution.dryRun();

        assertThat(planned.split()).isEqualTo(1);
        assertThat(planned.examples().get(Change.SPLIT)).containsExactly(jane);
        assertThat(planned.mustLinkConflicts()).isZero();

        reResolution.apply();

        assertThat(home("c1")).isNotEqualTo(home("c2"));
        // and the record arriving again does not join its old partner either
        assertThat(resolver.resolve(simple("c2", 5, "j.doe@work.example", "020 7946 0958", "Jane")).profileId())
                .isEqualTo(home("c2")).isNotEqualTo(home("c1"));
    }

    @Test
    void aChainOfMustLinksAcrossACannotLinkIsReportedAndNotEnforced() {
        ProfileId a = resolver.resolve(simple("c1", 1, "one@example.com", null, "Ann")).profileId();
        ProfileId b = resolver.resolve(simple("c2", 2, "two@example.com", null, "Ann")).profileId();
        ProfileId c = resolver.resolve(simple("c3", 3, "three@example.com", null, "Ann")).profileId();
        store.addMustLink(id("c1"), id("c2"), DECISION);
        store.addMustLink(id("c2"), id("c3"), DECISION);
        store.addCannotLink(id("c1"), id("c3"));
        ReResolution reResolution = new ReResolution(store, EXACT, Clock.systemUTC());

        Report planned = reResolution.dryRun();

        assertThat(planned.mustLinkConflicts()).isEqualTo(1);
        assertThat(planned.conflictExamples()).containsExactlyInAnyOrder(a, b, c);
        assertThat(planned.unchanged()).isEqualTo(3);
        assertThat(String.join("\n", planned.lines())).contains("must_link_conflicts=1")
                .doesNotContain("one@", "Ann");

        Report applied = reResolution.apply();

        assertThat(applied.mustLinkConflicts()).isEqualTo(1);
        // the resolver picks no side: c2 arriving again stays where it is, c1 and c3 stay apart
        assertThat(resolver.resolve(simple("c2", 4, "two@example.com", null, "Ann")).profileId()).isEqualTo(b);
        assertThat(Set.of(home("c1"), home("c2"), home("c3"))).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void aSplitThatWouldContradictMustLinksIsRefusedAndChangesNothing() {
        ProfileId jane = janeMergedByAnAgent();
        // a third record, in a profile of its own, that a person joined with both of Jane's records
        resolver.resolve(simple("x9", 3, "x@example.com", null, "Jane"));
        store.addMustLink(id("c1"), id("x9"), DECISION);
        store.addMustLink(id("c2"), id("x9"), DECISION);
        Profile before = store.find(jane).orElseThrow();

        assertThatThrownBy(() -> resolver.split(jane, Set.of(id("c2"))))
                .isInstanceOf(MustLinkConflictException.class)
                .satisfies(e -> assertThat(((MustLinkConflictException) e).records())
                        .containsExactlyInAnyOrder(id("c1"), id("c2"), id("x9")))
                .hasMessageNotContaining("jane");
        assertThat(store.find(jane)).contains(before);
        assertThat(store.cannotLink(id("c2"))).isEmpty();
        assertThat(store.mustLink(id("c2"))).containsOnlyKeys(id("c1"), id("x9"));
    }

    /**
     * x9 was joined with Jane's work record and separated from her private one by earlier decisions;
     * merging her two profiles would chain x9 to the record it was separated from. Refused, nothing
     * changes; without the x9 decisions the same merge goes through.
     */
    @Test
    void aMergeThatWouldContradictEarlierDecisionsIsRefusedAndChangesNothing() {
        ProfileId jane = resolver.resolve(simple("c1", 1, "jane@example.com", null, "Jane")).profileId();
        ProfileId work = resolver.resolve(simple("c2", 2, "j.doe@work.example", "020 7946 0958", "Jane")).profileId();
        resolver.resolve(simple("x9", 3, "x@example.com", null, "Jane"));
        store.addMustLink(id("c2"), id("x9"), DECISION);
        store.addCannotLink(id("x9"), id("c1"));
        Profile janeBefore = store.find(jane).orElseThrow();
        Profile workBefore = store.find(work).orElseThrow();

        assertThatThrownBy(() -> resolver.merge(jane, work, DECISION))
                .isInstanceOf(MustLinkConflictException.class)
                .satisfies(e -> assertThat(((MustLinkConflictException) e).records())
                        .containsExactlyInAnyOrder(id("c1"), id("c2"), id("x9")))
                .hasMessageNotContaining("jane");
        assertThat(store.find(jane)).contains(janeBefore);
        assertThat(store.find(work)).contains(workBefore);
        assertThat(store.mustLink(id("c1"))).isEmpty();

        store.removeCannotLink(id("x9"), id("c1"));
        assertThat(resolver.merge(jane, work, DECISION).merged()).containsExactly(work);
    }

    /** The same through a record of the surviving profile other than the one the decision is written on. */
    @Test
    void aMergeIsRefusedAlsoWhenTheChainRunsThroughAnotherRecordOfTheSurvivor() {
        ProfileId jane = janeMergedByAnAgent(); // c1 + c2
        ProfileId zoe = resolver.resolve(simple("z1", 4, "zoe@example.com", null, "Zoe")).profileId();
        resolver.resolve(simple("x9", 5, "x@example.com", null, "Xavier"));
        assertThat(store.find(jane).orElseThrow().records()).contains(id("c1"), id("c2"));
        store.addMustLink(id("c2"), id("x9"), DECISION);
        store.addCannotLink(id("x9"), id("z1"));

        assertThatThrownBy(() -> resolver.merge(jane, zoe, DECISION))
                .isInstanceOf(MustLinkConflictException.class);
        assertThat(store.find(zoe)).isPresent();
    }

    @Test
    void concurrentResolutionEndsWithEveryDecidedGroupInOneProfile() throws Exception {
        // 60 records without shared keys; decisions join chains of 2-4 of them (the resolver's own
        // namespace, as a re-resolution's scratch copy is)
        List<CustomerRecord> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            records.add(simple("r" + i, i, "person" + i + "@example.com", null, "P"));
        }
        Set<Set<SourceRecordId>> expected = new HashSet<>();
        int i = 0;
        int[] sizes = {2, 3, 4, 1};
        for (int g = 0; i < records.size(); g++) {
            int size = Math.min(sizes[g % sizes.length], records.size() - i);
            Set<SourceRecordId> group = new TreeSet<>();
            for (int k = 0; k < size; k++) {
                group.add(records.get(i + k).id());
                if (k > 0) { // a chain: each joined with the one before
                    store.addMustLink(records.get(i + k - 1).id(), records.get(i + k).id(), DECISION);
                }
            }
            expected.add(group);
            i += size;
        }
        for (int round = 0; round < 4; round++) {
            ProfileStore scratch = new ProfileStore(redis, "rr:t" + round + ":");
            scratch.copyMustLinks(store);
            ProfileResolver concurrent = EXACT.resolver(scratch, Clock.systemUTC());
            List<CustomerRecord> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, new Random(round));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int from = t;
                    done.add(pool.submit(() -> {
                        for (int r = from; r < shuffled.size(); r += 4) {
                            concurrent.resolve(shuffled.get(r));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            Set<Set<SourceRecordId>> clustering = new HashSet<>(scratch.recordIds(scratch.profileIds()).values());
            assertThat(clustering).as("round " + round).isEqualTo(expected);
            scratch.deleteNamespace();
        }
    }

    private RecordExplanation explain(ProfileId profile, String record) {
        return new ProfileExplainer(store).explain(profile).orElseThrow().records().stream()
                .filter(r -> r.record().id().equals(id(record))).findFirst().orElseThrow();
    }

    private ProfileId home(String key) {
        return store.findBySource(id(key)).orElseThrow();
    }

    /** "crm:c1" or just "c1" (source crm). */
    private static SourceRecordId id(String key) {
        return key.contains(":") ? SourceRecordId.parse(key) : new SourceRecordId("crm", key);
    }

    private CustomerRecord simple(String sourceId, int day, String email, String phone, String firstName) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        ids.phone(phone).ifPresent(identifiers::add);
        return new CustomerRecord(id(sourceId), Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * day),
                identifiers, Map.of("first_name", firstName));
    }

    private CustomerRecord person(String source, String sourceId, int day, String email, String first, String last,
            String birthDate, String street, String postcode, String city) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("first_name", first);
        attributes.put("last_name", last);
        if (birthDate != null) {
            attributes.put("birth_date", birthDate);
        }
        if (street != null) {
            attributes.put("street", street);
            attributes.put("postcode", postcode);
            attributes.put("city", city);
        }
        attributes.put("country", "GB");
        return new CustomerRecord(new SourceRecordId(source, sourceId),
                Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * day), identifiers, attributes);
    }
}
