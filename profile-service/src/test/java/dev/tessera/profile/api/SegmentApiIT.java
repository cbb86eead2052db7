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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Segments through the API on a real Redis with the change feed running: definitions with field-named
 * errors, background builds, real-time joins and leaves, the 360, optimistic updates, exports with
 * consent and field checks, deletion. Who may call them: ProfileApiSecurityIT.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tessera.privacy.marketer.visible-fields=country,city,email")
@ActiveProfiles("test")
class SegmentApiIT {

    private static final String MARKETER = TestTokens.bearer(Roles.MARKETER);
    private static final String AGENT = TestTokens.bearer(Roles.AGENT);
    private static final String ADMIN = TestTokens.bearer(Roles.ADMIN);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");


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

    @Autowired
    dev.tessera.profile.segment.SegmentService segmentService;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void emptyStore() throws Exception {
        RedisTestSupport.flush();
        // the feed recreates its consumer group after the flush; changes before that would not reach it
        try (var redis = RedisTestSupport.connect()) {
            await(() -> {
                try {
                    return redis.commands().xinfoGroups(dev.tessera.core.store.RedisKeys.CHANGE_FEED).stream()
                            .anyMatch(g -> g.toString().contains("segments")) ? true : null;
                } catch (io.lettuce.core.RedisCommandExecutionException noStream) {
                    return null;
                }
            });
        }
    }

    private ProfileId person(String id, String email, Map<String, String> attributes) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        all.put("email", email);
        CustomerRecord record = new CustomerRecord(new SourceRecordId("shop", id), T0,
                List.of(new Identifier(IdentifierType.EMAIL, email)), all);
        Resolution resolution = resolver.resolve(record);
        hooks.afterResolve(record, resolution);
        return resolution.profileId();
    }

    private void nps(String record, String id, int score, Instant at) {
        cx.append(new Interaction(id, new SourceRecordId("shop", record), InteractionKind.SURVEY_RESPONSE, "email",
                "delivery", at, null, new Interaction.Score(Interaction.ScoreType.NPS, score), Map.of()));
    }

    private static final String GERMANY = """
            {"name":"Germany","description":"customers in Germany",
             "rule":{"attribute":"country","op":"eq","value":"DE"}}""";

    private JsonNode createReady(String body) throws Exception {
        ApiCalls.Response created = send("POST", "/api/v1/segments", MARKETER, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(created.location()).isEqualTo("/api/v1/segments/" + id);
        return await(() -> {
            JsonNode s = send("GET", "/api/v1/segments/" + id, MARKETER, null).json();
            return "ready".equals(s.at("/status/state").asString()) ? s : null;
        });
    }

    /**
     * The members as one page lists them, checked against a walk by cursor one member at a time when the page
     * read before and the one read after the walk agree (live updates may move members meanwhile).
     */
    private List<String> members(String segment) throws Exception {
        List<String> ids = page(segment);
        List<String> walked = new ArrayList<>();
        JsonNode page = send("GET", "/api/v1/segments/" + segment + "/members?size=1", MARKETER, null).json();
        while (true) {
            page.get("members").forEach(m -> walked.add(m.get("profileId").asString()));
            if (page.get("next").isNull()) {
                break;
            }
            page = send("GET", "/api/v1/segments/" + segment + "/members?size=1&after=" + page.get("next").asString(),
                    MARKETER, null).json();
        }
        if (page(segment).equals(ids)) {
            assertThat(walked).isEqualTo(ids);
        }
        return ids;
    }

    private List<String> page(String segment) throws Exception {
        List<String> ids = new ArrayList<>();
        send("GET", "/api/v1/segments/" + segment + "/members", MARKETER, null).json().get("members")
                .forEach(m -> ids.add(m.get("profileId").asString()));
        return ids;
    }

    @Test
    void aSegmentIsBuiltOverExistingProfilesAndFollowsNewOnesInRealTime() throws Exception {
        ProfileId ada = person("c-1", "ada@example.org", Map.of("country", "DE"));
        person("c-2", "bob@example.org", Map.of("country", "FR"));

        JsonNode germany = createReady(GERMANY);
        String id = germany.get("id").asString();
        assertThat(germany.get("size").asLong()).isEqualTo(1);
        assertThat(germany.get("createdBy").asString()).isEqualTo("test-user");
        assertThat(germany.get("version").asLong()).isEqualTo(1);
        assertThat(germany.at("/status/evaluated").asLong()).isEqualTo(2);
        assertThat(members(id)).containsExactly(ada.value());

        // a new customer arrives: the change feed puts them in without any rebuild
        ProfileId cem = person("c-3", "cem@example.org", Map.of("country", "de"));
        await(() -> members(id).contains(cem.value()) ? true : null);

        // the 360 lists the segment for agents
        JsonNode profile = send("GET", "/api/v1/profiles/" + cem.value(), AGENT, null).json();
        assertThat(profile.at("/segments/0/id").asString()).isEqualTo(id);
        assertThat(profile.at("/segments/0/name").asString()).isEqualTo("Germany");

        JsonNode list = send("GET", "/api/v1/segments", MARKETER, null).json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("size").asLong()).isEqualTo(2);
    }

    @Test
    void metricsAndConsentChangesMoveMembersInAndOut() throws Exception {
        ProfileId ada = person("c-1", "ada@example.org", Map.of("consent_marketing_email", "granted"));
        String detractors = createReady("""
                {"name":"Detractors we may email","rule":{"all":[
                  {"metric":"nps_latest","op":"le","value":6},
                  {"consent":{"purpose":"marketing","channel":"email"}}]}}""").get("id").asString();
        assertThat(members(detractors)).isEmpty();

        nps("c-1", "s-1", 3, T0.plusSeconds(60));
        await(() -> members(detractors).contains(ada.value()) ? true : null);

        ApiCalls.Response withdrawn = send("PUT", "/api/v1/profiles/" + ada.value() + "/consent/marketing/email", AGENT,
                "{\"status\":\"withdrawn\"}");
        assertThat(withdrawn.status()).isEqualTo(200);
        await(() -> members(detractors).isEmpty() ? true : null);
    }

    @Test
    void invalidDefinitionsAreProblemsNamingTheField() throws Exception {
        assertProblem(send("POST", "/api/v1/segments", MARKETER, "{\"rule\":{\"has\":\"email\"}}"), "name");
        assertProblem(send("POST", "/api/v1/segments", MARKETER, "{\"name\":\"x\"}"), "rule");
        assertProblem(send("POST", "/api/v1/segments", MARKETER,
                "{\"name\":\"x\",\"rule\":{\"all\":[{\"has\":\"email\"},{\"metric\":\"orders\",\"op\":\"like\",\"value\":1}]}}"),
                "rule.all[1].op");
        assertProblem(send("POST", "/api/v1/segments", MARKETER, "{\"name\":\"x\",\"rule\":{\"has\":\"email\"},\"owner\":1}"),
                "owner");
        assertProblem(send("POST", "/api/v1/segments", MARKETER, "{\"name\":\"\\u0000\",\"rule\":{\"has\":\"email\"}}"),
                "name");
        assertProblem(send("POST", "/api/v1/segments", MARKETER, "[1]"), "body");
        // too large: refused by its declared length, and without one (chunked) after reading just past the limit
        String huge = "{\"name\":\"x\",\"pad\":\"" + "a".repeat(70_000) + "\"}";
        for (ApiCalls.Response tooLarge : List.of(send("POST", "/api/v1/segments", MARKETER, huge),
                new ApiCalls(port).sendChunked("POST", "/api/v1/segments", MARKETER, huge))) {
            assertThat(tooLarge.status()).as(tooLarge.body()).isEqualTo(413);
            assertThat(tooLarge.contentType()).startsWith("application/problem+json");
            assertThat(tooLarge.json().get("type").asString()).endsWith("/content-too-large");
        }
        assertThat(new ApiCalls(port).sendChunked("POST", "/api/v1/segments", MARKETER, "[1]").status())
                .as("a small chunked body is read as usual").isEqualTo(400);
        ApiCalls.Response hostile = send("POST", "/api/v1/segments", MARKETER,
                "{\"name\":\"x\",\"rule\":{\"attribute\":\"email\",\"op\":\"eq\",\"value\":\"ada@example.org\\u0007\"}}");
        assertProblem(hostile, "rule.value");
        assertThat(hostile.body()).doesNotContain("ada@example.org");
        assertThat(send("GET", "/api/v1/segments", MARKETER, null).json()).isEmpty();
        assertThat(send("GET", "/api/v1/segments/seg-unknown", MARKETER, null).status()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/segments/..%2F..%2Fetc", MARKETER, null).status()).isIn(400, 404);
        assertProblem(send("GET", "/api/v1/segments/seg-unknown/members?size=0", MARKETER, null), "size");
        assertProblem(send("GET", "/api/v1/segments/seg-unknown/members?after=yesterday", MARKETER, null), "after");
        assertProblem(send("GET", "/api/v1/segments/seg-unknown/members?after=1000:p-1&page=2", MARKETER, null), "after");
    }

    @Test
    void aPreviewCountsWhoWouldMatchBeforeSavingAndSavesNothing() throws Exception {
        ProfileId ada = person("c-1", "ada@example.org", Map.of("country", "DE"));
        person("c-2", "bob@example.org", Map.of("country", "FR"));
        ProfileId cem = person("c-3", "cem@example.org", Map.of("country", "de"));

        ApiCalls.Response preview = send("POST", "/api/v1/segments/preview", MARKETER,
                "{\"rule\":{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}}");

        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        JsonNode p = preview.json();
        assertThat(p.get("exact").asBoolean()).isTrue();
        assertThat(p.get("profiles").asLong()).isEqualTo(3);
        assertThat(p.get("evaluated").asLong()).isEqualTo(3);
        assertThat(p.get("matched").asLong()).isEqualTo(2);
        assertThat(p.get("estimate").asLong()).isEqualTo(2);
        assertThat(p.get("timeDependent").asBoolean()).isFalse();
        List<String> examples = new ArrayList<>();
        p.get("examples").forEach(e -> examples.add(e.asString()));
        assertThat(examples).containsExactlyInAnyOrder(ada.value(), cem.value());
        assertThat(send("GET", "/api/v1/segments", MARKETER, null).json()).as("nothing saved").isEmpty();

        assertThat(send("POST", "/api/v1/segments/preview", ADMIN, "{\"rule\":{\"has\":\"email\"}}").json()
                .get("matched").asLong()).isEqualTo(3);
        assertThat(send("POST", "/api/v1/segments/preview", AGENT, "{\"rule\":{\"has\":\"email\"}}").status())
                .as("agents do not build segments").isEqualTo(403);
        assertProblem(send("POST", "/api/v1/segments/preview", MARKETER,
                "{\"rule\":{\"metric\":\"orders\",\"op\":\"like\",\"value\":1}}"), "rule.op");
        assertProblem(send("POST", "/api/v1/segments/preview", MARKETER, "{\"name\":\"x\",\"rule\":{\"has\":\"email\"}}"),
                "name");
        assertProblem(send("POST", "/api/v1/segments/preview", MARKETER, "{}"), "rule");
        assertProblem(send("POST", "/api/v1/segments/preview", MARKETER, "not json"), "body");
    }

    @Test
    void aMarketersRuleMayNotCompareAFieldTheyOnlySeeMasked() throws Exception {
        person("c-1", "ada@example.org", Map.of("last_name", "Lovelace", "country", "GB"));
        String byName = "{\"rule\":{\"all\":[{\"has\":\"email\"},"
                + "{\"attribute\":\"last_name\",\"op\":\"starts_with\",\"value\":\"Lo\"}]}}";

        // asked letter by letter, the answer would spell out the masked name
        assertProblem(send("POST", "/api/v1/segments/preview", MARKETER, byName), "rule.all[1].attribute");
        assertProblem(send("POST", "/api/v1/segments", MARKETER, "{\"name\":\"x\"," + byName.substring(1)),
                "rule.all[1].attribute");
        assertProblem(send("POST", "/api/v1/segments/preview", MARKETER,
                "{\"rule\":{\"not\":{\"attribute\":\"phone\",\"op\":\"in\",\"values\":[\"+447700900123\"]}}}"),
                "rule.not.attribute");
        // whether it is there stays allowed, as "has" is; fields seen in clear, and admins, compare freely
        assertThat(send("POST", "/api/v1/segments/preview", MARKETER,
                "{\"rule\":{\"attribute\":\"last_name\",\"op\":\"exists\"}}").json().get("matched").asLong())
                .isEqualTo(1);
        assertThat(send("POST", "/api/v1/segments/preview", MARKETER,
                "{\"rule\":{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"GB\"}}").status()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/segments/preview", ADMIN, byName).json().get("matched").asLong()).isEqualTo(1);
        assertThat(send("GET", "/api/v1/segments", MARKETER, null).json()).isEmpty();
    }

    @Test
    void anUpdateNeedsTheCurrentVersionAndAChangedRuleRebuilds() throws Exception {
        ProfileId ada = person("c-1", "ada@example.org", Map.of("country", "DE"));
        ProfileId bob = person("c-2", "bob@example.org", Map.of("country", "FR"));
        String id = createReady(GERMANY).get("id").asString();

        String france = "{\"name\":\"France\",\"version\":%d,\"rule\":{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"FR\"}}";
        assertThat(send("PUT", "/api/v1/segments/" + id, MARKETER, france.formatted(7)).status()).isEqualTo(409);
        assertProblem(send("PUT", "/api/v1/segments/" + id, MARKETER, france.replace("\"version\":%d,", "")), "version");
        ApiCalls.Response updated = send("PUT", "/api/v1/segments/" + id, MARKETER, france.formatted(1));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("version").asLong()).isEqualTo(2);
        await(() -> {
            JsonNode s = send("GET", "/api/v1/segments/" + id, MARKETER, null).json();
            return "ready".equals(s.at("/status/state").asString()) && s.at("/status/definitionVersion").asLong() == 2
                    ? s : null;
        });
        assertThat(members(id)).containsExactly(bob.value());
        assertThat(send("GET", "/api/v1/profiles/" + ada.value(), AGENT, null).json().get("segments")).isEmpty();

        assertThat(send("DELETE", "/api/v1/segments/" + id, MARKETER, null).status()).isEqualTo(204);
        assertThat(send("DELETE", "/api/v1/segments/" + id, MARKETER, null).status()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/profiles/" + bob.value(), AGENT, null).json().get("segments")).isEmpty();
    }

    @Test
    void exportsGiveOnlyVisibleFieldsOnlyConsentingMembersAndAreAudited() throws Exception {
        person("c-1", "ada@example.org", Map.of("country", "DE", "city", "=HYPERLINK(\"http://evil\")",
                "last_name", "Lovelace", "consent_marketing_email", "granted"));
        person("c-2", "bob@example.org", Map.of("country", "DE", "city", "Köln, Süd"));
        String id = createReady(GERMANY).get("id").asString();
        String base = "/api/v1/segments/" + id + "/export";

        // marketers see country, city and email in clear here (visible-fields), never last_name
        assertProblem(send("GET", base + "?fields=country,last_name", MARKETER, null), "fields");
        assertProblem(send("GET", base + "?fields=email", MARKETER, null), "purpose");
        assertProblem(send("GET", base + "?fields=email&purpose=marketing&channel=fax", MARKETER, null), "channel");
        assertProblem(send("GET", base + "?fields=" + URLEncoder.encode("a,<b>", StandardCharsets.UTF_8), MARKETER,
                null), "fields");

        ApiCalls.Response all = send("GET", base + "?fields=country,city", MARKETER, null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.contentType()).startsWith("text/csv");
        List<String> lines = all.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("profile_id,joined_at,country,city");
        assertThat(lines).hasSize(3);
        assertThat(all.body()).contains(",DE,\"'=HYPERLINK(\"\"http://evil\"\")\"").contains(",DE,\"Köln, Süd\"");

        ApiCalls.Response consenting = send("GET", base + "?fields=email&purpose=marketing&channel=email", MARKETER, null);
        assertThat(consenting.body().lines().toList()).hasSize(2);
        assertThat(consenting.body()).contains("ada@example.org").doesNotContain("bob@example.org");

        // "any" would ignore a withdrawal made for email alone: contact exports name their channel, the one the
        // contact data is for (consent for email says nothing about texting a phone number)
        assertProblem(send("GET", base + "?fields=email&purpose=marketing", MARKETER, null), "channel");
        assertProblem(send("GET", base + "?fields=email&purpose=marketing&channel=sms", MARKETER, null), "channel");
        assertProblem(send("GET", base + "?fields=phone&purpose=marketing&channel=email", ADMIN, null), "channel");
        assertProblem(send("GET", base + "?fields=email,phone&purpose=marketing&channel=email", ADMIN, null), "fields");
        ApiCalls.Response admin = send("GET", base + "?fields=last_name,email&purpose=marketing&channel=email", ADMIN, null);
        assertThat(admin.status()).isEqualTo(200);

        List<AuditEntry> exports = audit.query(new AuditQuery(null, SegmentExport.ACTION, null, null, null, null, 10));
        assertThat(exports).hasSize(3);
        assertThat(exports).anySatisfy(e -> {
            assertThat(e.fields()).containsExactly("email");
            assertThat(e.detail()).contains("segment=" + id).contains("rows=1").contains("left-out-without-consent=1");
        });
        assertThat(exports).allSatisfy(e -> assertThat(e.detail()).doesNotContain("@"));
        // each also on record before its first byte was sent
        List<AuditEntry> started = audit.query(new AuditQuery(null, SegmentExport.STARTED, null, null, null, null, 10));
        assertThat(started).hasSize(3).allSatisfy(e -> assertThat(e.detail()).contains("segment=" + id));
    }

    @Autowired
    SegmentExport export;

    @Test
    void aMemberThatLeavesWhileAnExportRunsIsNotWritten() throws Exception {
        for (int i = 0; i < 520; i++) { // more than one page of the copy (500)
            person("bulk-" + i, "p" + i + "@example.org", Map.of("country", "DE"));
        }
        String id = createReady(GERMANY).get("id").asString();
        String members = segmentService.store().namespace().segmentMembers(id);
        try (var redis = RedisTestSupport.connect()) {
            assertThat(redis.commands().zcard(members)).isEqualTo(520);
            String leaver = redis.commands().zrange(members, 510, 510).get(0); // on the copy's second page
            java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
            boolean[] left = {false};
            // the first bytes reach the client while the first page is written: the member leaves then
            java.io.OutputStream client = new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (!left[0]) {
                        left[0] = true;
                        redis.commands().zrem(members, leaver);
                    }
                    written.write(b, off, len);
                }
            };
            var caller = org.springframework.security.authentication.UsernamePasswordAuthenticationToken.authenticated(
                    "marketer-1", null, List.of(new org.springframework.security.core.authority.SimpleGrantedAuthority(
                            "ROLE_" + Roles.MARKETER)));
            SegmentExport.Request request = export.request(segmentService.store().find(id).orElseThrow(), "country",
                    null, "any", caller);

            export.write(request, export.place(), client);

            assertThat(left[0]).isTrue();
            List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(1 + 519).noneMatch(line -> line.startsWith(leaver + ","));
        }
    }

    @Test
    void exportsBeyondTheInstancesLimitAreToldToRetryAndEachLeavesNoCopyBehind() throws Exception {
        person("c-1", "ada@example.org", Map.of("country", "DE"));
        person("c-2", "bob@example.org", Map.of("country", "DE"));
        String id = createReady(GERMANY).get("id").asString();
        String base = "/api/v1/segments/" + id + "/export?fields=country";

        // two exports streaming (the default limit) hold both places: a third is refused before any byte
        SegmentExport.Place first = export.place();
        SegmentExport.Place second = export.place();
        ApiCalls.Response refused;
        try {
            refused = send("GET", base, MARKETER, null);
        } finally {
            first.close();
            first.close(); // given back once, however often closed
        }
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfter()).isEqualTo(Long.toString(SegmentExport.RETRY_AFTER_SECONDS));
        assertThat(refused.body()).contains("rate-limited");
        assertThat(audit.query(new AuditQuery(null, SegmentExport.STARTED, null, null, null, null, 10))).isEmpty();

        // one place free again: the export runs, and gives its place back when done
        ApiCalls.Response ok = send("GET", base, MARKETER, null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().lines().toList()).hasSize(3);
        second.close();
        SegmentExport.Place a = export.place();
        SegmentExport.Place b = export.place();
        a.close();
        b.close();
        try (var redis = RedisTestSupport.connect()) {
            List<String> copies = new ArrayList<>();
            io.lettuce.core.ScanIterator.scan(redis.commands(), io.lettuce.core.ScanArgs.Builder.matches("*:export:*"))
                    .forEachRemaining(copies::add);
            assertThat(copies).as("member snapshots left in Redis").isEmpty();
        }
    }

    @Test
    void theCxMetricsOfASegmentCountItsMembersOnly() throws Exception {
        person("c-1", "ada@example.org", Map.of("country", "DE"));
        person("c-2", "bob@example.org", Map.of("country", "FR"));
        nps("c-1", "s-1", 10, T0.plusSeconds(60));
        nps("c-2", "s-2", 0, T0.plusSeconds(60));
        String id = createReady(GERMANY).get("id").asString();

        String range = "from=2026-01-01&to=2026-01-01";
        JsonNode everyone = send("GET", "/api/v1/metrics/nps?" + range, MARKETER, null).json();
        assertThat(everyone.at("/series/0/buckets/0/answers").asLong()).isEqualTo(2);
        assertThat(everyone.get("segment").isNull()).isTrue();

        // one member: to a marketer that would be one customer's own answers
        ApiCalls.Response tooSmall = send("GET", "/api/v1/metrics/nps?" + range + "&segment=" + id, MARKETER, null);
        assertProblem(tooSmall, "segment");
        assertThat(tooSmall.json().get("detail").asString()).contains("from 10 members");
        JsonNode germany = send("GET", "/api/v1/metrics/nps?" + range + "&segment=" + id, ADMIN, null).json();
        assertThat(germany.get("segment").asString()).isEqualTo(id);
        assertThat(germany.get("members").asInt()).isEqualTo(1);
        assertThat(germany.get("asOf").isNull()).isFalse();
        assertThat(germany.at("/series/0/buckets/0/answers").asLong()).isEqualTo(1);
        assertThat(germany.at("/series/0/buckets/0/nps").asDouble()).isEqualTo(100.0);

        assertProblem(send("GET", "/api/v1/metrics/nps?segment=seg-unknown", MARKETER, null), "segment");
        assertProblem(send("GET", "/api/v1/metrics/nps?segment=%3Cscript%3E", MARKETER, null), "segment");
        assertThat(send("DELETE", "/api/v1/segments/" + id, MARKETER, null).status()).isEqualTo(204);
        assertProblem(send("GET", "/api/v1/metrics/nps?segment=" + id, MARKETER, null), "segment");
    }

    @Test
    void segmentsKeptInConfigurationAreCreatedOnceByName() throws Exception {
        java.util.List<dev.tessera.profile.segment.SegmentService.Seed> seeds = List.of(
                new dev.tessera.profile.segment.SegmentService.Seed("Detractors", "latest NPS 0-6",
                        "{\"nps_category\": \"detractor\"}"));
        assertThat(segmentService.seed(seeds)).isEqualTo(1);
        try (var redis = RedisTestSupport.connect()) { // the lock only stops instances starting together
            redis.commands().del(dev.tessera.core.store.RedisKeys.Namespace.DEFAULT.segmentLock("seed"));
        }
        assertThat(segmentService.seed(seeds)).as("exists by name").isZero();
        JsonNode list = send("GET", "/api/v1/segments", MARKETER, null).json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("createdBy").asString()).isEqualTo("tessera-configuration");
    }

    // ---------------------------------------------------------------- helpers

    private static <T> T await(Callable<T> check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            T value = check.call();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 20 s");
            }
            Thread.sleep(50);
        }
    }

    private static void assertProblem(ApiCalls.Response response, String parameter) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("parameter").asString()).isEqualTo(parameter);
    }

    private ApiCalls.Response send(String method, String path, String token, String body) throws Exception {
        return new ApiCalls(port).send(method, path, token, body);
    }
}
