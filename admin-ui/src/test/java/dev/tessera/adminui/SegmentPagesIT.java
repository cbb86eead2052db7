package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.testing.TestTokens;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.util.HtmlUtils;

/**
 * The marketers' segment pages against the real profile service (started in this JVM, its segment builds
 * and change feed running) over the real test Redis: a marketer creates a segment through the form, sees
 * it built with the right members, exports them as CSV, edits it, is told which part of a bad rule is wrong
 * with the typed text kept, and deletes it. Agents see segments on a profile, not the segment pages; forms
 * without the CSRF token are refused.
 */
@SpringBootTest(webEnvironment = RANDOM_PORT)
@ActiveProfiles("test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SegmentPagesIT {

    private static final Instant JANUARY = Instant.parse("2025-01-01T00:00:00Z");
    private static final Pattern SEGMENT_LOCATION = Pattern.compile("/segments/(seg-[a-z0-9-]+)$");
    private static final String GERMANY_RULE = "{\"attribute\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}";

    /** Marketers see country and city in clear here, never names or emails. */
    private static final InProcessProfileService profileService = new InProcessProfileService(withVisibleFields());

    private static String adaId;
    private static String bobId;
    private static String cemId;
    /** The segment the ordered tests create, edit and delete. */
    private static String segmentId;

    @LocalServerPort
    int port;

    private DevLoginSession marketer;

    @DynamicPropertySource
    static void pointAtProfileService(DynamicPropertyRegistry registry) {
        registry.add("tessera.profile-service.url", profileService::url);
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeAll
    static void seedThreePeople() {
        RedisTestSupport.flush();
        Identifiers ids = new Identifiers("GB");
        try (RedisConnection connection = RedisTestSupport.connect()) {
            DeterministicResolver resolver =
                    new DeterministicResolver(new ProfileStore(connection), new GoldenRecordBuilder(), Clock.systemUTC());
            adaId = resolver.resolve(new CustomerRecord(new SourceRecordId("crm", "1"), JANUARY,
                    List.of(ids.email("ada@example.com").orElseThrow()),
                    Map.of("first_name", "Ada", "last_name", "Lovelace", "country", "DE", "city", "Berlin")))
                    .profileId().value();
            bobId = resolver.resolve(new CustomerRecord(new SourceRecordId("crm", "2"), JANUARY,
                    List.of(ids.email("bob@example.com").orElseThrow()),
                    Map.of("first_name", "Bob", "country", "FR", "city", "Lyon"))).profileId().value();
            cemId = resolver.resolve(new CustomerRecord(new SourceRecordId("crm", "3"), JANUARY.plusSeconds(60),
                    List.of(ids.email("cem@example.com").orElseThrow()),
                    Map.of("first_name", "Cem", "country", "de", "city", "Köln, Süd"))).profileId().value();
        }
    }

    @AfterAll
    static void stopProfileService() {
        profileService.stop();
    }

    @BeforeEach
    void signInAsAMarketer() throws Exception {
        marketer = DevLoginSession.signedIn(base(), "mark.marketer", "demo-only-marketer");
    }

    @Test
    @Order(1)
    void aMarketerCreatesASegmentWithTheFormAndSeesItBuiltWithItsMembers() throws Exception {
        HttpResponse<String> form = marketer.get("/segments/new");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("data-testid=\"cheat-sheet\"").contains("data-testid=\"example\"");

        HttpResponse<String> created = marketer.post("/segments", form(Map.of("name", "Germany",
                "description", "customers in Germany", "rule", GERMANY_RULE), marketer.csrf("/segments/new")));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        Matcher location = SEGMENT_LOCATION.matcher(created.headers().firstValue("Location").orElse(""));
        assertThat(location.find()).as("redirect to the new segment").isTrue();
        segmentId = location.group(1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(text(marketer.get("/segments/" + segmentId).body(), "status")).isEqualTo("ready"));
        String page = marketer.get("/segments/" + segmentId).body();
        assertThat(text(page, "size")).isEqualTo("2");
        assertThat(text(page, "time-dependent")).isEqualTo("no");
        assertThat(element(page, "rule", "</pre>")).contains("&quot;country&quot;").contains("&quot;DE&quot;");
        // each linking to the profile page
        assertThat(element(page, "members", "</table>"))
                .contains("href=\"/profiles/" + adaId + "\"").contains("href=\"/profiles/" + cemId + "\"")
                .doesNotContain(bobId);
        assertThat(page.split("data-testid=\"member\"", -1)).hasSize(3);

        String list = marketer.get("/segments").body();
        String row = element(list, "data-segment=\"" + segmentId + "\"", "</tr>");
        assertThat(row).contains(">Germany</a>").contains("customers in Germany").contains("mark.marketer");
        assertThat(text(row, "size")).isEqualTo("2");
        assertThat(text(row, "status")).isEqualTo("ready");
        assertThat(list).contains("data-testid=\"nav-segments\"");
    }

    @Test
    @Order(2)
    void exportsTheMembersAsCsvThroughTheAdminUi() throws Exception {
        HttpResponse<String> csv = marketer.post("/segments/" + segmentId + "/export",
                form(Map.of("fields", "country,city", "purpose", "", "channel", "any"),
                        marketer.csrf("/segments/" + segmentId)));

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"segment-" + segmentId + ".csv\"");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("profile_id,joined_at,country,city");
        // both joined in the same build, so their order is the build's
        assertThat(lines.subList(1, 3))
                .anySatisfy(line -> assertThat(line).startsWith(adaId + ",").endsWith(",DE,Berlin"))
                .anySatisfy(line -> assertThat(line).startsWith(cemId + ",").endsWith(",de,\"Köln, Süd\""));
    }

    @Test
    @Order(3)
    void anExportOfAFieldTheMarketerDoesNotSeeIsRefusedOnThePageWithTheFormKept() throws Exception {
        HttpResponse<String> refused = marketer.post("/segments/" + segmentId + "/export",
                form(Map.of("fields", "country,last_name", "purpose", "", "channel", "email"),
                        marketer.csrf("/segments/" + segmentId)));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(text(refused.body(), "error-parameter")).isEqualTo("fields");
        assertThat(refused.body()).contains("value=\"country,last_name\"")
                .containsPattern("<option value=\"email\"[^>]*selected");
    }

    @Test
    @Order(4)
    void aBadRuleIsShownWithTheFieldItNamesAndTheTypedTextKept() throws Exception {
        String badRule = "{\"all\": [{\"has\": \"email\"}, {\"metric\": \"orders\", \"op\": \"like\", \"value\": 1}]}";

        HttpResponse<String> refused = marketer.post("/segments", form(Map.of("name", "Buyers <b>",
                "description", "typed by hand", "rule", badRule), marketer.csrf("/segments/new")));

        assertThat(refused.statusCode()).isEqualTo(400);
        String html = refused.body();
        assertThat(text(html, "error-parameter")).isEqualTo("rule.all[1].op");
        assertThat(text(html, "error-detail")).isNotBlank();
        assertThat(html).contains(HtmlUtils.htmlEscape(badRule)).contains("value=\"Buyers &lt;b&gt;\"")
                .contains("typed by hand");

        HttpResponse<String> notJson = marketer.post("/segments", form(Map.of("name", "Broken",
                "description", "", "rule", "{\"has\": "), marketer.csrf("/segments/new")));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(text(notJson.body(), "error-parameter")).isEqualTo("rule");
        assertThat(text(notJson.body(), "error-detail")).startsWith("is not valid JSON");

        assertThat(marketer.get("/segments").body().split("data-testid=\"segment\"", -1)).hasSize(2);
    }

    @Test
    @Order(4)
    void aPreviewShowsWhoTheRuleWouldMatchWithoutSavingAndKeepsTheForm() throws Exception {
        HttpResponse<String> preview = marketer.post("/segments/preview", form(Map.of("name", "",
                "description", "draft", "rule", GERMANY_RULE), marketer.csrf("/segments/new")));

        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        String html = preview.body();
        assertThat(text(html, "preview-summary")).isEqualTo("2 of 3 profiles match.");
        assertThat(text(html, "preview-basis")).isEqualTo("Every profile was evaluated.");
        assertThat(element(html, "data-testid=\"preview\"", "</section>"))
                .contains("href=\"/profiles/" + adaId + "\"").contains("href=\"/profiles/" + cemId + "\"")
                .doesNotContain(bobId);
        // the form as typed, still creating a new segment
        assertThat(html).contains(HtmlUtils.htmlEscape(GERMANY_RULE)).contains("draft")
                .contains("action=\"/segments\"").doesNotContain("name=\"segmentId\"");
        assertThat(marketer.get("/segments").body().split("data-testid=\"segment\"", -1)).as("nothing saved").hasSize(2);

        // editing: the preview keeps saving to the segment being edited
        HttpResponse<String> editing = marketer.post("/segments/preview", form(Map.of("name", "Germany",
                "description", "", "rule", "{\"has\": \"email\"}", "version", "1", "segmentId", segmentId),
                marketer.csrf("/segments/" + segmentId + "/edit")));
        assertThat(editing.statusCode()).isEqualTo(200);
        assertThat(text(editing.body(), "preview-summary")).isEqualTo("3 of 3 profiles match.");
        assertThat(editing.body()).contains("action=\"/segments/" + segmentId + "\"")
                .contains("name=\"version\" value=\"1\"");

        HttpResponse<String> bad = marketer.post("/segments/preview", form(Map.of("name", "", "description", "",
                "rule", "{\"metric\": \"orders\", \"op\": \"like\", \"value\": 1}"), marketer.csrf("/segments/new")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(text(bad.body(), "error-parameter")).isEqualTo("rule.op");
        assertThat(bad.body()).doesNotContain("data-testid=\"preview\"");

        assertThat(marketer.post("/segments/preview", form(Map.of("name", "", "description", "", "rule", GERMANY_RULE,
                "segmentId", "../x"), marketer.csrf("/segments/new"))).statusCode()).isEqualTo(400);
        DevLoginSession agent = DevLoginSession.signedIn(base(), "alice.agent", "demo-only-agent");
        assertThat(agent.post("/segments/preview", form(Map.of("name", "", "description", "", "rule", GERMANY_RULE),
                agent.csrf("/"))).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void anEditRebuildsTheSegmentAndAStaleEditIsAConflict() throws Exception {
        String edit = marketer.get("/segments/" + segmentId + "/edit").body();
        assertThat(edit).contains("name=\"version\" value=\"1\"").contains("&quot;country&quot;");
        String europe = "{\"attribute\": \"country\", \"op\": \"in\", \"values\": [\"DE\", \"FR\"]}";

        HttpResponse<String> saved = marketer.post("/segments/" + segmentId, form(Map.of("name", "Germany and France",
                "description", "customers in DE or FR", "rule", europe, "version", "1"),
                marketer.csrf("/segments/" + segmentId + "/edit")));

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String page = marketer.get("/segments/" + segmentId).body();
            assertThat(text(page, "status")).isEqualTo("ready");
            assertThat(text(page, "size")).isEqualTo("3");
        });
        assertThat(marketer.get("/segments/" + segmentId).body()).contains("Germany and France")
                .contains("href=\"/profiles/" + bobId + "\"");

        HttpResponse<String> stale = marketer.post("/segments/" + segmentId, form(Map.of("name", "Everyone",
                "description", "", "rule", "{\"all\": []}", "version", "1"),
                marketer.csrf("/segments/" + segmentId + "/edit")));

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("data-testid=\"conflict\"").contains("changed meanwhile")
                .contains("value=\"Everyone\"").contains("{&quot;all&quot;: []}");
        assertThat(text(marketer.get("/segments/" + segmentId).body(), "segment-name")).isEqualTo("Germany and France");
    }

    @Test
    @Order(6)
    void anAgentSeesSegmentsOnAProfileButNotTheSegmentPages() throws Exception {
        DevLoginSession agent = DevLoginSession.signedIn(base(), "alice.agent", "demo-only-agent");

        assertThat(agent.get("/segments").statusCode()).isEqualTo(403);
        assertThat(agent.get("/segments/" + segmentId).statusCode()).isEqualTo(403);
        assertThat(agent.post("/segments/" + segmentId + "/delete", "_csrf=" + encode(agent.csrf("/"))).statusCode())
                .isEqualTo(403);
        String profile = agent.get("/profiles/" + adaId).body();
        assertThat(element(profile, "segments", "</table>")).contains("Germany and France").contains("<time");
        assertThat(profile).doesNotContain("data-testid=\"nav-segments\"");
        assertThat(DevLoginSession.signedIn(base(), "ian.integrator", "demo-only-integrator").get("/segments")
                .statusCode()).isEqualTo(403);
    }

    @Test
    @Order(7)
    void aMarketerFollowsAMemberToTheProfileAndSeesItMasked() throws Exception {
        HttpResponse<String> profile = marketer.get("/profiles/" + adaId);

        assertThat(profile.statusCode()).isEqualTo(200);
        assertThat(profile.body()).contains("data-testid=\"masked\"").contains("Berlin").contains("Germany and France")
                .doesNotContain("ada@example.com").doesNotContain("Lovelace").doesNotContain("data-testid=\"cx\"");
        assertThat(marketer.get("/profiles?email=" + encode("ada@example.com")).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(8)
    void formsWithoutTheCsrfTokenAreRefused() throws Exception {
        assertThat(marketer.post("/segments", form(Map.of("name", "Sneaky", "rule", GERMANY_RULE), null)).statusCode())
                .isEqualTo(403);
        assertThat(marketer.post("/segments/" + segmentId + "/delete", "").statusCode()).isEqualTo(403);
        assertThat(marketer.post("/segments/" + segmentId + "/export", "fields=country").statusCode()).isEqualTo(403);

        String list = marketer.get("/segments").body();
        assertThat(list).contains(segmentId).doesNotContain("Sneaky");
    }

    @Test
    @Order(9)
    void aMarketerDeletesTheSegmentAfterConfirming() throws Exception {
        HttpResponse<String> confirm = marketer.get("/segments/" + segmentId + "/delete");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("data-testid=\"confirm\"").contains("Germany and France");

        HttpResponse<String> deleted = marketer.post("/segments/" + segmentId + "/delete",
                "_csrf=" + encode(marketer.csrf("/segments/" + segmentId + "/delete")));

        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(deleted.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/segments"));
        assertThat(marketer.get("/segments").body()).contains("Segment deleted.").contains("data-testid=\"no-segments\"");
        assertThat(marketer.get("/segments/" + segmentId).statusCode()).isEqualTo(404);
        DevLoginSession agent = DevLoginSession.signedIn(base(), "alice.agent", "demo-only-agent");
        assertThat(agent.get("/profiles/" + adaId).body()).contains("data-testid=\"no-segments\"");
    }

    @Test
    void refusesMalformedSegmentIdsWithoutCallingTheApi() throws Exception {
        assertThat(marketer.get("/segments/SEG%3Cx%3E").statusCode()).isEqualTo(400);
        assertThat(marketer.get("/segments/" + "a".repeat(49)).statusCode()).isEqualTo(400);
        assertThat(marketer.get("/segments/seg-unknown?page=-1").statusCode()).isEqualTo(400);
        assertThat(marketer.get("/segments/seg-unknown").statusCode()).isEqualTo(404);
    }

    private static List<String> withVisibleFields() {
        List<String> args = new ArrayList<>(TestTokens.arguments());
        args.add("--tessera.privacy.marketer.visible-fields=country,city");
        return args;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** A form body; {@code csrf} null leaves the token out. */
    private static String form(Map<String, String> fields, String csrf) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(encode(value)));
        if (csrf != null) {
            body.append("&_csrf=").append(encode(csrf));
        }
        return body.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String text(String html, String testId) {
        Matcher matcher = Pattern.compile("data-testid=\"" + Pattern.quote(testId) + "\"[^>]*>([^<]*)<").matcher(html);
        assertThat(matcher.find()).as(testId).isTrue();
        return matcher.group(1).strip();
    }

    /** From the element marked {@code marker} (a test id or any attribute text) to {@code end}. */
    private static String element(String html, String marker, String end) {
        String attribute = marker.contains("=") ? marker : "data-testid=\"" + marker + "\"";
        int start = html.indexOf(attribute);
        assertThat(start).as("element %s", marker).isNotNegative();
        return html.substring(start, html.indexOf(end, start));
    }
}
