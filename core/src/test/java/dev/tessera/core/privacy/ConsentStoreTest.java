package dev.tessera.core.privacy;

import static dev.tessera.core.privacy.PrivacyFixtures.T0;
import static dev.tessera.core.privacy.PrivacyFixtures.consentChange;
import static dev.tessera.core.privacy.PrivacyFixtures.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.AppendResult;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.InvalidInteractionException;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consent per purpose and channel: latest statement wins, whatever the order, and it follows identity. */
class ConsentStoreTest {

    private RedisConnection redis;
    private PrivacyFixtures f;

    @BeforeEach
    void open() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        f = new PrivacyFixtures(redis, RedisTestCluster.defaultAccess(), true);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private ProfileId ann() {
        return f.ingest(person("shop", "ann-1", "ann@example.com", "+447700900001", "Ann", "Smith", Map.of()))
                .profileId();
    }

    private ConsentState consent(ProfileId p) {
        return f.cx.consent().find(p).orElseThrow();
    }

    @Test
    void theLatestStatementWinsInAnyArrivalOrderAndDuplicatesChangeNothing() {
        ProfileId p = ann();
        SourceRecordId shop = new SourceRecordId("shop", "ann-1");
        List<Interaction> changes = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            changes.add(consentChange(shop, "c-" + k, T0.minus(Duration.ofHours(12 - k)), "marketing", "email",
                    k % 2 == 0 ? "granted" : "withdrawn"));
        }
        // the last one (k = 11, latest) withdraws
        for (long seed : new long[] {1, 2, 3}) {
            RedisTestSupport.flush();
            p = ann();
            List<Interaction> shuffled = new ArrayList<>(changes);
            Collections.shuffle(shuffled, new Random(seed));
            shuffled.addAll(shuffled.subList(0, 5)); // duplicates, delivered again late
            for (Interaction i : shuffled) {
                f.cx.append(i);
            }
            ConsentState state = consent(p);
            assertThat(state.allows("marketing", ConsentChannel.EMAIL)).isFalse();
            assertThat(state.decisive("marketing", ConsentChannel.EMAIL).orElseThrow().at())
                    .isEqualTo(T0.minus(Duration.ofHours(1)));
            assertThat(state.statements()).hasSize(1);
        }
        String before = redis.commands().hgetall("{p:" + p.value() + "}:consent").toString();
        f.cx.append(changes.get(11));
        f.cx.append(changes.get(3)); // older, again
        assertThat(redis.commands().hgetall("{p:" + p.value() + "}:consent").toString()).isEqualTo(before);
    }

    @Test
    void aStatementThatReplacesAnotherIsAnnouncedOnTheChangeFeedOnce() {
        ProfileId p = ann();
        java.util.function.Supplier<Long> announced = () -> redis.commands()
                .xrange("tessera:changes", io.lettuce.core.Range.create("-", "+")).stream()
                .filter(m -> p.value().equals(m.getBody().get("profile")) && "consent".equals(m.getBody().get("change")))
                .count();
        long before = announced.get();
        ConsentEntry withdrawal = new ConsentEntry("marketing", ConsentChannel.EMAIL, ConsentStatus.WITHDRAWN,
                T0, ConsentEntry.AGENT, null, "agent-sub-1", T0);

        f.cx.consent().record(p, withdrawal);
        assertThat(announced.get()).as("a new statement").isEqualTo(before + 1);
        f.cx.consent().record(p, withdrawal);
        f.cx.consent().record(p, new ConsentEntry("marketing", ConsentChannel.EMAIL, ConsentStatus.GRANTED,
                T0.minusSeconds(60), ConsentEntry.AGENT, null, "agent-sub-1", T0));
        assertThat(announced.get()).as("the same again, and an older one: nothing replaced").isEqualTo(before + 1);
    }

    @Test
    void atTheSameInstantAWithdrawalWinsWhicheverArrivesFirst() {
        ProfileId p = ann();
        SourceRecordId shop = new SourceRecordId("shop", "ann-1");
        f.cx.append(consentChange(shop, "w", T0, "analytics", "web", "withdrawn"));
        f.cx.append(consentChange(shop, "g", T0, "analytics", "web", "granted"));

        assertThat(consent(p).allows("analytics", ConsentChannel.WEB)).isFalse();
    }

    @Test
    void anyChannelAndSpecificChannelsDecideByTime() {
        ProfileId p = ann();
        SourceRecordId shop = new SourceRecordId("shop", "ann-1");
        f.cx.append(consentChange(shop, "1", T0.minusSeconds(300), "marketing", "any", "granted"));
        f.cx.append(consentChange(shop, "2", T0.minusSeconds(200), "marketing", "sms", "withdrawn"));

        ConsentState state = consent(p);
        assertThat(state.allows("marketing", ConsentChannel.EMAIL)).as("covered by any").isTrue();
        assertThat(state.allows("marketing", ConsentChannel.SMS)).as("later specific withdrawal").isFalse();
        assertThat(state.allows("profiling", ConsentChannel.EMAIL)).as("no statement: opt-in").isFalse();

        f.cx.append(consentChange(shop, "3", T0.minusSeconds(100), "marketing", "any", "withdrawn"));
        assertThat(consent(p).allows("marketing", ConsentChannel.EMAIL)).isFalse();
    }

    @Test
    void recordsCarryConsentInAttributesWithTheirOwnTime() {
        CustomerRecord record = person("shop", "ann-1", "ann@example.com", "+447700900001", "Ann", "Smith",
                Map.of("consent_marketing_email", "subscribed", "consent_marketing_email_at", "2026-02-01T00:00:00Z",
                        "consent_marketing_sms", "not_subscribed", "consent_odd_fax", "granted",
                        "consent_marketing_push", "pending"));
        ProfileId p = f.ingest(record).profileId();

        ConsentState state = consent(p);
        assertThat(state.statements()).hasSize(2);
        assertThat(state.allows("marketing", ConsentChannel.EMAIL)).isTrue();
        assertThat(state.decisive("marketing", ConsentChannel.EMAIL).orElseThrow().at())
                .isEqualTo(java.time.Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(state.decisive("marketing", ConsentChannel.EMAIL).orElseThrow().sourceRecord())
                .isEqualTo(record.id());
        assertThat(state.allows("marketing", ConsentChannel.SMS)).isFalse();

        // an agent's later withdrawal overrides; an older consent change from the source does not
        f.cx.consent().record(p, new ConsentEntry("marketing", ConsentChannel.EMAIL, ConsentStatus.WITHDRAWN,
                java.time.Instant.parse("2026-02-15T00:00:00Z"), ConsentEntry.AGENT, null, "agent-sub-1", T0));
        f.cx.append(consentChange(record.id(), "old", java.time.Instant.parse("2026-02-10T00:00:00Z"), "marketing",
                "email", "granted"));
        ConsentEntry decisive = consent(p).decisive("marketing", ConsentChannel.EMAIL).orElseThrow();
        assertThat(decisive.source()).isEqualTo("agent");
        assertThat(decisive.actor()).isEqualTo("agent-sub-1");
        assertThat(consent(p).allows("marketing", ConsentChannel.EMAIL)).isFalse();
    }

    @Test
    void aSourceTimeFarInTheFutureCountsAsTheRecordsTimeSoLaterWithdrawalsStillWin() {
        // a mistyped year: read at face value, this grant would outrank every withdrawal until 2036
        CustomerRecord record = person("shop", "ann-1", "ann@example.com", "+447700900001", "Ann", "Smith",
                Map.of("consent_marketing_email", "granted", "consent_marketing_email_at", "2036-03-01T10:00:00Z",
                        "consent_marketing_sms", "granted", "consent_marketing_sms_at",
                        T0.plus(ConsentEntry.MAX_AHEAD).toString()));
        ProfileId p = f.ingest(record).profileId();

        assertThat(consent(p).decisive("marketing", ConsentChannel.EMAIL).orElseThrow().at())
                .isEqualTo(record.observedAt());
        // within the allowed clock skew a source's own time stands
        assertThat(consent(p).decisive("marketing", ConsentChannel.SMS).orElseThrow().at())
                .isEqualTo(T0.plus(ConsentEntry.MAX_AHEAD));

        f.cx.append(consentChange(record.id(), "unsubscribe", T0.plusSeconds(60), "marketing", "email", "withdrawn"));
        assertThat(consent(p).allows("marketing", ConsentChannel.EMAIL)).isFalse();
        assertThat(consent(p).allows("marketing", ConsentChannel.SMS)).isTrue();
    }

    /**
     * Interactions may be dated up to a day ahead (a device clock), but a consent change that far ahead would
     * outrank every withdrawal until then: it is refused (a dead letter to replay when due), naming the time.
     */
    @Test
    void aConsentChangeDatedAheadIsRefusedSoItCannotOutrankALaterWithdrawal() {
        ProfileId p = ann();
        SourceRecordId shop = new SourceRecordId("shop", "ann-1");
        assertThatThrownBy(() -> f.cx.append(consentChange(shop, "app-optin", T0.plus(Duration.ofHours(20)),
                "marketing", "email", "granted"))).isInstanceOf(InvalidInteractionException.class)
                .hasMessageContaining("consent change").hasMessageContaining("ahead");
        assertThat(f.cx.consent().find(p).flatMap(c -> c.decisive("marketing", ConsentChannel.EMAIL))).isEmpty();
        // within the allowed clock skew it stands
        f.cx.append(consentChange(shop, "app-optin-2", T0.plus(ConsentEntry.MAX_AHEAD), "marketing", "email", "granted"));
        assertThat(consent(p).allows("marketing", ConsentChannel.EMAIL)).isTrue();
    }

    /**
     * A claimed source (anyone can send its records with another person's email): its records withdraw
     * consent, never grant it, so a stranger cannot put her back into marketing after she withdrew.
     */
    @Test
    void aRecordOfAClaimedSourceWithdrawsConsentButGrantsNone() {
        CxIdentityHooks claimedWeb = new CxIdentityHooks(f.cx, java.util.Set.of("web"));
        CustomerRecord granting = person("web", "visitor-1", "ann@example.com", "+447700900001", "Ann", "Smith",
                Map.of("consent_marketing_email", "granted"));
        ProfileId p = ann();
        Resolution joined = f.resolver.resolve(granting);
        assertThat(joined.profileId()).isEqualTo(p);
        claimedWeb.afterResolve(granting, joined);
        assertThat(f.cx.consent().find(p).flatMap(c -> c.decisive("marketing", ConsentChannel.EMAIL)))
                .as("no grant from a claimed source").isEmpty();

        CustomerRecord withdrawing = person("web", "visitor-2", "ann@example.com", "+447700900001", "Ann", "Smith",
                Map.of("consent_newsletter_email", "withdrawn"));
        claimedWeb.afterResolve(withdrawing, f.resolver.resolve(withdrawing));
        assertThat(consent(p).decisive("newsletter", ConsentChannel.EMAIL).orElseThrow().status())
                .isEqualTo(ConsentStatus.WITHDRAWN);
        // the same grant from a source that is not claimed counts
        f.hooks.afterResolve(granting, f.resolver.resolve(granting));
        assertThat(consent(p).allows("marketing", ConsentChannel.EMAIL)).isTrue();
    }

    @Test
    void aConsentChangeWithAnInvalidPurposeOrStatusIsRefusedNamingTheAttribute() {
        ann();
        SourceRecordId shop = new SourceRecordId("shop", "ann-1");
        assertThatThrownBy(() -> f.cx.append(consentChange(shop, "x", T0, "Mark eting!<script>", "email", "granted")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("'purpose'")
                .hasMessageNotContaining("script");
        assertThatThrownBy(() -> f.cx.append(consentChange(shop, "y", T0, "marketing", "fax", "granted")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("'channel'");
        assertThatThrownBy(() -> f.cx.append(consentChange(shop, "z", T0, "marketing", "email", "maybe")))
                .isInstanceOf(InvalidInteractionException.class).hasMessageContaining("'status'");
        assertThatThrownBy(() -> new ConsentEntry("x".repeat(41), ConsentChannel.EMAIL, ConsentStatus.GRANTED, T0,
                "agent", null, null, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPendingConsentChangeCountsWhenItsRecordArrives() {
        SourceRecordId shop = new SourceRecordId("shop", "ann-1");
        assertThat(f.cx.append(consentChange(shop, "early", T0.minusSeconds(60), "marketing", "email", "granted"))
                .status()).isEqualTo(AppendResult.Status.PENDING);

        ProfileId p = ann();

        assertThat(consent(p).allows("marketing", ConsentChannel.EMAIL)).isTrue();
    }

    @Test
    void aMergeKeepsTheNewestStatementPerPurposeAndChannel() {
        CustomerRecord shop = person("shop", "ann-1", "ann@example.com", "+447700900001", "Ann", "Smith", Map.of());
        CustomerRecord crm = new CustomerRecord(new SourceRecordId("crm", "A-9"), T0.minusSeconds(3600),
                List.of(new Identifier(IdentifierType.EMAIL, "ann.smith@work.example")), Map.of());
        ProfileId a = f.ingest(shop).profileId();
        ProfileId b = f.ingest(crm).profileId();
        assertThat(a).isNotEqualTo(b);
        f.cx.append(consentChange(shop.id(), "s1", T0.minusSeconds(500), "marketing", "email", "granted"));
        f.cx.append(consentChange(crm.id(), "c1", T0.minusSeconds(100), "marketing", "email", "withdrawn"));
        f.cx.append(consentChange(shop.id(), "s2", T0.minusSeconds(50), "analytics", "web", "granted"));
        f.cx.append(consentChange(crm.id(), "c2", T0.minusSeconds(400), "analytics", "web", "withdrawn"));

        Resolution bridge = f.ingest(new CustomerRecord(new SourceRecordId("crm", "A-10"), T0,
                List.of(new Identifier(IdentifierType.EMAIL, "ann@example.com"),
                        new Identifier(IdentifierType.EMAIL, "ann.smith@work.example")), Map.of()));

        assertThat(bridge.outcome()).isEqualTo(Resolution.Outcome.MERGED);
        ConsentState merged = consent(bridge.profileId());
        assertThat(merged.allows("marketing", ConsentChannel.EMAIL)).as("crm's later withdrawal").isFalse();
        assertThat(merged.allows("analytics", ConsentChannel.WEB)).as("shop's later grant").isTrue();
        assertThat(merged.statements()).hasSize(4);
        ProfileId gone = bridge.merged().get(0);
        assertThat(f.cx.consent().stored(gone)).as("moved, not copied").isEmpty();
        assertThat(consent(gone)).as("the old id answers with the survivor's").isEqualTo(merged);
    }

    /**
     * Two merges race: one moves B into A, and before its timeline and consent follow, another merges A into
     * C. B's withdrawal must reach C, not A's dead key (where it counted for no one).
     */
    @Test
    void statementsMovedIntoAProfileMergedAwayMeanwhileReachWhereItWent() {
        CustomerRecord shop = person("shop", "ann-1", "ann@example.com", "+447700900001", "Ann", "Smith", Map.of());
        CustomerRecord crm = new CustomerRecord(new SourceRecordId("crm", "A-9"), T0.minusSeconds(3600),
                List.of(new Identifier(IdentifierType.EMAIL, "ann.smith@work.example")), Map.of());
        ProfileId a = f.ingest(shop).profileId();
        ProfileId b = f.ingest(crm).profileId();
        f.cx.append(consentChange(crm.id(), "c1", T0.minusSeconds(100), "marketing", "email", "withdrawn"));
        // A is merged into another profile C (its consent moved already), then B's statements arrive for A
        CustomerRecord other = new CustomerRecord(new SourceRecordId("crm", "A-11"), T0.minusSeconds(7200),
                List.of(new Identifier(IdentifierType.EMAIL, "ann.private@example.org")), Map.of());
        ProfileId c = f.ingest(other).profileId();
        Resolution aIntoC = f.ingest(new CustomerRecord(new SourceRecordId("crm", "A-12"), T0,
                List.of(new Identifier(IdentifierType.EMAIL, "ann@example.com"),
                        new Identifier(IdentifierType.EMAIL, "ann.private@example.org")), Map.of()));
        assertThat(aIntoC.merged()).hasSize(1);
        ProfileId survivor = aIntoC.profileId();
        ProfileId dead = aIntoC.merged().get(0);
        assertThat(java.util.Set.of(survivor, dead)).containsExactlyInAnyOrder(a, c);

        f.cx.consent().absorb(b, dead);

        assertThat(f.cx.consent().stored(dead)).isEmpty();
        assertThat(consent(survivor).allows("marketing", ConsentChannel.EMAIL)).isFalse();
        assertThat(f.cx.consent().stored(b)).isEmpty();
    }

    @Test
    void aSplitMovesStatementsWithTheirRecordsAndKeepsAgentStatementsWithTheRemainingProfile() {
        CustomerRecord shop = person("shop", "ann-1", "ann@example.com", "+447700900001", "Ann", "Smith", Map.of());
        CustomerRecord crm = person("crm", "A-9", "ann@example.com", "+447700900002", "Anna", "Smith", Map.of());
        ProfileId p = f.ingest(shop).profileId();
        assertThat(f.ingest(crm).profileId()).isEqualTo(p);
        f.cx.append(consentChange(shop.id(), "s1", T0.minusSeconds(500), "marketing", "email", "granted"));
        f.cx.append(consentChange(crm.id(), "c1", T0.minusSeconds(100), "marketing", "sms", "granted"));
        f.cx.consent().record(p, new ConsentEntry("profiling", ConsentChannel.ANY, ConsentStatus.WITHDRAWN,
                T0.minusSeconds(10), ConsentEntry.AGENT, null, "agent-sub-1", T0));

        ProfileResolver.SplitResult split = f.resolver.split(p, Set.of(crm.id()), f.hooks::afterMoved);

        ProfileId remaining = split.remaining().get(0);
        ProfileId moved = split.movedOut().get(0);
        ConsentState stays = consent(remaining);
        ConsentState leaves = consent(moved);
        assertThat(stays.allows("marketing", ConsentChannel.EMAIL)).isTrue();
        assertThat(stays.decisive("marketing", ConsentChannel.SMS)).isEmpty();
        assertThat(stays.decisive("profiling", ConsentChannel.EMAIL)).isPresent();
        assertThat(leaves.allows("marketing", ConsentChannel.SMS)).isTrue();
        assertThat(leaves.decisive("marketing", ConsentChannel.EMAIL)).isEmpty();
        assertThat(leaves.decisive("profiling", ConsentChannel.EMAIL)).isEmpty();
        if (!remaining.equals(p) && !moved.equals(p)) {
            assertThat(f.cx.consent().stored(p)).isEmpty();
        }
    }
}
