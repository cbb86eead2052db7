package dev.tessera.core.privacy;

import static dev.tessera.core.privacy.PrivacyFixtures.T0;
import static dev.tessera.core.privacy.PrivacyFixtures.consentChange;
import static dev.tessera.core.privacy.PrivacyFixtures.order;
import static dev.tessera.core.privacy.PrivacyFixtures.person;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditQuery;
import dev.tessera.core.cx.AppendResult;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.ExactKeyPolicy;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.StreamMessage;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Erasure removes a person completely and keeps them out; export holds everything. Both access paths. */
class ErasureTest {

    private static final String EMAIL = "zelda.quartermain@example.org";
    private static final String PHONE = "+447700900123";
    private static final String FIRST = "Zelda";
    private static final String LAST = "Quartermain";
    private static final String SHOP_ID = "cust-zq-7781";
    private static final String CRM_ID = "crm-zq-5512";

    private RedisConnection redis;

    @BeforeEach
    void open() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @org.junit.jupiter.api.Test
    void aSplitLeftHalfwayIsFinishedBeforeTheErasureTakesHerRecordAndHistory() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), false);
        ProfileId both = f.ingest(shopRecord()).profileId();
        assertThat(f.ingest(crmRecord()).profileId()).isEqualTo(both);
        SourceRecordId shop = new SourceRecordId("shop", SHOP_ID);
        f.cx.append(order(shop, "o-" + SHOP_ID, T0.minusSeconds(5000)));
        RedisKeys.Namespace keys = f.profiles.namespace();
        // resolved again and forwarded; the records (and her history) still held under the old id
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.resolver.split(both,
                java.util.Set.of(new SourceRecordId("crm", CRM_ID)), moved -> {
                    throw new IllegalStateException("the process stops before the follow-up");
                })).isInstanceOf(IllegalStateException.class);
        assertThat(redis.commands().exists(keys.dissolvedRecords(both))).isEqualTo(1);
        ProfileId rest = f.profiles.findBySource(shop).orElseThrow();

        // erasing now would leave her order under the old id, which nothing leads to after the erasure
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.erasure.erase(rest, "subject-request", "admin-1"))
                .isInstanceOf(java.util.ConcurrentModificationException.class);
        assertThat(f.resolver.finishDissolved(java.time.Duration.ZERO, f.hooks::afterMoved)).containsExactly(both);
        assertThat(f.cx.interactions(rest)).extracting(dev.tessera.core.model.Interaction::id)
                .contains("o-" + SHOP_ID);
        f.erasure.erase(rest, "subject-request", "admin-1").orElseThrow();

        assertThat(f.profiles.dissolvedHeld()).isEmpty();
        assertThat(redis.commands().exists(keys.dissolvedRecords(both), keys.splitOut(both))).isZero();
        assertThat(f.profiles.findBySource(shop)).as("erased, not brought back").isEmpty();
        assertThat(dump()).as("her order and record id are nowhere").noneMatch(e -> e.contains(SHOP_ID));
    }

    @Test
    void anErasureWaitsForAStoppedSplitOnlySoLong() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), false);
        ProfileId both = f.ingest(shopRecord()).profileId();
        assertThat(f.ingest(crmRecord()).profileId()).isEqualTo(both);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.resolver.split(both,
                java.util.Set.of(new SourceRecordId("crm", CRM_ID)), moved -> {
                    throw new IllegalStateException("the process stops before the follow-up");
                })).isInstanceOf(IllegalStateException.class);
        ProfileId rest = f.profiles.findBySource(new SourceRecordId("shop", SHOP_ID)).orElseThrow();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.erasure.erase(rest, "subject-request", "admin-1"))
                .isInstanceOf(java.util.ConcurrentModificationException.class);

        // the finisher is off or keeps failing: past the bound the erasure goes on (as it did before waiting)
        String key = f.profiles.namespace().profile(both);
        long dissolvedAt = Long.parseLong(redis.commands().hget(key, "dissolved-at"));
        redis.commands().hset(key, "dissolved-at", Long.toString(dissolvedAt - Erasure.STALE_HOLD.toMillis() - 1000));

        assertThat(f.erasure.erase(rest, "subject-request", "admin-1")).isPresent();
        assertThat(redis.commands().hkeys(f.profiles.namespace().dissolvedRecords(both)))
                .containsExactly("crm:" + CRM_ID);
    }

    @Test
    void anErasureOfTheSideASplitMovedOutLeavesItsRecordIdsNowhereOnTheOldProfile() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), false);
        ProfileId old = f.ingest(shopRecord()).profileId();
        assertThat(f.ingest(crmRecord()).profileId()).isEqualTo(old);
        assertThat(f.ingest(person("web", "w-77", EMAIL, PHONE, FIRST, LAST, Map.of())).profileId()).isEqualTo(old);
        SourceRecordId crm = new SourceRecordId("crm", CRM_ID);
        f.cx.append(order(crm, "o-" + CRM_ID, T0.minusSeconds(5000)));
        // the agent splits the crm record out: the old id forwards to the side holding the other two
        f.resolver.split(old, java.util.Set.of(crm), f.hooks::afterMoved);
        ProfileId movedOut = f.profiles.findBySource(crm).orElseThrow();
        ProfileId rest = f.profiles.findBySource(new SourceRecordId("shop", SHOP_ID)).orElseThrow();
        assertThat(redis.commands().hget(f.profiles.namespace().profile(old), "forward")).isEqualTo(rest.value());
        assertThat(dump()).as("the split noted where the record went").anyMatch(e -> e.contains(CRM_ID));

        f.erasure.erase(movedOut, "subject-request", "admin-1").orElseThrow();

        // the old profile is not a former id of the erased one (it forwards to the rest), but where its
        // records went names them (a source id can be an email): that goes too
        assertThat(dump()).noneMatch(e -> e.contains(CRM_ID));
        assertThat(f.profiles.find(rest)).isPresent();
    }

    @Test
    void aSplitAfterTheErasureOfHerKeepsTheRecordsOfHerHusbandThatCarryTheFamilyMailbox() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), true);
        String family = "quartermains@example.org";
        ProfileId zelda = f.ingest(person("shop", "z-1", family, PHONE, FIRST, LAST, Map.of())).profileId();
        SourceRecordId hugoCrm = new SourceRecordId("crm", "h-1");
        SourceRecordId hugoShop = new SourceRecordId("shop", "h-2");
        ProfileId hugo = f.ingest(person("crm", "h-1", family, "+447700900555", "Hugo", LAST, Map.of())).profileId();
        assertThat(hugo).as("a family mailbox alone merges no one").isNotEqualTo(zelda);
        assertThat(f.ingest(person("shop", "h-2", "hugo.q@example.org", "+447700900555", "Hugo", LAST, Map.of()))
                .profileId()).isEqualTo(hugo);
        f.erasure.erase(zelda, "subject-request", "admin-1").orElseThrow();
        assertThat(f.ingest(person("survey", "s-1", family, "+447700900999", "Hugo", LAST, Map.of())).outcome())
                .as("a new record with her email is still refused").isEqualTo(Resolution.Outcome.ERASED);

        // an agent splits the shop record out of Hugo's profile: his crm record, which carries the family
        // mailbox she was erased with, is held already and is his; it stays, and the old id forwards to it
        dev.tessera.core.identity.ProfileResolver.SplitResult split = f.resolver.split(hugo, java.util.Set.of(hugoShop), f.hooks::afterMoved);

        ProfileId rest = f.profiles.findBySource(hugoCrm).orElseThrow();
        assertThat(split.remaining()).containsExactly(rest);
        assertThat(f.profiles.findBySource(hugoShop)).isPresent().get().isNotEqualTo(rest);
        assertThat(f.profiles.canonical(hugo)).contains(rest);
    }

    @Test
    void aSplitWhoseRemainingRecordsWereErasedMeanwhileForwardsTheOldIdNowhere() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), true);
        SourceRecordId hers = new SourceRecordId("crm", CRM_ID);
        SourceRecordId his = new SourceRecordId("shop", "h-2");
        ProfileId old = f.ingest(person("crm", CRM_ID, EMAIL, PHONE, FIRST, LAST, Map.of())).profileId();
        assertThat(f.ingest(person("shop", "h-2", "hugo.q@example.org", PHONE, FIRST, LAST, Map.of())).profileId())
                .isEqualTo(old);
        f.cx.append(order(his, "o-h-2", T0.minusSeconds(5000)));
        f.cx.consent().record(old, new ConsentEntry("profiling", ConsentChannel.ANY, ConsentStatus.WITHDRAWN,
                T0.minusSeconds(50), ConsentEntry.AGENT, null, "agent-1", T0));
        // her erasure has written its tombstones (its first step) while an agent splits his record out
        f.tombstones.write(List.of(hers), List.of(), T0);

        dev.tessera.core.identity.ProfileResolver.SplitResult split = f.resolver.split(old, java.util.Set.of(his), f.hooks::afterMoved);

        assertThat(split.remaining()).as("her record was refused").isEmpty();
        assertThat(f.profiles.findBySource(hers)).isEmpty();
        ProfileId him = f.profiles.findBySource(his).orElseThrow();
        assertThat(split.movedOut()).containsExactly(him);
        assertThat(f.profiles.canonical(old)).as("her old id never shows him").isEmpty();
        assertThat(f.cx.interactions(him)).extracting(dev.tessera.core.model.Interaction::id).contains("o-h-2");
        assertThat(f.cx.consent().stored(him)).as("what an agent said on her profile is not his")
                .noneMatch(e -> "profiling".equals(e.purpose()));
    }

    @Test
    void aRecordRefusedAsErasedBySplitLeavesNoEntryLeadingToTheRemainingProfile() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), false);
        SourceRecordId hers = new SourceRecordId("crm", CRM_ID);
        SourceRecordId web = new SourceRecordId("web", "w-9");
        SourceRecordId his = new SourceRecordId("shop", "h-2");
        ProfileId old = f.ingest(person("crm", CRM_ID, EMAIL, PHONE, FIRST, LAST, Map.of())).profileId();
        assertThat(f.ingest(person("web", "w-9", EMAIL, PHONE, FIRST, LAST, Map.of())).profileId()).isEqualTo(old);
        assertThat(f.ingest(person("shop", "h-2", "hugo.q@example.org", PHONE, FIRST, LAST, Map.of())).profileId())
                .isEqualTo(old);
        // the crm record's erasure has written its tombstone while an agent splits the shop record out
        f.tombstones.write(List.of(hers), List.of(), T0);

        f.resolver.split(old, java.util.Set.of(his), f.hooks::afterMoved);

        ProfileId rest = f.profiles.findBySource(web).orElseThrow();
        assertThat(f.profiles.canonical(old)).contains(rest);
        assertThat(f.profiles.find(rest).orElseThrow().records()).containsExactly(web);
        assertThat(f.profiles.findBySource(hers)).as("a lookup of the erased record finds no one").isEmpty();
    }

    /**
     * An erasure before phones kept their extension wrote the tombstone of the number alone: her record
     * delivered again now carries the extension and is still refused. An erasure at one extension does not
     * refuse a colleague at another.
     */
    @Test
    void aTombstoneOfTheNumberAloneStillRefusesHerRecordWithItsExtension() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), true);
        dev.tessera.core.normalize.Identifiers ids = new dev.tessera.core.normalize.Identifiers("GB");
        f.tombstones.write(List.of(), List.of(ids.phone("020 7946 0000").orElseThrow()), T0);
        CustomerRecord again = new CustomerRecord(new SourceRecordId("crm", "x-1"), T0,
                List.of(ids.phone("020 7946 0000 ext. 12").orElseThrow()), Map.of("first_name", "Zelda"));
        assertThat(again.identifiers().get(0).value()).endsWith(";ext=12");

        assertThat(f.tombstones.erased(again)).isTrue();

        redis.commands().flushall();
        f.tombstones.write(List.of(), List.of(ids.phone("020 7946 0000 ext. 12").orElseThrow()), T0);
        CustomerRecord colleague = new CustomerRecord(new SourceRecordId("crm", "x-2"), T0,
                List.of(ids.phone("020 7946 0000 ext. 34").orElseThrow()), Map.of("first_name", "Ann"));
        assertThat(f.tombstones.erased(colleague)).isFalse();
        assertThat(f.tombstones.erased(again)).isTrue();
    }

    @Test
    void anErasureWhoseSealLostTheRaceWithASplitRemovesWhatItsIdStillHolds() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), true);
        ProfileId zelda = f.ingest(shopRecord()).profileId();
        assertThat(f.ingest(crmRecord()).profileId()).isEqualTo(zelda);
        SourceRecordId shop = new SourceRecordId("shop", SHOP_ID);
        SourceRecordId crm = new SourceRecordId("crm", CRM_ID);
        f.cx.append(order(shop, "o-" + SHOP_ID, T0.minusSeconds(5000)));
        f.cx.append(consentChange(shop, "cc-1", T0.minusSeconds(100), "analytics", "web", "withdrawn"));
        f.cx.consent().record(zelda, new ConsentEntry("profiling", ConsentChannel.ANY, ConsentStatus.WITHDRAWN,
                T0.minusSeconds(50), ConsentEntry.AGENT, null, "agent-1", T0));
        f.deadLetters.add("source-shop", "webhook", "invalid total", "{\"email\":\"" + EMAIL + "\",\"total\":\"x\"}");
        // her erasure wrote its tombstones (step 1); an agent's split dissolved the profile before the seal,
        // and while it runs the erasure asks to be tried again
        f.tombstones.write(List.of(shop, crm), List.of(new Identifier(IdentifierType.EMAIL, EMAIL),
                new Identifier(IdentifierType.PHONE, PHONE)), T0);
        long version = f.profiles.find(zelda).orElseThrow().version();
        assertThat(f.profiles.dissolve(zelda, version, java.util.Set.of(crm))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.erasure.erase(zelda, "subject-request", "admin-1"))
                .isInstanceOf(java.util.ConcurrentModificationException.class);
        // the split ends with every record refused: the old id forwards nowhere, her history is still under it
        assertThat(f.resolver.finishDissolved(java.time.Duration.ZERO, f.hooks::afterMoved)).containsExactly(zelda);
        assertThat(f.profiles.canonical(zelda)).isEmpty();

        Erasure.Report report = f.erasure.erase(zelda, "subject-request", "admin-1").orElseThrow();

        assertThat(report.profile()).isEqualTo(zelda);
        assertThat(report.interactions()).isEqualTo(2);
        assertNoTrace();
        assertThat(f.cx.interactions(zelda)).isEmpty();
        assertThat(f.cx.consent().stored(zelda)).isEmpty();
        assertThat(f.erasure.erase(zelda, "subject-request", "admin-1")).as("nothing left: done").isEmpty();
    }

    @Test
    void anErasureDuringTheFollowUpOfASplitIsToldToTryAgain() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), true);
        ProfileId old = f.ingest(shopRecord()).profileId();
        assertThat(f.ingest(person("web", "w-77", EMAIL, PHONE, FIRST, LAST, Map.of())).profileId()).isEqualTo(old);
        SourceRecordId web = new SourceRecordId("web", "w-77");
        f.cx.append(order(new SourceRecordId("shop", SHOP_ID), "o-" + SHOP_ID, T0.minusSeconds(5000)));

        // the old id forwards already while the split still copies the history: erasing now would delete the
        // profile that the copy then writes into again
        f.resolver.split(old, java.util.Set.of(web), moved -> {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.erasure.erase(old, "subject-request", "admin-1"))
                    .isInstanceOf(java.util.ConcurrentModificationException.class);
            f.hooks.afterMoved(moved);
        });

        ProfileId rest = f.profiles.findBySource(new SourceRecordId("shop", SHOP_ID)).orElseThrow();
        assertThat(f.erasure.erase(old, "subject-request", "admin-1")).isPresent().get()
                .extracting(Erasure.Report::profile).isEqualTo(rest);
        assertThat(f.cx.interactions(rest)).isEmpty();
        assertThat(f.profiles.find(rest)).isEmpty();
    }

    @Test
    void anErasureLeavesAnOrdersOwnerThatNamesAnotherPerson() {
        PrivacyFixtures f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), false);
        ProfileId zelda = f.ingest(shopRecord()).profileId();
        ProfileId hugo = f.ingest(person("crm", "h-1", "hugo.q@example.org", "+447700900555", "Hugo", "Quist",
                Map.of())).profileId();
        SourceRecordId shop = new SourceRecordId("shop", SHOP_ID);
        f.cx.append(order(shop, "o-1", T0.minusSeconds(5000)));
        f.cx.append(order(shop, "o-2", T0.minusSeconds(4000)));
        // o-1 was on her profile before orders followed their person, and has been delivered for Hugo since
        redis.commands().hset(f.cx.ticketOwnersKey(), "#shop:o-1", hugo.value());

        f.erasure.erase(zelda, "subject-request", "admin-1").orElseThrow();

        assertThat(redis.commands().hgetall(f.cx.ticketOwnersKey())).containsExactly(Map.entry("#shop:o-1", hugo.value()));
    }

    private CustomerRecord shopRecord() {
        return person("shop", SHOP_ID, EMAIL, PHONE, FIRST, LAST, Map.of("city", "Brightwell",
                "consent_marketing_email", "granted"));
    }

    private CustomerRecord crmRecord() {
        return person("crm", CRM_ID, EMAIL.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), "+447700900124", FIRST,
                LAST, Map.of());
    }

    /** Zelda with two records (a merge along the way), orders, a ticket, consent, a pending interaction. */
    private ProfileId zelda(PrivacyFixtures f) {
        ProfileId a = f.ingest(shopRecord()).profileId();
        CustomerRecord other = new CustomerRecord(new SourceRecordId("crm", CRM_ID), T0.minusSeconds(7200),
                List.of(new Identifier(IdentifierType.PHONE, "+447700900124")), Map.of("first_name", FIRST));
        ProfileId b = f.ingest(other).profileId();
        assertThat(b).isNotEqualTo(a);
        f.cx.append(order(new SourceRecordId("crm", CRM_ID), "o-" + CRM_ID, T0.minusSeconds(5000)));
        Resolution merged = f.ingest(crmRecord()); // carries the email too: the two profiles merge
        assertThat(merged.outcome()).isEqualTo(Resolution.Outcome.MERGED);
        ProfileId p = merged.profileId();
        f.cx.append(order(new SourceRecordId("shop", SHOP_ID), "o-" + SHOP_ID, T0.minusSeconds(4000)));
        f.cx.append(new dev.tessera.core.model.Interaction("t-" + SHOP_ID, new SourceRecordId("shop", SHOP_ID),
                InteractionKind.TICKET_OPENED, "email", "support", T0.minusSeconds(3000), null, null,
                Map.of("ticket_id", "T-" + SHOP_ID, "type", "complaint", "subject", "About " + FIRST + " " + LAST)));
        f.cx.append(consentChange(new SourceRecordId("shop", SHOP_ID), "cc-1", T0.minusSeconds(100), "analytics",
                "web", "withdrawn"));
        f.cx.consent().record(p, new ConsentEntry("profiling", ConsentChannel.ANY, ConsentStatus.WITHDRAWN,
                T0.minusSeconds(50), ConsentEntry.AGENT, null, "agent-1", T0));
        return p;
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void anExportHoldsEveryPartAndIsAudited(ProfileStore.Access path) {
        PrivacyFixtures f = new PrivacyFixtures(redis, path, true);
        ProfileId p = zelda(f);
        // an interaction waiting for a record of hers (as a race with a split can leave one): made pending
        // for an unknown record, then moved under her record's pending key
        SourceRecordId unknown = new SourceRecordId("shop", "not-yet");
        f.cx.append(order(unknown, "o-waiting", T0));
        var keys = dev.tessera.core.store.RedisKeys.Namespace.DEFAULT;
        redis.commands().hset(keys.pendingInteractions(new SourceRecordId("shop", SHOP_ID)),
                redis.commands().hgetall(keys.pendingInteractions(unknown)));

        SubjectExport export = f.access.export(p, "admin-1").orElseThrow();

        assertThat(export.profile().id()).isEqualTo(p);
        assertThat(export.profile().golden().get("first_name").value()).isEqualTo(FIRST);
        assertThat(export.records()).hasSize(2).allSatisfy(r -> assertThat(r.evidence()).isNotNull());
        assertThat(export.formerIds()).hasSize(1);
        assertThat(export.timeline()).extracting(i -> i.kind()).contains(InteractionKind.ORDER,
                InteractionKind.TICKET_OPENED, InteractionKind.CONSENT_CHANGE, InteractionKind.PROFILE_MERGED);
        assertThat(export.metrics().orders()).isEqualTo(2);
        assertThat(export.stages()).isNotEmpty();
        assertThat(export.consent().statements()).hasSize(3);
        assertThat(export.moments()).isNotNull();
        assertThat(export.pending()).containsOnlyKeys("shop:" + SHOP_ID);
        // a merged-away id exports the same person
        ProfileId former = export.formerIds().iterator().next();
        assertThat(f.access.export(former, "admin-1").orElseThrow().profile().id()).isEqualTo(p);
        List<AuditEntry> audited = f.audit.query(new AuditQuery(null, null, null, null, null, null, 10));
        assertThat(audited).extracting(AuditEntry::action).containsOnly("profile.export");
        assertThat(audited.get(0).profileId()).isEqualTo(p.value());
        assertThat(audited.get(0).actor()).isEqualTo("admin-1");
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void anErasureLeavesNoTraceButHashedTombstonesAndKeepsThePersonOut(ProfileStore.Access path) {
        PrivacyFixtures f = new PrivacyFixtures(redis, path, true);
        ProfileId p = zelda(f);
        ProfileId bystander = f.ingest(person("shop", "cust-bob", "bob@example.net", "+447700900999", "Bob", "Bystander",
                Map.of())).profileId();
        // something waits for a record of hers that is not on the profile? no: pending of her record
        f.cx.append(order(new SourceRecordId("web", "zq-anon"), "o-web", T0)); // unrelated pending entry
        // rejected payloads kept verbatim for replay: hers hold her email (in other case), her phone written
        // nationally, or her record id on that source's route; the bystander's and an unrelated number stay
        f.deadLetters.add("source-shop", "webhook", "invalid total",
                "{\"id\":\"x-1\",\"email\":\"" + EMAIL.toUpperCase(Locale.ROOT) + "\",\"total\":\"ten\"}");
        f.deadLetters.add("source-crm", "contacts.csv:7", "unparseable date", CRM_ID + ",,,,,sometime");
        f.deadLetters.add("source-survey", "webhook", "missing identifier", "{\"tel\":\"07700 900123\"}");
        f.deadLetters.add("source-shop", "webhook", "invalid total", "{\"email\":\"bob@example.net\"}");
        f.deadLetters.add("source-shop", "webhook", "invalid total", "{\"tel\":\"07700 900999\",\"ref\":\""
                + CRM_ID + "\"}"); // her id, but on another source's route: someone else's reference
        // a second CRM source writing "crm" records under its own name (record-namespace crm), named by the
        // ingestion app (another process than the erasure's): her id in its dead letter too
        DeadLetterStore ingestion = new DeadLetterStore(redis, Clock.systemUTC());
        ingestion.nameRecordSource("source-crm-backfill", "crm");
        ingestion.add("source-crm-backfill", "backfill.csv:3", "unparseable date", CRM_ID + ",,,,,sometime");
        // CSV rows whose dead letters say which record they were about: hers goes, and another customer's
        // row that only mentions her id (a reference column) stays
        ingestion.add("source-crm-backfill", "backfill.csv:5", "unparseable date",
                "id,ref,date\n" + CRM_ID + ",,sometime", CRM_ID);
        ingestion.add("source-crm-backfill", "backfill.csv:6", "unparseable date",
                "id,ref,date\nc-other-9," + CRM_ID + ",sometime", "c-other-9");

        Erasure.Report report = f.erasure.erase(p, "subject-request", "admin-1").orElseThrow();

        assertThat(report.deadLetters()).isEqualTo(5);
        assertThat(f.deadLetters.list("source-crm-backfill", 0, 10)).singleElement()
                .satisfies(left -> assertThat(left.sourceId()).isEqualTo("c-other-9"));
        f.deadLetters.removeWhere("source-crm-backfill", letter -> true); // the other customer's: out of the trace check
        assertThat(f.deadLetters.count("source-shop")).isEqualTo(2);
        assertThat(f.deadLetters.count("source-crm") + f.deadLetters.count("source-survey")).isZero();
        f.deadLetters.removeWhere("source-shop", letter -> true); // the bystander's: out of the trace check
        assertThat(report.records()).isEqualTo(2);
        assertThat(report.formerIds()).hasSize(1);
        assertThat(report.interactions()).isEqualTo(4);
        assertNoTrace();
        assertThat(f.profiles.find(p)).isEmpty();
        assertThat(f.profiles.find(report.formerIds().iterator().next())).isEmpty();
        assertThat(f.profiles.find(bystander)).isPresent();
        assertThat(redis.commands().zrange("cx:complaints-open", 0, -1)).doesNotContain(p.value());
        assertThat(redis.commands().keys("ts:*")).hasSize(2 + 3); // 2 source ids, 1 email, 2 phones

        // the same records again: refused, nothing stored, and no dead letter
        Resolution again = f.ingest(shopRecord());
        assertThat(again.outcome()).isEqualTo(Resolution.Outcome.ERASED);
        assertThat(again.profileId()).isNull();
        assertThat(f.ingest(crmRecord()).outcome()).isEqualTo(Resolution.Outcome.ERASED);
        // a new record of another source with her email is refused too (identifiers are tombstoned)
        assertThat(f.ingest(person("survey", "r-1", EMAIL, "+447700900555", "Z", "Q", Map.of())).outcome())
                .isEqualTo(Resolution.Outcome.ERASED);
        // her interactions are dropped, not kept pending
        assertThat(f.cx.append(order(new SourceRecordId("shop", SHOP_ID), "o-late", T0)).status())
                .isEqualTo(AppendResult.Status.ERASED);
        assertNoTrace();
        // someone else still ingests
        assertThat(f.ingest(person("shop", "cust-carol", "carol@example.net", "+447700900777", "Carol", "Other",
                Map.of())).outcome()).isEqualTo(Resolution.Outcome.CREATED);

        List<StreamMessage<String, String>> feed = redis.commands().xrange("tessera:changes",
                io.lettuce.core.Range.create("-", "+"));
        assertThat(feed).anySatisfy(m -> assertThat(m.getBody()).containsEntry("profile", p.value())
                .containsEntry("change", "erased"));
        List<AuditEntry> audited = f.audit.query(new AuditQuery(null, null, null, null, null, null, 10));
        assertThat(audited).extracting(AuditEntry::action).contains("profile.erase");
        assertThat(audited.get(0).detail()).isEqualTo("reason=subject-request former-ids=1 dead-letters=5");
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void withIdentifierRefusalOffOnlyTheSameSourceRecordsAreRefused(ProfileStore.Access path) {
        PrivacyFixtures f = new PrivacyFixtures(redis, path, false);
        ProfileId p = f.ingest(shopRecord()).profileId();
        f.erasure.erase(p, "subject-request", "admin-1").orElseThrow();

        assertThat(f.ingest(shopRecord()).outcome()).isEqualTo(Resolution.Outcome.ERASED);
        assertThat(f.ingest(person("survey", "r-1", EMAIL, PHONE, FIRST, LAST, Map.of())).outcome())
                .as("a new record with the same email is a new start").isEqualTo(Resolution.Outcome.CREATED);
    }

    @ParameterizedTest
    @EnumSource(ProfileStore.Access.class)
    void aRecordArrivingAfterTheTombstoneIsRefusedByTheWriteItself(ProfileStore.Access path) {
        PrivacyFixtures f = new PrivacyFixtures(redis, path, true);
        ProfileId p = f.ingest(shopRecord()).profileId();
        // the race: the tombstone is written while the profile still exists (step 1 of an erasure); a newer
        // version of her record arrives now and must not be stored anywhere
        f.tombstones.write(List.of(new SourceRecordId("shop", SHOP_ID)), List.of(), T0);
        CustomerRecord newer = new CustomerRecord(shopRecord().id(), T0, shopRecord().identifiers(),
                Map.of("first_name", "Zed"));

        assertThat(f.ingest(newer).outcome()).isEqualTo(Resolution.Outcome.ERASED);
        assertThat(f.profiles.find(p).orElseThrow().golden().get("first_name").value()).isEqualTo(FIRST);
        // a seal after that: writes that read the old version conflict, nothing joins it
        long version = f.profiles.find(p).orElseThrow().version();
        assertThat(f.profiles.seal(p, version, T0)).isTrue();
        assertThat(f.profiles.find(p)).isEmpty();
        assertThat(f.ingest(person("crm", "other", EMAIL, PHONE, FIRST, LAST, Map.of())).outcome())
                .as("email tombstone not written yet: a new profile, never the sealed one")
                .isEqualTo(Resolution.Outcome.CREATED);
        // finishing the erasure of the sealed profile (an interrupted erasure) works
        assertThat(f.erasure.erase(p, "subject-request", "admin-1")).isPresent();
        assertThat(redis.commands().keys("{p:" + p.value() + "}*")).isEmpty();
    }

    @Test
    void anErasureUnderAnotherPolicyStillTakesHerIdOutOfTheBlocksTheDefaultFiledHerUnder() {
        PrivacyFixtures f = new PrivacyFixtures(redis, ProfileStore.Access.SCRIPTS, true);
        ProfileId p = zelda(f);
        assertThat(setsHolding(p)).as("the probabilistic default filed her under blocking keys").isNotEmpty();
        // the settings changed since: exact keys only, which file nothing under blocks
        Erasure exact = new Erasure(f.profiles, f.cx, f.tombstones, new ExactKeyPolicy(), f.audit,
                Clock.fixed(T0, ZoneOffset.UTC), f.deadLetters);

        exact.erase(p, "subject-request", "admin-1").orElseThrow();

        // digests of guessable values (names, email) must not keep pointing at her, even as an erased id
        assertThat(setsHolding(p)).isEmpty();
    }

    /** The sets in Redis that hold the profile id as a member. */
    private List<String> setsHolding(ProfileId p) {
        List<String> holding = new ArrayList<>();
        ScanIterator<String> keys = ScanIterator.scan(redis.commands(), ScanArgs.Builder.limit(500));
        while (keys.hasNext()) {
            String key = keys.next();
            if (redis.commands().type(key).equals("set") && redis.commands().sismember(key, p.value())) {
                holding.add(key);
            }
        }
        return holding;
    }

    /** Every key name and value in Redis, with nothing of Zelda's in clear text (tombstones are hashes). */
    private void assertNoTrace() {
        List<String> needles = List.of(EMAIL, PHONE, PHONE.substring(1), FIRST, LAST, SHOP_ID, CRM_ID);
        List<String> dump = dump();
        for (String entry : dump) {
            for (String needle : needles) {
                assertThat(entry.toLowerCase(Locale.ROOT)).as("a key or value holds personal data")
                        .doesNotContain(needle.toLowerCase(Locale.ROOT));
            }
        }
        assertThat(dump).as("the scan saw something").isNotEmpty();
    }

    /** Every key name, and every value and field of it, in Redis. */
    private List<String> dump() {
        List<String> dump = new ArrayList<>();
        var commands = redis.commands();
        ScanIterator<String> keys = ScanIterator.scan(commands, ScanArgs.Builder.limit(500));
        while (keys.hasNext()) {
            String key = keys.next();
            dump.add(key);
            switch (commands.type(key)) {
                case "string" -> dump.add(commands.get(key));
                case "hash" -> commands.hgetall(key).forEach((k, v) -> dump.add(k + "=" + v));
                case "set" -> dump.addAll(commands.smembers(key));
                case "zset" -> dump.addAll(commands.zrange(key, 0, -1));
                case "list" -> dump.addAll(commands.lrange(key, 0, -1));
                case "stream" -> commands.xrange(key, io.lettuce.core.Range.create("-", "+"))
                        .forEach(m -> dump.add(m.getBody().toString()));
                default -> { }
            }
        }
        return dump;
    }
}
