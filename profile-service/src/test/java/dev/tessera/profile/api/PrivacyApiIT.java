package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.audit.AuditQuery;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Consent, subject access export and erasure through the API (who may call them: ProfileApiSecurityIT). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class PrivacyApiIT {

    private static final String AGENT = TestTokens.bearer(Roles.AGENT);
    private static final String ADMIN = TestTokens.bearer(Roles.ADMIN);
    private static final String EMAIL = "olive.pemberton@example.org";


    @LocalServerPort
    int port;

    @Autowired
    ProfileResolver resolver;

    @Autowired
    CxIdentityHooks hooks;

    @Autowired
    CxStore cx;

    @Autowired
    AuditLog audit;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void emptyStore() {
        RedisTestSupport.flush();
    }

    private CustomerRecord olive() {
        return new CustomerRecord(new SourceRecordId("shop", "olive-1"), Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new Identifier(IdentifierType.EMAIL, EMAIL), new Identifier(IdentifierType.PHONE, "+447700900321")),
                Map.of("first_name", "Olive", "last_name", "Pemberton", "consent_marketing_email", "granted"));
    }

    private ProfileId seedOlive() {
        CustomerRecord record = olive();
        Resolution resolution = resolver.resolve(record);
        hooks.afterResolve(record, resolution);
        cx.append(new Interaction("o-1", record.id(), InteractionKind.ORDER, "web", "checkout",
                Instant.parse("2026-01-02T00:00:00Z"), new Interaction.Money(new BigDecimal("12.00"), "EUR"), null,
                Map.of()));
        return resolution.profileId();
    }

    @Test
    void anAgentRecordsConsentAndTheLatestStatementWins() throws Exception {
        ProfileId p = seedOlive();

        ApiCalls.Response put = send("PUT", "/api/v1/profiles/" + p.value() + "/consent/marketing/email", AGENT,
                "{\"status\":\"withdrawn\",\"at\":\"2026-02-01T00:00:00Z\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().at("/current/0/status").asString()).isEqualTo("withdrawn");
        assertThat(put.json().at("/current/0/source").asString()).isEqualTo("agent");
        assertThat(put.json().at("/current/0/actor").asString()).isEqualTo("test-user");

        ApiCalls.Response older = send("PUT", "/api/v1/profiles/" + p.value() + "/consent/marketing/email", AGENT,
                "{\"status\":\"granted\",\"at\":\"2025-06-01T00:00:00Z\"}");
        assertThat(older.status()).isEqualTo(200);
        assertThat(older.json().at("/current/0/status").asString()).as("older changes nothing").isEqualTo("withdrawn");

        ApiCalls.Response get = send("GET", "/api/v1/profiles/" + p.value() + "/consent", AGENT, null);
        assertThat(get.status()).isEqualTo(200);
        // one statement per origin: the record's grant and the agent's withdrawal (the older grant lost)
        assertThat(get.json().get("statements")).hasSize(2);
        assertThat(audit.query(new AuditQuery(null, "profile.consent", null, null, null, null, 10))).as("a read of personal data")
                .singleElement().satisfies(e -> assertThat(e.profileId()).isEqualTo(p.value()));
        assertThat(cx.consent().find(p).orElseThrow().allows("marketing", dev.tessera.core.privacy.ConsentChannel.EMAIL))
                .isFalse();
        List<AuditEntry> changes = audit.query(new AuditQuery(null, "consent.change", null, null, null, null, 10));
        assertThat(changes).hasSize(2).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo("test-user");
            assertThat(e.fields()).containsExactly("consent.marketing.email");
            assertThat(e.profileId()).isEqualTo(p.value());
        });
    }

    @Test
    void hostileConsentInputIsAProblemNamingTheFieldWithoutEchoingIt() throws Exception {
        ProfileId p = seedOlive();
        String base = "/api/v1/profiles/" + p.value() + "/consent/";

        assertProblem(send("PUT", base + "Evil%3Cscript%3E/email", AGENT, "{\"status\":\"granted\"}"), "purpose", "script");
        assertProblem(send("PUT", base + ("x".repeat(41)) + "/email", AGENT, "{\"status\":\"granted\"}"), "purpose", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assertProblem(send("PUT", base + "marketing/fax", AGENT, "{\"status\":\"granted\"}"), "channel", "fax");
        assertProblem(send("PUT", base + "marketing/email", AGENT, "{\"status\":\"maybe-" + EMAIL + "\"}"), "status", EMAIL);
        assertProblem(send("PUT", base + "marketing/email", AGENT, "{\"status\":\"granted\",\"at\":\"2999-01-01T00:00:00Z\"}"), "at", "2999");
        assertProblem(send("PUT", base + "marketing/email", AGENT, "{\"status\":\"granted\",\"at\":\"" + EMAIL + "\"}"), "at", EMAIL);
        assertProblem(send("PUT", base + "marketing/email", AGENT, "[1,2]"), "body", "[1");
        ApiCalls.Response huge = send("PUT", base + "marketing/email", AGENT,
                "{\"status\":\"granted\",\"pad\":\"" + "a".repeat(2_000_000) + "\"}");
        assertThat(huge.status()).as("refused unread, by its length").isEqualTo(413);
        assertThat(huge.contentType()).startsWith("application/problem+json");
        assertThat(huge.body()).doesNotContain("aaaa");
        ApiCalls.Response ancient = send("PUT", base + "marketing/email", AGENT, "{\"status\":\"granted\",\"at\":\"1850-01-01T00:00:00Z\"}");
        assertProblem(ancient, "at", "1850");
        assertThat(ancient.json().get("detail").asString()).isEqualTo("at must not be before 1900");
        assertThat(cx.consent().find(p).orElseThrow().statements()).as("only the record's statement").hasSize(1);
        // the channel as written in a path segment, whatever its case
        assertThat(send("PUT", base + "marketing/Email", AGENT, "{\"status\":\"withdrawn\"}").status()).isEqualTo(200);
        assertThat(send("PUT", "/api/v1/profiles/p-unknown/consent/marketing/email", AGENT, "{\"status\":\"granted\"}")
                .status()).isEqualTo(404);
    }

    @Test
    void anAdminExportsEverythingAboutThePerson() throws Exception {
        ProfileId p = seedOlive();

        ApiCalls.Response export = send("GET", "/api/v1/profiles/" + p.value() + "/export", ADMIN, null);

        assertThat(export.status()).isEqualTo(200);
        JsonNode doc = export.json();
        assertThat(doc.at("/profile/id").asString()).isEqualTo(p.value());
        assertThat(doc.at("/profile/golden/first_name/value").asString()).isEqualTo("Olive");
        assertThat(doc.at("/profile/golden/first_name/sourceRecord/source").asString()).isEqualTo("shop");
        assertThat(doc.at("/records/0/record/identifiers").toString()).contains(EMAIL);
        assertThat(doc.at("/records/0/evidence/rule").asString()).isEqualTo("new-profile");
        assertThat(doc.get("timeline")).hasSize(1);
        assertThat(doc.at("/metrics/orders").asInt()).isEqualTo(1);
        assertThat(doc.get("stages")).isNotEmpty();
        assertThat(doc.at("/consent/statements/0/purpose").asString()).isEqualTo("marketing");
        for (String part : List.of("exportedAt", "requested", "formerIds", "moments", "pending")) {
            assertThat(doc.has(part)).as(part).isTrue();
        }
        assertThat(audit.query(new AuditQuery(null, "profile.export", p.value(), null, null, null, 10))).hasSize(1);
    }

    /**
     * Bob's profile was merged into Olive's by mistake, then an agent split his record out again. His old id
     * forwards through Olive's dissolved profile to hers: an export or erasure asked with it would hand out
     * or erase Olive's data, so it is refused; Olive's own old id still answers for her remaining records.
     */
    @Test
    void anIdMergedIntoAProfileThatWasSplitSinceIsRefusedForRequestsAboutOnePerson() throws Exception {
        ProfileId olive = seedOlive();
        CustomerRecord bobRecord = new CustomerRecord(new SourceRecordId("crm", "bob-7"), Instant.parse("2026-01-03T00:00:00Z"),
                List.of(new Identifier(IdentifierType.EMAIL, "bob.hartley@example.org")), Map.of("first_name", "Bob"));
        ProfileId bob = resolver.resolve(bobRecord).profileId();
        Resolution merged = resolver.merge(olive, bob, new dev.tessera.core.model.MergeDecision("agent-1",
                "looked alike", Instant.parse("2026-01-04T00:00:00Z")));
        hooks.afterMerge(merged);
        ProfileId together = merged.profileId();
        ProfileId away = together.equals(olive) ? bob : olive;
        resolver.split(together, java.util.Set.of(bobRecord.id()), hooks::afterMoved);

        for (String[] call : new String[][] {{"GET", "/export"}, {"DELETE", "?reason=subject-request"}, {"GET", "/consent"}}) {
            ApiCalls.Response refused = send(call[0], "/api/v1/profiles/" + away.value() + call[1], ADMIN, null);
            assertThat(refused.status()).as(call[0] + " " + call[1]).isEqualTo(409);
            assertThat(refused.json().get("type").asString()).endsWith("/ambiguous-former-id");
        }
        // nor does it open her profile, history or figures to an agent (a bookmarked link, a ticket's profile id)
        for (String path : new String[] {"", "/timeline", "/metrics", "/explanation", "/possible-matches"}) {
            ApiCalls.Response refused = send("GET", "/api/v1/profiles/" + away.value() + path, AGENT, null);
            assertThat(refused.status()).as("GET " + path).isEqualTo(409);
            assertThat(refused.json().get("type").asString()).endsWith("/ambiguous-former-id");
            assertThat(refused.body()).doesNotContain("Olive").doesNotContain(EMAIL);
        }
        ApiCalls.Response current = send("GET", "/api/v1/profiles/" + together.value(), AGENT, null);
        assertThat(current.status()).isEqualTo(200);
        // the split profile's own id takes its remaining records (Olive's) by design, and still answers
        ApiCalls.Response export = send("GET", "/api/v1/profiles/" + together.value() + "/export", ADMIN, null);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.json().at("/profile/golden/first_name/value").asString()).isEqualTo("Olive");
    }

    /**
     * The process that merged two profiles stopped before their timelines followed (its write done, its
     * absorb not): the profile service finishes it from the change feed, consent included.
     */
    @Test
    void aMergeWhoseProcessStoppedBeforeTheTimelineFollowedIsFinishedFromTheChangeFeed() throws Exception {
        CustomerRecord bobRecord = new CustomerRecord(new SourceRecordId("crm", "bob-8"), Instant.parse("2026-01-03T00:00:00Z"),
                List.of(new Identifier(IdentifierType.EMAIL, "bob.keller@example.org")), Map.of("first_name", "Bob"));
        ProfileId bob = resolver.resolve(bobRecord).profileId(); // older: it survives
        Thread.sleep(5);
        ProfileId olive = seedOlive(); // an order and a marketing grant
        assertThat(cx.interactions(olive)).isNotEmpty();

        Resolution merged = resolver.merge(olive, bob, new dev.tessera.core.model.MergeDecision("agent-2",
                "same person, confirmed", Instant.parse("2026-01-04T00:00:00Z")));
        // no hooks.afterMerge(merged): as if the process had stopped right here
        assertThat(merged.merged()).containsExactly(olive);

        // the feed follows the entry once it is due (MergeFollowFeed.DEFAULT_GRACE); the absorb copies the
        // timeline first and empties the old id last, so everything is awaited, not only the first step
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(cx.interactions(bob)).anyMatch(i -> i.id().equals("o-1"));
            assertThat(cx.metrics(bob).orders()).isEqualTo(1);
            assertThat(cx.consent().find(bob).orElseThrow().statements()).isNotEmpty();
            assertThat(cx.consent().stored(olive)).isEmpty();
        });
    }

    @Test
    void anAdminErasesThePersonWithAReasonAndTheSameRecordIsRefusedAfterwards() throws Exception {
        ProfileId p = seedOlive();
        String path = "/api/v1/profiles/" + p.value();

        assertProblem(send("DELETE", path, ADMIN, null), "reason", "zzz");
        assertProblem(send("DELETE", path + "?reason=" + java.net.URLEncoder.encode("asked by " + EMAIL,
                java.nio.charset.StandardCharsets.UTF_8), ADMIN, null), "reason", EMAIL);
        assertThat(send("GET", path, AGENT, null).status()).as("still there").isEqualTo(200);

        ApiCalls.Response erased = send("DELETE", path + "?reason=subject-request", ADMIN, null);

        assertThat(erased.status()).isEqualTo(200);
        assertThat(erased.json().get("records").asInt()).isEqualTo(1);
        assertThat(erased.json().get("interactions").asInt()).isEqualTo(1);
        assertThat(erased.body()).doesNotContain(EMAIL).doesNotContain("Olive");
        assertThat(send("GET", path, AGENT, null).status()).isEqualTo(404);
        assertThat(send("GET", path + "/consent", AGENT, null).status()).isEqualTo(404);
        assertThat(send("DELETE", path + "?reason=subject-request", ADMIN, null).status()).isEqualTo(404);
        assertThat(resolver.resolve(olive()).outcome()).isEqualTo(Resolution.Outcome.ERASED);
        assertThat(send("GET", "/api/v1/profiles?email=" + EMAIL, AGENT, null).json().get("count").asInt()).isZero();
        List<AuditEntry> entries = audit.query(new AuditQuery(null, "profile.erase", null, null, null, null, 10));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).detail()).isEqualTo("reason=subject-request");
        assertThat(entries.get(0).actor()).isEqualTo("test-user");
    }

    private static void assertProblem(ApiCalls.Response response, String parameter, String notEchoed) throws Exception {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("parameter").asString()).isEqualTo(parameter);
        // "instance" is the request path (RFC 9457), so a hostile path segment shows there; nothing else echoes
        assertThat(response.json().get("detail").asString()).doesNotContain(notEchoed);
        assertThat(response.body().replace(response.json().path("instance").asString(), "")).doesNotContain(notEchoed);
    }

    private ApiCalls.Response send(String method, String path, String token, String body) throws Exception {
        return new ApiCalls(port).send(method, path, token, body);
    }
}
