package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.testing.TestTokens;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The marketers' dashboard against the real profile service and its aggregates over the real test
 * Redis: survey answers and an order of the last days show as NPS, CSAT, NPS per channel and revenue;
 * the dashboard shows no customer's name or email, and agents and integrators are kept out.
 */
@SpringBootTest(webEnvironment = RANDOM_PORT)
@ActiveProfiles("test")
class DashboardIT {

    /** A segment's report is shown to marketers from 2 members here (10 by default): the test's segments are small. */
    private static final InProcessProfileService profileService = new InProcessProfileService(withReportsFrom(2));

    private static java.util.List<String> withReportsFrom(int members) {
        java.util.List<String> args = new java.util.ArrayList<>(TestTokens.arguments());
        args.add("--tessera.privacy.marketer.min-segment-report=" + members);
        return args;
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void pointAtProfileService(DynamicPropertyRegistry registry) {
        registry.add("tessera.profile-service.url", profileService::url);
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeAll
    static void seedAnswersAndAnOrder() {
        RedisTestSupport.flush();
        Instant now = Instant.now();
        try (RedisConnection connection = RedisTestSupport.connect()) {
            ProfileStore store = new ProfileStore(connection);
            DeterministicResolver resolver = new DeterministicResolver(store, new GoldenRecordBuilder(), Clock.systemUTC());
            Identifiers ids = new Identifiers("GB");
            for (int i = 1; i <= 3; i++) {
                resolver.resolve(new CustomerRecord(new SourceRecordId("crm", "p" + i), now.minus(Duration.ofDays(20)),
                        List.of(ids.email("person" + i + "@example.com").orElseThrow()),
                        Map.of("first_name", "Person" + i, "last_name", "Secret")));
            }
            CxStore cx = new CxStore(store, CxSettings.defaults(), Clock.systemUTC());
            // two promoters (10, 9) by email and one detractor (3) on the phone: NPS (2 - 1) / 3 = 33.3
            cx.append(survey("s1", "p1", "email", Interaction.ScoreType.NPS, 10, now.minus(Duration.ofDays(5))));
            cx.append(survey("s2", "p2", "email", Interaction.ScoreType.NPS, 9, now.minus(Duration.ofDays(4))));
            cx.append(survey("s3", "p3", "phone", Interaction.ScoreType.NPS, 3, now.minus(Duration.ofDays(3))));
            cx.append(survey("s4", "p1", "email", Interaction.ScoreType.CSAT, 4, now.minus(Duration.ofDays(2))));
            cx.append(survey("s5", "p2", "email", Interaction.ScoreType.CSAT, 5, now.minus(Duration.ofDays(2))));
            cx.append(new Interaction("o1", new SourceRecordId("crm", "p3"), InteractionKind.ORDER, "web", "checkout",
                    now.minus(Duration.ofDays(1)), new Interaction.Money(new BigDecimal("40.00"), "GBP"), null, Map.of()));
        }
    }

    @AfterAll
    static void stopProfileService() {
        profileService.stop();
    }

    @Test
    void aMarketerSeesTheAggregatesAndNoPersonalData() throws Exception {
        DevLoginSession marketer = DevLoginSession.signedIn(base(), "mark.marketer", "demo-only-marketer");

        HttpResponse<String> start = marketer.get("/");
        assertThat(start.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/dashboard"));
        HttpResponse<String> page = marketer.get("/dashboard?days=30");

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(text(html, "nps")).isEqualTo("33.3");
        assertThat(text(html, "csat")).isEqualTo("4.50");
        assertThat(text(html, "orders")).isEqualTo("1");
        assertThat(html).contains("GBP 40.00");
        assertThat(html).contains("data-key=\"email\"").contains("data-key=\"phone\"");
        assertThat(html).doesNotContain("Secret").doesNotContain("@example.com");
    }

    @Test
    void aMarketerSeesTheReportOfASegment() throws Exception {
        String id = createSegment("{\"name\":\"Promoters\",\"rule\":{\"nps_category\":\"promoter\"}}");
        DevLoginSession marketer = DevLoginSession.signedIn(base(), "mark.marketer", "demo-only-marketer");
        // the report is computed right after the build, in the background
        HttpResponse<String> page = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            page = marketer.get("/dashboard?days=30&segment=" + id);
            if (page.statusCode() == 200) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(text(page.body(), "nps")).as("two promoters, the detractor is not a member").isEqualTo("100.0");
        assertThat(page.body()).contains("data-testid=\"segment-report\"").contains("Promoters").contains("2 current members");
        assertThat(marketer.get("/dashboard?days=30").body()).contains("Promoters (2)");

        // one member: to a marketer that would be one customer's own answers
        String oneId = createSegment("{\"name\":\"Detractors\",\"rule\":{\"nps_category\":\"detractor\"}}");
        HttpResponse<String> refused = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            refused = marketer.get("/dashboard?days=30&segment=" + oneId);
            if (refused.body().contains("member")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.body()).contains("This segment has 1 member(s)").contains("from 2 members");
        assertThat(marketer.get("/dashboard?days=30&segment=seg-none").statusCode()).isEqualTo(404);
        assertThat(marketer.get("/dashboard?days=30&segment=%3Cx%3E").statusCode()).isEqualTo(400);
    }

    @Test
    void refusesOtherPeriodsAndOtherRoles() throws Exception {
        DevLoginSession marketer = DevLoginSession.signedIn(base(), "mark.marketer", "demo-only-marketer");
        assertThat(marketer.get("/dashboard?days=7").statusCode()).isEqualTo(400);
        assertThat(marketer.get("/dashboard?days=x").statusCode()).isEqualTo(400);

        DevLoginSession agent = DevLoginSession.signedIn(base(), "alice.agent", "demo-only-agent");
        assertThat(agent.get("/dashboard").statusCode()).isEqualTo(403);
        assertThat(DevLoginSession.anonymous(base()).get("/dashboard").statusCode()).isEqualTo(302);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static Interaction survey(String id, String person, String channel, Interaction.ScoreType type, int score,
            Instant at) {
        return new Interaction(id, new SourceRecordId("crm", person), InteractionKind.SURVEY_RESPONSE, channel,
                "delivery", at, null, new Interaction.Score(type, score), Map.of());
    }

    private static String text(String html, String testId) {
        Matcher matcher = Pattern.compile("data-testid=\"" + testId + "\"[^>]*>([^<]*)<").matcher(html);
        assertThat(matcher.find()).as(testId).isTrue();
        return matcher.group(1).strip();
    }

    /** Creates a segment through the profile service as a marketer; its id. */
    private static String createSegment(String body) throws Exception {
        HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(profileService.url() + "/api/v1/segments"))
                        .header("Authorization", TestTokens.bearer(dev.tessera.security.Roles.MARKETER))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return created.body().replaceAll(".*\"id\":\"([a-z0-9-]+)\".*", "$1");
    }
}
