package dev.tessera.core.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.privacy.ConsentChannel;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.privacy.ConsentStatus;
import dev.tessera.core.privacy.Erasure;
import dev.tessera.core.privacy.Tombstones;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestSupport;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Membership on a real Redis: joins and leaves follow the profile, merges, erasure, deletion, rebuilds. */
class SegmentEngineTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private RedisConnection redis;
    private ProfileStore profiles;
    private ProfileResolver resolver;
    private CxStore cx;
    private CxIdentityHooks hooks;
    private SegmentStore segments;
    private SegmentEngine engine;
    private Erasure erasure;
    private int answers;

    @BeforeEach
    void open() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        profiles = new ProfileStore(redis, RedisKeys.Namespace.DEFAULT);
        Tombstones tombstones = Tombstones.withKey(redis,
                "test-key-of-32-characters-long!!".getBytes(StandardCharsets.UTF_8), true);
        resolver = IdentitySettings.defaults().resolver(profiles, CLOCK, tombstones);
        cx = new CxStore(profiles, CxSettings.defaults(), CLOCK, tombstones);
        hooks = new CxIdentityHooks(cx);
        segments = new SegmentStore(redis, RedisKeys.Namespace.DEFAULT);
        engine = new SegmentEngine(profiles, cx, segments, CLOCK);
        erasure = new Erasure(profiles, cx, tombstones, resolver.policy(), new AuditLog(redis), CLOCK);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private ProfileId ingest(String source, String id, String email, Map<String, String> attributes) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        all.put("email", email);
        CustomerRecord record = new CustomerRecord(new SourceRecordId(source, id), NOW.minusSeconds(600),
                List.of(new Identifier(IdentifierType.EMAIL, email)), all);
        Resolution resolution = resolver.resolve(record);
        hooks.afterResolve(record, resolution);
        return resolution.profileId();
    }

    private void nps(String source, String record, String id, int score) {
        cx.append(new Interaction(id, new SourceRecordId(source, record), InteractionKind.SURVEY_RESPONSE, "email",
                "delivery", NOW.minusSeconds(600).plusSeconds(answers++), null, new Interaction.Score(Interaction.ScoreType.NPS, score), Map.of()));
    }

    private Segment segment(String id, String rule) {
        Segment s = new Segment(id, "Segment " + id, "", SegmentRules.parse(rule), NOW, "marketer-1", NOW,
                "marketer-1", 1);
        assertThat(segments.save(s, 0)).isTrue();
        return s;
    }

    private List<String> membersOf(String segment) {
        return segments.members(segment, 0, 100).stream().map(m -> m.profile().value()).toList();
    }

    @Test
    void recentDefinitionsAreReadAgainWhenOldOrWhenASegmentIsNew() {
        Segment first = segment("detractors", "{\"metric\":\"nps_latest\",\"op\":\"le\",\"value\":6}");
        assertThat(segments.allRecent(Set.of("detractors"), java.time.Duration.ofHours(1))).containsOnlyKeys("detractors");

        segment("germany", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        assertThat(segments.allRecent(Set.of("germany"), java.time.Duration.ofHours(1)))
                .as("a segment not among the kept ones is read at once").containsOnlyKeys("detractors", "germany");

        Segment renamed = new Segment(first.id(), "Unhappy", "", first.rule(), NOW, "marketer-1", NOW, "marketer-1", 2);
        assertThat(segments.save(renamed, 1)).isTrue();
        assertThat(segments.allRecent(Set.of("detractors"), java.time.Duration.ofHours(1)).get("detractors").name())
                .as("within the age a rename may show late").isEqualTo("Segment detractors");
        assertThat(segments.allRecent(Set.of("detractors"), java.time.Duration.ZERO).get("detractors").name())
                .isEqualTo("Unhappy");

        // memberships of a deleted segment (removed after its definition) do not cause a read each time
        assertThat(segments.allRecent(Set.of("gone"), java.time.Duration.ofHours(1))).doesNotContainKey("gone");
        assertThat(segments.allRecent(Set.of("gone-too"), java.time.Duration.ofHours(1))).doesNotContainKey("gone-too");
        Segment again = new Segment(first.id(), "Detractors", "", first.rule(), NOW, "marketer-1", NOW, "marketer-1", 3);
        assertThat(segments.save(again, 2)).isTrue();
        assertThat(segments.allRecent(Set.of("gone", "gone-too", "detractors"), java.time.Duration.ofHours(1))
                .get("detractors").name()).as("answered from the kept read").isEqualTo("Unhappy");
    }

    @Test
    void aProfileJoinsAndLeavesAsItsDataChangesAndEachChangeIsPublished() {
        segment("detractors", "{\"metric\":\"nps_latest\",\"op\":\"le\",\"value\":6}");
        segment("germany", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of("country", "DE"));

        SegmentEngine.Outcome first = engine.evaluate(ada);
        assertThat(first.diff().joined()).containsExactly("germany");
        assertThat(segments.membershipsOf(ada)).containsOnlyKeys("germany");
        assertThat(membersOf("germany")).containsExactly(ada.value());

        nps("shop", "c-1", "s-1", 3);
        assertThat(engine.evaluate(ada).diff().joined()).containsExactly("detractors");
        assertThat(engine.evaluate(ada).diff().isEmpty()).as("evaluating again changes nothing").isTrue();

        nps("shop", "c-1", "s-2", 10); // a later answer: promoter now
        assertThat(engine.evaluate(ada).diff().left()).containsExactly("detractors");
        assertThat(membersOf("detractors")).isEmpty();
        assertThat(segments.membershipsOf(ada)).containsOnlyKeys("germany");

        List<String> published = new ArrayList<>();
        for (StreamMessage<String, String> m : redis.commands().xread(XReadArgs.StreamOffset.from(
                RedisKeys.CHANGE_FEED, "0"))) {
            if (m.getBody().get("change").startsWith("segment-")) {
                published.add(m.getBody().get("change") + " " + m.getBody().get("segment"));
            }
        }
        assertThat(published).containsExactly("segment-joined germany", "segment-joined detractors",
                "segment-left detractors");
    }

    @Test
    void aRuleOverTheLastDaysCountsWhatTheTimelineHoldsInThatWindow() {
        segment("answered-lately", "{\"history\":{\"kind\":\"survey_response\",\"within_days\":1}}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        cx.append(new Interaction("s-old", new SourceRecordId("shop", "c-1"), InteractionKind.SURVEY_RESPONSE, "email",
                "delivery", NOW.minus(java.time.Duration.ofDays(3)), null,
                new Interaction.Score(Interaction.ScoreType.NPS, 9), Map.of()));
        assertThat(engine.evaluate(ada).diff().isEmpty()).as("an answer three days ago is outside").isTrue();

        nps("shop", "c-1", "s-new", 9);
        assertThat(engine.evaluate(ada).diff().joined()).containsExactly("answered-lately");
    }

    @Test
    void consentInAConditionFollowsTheLatestStatement() {
        segment("newsletter", "{\"consent\":{\"purpose\":\"marketing\",\"channel\":\"email\"}}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        assertThat(engine.evaluate(ada).diff().isEmpty()).isTrue();
        cx.consent().record(ada, new ConsentEntry("marketing", ConsentChannel.EMAIL, ConsentStatus.GRANTED,
                NOW.minusSeconds(30), ConsentEntry.AGENT, null, "agent-1", NOW));
        assertThat(engine.evaluate(ada).diff().joined()).containsExactly("newsletter");
        cx.consent().record(ada, new ConsentEntry("marketing", ConsentChannel.EMAIL, ConsentStatus.WITHDRAWN,
                NOW.minusSeconds(10), ConsentEntry.AGENT, null, "agent-1", NOW));
        assertThat(engine.evaluate(ada).diff().left()).containsExactly("newsletter");
    }

    @Test
    void aMergeTakesTheAbsorbedIdOutAndTheSurvivorIsEvaluatedWithEverything() {
        segment("two-sources", "{\"all\":[{\"source\":\"shop\"},{\"source\":\"crm\"}]}");
        segment("shoppers", "{\"source\":\"shop\"}");
        ProfileId shop = ingest("shop", "c-1", "ada@example.org", Map.of());
        engine.evaluate(shop);
        assertThat(membersOf("shoppers")).containsExactly(shop.value());

        // the CRM record has the shop's email and a second one: it lands on the shop profile
        ProfileId merged = ingest("crm", "k-9", "ada@example.org", Map.of());
        assertThat(profiles.canonical(shop)).contains(merged);
        engine.evaluate(shop);
        engine.evaluate(merged);
        assertThat(membersOf("two-sources")).containsExactly(merged.value());
        assertThat(membersOf("shoppers")).containsExactly(merged.value());
    }

    @Test
    void erasureRemovesTheMembershipsOnBothSides() {
        segment("everyone", "{\"has\":\"email\"}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        ProfileId bob = ingest("shop", "c-2", "bob@example.org", Map.of());
        engine.evaluate(ada);
        engine.evaluate(bob);
        assertThat(segments.size("everyone")).isEqualTo(2);

        erasure.erase(ada, "subject-request", "admin-1");
        assertThat(membersOf("everyone")).containsExactly(bob.value());
        assertThat(redis.commands().exists(RedisKeys.Namespace.DEFAULT.profileSegments(ada))).isZero();
        // the change feed's "erased" also evaluates: the profile is gone, nothing comes back
        assertThat(engine.evaluate(ada).live()).isFalse();
        assertThat(membersOf("everyone")).containsExactly(bob.value());
    }

    @Test
    void deletingASegmentRemovesItsMembershipsAndStopsEvaluations() {
        Segment everyone = segment("everyone", "{\"has\":\"email\"}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        engine.evaluate(ada);
        assertThat(segments.delete("everyone")).isTrue();
        assertThat(segments.delete("everyone")).isFalse();
        assertThat(segments.membershipsOf(ada)).isEmpty();
        assertThat(segments.size("everyone")).isZero();
        // an evaluation that still holds the old definition does not bring it back
        engine.evaluate(ada, List.of(everyone), false);
        assertThat(segments.membershipsOf(ada)).isEmpty();
        assertThat(segments.size("everyone")).isZero();
    }

    @Test
    void aBuildEvaluatesEveryProfileRepairsHalfWrittenMembershipsAndReportsProgress() {
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of("country", "DE"));
        ProfileId bob = ingest("shop", "c-2", "bob@example.org", Map.of("country", "FR"));
        ProfileId cem = ingest("shop", "c-3", "cem@example.org", Map.of("country", "DE"));
        Segment germany = segment("germany", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        // a crash between the two writes left ada on the profile's side only, and a stale id on the segment's
        redis.commands().hset(RedisKeys.Namespace.DEFAULT.profileSegments(ada), "germany", "1");
        redis.commands().zadd(RedisKeys.Namespace.DEFAULT.segmentMembers("germany"), 1, "gone-profile");

        assertThat(engine.build(germany)).isEqualTo(4);
        assertThat(membersOf("germany")).containsExactlyInAnyOrder(ada.value(), cem.value());
        assertThat(segments.membershipsOf(bob)).isEmpty();
        SegmentStore.Status status = segments.status("germany").orElseThrow();
        assertThat(status.state()).isEqualTo(SegmentStore.Status.READY);
        assertThat(status.evaluated()).isEqualTo(4);
        assertThat(status.total()).isEqualTo(4);
        assertThat(status.definitionVersion()).isEqualTo(1);
    }

    /**
     * Build A stalled past its lease; build B took over, finished and wrote {@code ready}. When A wakes, its
     * progress (or its own {@code ready} with stale counts) must not replace B's: the later build's status of
     * the same definition version stands. A build started after B's (a rebuild) still writes.
     */
    @Test
    void aStalledBuildDoesNotWriteOverTheFinishedStatusOfTheBuildThatTookOver() {
        segment("germany", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        Instant a = Instant.parse("2026-03-01T10:00:00.5Z");
        Instant b = Instant.parse("2026-03-01T10:02:00Z");
        segments.putStatus("germany", new SegmentStore.Status(SegmentStore.Status.READY, 4, 4, 1, b,
                b.plusSeconds(30)));

        segments.putStatus("germany", new SegmentStore.Status(SegmentStore.Status.BUILDING, 500, 4000, 1, a, null));
        segments.putStatus("germany", new SegmentStore.Status(SegmentStore.Status.READY, 3, 4, 1, a, b));

        assertThat(segments.status("germany").orElseThrow()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(SegmentStore.Status.READY);
            assertThat(s.evaluated()).isEqualTo(4);
            assertThat(s.startedAt()).isEqualTo(b);
        });
        Instant rebuild = b.plusMillis(60_001);
        segments.putStatus("germany", new SegmentStore.Status(SegmentStore.Status.BUILDING, 0, 0, 1, rebuild, null));
        assertThat(segments.status("germany").orElseThrow().state()).isEqualTo(SegmentStore.Status.BUILDING);
    }

    /** Walking the members by cursor: members leaving or joining meanwhile make no one who stayed skipped or repeated. */
    @Test
    void membersAfterACursorSkipAndRepeatNoOneWhoStayedWhileOthersComeAndGo() {
        segment("germany", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        String key = RedisKeys.Namespace.DEFAULT.segmentMembers("germany");
        redis.commands().zadd(key, 1000, "p-a");
        redis.commands().zadd(key, 1000, "p-b");
        redis.commands().zadd(key, 2000, "p-c");
        redis.commands().zadd(key, 3000, "p-d");

        List<SegmentStore.Member> first = segments.membersAfter("germany",
                new SegmentStore.Member(new ProfileId("p-a"), Instant.ofEpochMilli(1000)), 1);
        assertThat(first).extracting(m -> m.profile().value()).containsExactly("p-b");
        // the cursor's member leaves, another joins before it and one joins at the same millisecond after it
        redis.commands().zrem(key, "p-b");
        redis.commands().zadd(key, 500, "p-early");
        redis.commands().zadd(key, 1000, "p-bb");
        List<SegmentStore.Member> rest = segments.membersAfter("germany", first.get(0), 10);
        assertThat(rest).extracting(m -> m.profile().value()).containsExactly("p-bb", "p-c", "p-d");
        assertThat(rest.get(1).joinedAt()).isEqualTo(Instant.ofEpochMilli(2000));
        assertThat(segments.membersAfter("germany", rest.get(2), 10)).isEmpty();
    }

    /** A clock that holds one thread (the "slow evaluator") between reading the profile and writing. */
    private static final class HoldingClock extends Clock {
        final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        volatile Thread held;

        @Override
        public Instant instant() {
            if (Thread.currentThread() == held) {
                held = null;
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return NOW;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /**
     * Runs {@code slow} on an engine whose clock holds it between reading and writing, runs
     * {@code meanwhile} while it is held, then lets it finish.
     */
    private void whileAnEvaluationIsHeld(java.util.function.Function<SegmentEngine, SegmentEngine.Outcome> slow,
            java.util.concurrent.Callable<?> meanwhile) throws Exception {
        HoldingClock clock = new HoldingClock();
        SegmentEngine slowEngine = new SegmentEngine(profiles, cx, segments, clock);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<SegmentEngine.Outcome> held = pool.submit(() -> {
                clock.held = Thread.currentThread();
                return slow.apply(slowEngine);
            });
            assertThat(clock.reached.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            meanwhile.call();
            clock.release.countDown();
            held.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSlowEvaluationThatReadAnOlderStateDoesNotLeaveItsOutcomeBehind() throws Exception {
        segment("promoters", "{\"metric\":\"nps_latest\",\"op\":\"ge\",\"value\":9}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        nps("shop", "c-1", "s-0", 10);
        engine.evaluate(ada);
        assertThat(segments.isMember("promoters", ada)).isTrue();
        // the slow one reads "a promoter, a member", then waits; released, it writes "a member", notices the
        // change and evaluates again
        whileAnEvaluationIsHeld(slow -> slow.evaluate(ada), () -> {
            nps("shop", "c-1", "s-1", 2);
            engine.evaluate(ada); // the change feed's evaluation of the answer: a detractor, out
            assertThat(segments.isMember("promoters", ada)).isFalse();
            return null;
        });
        assertThat(segments.isMember("promoters", ada)).isFalse();
        assertThat(segments.membershipsOf(ada)).isEmpty();
    }

    @Test
    void aSegmentDeletedDuringAnEvaluationTakesOnlyItsOwnMembershipAlong() throws Exception {
        Segment doomed = segment("doomed", "{\"has\":\"email\"}");
        Segment kept = segment("kept", "{\"has\":\"email\"}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        engine.evaluate(ada);
        whileAnEvaluationIsHeld(slow -> slow.evaluate(ada, List.of(doomed, kept), true),
                () -> assertThat(segments.delete("doomed")).isTrue());
        assertThat(segments.membershipsOf(ada)).containsOnlyKeys("kept");
        assertThat(segments.isMember("kept", ada)).isTrue();
        assertThat(segments.size("doomed")).isZero();
    }

    @Test
    void aSlowEvaluationOfARuleChangedMeanwhileEndsWithTheNewRule() throws Exception {
        Segment v1 = segment("market", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of("country", "DE"));
        // under v1 ada is in; the slow one waits with that outcome while the rule changes to v2
        whileAnEvaluationIsHeld(slow -> slow.evaluate(ada), () -> {
            Segment v2 = new Segment("market", v1.name(), "", SegmentRules.parse(
                    "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"FR\"}"), NOW, "m", NOW, "m", 2);
            assertThat(segments.save(v2, 1)).isTrue();
            assertThat(segments.save(v2, 1)).as("a second save of version 1 conflicts").isFalse();
            engine.build(v2);
            assertThat(segments.isMember("market", ada)).isFalse();
            return null;
        });
        assertThat(segments.isMember("market", ada)).isFalse();
        assertThat(segments.membershipsOf(ada)).isEmpty();
    }

    @Test
    void anEvaluationHandedOutdatedDefinitionsNeverAnnouncesTheOldRulesOutcome() {
        Segment v1 = segment("market", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        Segment dropped = segment("dropped", "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}");
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of("country", "DE"));
        // a pass listed v1 and "dropped"; then the rule changed to FR and "dropped" was deleted
        assertThat(segments.save(new Segment("market", v1.name(), "", SegmentRules.parse(
                "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"FR\"}"), NOW, "m", NOW, "m", 2), 1)).isTrue();
        assertThat(segments.delete("dropped")).isTrue();
        long before = redis.commands().xlen(RedisKeys.CHANGE_FEED);

        engine.evaluate(ada, List.of(v1, dropped), true);

        assertThat(redis.commands().xrange(RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+")).stream()
                .skip(before).map(m -> m.getBody().get("change") + " " + m.getBody().get("segment")).toList())
                .as("neither joined and left again").isEmpty();
        assertThat(segments.membershipsOf(ada)).isEmpty();
        assertThat(redis.commands().exists(RedisKeys.Namespace.DEFAULT.segmentMembers("dropped"))).isZero();
    }

    @Test
    void onlyVisibleChangesOfTheTimelineReachTheChangeFeed() {
        ProfileId ada = ingest("shop", "c-1", "ada@example.org", Map.of());
        nps("shop", "c-1", "s-1", 10);
        cx.refresh(ada);
        long before = redis.commands().xlen(RedisKeys.CHANGE_FEED);
        cx.refresh(ada); // nothing changed: segments need not look again
        cx.refresh(ada);
        assertThat(redis.commands().xlen(RedisKeys.CHANGE_FEED)).isEqualTo(before);
        Interaction answer = new Interaction("s-2", new SourceRecordId("shop", "c-1"), InteractionKind.SURVEY_RESPONSE,
                "email", "delivery", NOW.minusSeconds(30), null, new Interaction.Score(Interaction.ScoreType.NPS, 3),
                Map.of());
        cx.append(answer);
        cx.append(answer); // the same answer again: a duplicate, nothing to see
        assertThat(redis.commands().xrange(RedisKeys.CHANGE_FEED, io.lettuce.core.Range.create("-", "+")).stream()
                .skip(before).map(m -> m.getBody().get("change")).toList()).isEqualTo(List.of("cx"));
    }

    // ---- preview: how many would match, before saving

    @Test
    void aPreviewCountsEveryProfileWhenTheSampleCoversThemAndStoresNothing() {
        List<ProfileId> detractors = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ProfileId p = ingest("shop", "c-" + i, "p" + i + "@example.org", Map.of("country", i % 3 == 0 ? "DE" : "FR"));
            nps("shop", "c-" + i, "s-" + i, i % 2 == 0 ? 3 : 10);
            if (i % 3 == 0 && i % 2 == 0) {
                detractors.add(p);
            }
        }
        SegmentRule rule = SegmentRules.parse("""
                {"all": [{"attribute": "country", "op": "eq", "value": "de"}, {"nps_category": "detractor"}]}""");
        long keys = redis.commands().dbsize();

        SegmentPreview preview = engine.preview(rule, 1_000, java.time.Duration.ofSeconds(30), 3,
                new java.util.Random(7));

        assertThat(preview.exact()).isTrue();
        assertThat(preview.profiles()).isEqualTo(30);
        assertThat(preview.evaluated()).isEqualTo(30);
        assertThat(preview.matched()).isEqualTo(5); // 0, 6, 12, 18, 24
        assertThat(preview.estimate()).isEqualTo(5);
        assertThat(preview.low()).isEqualTo(5);
        assertThat(preview.high()).isEqualTo(5);
        assertThat(preview.examples()).hasSize(3).allMatch(detractors::contains);
        assertThat(redis.commands().dbsize()).as("nothing written").isEqualTo(keys);
        assertThat(segments.all()).isEmpty();
    }

    @Test
    void aPreviewOfASampleScalesUpWithTheIntervalOfWhatItSaw() {
        for (int i = 0; i < 200; i++) {
            ingest("shop", "c-" + i, "p" + i + "@example.org", Map.of("country", i % 4 == 0 ? "DE" : "FR"));
        }
        SegmentRule germany = SegmentRules.parse("{\"attribute\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}");

        SegmentPreview preview = engine.preview(germany, 80, java.time.Duration.ofSeconds(30), 0,
                new java.util.Random(11));

        assertThat(preview.exact()).isFalse();
        assertThat(preview.profiles()).isEqualTo(200);
        assertThat(preview.evaluated()).isEqualTo(80);
        assertThat(preview.examples()).isEmpty();
        assertThat(preview.estimate()).isEqualTo(Math.round(preview.matched() * 200.0 / 80));
        // the interval of what was seen (the sample is random: whether it holds the true 50 is a 95 % matter,
        // docs/benchmarks.md measures that)
        SegmentPreview expected = SegmentPreview.of(200, 80, preview.matched(), List.of());
        assertThat(preview.low()).isEqualTo(expected.low()).isLessThan(preview.estimate());
        assertThat(preview.high()).isEqualTo(expected.high()).isGreaterThan(preview.estimate());
        // another draw sees other profiles: a sample, not the first 80
        SegmentPreview other = engine.preview(germany, 80, java.time.Duration.ofSeconds(30), 200,
                new java.util.Random(12));
        assertThat(other.examples()).hasSize((int) other.matched());
        SegmentPreview third = engine.preview(germany, 80, java.time.Duration.ofSeconds(30), 200,
                new java.util.Random(13));
        assertThat(third.examples()).isNotEqualTo(other.examples());
    }

    @Test
    void aPreviewOutOfTimeReportsTheSampleItHasAndAProfileGoneMeanwhileDoesNotMatch() {
        for (int i = 0; i < 250; i++) {
            ingest("shop", "c-" + i, "p" + i + "@example.org", Map.of("country", "DE"));
        }
        SegmentRule germany = SegmentRules.parse("{\"attribute\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}");

        // no time at all: the first round trip's profiles still make a preview
        SegmentPreview rushed = engine.preview(germany, 1_000, java.time.Duration.ZERO, 0, new java.util.Random(1));

        assertThat(rushed.evaluated()).isEqualTo(SegmentEngine.PREVIEW_BATCH);
        assertThat(rushed.exact()).isFalse();
        assertThat(rushed.matched()).isEqualTo(SegmentEngine.PREVIEW_BATCH);
        assertThat(rushed.estimate()).isEqualTo(250);
        assertThat(rushed.high()).isEqualTo(250);
        assertThat(rushed.low()).isLessThan(250).isGreaterThanOrEqualTo(SegmentEngine.PREVIEW_BATCH);
    }
}
