package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.audit.AuditQuery;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading personal data through the API: search by name prefix and source record, profile 360, the
 * marketer's masked view (with {@code city} configured visible), and the audit entry every read leaves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class ProfileReadsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String AGENT = bearer("agent-7", Roles.AGENT);
    private static final String MARKETER = bearer("marketer-3", Roles.MARKETER);
    private static final String ADMIN = bearer("admin-1", Roles.ADMIN);

    private final HttpClient http = HttpClient.newHttpClient();
    private final Identifiers ids = new Identifiers("GB");

    @LocalServerPort
    int port;

    @Autowired
    CxStore cx;

    @Autowired
    AuditLog auditLog;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("tessera.privacy.marketer.visible-fields[0]", () -> "city");
    }

    @BeforeEach
    void emptyStore() {
        RedisTestSupport.flush();
    }

    @Test
    void findsProfilesByNamePrefixFoldedLikeTheMatcher() {
        String mueller = seed("crm", "1", "j.mueller@example.com", null, Map.of("first_name", "Jürgen", "last_name", "Müller"));
        String mueller2 = seed("crm", "2", "a.mueller@example.com", null, Map.of("first_name", "Anna", "last_name", "Mueller"));
        seed("crm", "3", "smith@example.com", null, Map.of("first_name", "Jane", "last_name", "Smith"));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(
                () -> assertThat(get("/api/v1/profiles?name=" + encode("mül"), AGENT).json().get("total").asLong()).isEqualTo(2));

        assertThat(ids(get("/api/v1/profiles?name=MUELLER", AGENT))).containsExactlyInAnyOrder(mueller, mueller2);
        assertThat(ids(get("/api/v1/profiles?name=Muller", AGENT))).containsExactly(mueller);
        assertThat(ids(get("/api/v1/profiles?name=" + encode("anna mu"), AGENT))).containsExactly(mueller2);
        JsonNode first = get("/api/v1/profiles?name=mu&size=1&page=0", AGENT).json();
        JsonNode second = get("/api/v1/profiles?name=mu&size=1&page=1", AGENT).json();
        assertThat(first.get("count").asInt()).isEqualTo(1);
        assertThat(first.get("total").asLong()).isEqualTo(2);
        assertThat(first.get("size").asInt()).isEqualTo(1);
        assertThat(second.get("page").asInt()).isEqualTo(1);
        assertThat(Set.of(first.at("/items/0/id").asString(), second.at("/items/0/id").asString()))
                .containsExactlyInAnyOrder(mueller, mueller2);
        assertThat(get("/api/v1/profiles?name=mu&size=1&page=2", AGENT).json().get("items")).isEmpty();
    }

    @Test
    void findsAProfileBySourceRecord() {
        String jane = seedJane();

        assertThat(ids(get("/api/v1/profiles?source=shop&sourceId=77", AGENT))).containsExactly(jane);
        assertThat(get("/api/v1/profiles?source=shop&sourceId=78", AGENT).json().get("total").asLong()).isZero();
    }

    @Test
    void searchNeedsExactlyOneCriterionAndBoundedSizesAndNamesTheParameter(CapturedOutput output) {
        assertThat(problemParameter("/api/v1/profiles")).isEqualTo("email");
        assertThat(problemParameter("/api/v1/profiles?email=a@example.com&name=smith")).isEqualTo("name");
        assertThat(problemParameter("/api/v1/profiles?name=smith&size=101")).isEqualTo("size");
        assertThat(problemParameter("/api/v1/profiles?name=smith&size=abc")).isEqualTo("size");
        assertThat(problemParameter("/api/v1/profiles?name=smith&page=-1")).isEqualTo("page");
        assertThat(problemParameter("/api/v1/profiles?name=s")).isEqualTo("name");
        assertThat(problemParameter("/api/v1/profiles?name=" + "a".repeat(201))).isEqualTo("name");
        assertThat(problemParameter("/api/v1/profiles?source=crm")).isEqualTo("sourceId");
        assertThat(problemParameter("/api/v1/profiles?sourceId=1")).isEqualTo("source");
        assertThat(problemParameter("/api/v1/profiles?source=CRM!&sourceId=1")).isEqualTo("source");
        Response secret = get("/api/v1/profiles?email=" + encode("secret-value-" + "x".repeat(300)), AGENT);
        assertThat(secret.status()).isEqualTo(400);
        assertThat(secret.body()).doesNotContain("secret-value");
        assertThat(get("/api/v1/profiles?name=Zyxwvutsr&size=q9x7", AGENT).status()).isEqualTo(400);
        assertThat(get("/api/v1/profiles?email=leak.check@example.com", AGENT).status()).isEqualTo(200);
        assertThat(get("/api/v1/profiles?phone=" + encode("+44 7700 900999"), AGENT).status()).isEqualTo(200);
        // nothing searched for reaches the logs (values that are errors included)
        assertThat(output.getAll()).doesNotContain("secret-value").doesNotContain("Zyxwvutsr").doesNotContain("q9x7")
                .doesNotContain("leak.check").doesNotContain("7700 900999").doesNotContain("447700900999");
    }

    @Test
    void profile360HasLineageIdentifiersSourceRecordsAndMetricsAndFollowsMerges() {
        String jane = seedJane();
        cx.append(new Interaction("o-1", new SourceRecordId("shop", "77"), InteractionKind.ORDER, "web", "checkout",
                Instant.parse("2025-05-02T10:00:00Z"), new Interaction.Money(new BigDecimal("40.00"), "GBP"), null, Map.of()));
        String other = seed("web", "9", null, "07700 900123", Map.of("last_name", "Doe"));
        // a record with Jane's email and the other profile's phone merges them; Jane's (older) survives
        seed("web", "10", "jane@example.com", "07700 900123", Map.of());

        JsonNode profile = get("/api/v1/profiles/" + jane, AGENT).json();
        JsonNode viaOldId = get("/api/v1/profiles/" + other, AGENT).json();

        assertThat(profile.at("/attributes/city/value").asString()).isEqualTo("York");
        assertThat(profile.at("/attributes/city/sourceRecordId").asString()).isEqualTo("shop:77");
        assertThat(profile.get("identifiers")).hasSize(3);
        assertThat(profile.get("sourceRecords")).extracting(r -> r.get("key").asString())
                .containsExactlyInAnyOrder("crm:1", "shop:77", "web:9", "web:10");
        assertThat(profile.at("/sourceRecords/0/attributes")).isNotNull();
        assertThat(profile.get("sourceRecords").findValuesAsString("linkedBy")).contains("new-profile");
        assertThat(profile.at("/metrics/orders").asLong()).isEqualTo(1);
        assertThat(profile.get("masked").asBoolean()).isFalse();
        assertThat(viaOldId.get("id").asString()).isEqualTo(jane);
        assertThat(viaOldId.get("requestedId").asString()).isEqualTo(other);
    }

    @Test
    void marketersSeeMaskedPersonalDataExceptConfiguredFieldsAndAgentsSeeItAll() {
        String jane = seedJane();

        JsonNode masked = get("/api/v1/profiles/" + jane, MARKETER).json();
        JsonNode clear = get("/api/v1/profiles/" + jane, AGENT).json();

        assertThat(masked.get("masked").asBoolean()).isTrue();
        assertThat(masked.at("/attributes/first_name/value").asString()).isEqualTo("J.");
        assertThat(masked.at("/attributes/city/value").asString()).isEqualTo("York"); // configured visible
        // lineage stays (source and time), the record id as a pseudonym: a CRM may key its records by email
        String cityRecord = masked.at("/attributes/city/sourceRecordId").asString();
        assertThat(cityRecord).startsWith("shop:~").isNotEqualTo("shop:77");
        assertThat(masked.at("/attributes/city/source").asString()).isEqualTo("shop");
        assertThat(masked.get("records").findValuesAsString("sourceId")).allSatisfy(id -> assertThat(id).startsWith("~"))
                .contains(cityRecord.substring("shop:".length()));
        assertThat(masked.get("sourceRecords").findValuesAsString("key")).contains(cityRecord);
        assertThat(masked.get("metrics").isNull()).as("one known person's figures: agents and admins only").isTrue();
        assertThat(clear.at("/metrics/orders").isNumber()).isTrue();
        assertThat(masked.get("identifiers").findValuesAsString("value"))
                .containsExactlyInAnyOrder("j***@e***.com", "***58");
        assertThat(masked.toString()).doesNotContain("jane@example.com").doesNotContain("Jane").doesNotContain("2079460958")
                .doesNotContain("shop:77").doesNotContain("crm:1\"");
        assertThat(clear.at("/attributes/first_name/value").asString()).isEqualTo("Jane");
        assertThat(clear.toString()).contains("jane@example.com").contains("shop:77");

        // searches by what the marketer sees masked would tell it: refused, naming the criterion
        Response bySource = get("/api/v1/profiles?source=crm&sourceId=1", MARKETER);
        assertThat(bySource.status()).isEqualTo(403);
        assertThat(bySource.json().get("parameter").asString()).isEqualTo("sourceId");
        assertThat(get("/api/v1/profiles?name=jan", MARKETER).status()).isEqualTo(403);
        assertThat(get("/api/v1/profiles?source=crm&sourceId=1", AGENT).json().at("/items/0/id").asString())
                .isEqualTo(jane);
        assertThat(get("/api/v1/profiles?email=jane@example.com", MARKETER).status()).isEqualTo(403);
        assertThat(get("/api/v1/profiles?phone=02079460958", MARKETER).status()).isEqualTo(403);
        assertThat(get("/api/v1/profiles/" + jane + "/timeline", MARKETER).status()).isEqualTo(403);
    }

    @Test
    void everyReadOfPersonalDataLeavesOneAuditEntryPerProfileWithFieldNamesOnly() {
        String jane = seedJane();
        String base = "/api/v1/profiles/" + jane;

        assertThat(get(base, AGENT).status()).isEqualTo(200);
        assertThat(get(base, MARKETER).status()).isEqualTo(200);
        assertThat(get(base + "/timeline", AGENT).status()).isEqualTo(200);
        assertThat(get(base + "/explanation", AGENT).status()).isEqualTo(200);
        assertThat(get(base + "/metrics", AGENT).status()).isEqualTo(200);
        assertThat(get("/api/v1/profiles?email=jane@example.com", AGENT).json().get("count").asInt()).isEqualTo(1);
        assertThat(get("/api/v1/profiles/unknown-id", AGENT).status()).isEqualTo(404);

        List<AuditEntry> entries = auditLog.query(AuditQuery.newest(100));
        assertThat(entries).extracting(AuditEntry::action).containsExactly("profile.search", "profile.metrics",
                "profile.explanation", "profile.timeline", "profile.read", "profile.read");
        assertThat(entries).allSatisfy(e -> assertThat(e.profileId()).isEqualTo(jane));
        AuditEntry agentRead = entries.get(5);
        AuditEntry marketerRead = entries.get(4);
        assertThat(agentRead.actor()).isEqualTo("agent-7");
        assertThat(agentRead.fields()).contains("first_name", "city", "email", "phone");
        assertThat(marketerRead.actor()).isEqualTo("marketer-3");
        assertThat(marketerRead.fields()).containsExactly("city");
        assertThat(marketerRead.detail()).contains("masked");
        assertThat(entries.get(0).detail()).isEqualTo("GET /api/v1/profiles by email");
        String everything = entries.toString();
        assertThat(everything).doesNotContain("jane@example.com").doesNotContain("Jane").doesNotContain("York");

        // a page past the matches returns no one, but its total confirms Jane is a customer: audited too
        JsonNode past = get("/api/v1/profiles?email=jane@example.com&page=1&size=1", AGENT).json();
        assertThat(past.get("count").asInt()).isZero();
        AuditEntry confirmed = auditLog.query(AuditQuery.newest(1)).get(0);
        assertThat(confirmed.action()).isEqualTo("profile.search");
        assertThat(confirmed.profileId()).isEqualTo(jane);
        assertThat(confirmed.detail()).isEqualTo("GET /api/v1/profiles by email (page past 1 match(es))");
    }

    @Test
    void adminsQueryTheAuditLogWithValidatedFilters() {
        String jane = seedJane();
        get("/api/v1/profiles/" + jane, AGENT);
        get("/api/v1/profiles/" + jane, MARKETER);
        get("/api/v1/profiles/" + jane + "/timeline", AGENT);

        JsonNode byMarketer = get("/api/v1/audit?actor=marketer-3", ADMIN).json();
        JsonNode reads = get("/api/v1/audit?action=profile.read&profile=" + jane + "&limit=1", ADMIN).json();
        JsonNode older = get("/api/v1/audit?action=profile.read&before=" + reads.get("next").asString(), ADMIN).json();
        JsonNode future = get("/api/v1/audit?from=" + Instant.now().plus(Duration.ofHours(1)), ADMIN).json();

        assertThat(byMarketer.get("items")).singleElement()
                .satisfies(e -> assertThat(e.get("action").asString()).isEqualTo("profile.read"));
        assertThat(reads.get("items")).singleElement()
                .satisfies(e -> assertThat(e.get("actor").asString()).isEqualTo("marketer-3"));
        assertThat(older.get("items")).singleElement()
                .satisfies(e -> assertThat(e.get("actor").asString()).isEqualTo("agent-7"));
        assertThat(future.get("count").asInt()).isZero();
        assertThat(problemParameter("/api/v1/audit?limit=0", ADMIN)).isEqualTo("limit");
        assertThat(problemParameter("/api/v1/audit?from=yesterday", ADMIN)).isEqualTo("from");
        assertThat(problemParameter("/api/v1/audit?before=abc", ADMIN)).isEqualTo("before");
        assertThat(problemParameter("/api/v1/audit?profile=" + encode("no id!"), ADMIN)).isEqualTo("profile");
        assertThat(problemParameter("/api/v1/audit?action=DROP", ADMIN)).isEqualTo("action");
        // ids and times Redis or Java cannot take: a 400 naming the parameter, not a 500
        assertThat(problemParameter("/api/v1/audit?from=1969-12-31T00:00:00Z", ADMIN)).isEqualTo("from");
        assertThat(problemParameter("/api/v1/audit?to=1970-01-01T00:00:00Z", ADMIN)).isEqualTo("to");
        assertThat(problemParameter("/api/v1/audit?to=" + encode("+300000000-01-01T00:00:00Z"), ADMIN)).isEqualTo("to");
        assertThat(problemParameter("/api/v1/audit?before=0-0", ADMIN)).isEqualTo("before");
        assertThat(problemParameter("/api/v1/audit?before=99999999999999999999-0", ADMIN)).isEqualTo("before");
        assertThat(problemParameter("/api/v1/profiles/" + jane + "/timeline?to=" + encode("+300000000-01-01T00:00:00Z"),
                AGENT)).isEqualTo("to");
        assertThat(get("/api/v1/audit", AGENT).status()).isEqualTo(403);
        assertThat(get("/api/v1/audit", MARKETER).status()).isEqualTo(403);
    }

    private String seedJane() {
        String jane = seed("crm", "1", "jane@example.com", null, Map.of("first_name", "Jane", "city", "Leeds"));
        seed("shop", "77", "Jane@example.com", "020 7946 0958", Map.of("city", "York"));
        return jane;
    }

    private String seed(String source, String id, String email, String phone, Map<String, String> attributes) {
        try (RedisConnection connection = RedisTestSupport.connect()) {
            DeterministicResolver resolver = new DeterministicResolver(new ProfileStore(connection),
                    new GoldenRecordBuilder(), Clock.systemUTC());
            List<Identifier> identifiers = new ArrayList<>();
            if (email != null) {
                ids.email(email).ifPresent(identifiers::add);
            }
            if (phone != null) {
                ids.phone(phone).ifPresent(identifiers::add);
            }
            ProfileId profile = resolver.resolve(new CustomerRecord(new SourceRecordId(source, id), Instant.now(),
                    identifiers, attributes)).profileId();
            return profile.value();
        }
    }

    private static List<String> ids(Response response) {
        assertThat(response.status()).isEqualTo(200);
        List<String> found = new ArrayList<>();
        response.json().get("items").forEach(item -> found.add(item.get("id").asString()));
        assertThat(new HashSet<>(found)).hasSameSizeAs(found);
        return found;
    }

    private String problemParameter(String path) {
        return problemParameter(path, AGENT);
    }

    private String problemParameter(String path, String token) {
        Response response = get(path, token);
        assertThat(response.status()).as(path).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        return response.json().get("parameter").asString();
    }

    private static String bearer(String subject, String role) {
        return "Bearer " + TestTokens.key().mint(subject, List.of(role), TestTokens.AUDIENCE, Duration.ofMinutes(30));
    }

    private Response get(String path, String authorization) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
