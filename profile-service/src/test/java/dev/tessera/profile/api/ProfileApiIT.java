package dev.tessera.profile.api;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import java.math.BigDecimal;
import org.springframework.beans.factory.annotation.Autowired;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API as an agent uses it, with a dev-mode agent token (who may call what: ProfileApiSecurityIT). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ProfileApiIT {

    private static final String AGENT = TestTokens.bearer(Roles.AGENT);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Identifiers ids = new Identifiers("GB");

    @LocalServerPort
    int port;

    @Autowired
    dev.tessera.core.audit.AuditLog auditLog;

    @Autowired
    CxStore cx;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        // the shop's sign-up form takes any email: its records are shown as claimed (docs/identity.md)
        registry.add("tessera.identity.claimed-sources", () -> "shop");
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void emptyStore() {
        RedisTestSupport.flush();
    }

    @Test
    void findsTheUnifiedProfileByEmailInAnyCase() throws Exception {
        Resolution jane = seedJane();

        Response response = get("/api/v1/profiles?email=" + encode(" JANE@Example.com "));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("count").asInt()).isEqualTo(1);
        JsonNode profile = response.json().get("items").get(0);
        assertThat(profile.get("id").asString()).isEqualTo(jane.profileId().value());
        assertThat(profile.get("records")).hasSize(2);
        assertThat(profile.at("/attributes/first_name/value").asString()).isEqualTo("Jane");
        // the shop is a claimed source here: its newer city does not overrule the CRM's
        assertThat(profile.at("/attributes/city/value").asString()).isEqualTo("Leeds");
        assertThat(profile.at("/attributes/city/sourceRecordId").asString()).isEqualTo("crm:1");
    }

    @Test
    void findsTheProfileByPhoneInAnotherNotation() throws Exception {
        Resolution jane = seedJane();

        Response response = get("/api/v1/profiles?phone=" + encode("+44 (0)20 7946 0958"));

        assertThat(response.json().at("/items/0/id").asString()).isEqualTo(jane.profileId().value());
    }

    /**
     * Asked for her number at an extension, the search also finds records that carry the number alone
     * (stored before phones kept their extension, or from a source that leaves it out): an access or erasure
     * request by phone must not miss them.
     */
    @Test
    void aSearchByPhoneWithAnExtensionAlsoFindsTheNumberAlone() throws Exception {
        Resolution jane = seedJane();

        Response response = get("/api/v1/profiles?phone=" + encode("+44 20 7946 0958 ext. 7"));

        assertThat(response.json().at("/items/0/id").asString()).isEqualTo(jane.profileId().value());
        assertThat(response.json().get("items")).hasSize(1);
    }

    @Test
    void returnsOneProfileById() throws Exception {
        Resolution jane = seedJane();

        Response response = get("/api/v1/profiles/" + jane.profileId().value());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("identifiers")).hasSize(2);
    }

    @Test
    void unknownIdIsAProblem404() throws Exception {
        Response response = get("/api/v1/profiles/no-such-profile");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("title").asString()).isEqualTo("Profile not found");
        assertThat(response.json().get("status").asInt()).isEqualTo(404);
    }

    @Test
    void unknownEmailIsAnEmptyResult() throws Exception {
        Response response = get("/api/v1/profiles?email=" + encode("nobody@example.com"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("count").asInt()).isZero();
    }

    @Test
    void invalidInputNamesTheFieldWithoutEchoingTheValue() throws Exception {
        Response badEmail = get("/api/v1/profiles?email=" + encode("secret-not-an-email"));
        Response badId = get("/api/v1/profiles/" + encode("bad id!DROP"));
        // an encoded ';' never reaches the controller: Spring Security's firewall refuses it, also as a problem
        Response firewalled = get("/api/v1/profiles/" + encode("bad id;DROP"));
        Response nothing = get("/api/v1/profiles");

        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.contentType()).startsWith("application/problem+json");
        assertThat(badEmail.json().get("parameter").asString()).isEqualTo("email");
        assertThat(badEmail.body()).doesNotContain("secret-not-an-email");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("parameter").asString()).isEqualTo("id");
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(firewalled.status()).isEqualTo(400);
        assertThat(firewalled.contentType()).startsWith("application/problem+json");
        assertThat(firewalled.body()).doesNotContain("DROP");
    }

    @Test
    void explainsWhyEachRecordIsInTheProfile() throws Exception {
        Resolution jane = seedJane();

        Response response = get("/api/v1/profiles/" + jane.profileId().value() + "/explanation");

        assertThat(response.status()).isEqualTo(200);
        JsonNode records = response.json().get("records");
        assertThat(records).hasSize(2);
        assertThat(records.findValuesAsString("rule")).containsExactlyInAnyOrder("new-profile", "exact-identifier");
        assertThat(records.findValuesAsString("sourceRecordId")).containsExactlyInAnyOrder("crm:1", "shop:77");
        for (JsonNode record : records) {
            assertThat(record.get("claimed").asBoolean()).as(record.get("sourceRecordId").asString())
                    .isEqualTo(record.get("source").asString().equals("shop"));
        }
        // the phone number only the claimed shop record has is marked where an agent finds her by it
        JsonNode found = get("/api/v1/profiles?phone=%2B442079460958").json().at("/items/0");
        JsonNode detail = get("/api/v1/profiles/" + jane.profileId().value()).json();
        for (JsonNode view : List.of(found, detail)) {
            for (JsonNode identifier : view.get("identifiers")) {
                assertThat(identifier.get("claimed").asBoolean()).as(identifier.get("type").asString())
                        .isEqualTo(identifier.get("type").asString().equals("phone"));
            }
            assertThat(view.at("/attributes/city/claimed").asBoolean()).isFalse(); // the CRM's city: York is a claim
            assertThat(view.at("/attributes/city/value").asString()).isEqualTo("Leeds");
        }
    }

    /**
     * Three "Amelia Williams, London": one with only an email, one with another email, a phone and a birth
     * date, and one with only a phone. Matching keeps the phone-only record on its own (the name is common
     * there); an agent looking for its duplicates sees both others and why each stayed apart, without any
     * of their values.
     */
    @Test
    void anAgentSeesPossibleMatchesAndWhyTheyStayedApart() throws Exception {
        String emailOnly;
        String phoneOnly;
        try (RedisConnection connection = RedisTestSupport.connect()) {
            ProfileResolver resolver = IdentitySettings.defaults().resolver(new ProfileStore(connection),
                    Clock.systemUTC());
            Map<String, String> amelia = Map.of("first_name", "Amelia", "last_name", "Williams", "city", "London");
            emailOnly = resolver.resolve(record("crm", "n1", "amelia.williams1137@example.com", null,
                    "2025-01-01T00:00:00Z", amelia)).profileId().value();
            Map<String, String> born = new java.util.HashMap<>(amelia);
            born.put("birth_date", "1984-03-02");
            resolver.resolve(record("crm", "n2", "amelia.williams1274@example.com", "07700 901274",
                    "2025-01-01T00:00:00Z", born));
            phoneOnly = resolver.resolve(record("shop", "p", null, "07700 901411", "2025-01-02T00:00:00Z", amelia))
                    .profileId().value();
        }
        assertThat(phoneOnly).isNotEqualTo(emailOnly);

        Response response = get("/api/v1/profiles/" + phoneOnly + "/possible-matches?limit=5");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("profileId").asString()).isEqualTo(phoneOnly);
        JsonNode matches = response.json().get("matches");
        assertThat(matches).hasSize(2);
        int at = matches.get(0).get("profileId").asString().equals(emailOnly) ? 0 : 1;
        JsonNode first = matches.get(at);
        assertThat(first.get("profileId").asString()).isEqualTo(emailOnly);
        assertThat(first.get("verdict").asString()).isEqualTo("common-name");
        assertThat(first.get("record").asString()).isEqualTo("shop:p");
        assertThat(first.get("against").asString()).isEqualTo("crm:n1");
        assertThat(first.get("keptApart").asBoolean()).isFalse();
        assertThat(first.get("contributions").findValuesAsString("field")).contains("first_name", "last_name", "city");
        assertThat(matches.get(1 - at).get("verdict").asString()).isEqualTo("contradicting-identifiers");
        assertThat(response.body()).as("ids, fields and levels only").doesNotContainIgnoringCase("amelia")
                .doesNotContain("London").doesNotContain("07700");
        // each profile shown is on record as read, as the one asked about
        assertThat(auditLog.query(new dev.tessera.core.audit.AuditQuery(null, "profile.possible-matches", null, null,
                null, null, 10))).extracting(dev.tessera.core.audit.AuditEntry::profileId)
                .containsExactlyInAnyOrder(phoneOnly, emailOnly, matches.get(1 - at).get("profileId").asString());

        assertThat(get("/api/v1/profiles/" + phoneOnly + "/possible-matches?limit=1").json().get("matches")).hasSize(1);
        Response tooMany = get("/api/v1/profiles/" + phoneOnly + "/possible-matches?limit=51");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("parameter").asString()).isEqualTo("limit");
        assertThat(get("/api/v1/profiles/nobody/possible-matches").status()).isEqualTo(404);
        assertThat(get("/api/v1/profiles/bad%20id/possible-matches").status()).isEqualTo(400);
    }

    @Test
    void anAgentSplitsAWrongMergeAndTheOldIdForwards() throws Exception {
        Resolution jane = seedJane();

        Response split = post("/api/v1/profiles/" + jane.profileId().value() + "/split", "{\"records\":[\"shop:77\"]}");

        assertThat(split.status()).isEqualTo(200);
        String remaining = split.json().at("/remaining/0").asString();
        String movedOut = split.json().at("/movedOut/0").asString();
        assertThat(movedOut).isNotEqualTo(remaining);
        assertThat(get("/api/v1/profiles/" + jane.profileId().value()).json().get("id").asString()).isEqualTo(remaining);
        assertThat(get("/api/v1/profiles/" + movedOut).json().get("records")).hasSize(1);
        assertThat(get("/api/v1/profiles/" + remaining + "/explanation").json().at("/records/0/separatedFrom/0").asString())
                .isEqualTo("shop:77");
        // an identity decision that may undo another agent's merge: audited with who made it, ids only
        assertThat(auditLog.query(new dev.tessera.core.audit.AuditQuery(null, "profile.split", null, null, null, null, 5)))
                .singleElement().satisfies(e -> {
                    assertThat(e.profileId()).isEqualTo(jane.profileId().value());
                    assertThat(e.detail()).contains(movedOut).contains(remaining).doesNotContain("shop:77");
                });
    }

    @Test
    void aSplitOrMergeActsOnlyOnWhatTheAgentSaw() throws Exception {
        Resolution jane = seedJane();
        String id = jane.profileId().value();

        // the page showed one record; a second arrived since: the split is refused, nothing changes
        Response stale = post("/api/v1/profiles/" + id + "/split", "{\"records\":[\"shop:77\"],\"seen\":[\"crm:1\"]}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(get("/api/v1/profiles/" + id).json().get("records")).hasSize(2);

        Response split = post("/api/v1/profiles/" + id + "/split",
                "{\"records\":[\"shop:77\"],\"seen\":[\"shop:77\",\"crm:1\"]}");
        assertThat(split.status()).isEqualTo(200);
        // the old id forwards now: a decision naming it would act on records the agent never saw
        String remaining = split.json().at("/remaining/0").asString();
        String movedOut = split.json().at("/movedOut/0").asString();
        assertThat(remaining).isNotEqualTo(id);
        assertThat(post("/api/v1/profiles/" + id + "/split", "{\"records\":[\"crm:1\"]}").status()).isEqualTo(409);
        assertThat(post("/api/v1/profiles/" + movedOut + "/merge", "{\"other\":\"" + id + "\",\"reason\":\"same\"}")
                .status()).isEqualTo(409);
        assertThat(post("/api/v1/profiles/" + id + "/merge", "{\"other\":\"" + movedOut + "\",\"reason\":\"same\"}")
                .status()).isEqualTo(409);
        assertThat(post("/api/v1/profiles/p-unknown/merge", "{\"other\":\"" + movedOut + "\",\"reason\":\"same\"}")
                .status()).isEqualTo(404);
    }

    @Test
    void anAgentMergesTwoProfilesAndTheExplanationShowsTheDecision() throws Exception {
        Resolution jane = seedJane();
        String other;
        try (RedisConnection connection = RedisTestSupport.connect()) {
            other = new DeterministicResolver(new ProfileStore(connection), new GoldenRecordBuilder(), Clock.systemUTC())
                    .resolve(record("web", "5", "jd@work.example", null, "2025-06-01T00:00:00Z",
                            Map.of("first_name", "Jane"))).profileId().value();
        }

        Response merged = post("/api/v1/profiles/" + other + "/merge",
                "{\"other\":\"" + jane.profileId().value() + "\",\"reason\":\"same customer, confirmed on the phone\"}");

        assertThat(merged.status()).isEqualTo(200);
        assertThat(merged.json().get("profile").asString()).isEqualTo(jane.profileId().value()); // the older survives
        assertThat(merged.json().at("/mergedAway/0").asString()).isEqualTo(other);
        assertThat(get("/api/v1/profiles/" + other).json().get("records")).hasSize(3);
        JsonNode moved = null;
        for (JsonNode r : get("/api/v1/profiles/" + other + "/explanation").json().get("records")) {
            if (r.get("sourceRecordId").asString().equals("web:5")) {
                moved = r;
            }
        }
        assertThat(moved).isNotNull();
        assertThat(moved.get("rule").asString()).isEqualTo("manual-merge");
        assertThat(moved.at("/joinedWith/0/decidedBy").asString()).isEqualTo("test-user");
        assertThat(moved.at("/joinedWith/0/reason").asString()).isEqualTo("same customer, confirmed on the phone");

        Response again = post("/api/v1/profiles/" + other + "/merge",
                "{\"other\":\"" + jane.profileId().value() + "\",\"reason\":\"twice\"}");
        Response noReason = post("/api/v1/profiles/" + other + "/merge", "{\"other\":\"x\",\"reason\":\" \"}");
        Response badOther = post("/api/v1/profiles/" + other + "/merge", "{\"other\":\"a b\",\"reason\":\"r\"}");
        Response unknown = post("/api/v1/profiles/" + jane.profileId().value() + "/merge",
                "{\"other\":\"nope\",\"reason\":\"r\"}");
        assertThat(again.status()).as("the merged-away id forwards: a decision naming it is refused").isEqualTo(409);
        assertThat(noReason.json().get("parameter").asString()).isEqualTo("reason");
        assertThat(badOther.json().get("parameter").asString()).isEqualTo("other");
        assertThat(unknown.status()).isEqualTo(404);
    }

    /** A merge that would chain records earlier decisions keep apart is a 409 that changes nothing. */
    @Test
    void aMergeContradictingEarlierDecisionsIsAConflictProblem() throws Exception {
        Resolution jane = seedJane();
        String other;
        try (RedisConnection connection = RedisTestSupport.connect()) {
            ProfileStore store = new ProfileStore(connection);
            DeterministicResolver resolver = new DeterministicResolver(store, new GoldenRecordBuilder(), Clock.systemUTC());
            other = resolver.resolve(record("web", "5", "jd@work.example", null, "2025-06-01T00:00:00Z",
                    Map.of("first_name", "Jane"))).profileId().value();
            resolver.resolve(record("web", "9", "x@example.org", null, "2025-06-02T00:00:00Z", Map.of()));
            // web:9 was joined with web:5 and separated from crm:1 (one of Jane's) by earlier decisions
            store.addMustLink(new SourceRecordId("web", "5"), new SourceRecordId("web", "9"),
                    new MergeDecision("agent-2", "same", Instant.parse("2025-06-03T00:00:00Z")));
            store.addCannotLink(new SourceRecordId("web", "9"), new SourceRecordId("crm", "1"));
        }

        Response refused = post("/api/v1/profiles/" + other + "/merge",
                "{\"other\":\"" + jane.profileId().value() + "\",\"reason\":\"same customer\"}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("/decision-conflict");
        assertThat(refused.json().get("detail").asString()).contains("4 records").doesNotContain("jane", "web:", "crm:");
        assertThat(get("/api/v1/profiles/" + other).json().get("records")).hasSize(1);
    }

    /** Merging back what an agent split is a 409 naming the flag, and done only with the flag. */
    @Test
    void aMergeOverAnAgentsSplitNeedsOverrideKeptApart() throws Exception {
        Resolution jane = seedJane(); // crm:1 and shop:77
        String id = jane.profileId().value();
        Response split = post("/api/v1/profiles/" + id + "/split", "{\"records\":[\"shop:77\"]}");
        assertThat(split.status()).as(split.body()).isEqualTo(200);
        String moved = split.json().at("/movedOut/0").asString();
        String remaining = split.json().at("/remaining/0").asString();

        Response refused = post("/api/v1/profiles/" + remaining + "/merge",
                "{\"other\":\"" + moved + "\",\"reason\":\"same customer\"}");
        Response notTrue = post("/api/v1/profiles/" + remaining + "/merge",
                "{\"other\":\"" + moved + "\",\"reason\":\"same customer\",\"overrideKeptApart\":false}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("/kept-apart");
        assertThat(refused.json().get("detail").asString()).contains("2 records", "overrideKeptApart")
                .doesNotContain("jane", "shop:", "crm:");
        assertThat(notTrue.status()).isEqualTo(409);
        assertThat(get("/api/v1/profiles/" + moved).json().get("records")).hasSize(1);

        Response merged = post("/api/v1/profiles/" + remaining + "/merge",
                "{\"other\":\"" + moved + "\",\"reason\":\"same customer after all\",\"overrideKeptApart\":true}");
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(get("/api/v1/profiles/" + moved).json().get("records")).hasSize(2);
        assertThat(auditLog.query(dev.tessera.core.audit.AuditQuery.newest(20))).filteredOn(e -> e.action().equals("profile.merge"))
                .first().satisfies(e -> assertThat(e.detail()).contains("overriding keep-apart decisions"));
    }

    @Test
    void splitRequestsAreValidated() throws Exception {
        Resolution jane = seedJane();
        String path = "/api/v1/profiles/" + jane.profileId().value() + "/split";

        Response all = post(path, "{\"records\":[\"shop:77\",\"crm:1\"]}");
        Response empty = post(path, "{\"records\":[]}");
        Response malformed = post(path, "{\"records\":[\"no key\"]}");
        Response notJson = post(path, "records=shop:77");
        Response unknown = post("/api/v1/profiles/no-such-profile/split", "{\"records\":[\"shop:77\"]}");

        assertThat(all.status()).isEqualTo(400);
        assertThat(all.json().get("parameter").asString()).isEqualTo("records");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("parameter").asString()).startsWith("records");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(get("/api/v1/profiles/" + jane.profileId().value()).json().get("records")).hasSize(2);
    }

    @Test
    void theTimelineIsNewestFirstPagedAndFilteredAndTheMetricsFollowIt() throws Exception {
        Resolution jane = seedJane();
        SourceRecordId shop = new SourceRecordId("shop", "77");
        cx.append(new Interaction("o-1", shop, InteractionKind.ORDER, "web", "checkout",
                Instant.parse("2025-05-02T10:00:00Z"), new Interaction.Money(new BigDecimal("40.00"), "GBP"), null, Map.of()));
        cx.append(new Interaction("o-2", shop, InteractionKind.ORDER, "store", "checkout",
                Instant.parse("2025-06-02T10:00:00Z"), new Interaction.Money(new BigDecimal("60.00"), "GBP"), null, Map.of()));
        // late and out of order: lands in its place
        cx.append(new Interaction("s-1", new SourceRecordId("crm", "1"), InteractionKind.SURVEY_RESPONSE, "email", "delivery",
                Instant.parse("2025-05-20T10:00:00Z"), null, new Interaction.Score(Interaction.ScoreType.NPS, 4), Map.of()));
        String base = "/api/v1/profiles/" + jane.profileId().value();

        JsonNode all = get(base + "/timeline?limit=2").json();
        assertThat(all.get("total").asLong()).isEqualTo(3);
        assertThat(all.get("items")).extracting(i -> i.get("id").asString()).containsExactly("o-2", "s-1");
        assertThat(all.get("hasMore").asBoolean()).isTrue();
        assertThat(get(base + "/timeline?kind=order&channel=web").json().get("items"))
                .extracting(i -> i.get("id").asString()).containsExactly("o-1");
        // channels are labels as sources write them: any text, compared without case
        assertThat(get(base + "/timeline?channel=Store").json().get("items"))
                .extracting(i -> i.get("id").asString()).containsExactly("o-2");
        assertThat(get(base + "/timeline?channel=" + java.net.URLEncoder.encode("in store", java.nio.charset.StandardCharsets.UTF_8)).status())
                .isEqualTo(200);
        assertThat(get(base + "/timeline?channel=%07").status()).isEqualTo(400);
        assertThat(get(base + "/timeline?from=2025-05-10T00:00:00Z&to=2025-06-01T00:00:00Z").json().get("items"))
                .extracting(i -> i.get("id").asString()).containsExactly("s-1");

        JsonNode metrics = get(base + "/metrics").json().get("metrics");
        assertThat(metrics.get("orders").asLong()).isEqualTo(2);
        assertThat(metrics.at("/revenue/GBP").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(metrics.get("npsLatest").asInt()).isEqualTo(4);
        assertThat(metrics.get("npsCategory").asString()).isEqualTo("DETRACTOR");
        assertThat(metrics.at("/churnRisk/factors")).isNotEmpty();

        assertThat(get(base + "/timeline?kind=parcel").status()).isEqualTo(400);
        assertThat(get(base + "/timeline?from=yesterday").json().get("detail").asString()).startsWith("from ");
        assertThat(get(base + "/timeline?limit=0").status()).isEqualTo(400);
        assertThat(get("/api/v1/profiles/unknown-profile/timeline").status()).isEqualTo(404);
    }

    @Test
    void healthIsUpWithRedis() throws Exception {
        Response health = get("/actuator/health");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
    }

    private Resolution seedJane() {
        try (RedisConnection connection = RedisTestSupport.connect()) {
            // as the app resolves: the shop is a claimed source (see redis(...))
            DeterministicResolver resolver = new DeterministicResolver(new ProfileStore(connection),
                    new GoldenRecordBuilder(GoldenRecordBuilder.MOST_RECENT, Set.of("shop")), Clock.systemUTC());
            Resolution first = resolver.resolve(record("crm", "1", "jane@example.com", null, "2025-01-01T00:00:00Z",
                    Map.of("first_name", "Jane", "city", "Leeds")));
            resolver.resolve(record("shop", "77", "Jane@example.com", "020 7946 0958", "2025-05-01T00:00:00Z",
                    Map.of("city", "York")));
            return first;
        }
    }

    private CustomerRecord record(String source, String id, String email, String phone, String at,
            Map<String, String> attributes) {
        List<Identifier> identifiers = new ArrayList<>();
        ids.email(email).ifPresent(identifiers::add);
        ids.phone(phone).ifPresent(identifiers::add);
        return new CustomerRecord(new SourceRecordId(source, id), Instant.parse(at), identifiers, attributes);
    }

    private Response get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", AGENT)
                        .GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private Response post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/json").header("Authorization", AGENT)
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
