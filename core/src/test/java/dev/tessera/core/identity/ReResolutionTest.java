package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.ReResolution.Change;
import dev.tessera.core.identity.ReResolution.Report;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestSupport;
import io.lettuce.core.Range;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Re-resolving everything after a rule change (exact keys → probabilistic) against real Redis: the dry
 * run reports and leaves live data alone, apply produces that clustering, and agents' decisions hold.
 */
class ReResolutionTest {

    private static final IdentitySettings EXACT = new IdentitySettings(IdentitySettings.Policy.EXACT, null, null,
            null, null, null, null);
    private static final IdentitySettings PROBABILISTIC = IdentitySettings.defaults();

    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver exact;

    @BeforeEach
    void connect() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        exact = EXACT.resolver(store, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        redis.close();
    }

    /**
     * Under exact keys: Alice Smith and her father Bob (another first name, birth date and address) share
     * the family mailbox and were merged; Jonathan Miller's
     * two records (a typo in each, different mailboxes) stayed apart; Carol and Dan are fine.
     */
    private void exactKeysMergedTheFamilyAndMissedTheTypos() {
        exact.resolve(record("crm", "f1", 1, "smith.family@example.com", "Alice", "Smith", "1980-02-14",
                "12 High Street", "SW1A 1AA", "London"));
        exact.resolve(record("shop", "f2", 2, "smith.family@example.com", "Bob", "Smith", "1952-09-30",
                "4 Station Road", "LS2 7EW", "Leeds"));
        exact.resolve(record("crm", "t1", 3, "jon.miller@mail.example", "Jonathan", "Miller", "1988-05-21",
                "7 Baker Street", "M1 2AB", "Manchester"));
        exact.resolve(record("shop", "t2", 4, "j.millar@work.example", "Jonathon", "Millar", "1988-05-21",
                "7 Baker St", "M1 2AB", "Manchester"));
        exact.resolve(record("crm", "c1", 5, "carol.jones@mail.example", "Carol", "Jones", "1969-11-02",
                "3 Mill Lane", "LS1 4AP", "Leeds"));
        exact.resolve(record("crm", "d1", 6, "dan.walker@mail.example", "Daniel", "Walker", "1991-07-09",
                "40 Oak Road", "G1 1XQ", "Glasgow"));
        exact.resolve(record("support", "d2", 7, "dan.walker@mail.example", "Dan", "Walker", "1991-07-09",
                null, null, "Glasgow"));
        assertThat(home("crm:f1")).isEqualTo(home("shop:f2"));
        assertThat(home("crm:t1")).isNotEqualTo(home("shop:t2"));
        assertThat(store.profileIds()).hasSize(5);
    }

    @Test
    void dryRunReportsOneSplitAndOneMergeAndChangesNothing() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId family = home("crm:f1");
        ProfileId jonathan = home("crm:t1");
        ProfileId jonathon = home("shop:t2");
        Map<String, Object> before = dump();

        Report report = new ReResolution(store, PROBABILISTIC, Clock.systemUTC()).dryRun();

        assertThat(report.applied()).isFalse();
        assertThat(report.records()).isEqualTo(7);
        assertThat(report.profilesBefore()).isEqualTo(5);
        assertThat(report.profilesAfter()).isEqualTo(5);
        assertThat(report.split()).isEqualTo(1);
        assertThat(report.merges()).isEqualTo(1);
        assertThat(report.merged()).isEqualTo(2);
        assertThat(report.splitAndMerged()).isZero();
        assertThat(report.unchanged()).isEqualTo(2);
        assertThat(report.examples().get(Change.SPLIT)).containsExactly(family);
        assertThat(report.examples().get(Change.MERGED)).containsExactlyInAnyOrder(jonathan, jonathon);
        assertThat(report.examples().get(Change.UNCHANGED)).containsExactlyInAnyOrder(home("crm:c1"), home("crm:d1"));
        assertThat(String.join("\n", report.lines())).contains("split=1").contains("merges=1")
                .doesNotContain("Alice", "smith.family", "Miller");
        assertThat(dump()).as("live keys and values, and no scratch keys left").isEqualTo(before);
    }

    /**
     * The run keeps only each record's key, time and profile, and reads the records again as it resolves
     * them. An agent merges Dan's profile into Carol's while the run is under way (after it read the
     * profiles): Dan's records are read from where the source index says they are now, so the report is
     * the one a run without the merge gives (not Dan's records missing, which would read as a split).
     */
    @Test
    void recordsMovedWhileTheRunReadsThemAreReadFromWhereTheyAreNow() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId carol = home("crm:c1");
        ProfileId dan = home("crm:d1");
        ReResolution run = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());
        run.onProgress(message -> {
            if (message.startsWith("resolving ")) {
                exact.merge(dan, carol, new dev.tessera.core.model.MergeDecision("agent-7", "one household account",
                        Instant.parse("2026-03-01T10:00:00Z")));
            }
        });

        Report report = run.dryRun();

        assertThat(store.canonical(dan)).as("merged meanwhile").isNotEqualTo(java.util.Optional.of(dan));
        assertThat(report.records()).isEqualTo(7);
        assertThat(report.split()).isEqualTo(1);
        assertThat(report.merges()).isEqualTo(1);
        assertThat(report.unchanged()).isEqualTo(2);
        assertThat(report.examples().get(Change.UNCHANGED)).containsExactlyInAnyOrder(carol, dan);
    }

    /**
     * A split of Dan's profile starts while the run is under way: his records are held aside under his id
     * until the split resolves them again, and the run reads them there (not finding them would report his
     * profile as split into two missing records).
     */
    @Test
    void recordsHeldAsideByASplitUnderWayAreReadThere() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId dan = home("crm:d1");
        ReResolution run = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());
        run.onProgress(message -> {
            if (message.startsWith("resolving ")) {
                assertThat(store.dissolve(dan, store.find(dan).orElseThrow().version(), List.of())).isTrue();
            }
        });

        Report report = run.dryRun();

        assertThat(store.find(dan)).as("dissolved meanwhile").isEmpty();
        assertThat(report.records()).isEqualTo(7);
        assertThat(report.split()).isEqualTo(1);
        assertThat(report.unchanged()).isEqualTo(2);
        assertThat(report.examples().get(Change.UNCHANGED)).containsExactlyInAnyOrder(home("crm:c1"), dan);
    }

    @Test
    void applyProducesTheDryRunsClusteringAndOldIdsForward() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId family = home("crm:f1");
        ProfileId jonathan = home("crm:t1");
        ProfileId jonathon = home("shop:t2");
        ProfileId carol = home("crm:c1");
        Profile carolBefore = store.find(carol).orElseThrow();
        ReResolution reResolution = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());
        Report planned = reResolution.dryRun();

        Report applied = reResolution.apply();

        assertThat(applied.applied()).isTrue();
        assertThat(applied.counts()).isEqualTo(planned.counts());
        assertThat(applied.merges()).isEqualTo(1);
        assertThat(applied.profilesAfter()).isEqualTo(5);
        ProfileId alice = home("crm:f1");
        ProfileId bob = home("shop:f2");
        ProfileId miller = home("crm:t1");
        assertThat(alice).isNotEqualTo(bob);
        assertThat(home("shop:t2")).isEqualTo(miller);
        assertThat(store.find(alice).orElseThrow().records()).containsExactly(id("crm:f1"));
        assertThat(store.find(bob).orElseThrow().records()).containsExactly(id("shop:f2"));
        assertThat(store.find(miller).orElseThrow().records()).containsExactly(id("crm:t1"), id("shop:t2"));
        // old ids forward: the family's to the earlier record's profile (one record each way), the
        // Millers' to their merged profile
        assertThat(store.canonical(family)).contains(alice);
        assertThat(store.canonical(jonathan)).contains(miller);
        assertThat(store.canonical(jonathon)).contains(miller);
        assertThat(store.find(carol)).contains(carolBefore);
        assertThat(store.findByIdentifier(ids.email("smith.family@example.com").orElseThrow()))
                .containsExactlyInAnyOrder(alice, bob);
        assertThat(store.profileIds()).containsExactlyInAnyOrder(alice, bob, miller, carol, home("crm:d1"));

        Report again = reResolution.dryRun();

        assertThat(again.unchanged()).isEqualTo(5);
        assertThat(again.changed()).isZero();
        assertThat(again.merges()).isZero();
    }

    @Test
    void applyRefusesTheRecordsOfPeopleErasedWhileItRunsButNotRecordsSharingAnErasedEmail() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId family = home("crm:f1");
        dev.tessera.core.privacy.Tombstones tombstones = dev.tessera.core.privacy.Tombstones.withKey(redis,
                "test-key-of-32-characters-long!!".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        // the family profile's erasure has written its tombstones (its first step) and not yet sealed; and
        // someone who used Jonathan's address before him was erased long ago
        tombstones.write(List.of(id("crm:f1"), id("shop:f2")),
                List.of(ids.email("smith.family@example.com").orElseThrow()), Instant.now());
        tombstones.write(List.of(), List.of(ids.email("jon.miller@mail.example").orElseThrow()), Instant.now());

        Report applied = new ReResolution(store, PROBABILISTIC, Clock.systemUTC()).refusing(tombstones).apply();

        assertThat(applied.applied()).isTrue();
        assertThat(store.profileIds()).as("the family is not brought back")
                .noneMatch(p -> store.find(p).orElseThrow().records().contains(id("crm:f1"))
                        || store.find(p).orElseThrow().records().contains(id("shop:f2")));
        assertThat(store.canonical(family)).isEmpty();
        ProfileId miller = home("crm:t1");
        assertThat(store.find(miller).orElseThrow().records())
                .as("Jonathan's records are held already: his, kept and merged")
                .containsExactly(id("crm:t1"), id("shop:t2"));
    }

    @Test
    void theCommandDryRunsThenAppliesAgainstTheLiveRedisOfEitherTopology() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId family = home("crm:f1");
        Map<String, Object> before = dump();
        List<String> target = new ArrayList<>(List.of("--redis", RedisTestSupport.settings().url(), "--policy",
                "probabilistic"));
        if (RedisTestSupport.settings().cluster()) {
            target.add("--cluster");
        }

        String dryRun = command(target);

        assertThat(dryRun).startsWith("dry run (nothing changed): records=7 profiles_before=5 profiles_after=5")
                .contains("split=1").contains("merges=1").doesNotContain("Alice", "smith.family");
        assertThat(dump()).as("nothing changed by the dry run").isEqualTo(before);

        target.add("--apply");
        String applied = command(target);

        assertThat(applied).startsWith("applied: records=7").contains("split=1").contains("merges=1");
        assertThat(home("crm:f1")).isNotEqualTo(home("shop:f2"));
        assertThat(home("crm:t1")).isEqualTo(home("shop:t2"));
        assertThat(store.canonical(family)).contains(home("crm:f1"));
    }

    private static String command(List<String> args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = ReResolveCommand.run(args.toArray(String[]::new),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void appliedMovesTakeTimelinesAndConsentWithTheRecords() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        ProfileId family = home("crm:f1");
        var cx = new dev.tessera.core.cx.CxStore(store, dev.tessera.core.cx.CxSettings.defaults(), Clock.systemUTC());
        java.time.Instant at = java.time.Instant.parse("2026-01-10T10:00:00Z");
        cx.append(new dev.tessera.core.model.Interaction("o-1", id("crm:f1"), dev.tessera.core.model.InteractionKind.ORDER,
                "web", "checkout", at, new dev.tessera.core.model.Interaction.Money(new java.math.BigDecimal("30"), "EUR"),
                null, Map.of()));
        cx.append(new dev.tessera.core.model.Interaction("n-1", id("shop:f2"),
                dev.tessera.core.model.InteractionKind.SURVEY_RESPONSE, "email", "delivery", at.plusSeconds(60), null,
                new dev.tessera.core.model.Interaction.Score(dev.tessera.core.model.Interaction.ScoreType.NPS, 3), Map.of()));
        // Bob withdrew marketing by email through the shop; an agent recorded a statement for the family
        cx.consent().record(family, new dev.tessera.core.privacy.ConsentEntry("marketing",
                dev.tessera.core.privacy.ConsentChannel.EMAIL, dev.tessera.core.privacy.ConsentStatus.WITHDRAWN, at,
                "shop", id("shop:f2"), null, at));
        cx.consent().record(family, new dev.tessera.core.privacy.ConsentEntry("analytics",
                dev.tessera.core.privacy.ConsentChannel.ANY, dev.tessera.core.privacy.ConsentStatus.GRANTED, at,
                dev.tessera.core.privacy.ConsentEntry.AGENT, null, "agent-1", at));
        var hooks = new dev.tessera.core.cx.CxIdentityHooks(cx);

        new ReResolution(store, PROBABILISTIC, Clock.systemUTC()).onMoved(hooks::afterMoved).apply();

        ProfileId alice = home("crm:f1");
        ProfileId bob = home("shop:f2");
        assertThat(cx.interactions(alice)).extracting(dev.tessera.core.model.Interaction::id).contains("o-1")
                .doesNotContain("n-1");
        assertThat(cx.interactions(bob)).extracting(dev.tessera.core.model.Interaction::id).contains("n-1")
                .doesNotContain("o-1");
        assertThat(cx.metrics(bob).npsLatest()).isEqualTo(3);
        assertThat(cx.metrics(alice).orders()).isEqualTo(1);
        // the withdrawal follows Bob's record; the agent's statement stays with the profile the old id forwards to
        assertThat(cx.consent().stored(bob)).extracting(dev.tessera.core.privacy.ConsentEntry::purpose)
                .containsExactly("marketing");
        assertThat(store.canonical(family)).contains(alice);
        assertThat(cx.consent().stored(alice)).extracting(dev.tessera.core.privacy.ConsentEntry::purpose)
                .containsExactly("analytics");
    }

    @Test
    void anAgentsCannotLinkDecisionSurvivesReResolution() {
        // exact keys merge Dave's two records (same mailbox); an agent decides they are two people
        exact.resolve(record("crm", "a1", 1, "dave.brown@mail.example", "David", "Brown", "1984-03-12",
                "9 Church Road", "EH1 1YZ", "Edinburgh"));
        exact.resolve(record("shop", "a2", 2, "dave.brown@mail.example", "David", "Brown", "1984-03-12",
                "9 Church Road", "EH1 1YZ", "Edinburgh"));
        ProfileId dave = home("crm:a1");
        exact.split(dave, Set.of(id("shop:a2")));
        // a third record without the mailbox, which exact keys leave alone but matching links to both
        exact.resolve(record("support", "a3", 3, null, "Davd", "Brown", "1984-03-12", "9 Church Rd", "EH1 1YZ",
                "Edinburgh"));
        assertThat(store.profileIds()).hasSize(3);
        ReResolution reResolution = new ReResolution(store, PROBABILISTIC, Clock.systemUTC());

        Report planned = reResolution.dryRun();

        // a1 and a2 would be one profile with a3 without the decision: 3 merged; with it, a3 resembles both
        // separated people equally (their records are alike), so it joins neither: nothing changes
        assertThat(planned.merged()).isZero();
        assertThat(planned.unchanged()).isEqualTo(3);
        assertThat(planned.merges()).isZero();

        Report applied = reResolution.apply();

        assertThat(applied.counts()).isEqualTo(planned.counts());
        assertThat(home("crm:a1")).isNotEqualTo(home("shop:a2"));
        assertThat(store.cannotLink(id("crm:a1"))).containsExactly(id("shop:a2"));
        assertThat(reResolution.dryRun().changed()).isZero();
    }

    @Test
    void namespacesKeepTheirKeysApartAndDeleteOnlyTheirOwn() {
        exactKeysMergedTheFamilyAndMissedTheTypos();
        Map<String, Object> live = dump();
        ProfileStore scratch = new ProfileStore(redis, "rr:test:");
        ProfileResolver resolver = PROBABILISTIC.resolver(scratch, Clock.systemUTC());
        ProfileId alice = resolver.resolve(record("crm", "f1", 1, "smith.family@example.com", "Alice", "Smith",
                "1980-02-14", "12 High Street", "SW1A 1AA", "London")).profileId();

        assertThat(scratch.profileIds()).containsExactly(alice);
        assertThat(scratch.findBySource(id("crm:f1"))).contains(alice);
        assertThat(store.profileIds()).hasSize(5).doesNotContain(alice);
        assertThat(redis.commands().exists("rr:test:" + RedisKeys.profile(alice),
                "rr:test:" + RedisKeys.CHANGE_FEED)).isEqualTo(2);
        assertThat(RedisKeys.Namespace.of("rr:test:").profile(alice)).contains("{p:" + alice.value() + "}");

        assertThat(scratch.deleteNamespace()).isPositive();
        assertThat(dump()).isEqualTo(live);
    }

    private ProfileId home(String key) {
        return store.findBySource(id(key)).orElseThrow();
    }

    private static SourceRecordId id(String key) {
        return SourceRecordId.parse(key);
    }

    private CustomerRecord record(String source, String sourceId, int day, String email, String first, String last,
            String birthDate, String street, String postcode, String city) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("first_name", first);
        attributes.put("last_name", last);
        attributes.put("birth_date", birthDate);
        attributes.put("street", street);
        attributes.put("postcode", postcode);
        attributes.put("city", city);
        attributes.put("country", "GB");
        return new CustomerRecord(new SourceRecordId(source, sourceId),
                Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * day), identifiers, attributes);
    }

    /** Every key in the database with its value, by type. */
    private Map<String, Object> dump() {
        RedisClusterCommands<String, String> commands = redis.commands();
        Map<String, Object> all = new TreeMap<>();
        ScanIterator<String> keys = ScanIterator.scan(commands);
        while (keys.hasNext()) {
            String key = keys.next();
            Object value = switch (commands.type(key)) {
                case "string" -> commands.get(key);
                case "hash" -> new TreeMap<>(commands.hgetall(key));
                case "set" -> new java.util.TreeSet<>(commands.smembers(key));
                case "stream" -> commands.xrange(key, Range.create("-", "+")).stream()
                        .map(m -> m.getId() + "=" + new TreeMap<>(m.getBody())).toList();
                default -> throw new AssertionError("unexpected key type of " + key);
            };
            all.put(key, value);
        }
        return all;
    }
}
