package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The admin UI against the real profile service (started in this JVM) over the real test Redis: what a
 * person sees for each answer the service can give, and the page shown when it is gone.
 */
@SpringBootTest(webEnvironment = RANDOM_PORT)
@ActiveProfiles("test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminUiIT {

    private static final Instant JANUARY = Instant.parse("2025-01-01T00:00:00Z");
    private static final Identifiers IDENTIFIERS = new Identifiers("GB");
    private static final String SCRIPT = "<script>alert(1)</script>";

    /** Paths of the requests the admin UI sent to the profile service, in order. */
    private static final List<String> apiCalls = new CopyOnWriteArrayList<>();
    /** The tokens those requests carried. */
    private static final List<RelayedToken> apiTokens = new CopyOnWriteArrayList<>();

    private static final InProcessProfileService profileService = new InProcessProfileService();
    private static String janeId;
    private static String malloryId;
    private static String tomId;

    private DevLoginSession agent;

    @LocalServerPort
    int port;

    @TestConfiguration(proxyBeanMethods = false)
    static class CountApiCalls {
        @Bean
        RestClientCustomizer countApiCalls() {
            return builder -> builder.requestInterceptor((request, body, execution) -> {
                apiCalls.add(request.getURI().getPath());
                var response = execution.execute(request, body);
                // read after the call: the token relay may come later in the interceptor chain
                String authorization = request.getHeaders().getFirst("Authorization");
                if (authorization != null) {
                    apiTokens.add(RelayedToken.of(authorization));
                }
                return response;
            });
        }
    }

    @DynamicPropertySource
    static void pointAtProfileService(DynamicPropertyRegistry registry) {
        registry.add("tessera.profile-service.url", profileService::url);
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeAll
    static void seedTwoPeople() {
        RedisTestSupport.flush();
        try (RedisConnection connection = RedisTestSupport.connect()) {
            DeterministicResolver resolver =
                    new DeterministicResolver(new ProfileStore(connection), new GoldenRecordBuilder(), Clock.systemUTC());
            Identifier janeEmail = IDENTIFIERS.email("jane@example.com").orElseThrow();
            // Two sources know Jane; the shop's record is older, so the CRM's first name survives.
            janeId = resolver.resolve(record("crm", "1", JANUARY.plus(Duration.ofDays(31)), List.of(janeEmail),
                    Map.of("first_name", "Jane", "last_name", "Doe"))).profileId().value();
            resolver.resolve(record("shop", "77", JANUARY,
                    List.of(janeEmail, IDENTIFIERS.phone("020 7946 0958").orElseThrow()),
                    Map.of("first_name", "Janet", "city", "London")));
            malloryId = resolver.resolve(record("crm", "2", JANUARY,
                    List.of(IDENTIFIERS.email("mallory@example.com").orElseThrow()),
                    Map.of("first_name", SCRIPT))).profileId().value();
            // Jane's CX history: an order in the shop, then a survey answer about the delivery
            CxStore cx = new CxStore(new ProfileStore(connection), CxSettings.defaults(), Clock.systemUTC());
            cx.append(new Interaction("o-1", new SourceRecordId("shop", "77"), InteractionKind.ORDER, "web", "checkout",
                    JANUARY.plus(Duration.ofDays(3)), new Interaction.Money(new BigDecimal("40.00"), "GBP"), null, Map.of()));
            cx.append(new Interaction("s-1", new SourceRecordId("crm", "1"), InteractionKind.SURVEY_RESPONSE, "email",
                    "delivery", JANUARY.plus(Duration.ofDays(5)), null,
                    new Interaction.Score(Interaction.ScoreType.NPS, 9), Map.of()));
            // Tom: 52 orders, one a day, and a support ticket answered after 2 hours and solved after 28
            tomId = resolver.resolve(record("crm", "3", JANUARY, List.of(IDENTIFIERS.email("tom@example.com").orElseThrow()),
                    Map.of("first_name", "Tom"))).profileId().value();
            SourceRecordId tom = new SourceRecordId("crm", "3");
            List<Interaction> history = new java.util.ArrayList<>();
            for (int day = 0; day < 52; day++) {
                history.add(new Interaction("t-o" + day, tom, InteractionKind.ORDER, "web", "checkout",
                        JANUARY.plus(Duration.ofDays(day)), new Interaction.Money(new BigDecimal("10.00"), "GBP"), null, Map.of()));
            }
            Instant opened = JANUARY.plus(Duration.ofDays(20).plusHours(1));
            history.add(new Interaction("t-1:opened", tom, InteractionKind.TICKET_OPENED, "email", "support", opened,
                    null, null, Map.of(Interaction.TICKET_ID, "T-1", "type", "complaint")));
            history.add(new Interaction("t-1:replied", tom, InteractionKind.TICKET_REPLIED, "email", "support",
                    opened.plus(Duration.ofHours(2)), null, null, Map.of(Interaction.TICKET_ID, "T-1")));
            history.add(new Interaction("t-1:solved", tom, InteractionKind.TICKET_SOLVED, "email", "support",
                    opened.plus(Duration.ofHours(28)), null, null, Map.of(Interaction.TICKET_ID, "T-1")));
            cx.appendAll(history);
        }
    }

    @AfterAll
    static void stopProfileService() {
        profileService.stop();
    }

    @BeforeEach
    void signInAsAnAgent() throws Exception {
        agent = DevLoginSession.signedIn(base(), "alice.agent", "demo-only-agent");
        apiCalls.clear();
        apiTokens.clear();
    }

    @Test
    void showsTheSearchForm() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<form action=\"/profiles\" method=\"post\"")
                .contains("<label for=\"email\">Customer email</label>")
                .contains("name=\"email\"")
                .contains(">Find</button>");
    }

    @Test
    void findsAProfileByEmailWhateverItsCase() throws Exception {
        HttpResponse<String> page = search("JANE@example.com");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("href=\"/profiles/" + janeId + "\"")
                .contains(">Jane Doe</a>")
                .doesNotContain("No profile found");
        assertThat(apiCalls).containsExactly("/api/v1/profiles");
    }

    @Test
    void showsTheGoldenRecordWithLineageIdentifiersAndBothSourceRecords() throws Exception {
        HttpResponse<String> page = get("/profiles/" + janeId);

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("data-testid=\"profile-id\">" + janeId + "<");
        assertThat(row(html, "attribute-first_name")).contains(">Jane<").contains(">crm<").contains("crm:1")
                .contains("2025-02-01T00:00:00Z");
        assertThat(row(html, "attribute-city")).contains(">London<").contains("shop:77");
        assertThat(section(html, "identifiers")).contains("jane@example.com").contains("+442079460958");
        assertThat(section(html, "source-records"))
                .containsSubsequence(">crm<", ">1<", ">shop<", ">77<");
        assertThat(html.split("data-testid=\"source-record\"", -1)).hasSize(3);
    }

    @Test
    void showsTheCustomersExperienceNewestFirstWithTheKeyMetrics() throws Exception {
        String html = get("/profiles/" + janeId).body();

        assertThat(section(html, "timeline")).containsSubsequence("survey response", "delivery", "NPS 9",
                "order", "checkout", "40.00 GBP");
        assertThat(html.split("data-testid=\"timeline-entry\"", -1)).hasSize(3);
        assertThat(element(html, "cx-nps", "</dd>")).contains(">9<").contains("promoter");
        assertThat(element(html, "cx-orders", "</dd>")).contains(">1<").contains("40.00 GBP");
        assertThat(apiCalls).containsExactly("/api/v1/profiles/" + janeId, "/api/v1/profiles/" + janeId + "/timeline",
                "/api/v1/profiles/" + janeId + "/metrics", "/api/v1/profiles/" + janeId + "/possible-matches");

        assertThat(get("/profiles/" + malloryId).body()).contains("No interactions yet.");
    }

    /** An agent pages back through a long history and narrows it to the support tickets. */
    @Test
    void theHistoryPagesBackAndNarrowsToOneKindOfInteraction() throws Exception {
        String newest = get("/profiles/" + tomId).body();
        assertThat(element(newest, "timeline", "</caption>")).contains("Everything: 1 to 50 of 55, newest first");
        assertThat(newest.split("data-testid=\"timeline-entry\"", -1)).hasSize(51);
        assertThat(newest).contains("data-testid=\"history-older\"").doesNotContain("data-testid=\"history-newer\"");
        assertThat(element(newest, "cx-open", "</dd>")).contains("0 / 0");
        assertThat(element(newest, "cx-handling", "</dd>")).contains("first reply <span>2 h</span>")
                .contains("solved in <span>28 h</span>");

        String older = get("/profiles/" + tomId + "?page=1").body();
        assertThat(element(older, "timeline", "</caption>")).contains("Everything: 51 to 55 of 55");
        assertThat(older).contains("data-testid=\"history-newer\"").doesNotContain("data-testid=\"history-older\"");

        String support = get("/profiles/" + tomId + "?show=support").body();
        assertThat(element(support, "timeline", "</caption>")).contains("Support tickets: 1 to 3 of 3");
        assertThat(section(support, "timeline")).containsSubsequence("ticket solved", "ticket replied", "ticket opened")
                .doesNotContain("order");
        assertThat(support).contains("<option value=\"support\" selected=\"selected\">Support tickets</option>");

        String unknown = get("/profiles/" + tomId + "?show=everything-ever&page=-3").body();
        assertThat(unknown).contains("data-testid=\"history-note\"");
        assertThat(element(unknown, "timeline", "</caption>")).contains("Everything: 1 to 50 of 55");
    }

    @Test
    void saysSoWhenNoProfileHasTheEmail() throws Exception {
        HttpResponse<String> page = search("nobody@example.com");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("No profile found for that email");
    }

    @Test
    void showsTheApisValidationMessageForAnInvalidEmail() throws Exception {
        HttpResponse<String> page = search("not-an-email");

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body())
                .contains("data-testid=\"search-error\"")
                .contains("email is not a valid email address")
                .doesNotContain("Exception");
        assertThat(apiCalls).containsExactly("/api/v1/profiles");
    }

    @Test
    void saysSoWhenTheProfileIdIsUnknown() throws Exception {
        HttpResponse<String> page = get("/profiles/no-such-profile");

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("Profile not found");
    }

    /**
     * Tomcat or Spring Security's firewall refuse these before any controller runs (the path leaves the
     * root, or has an encoded slash or period).
     */
    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "..%2F..%2Fetc", "%2E%2E/%2E%2E/etc", "%2E%2E"})
    void refusesPathTraversal(String rawId) throws Exception {
        HttpResponse<String> page = get("/profiles/" + rawId);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).doesNotContain("Exception").doesNotContain("Tomcat/");
        assertThat(apiCalls).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"etc.passwd", "%3Cscript%3E", "a%20b",
            "x1234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsMalformedProfileIdsWithoutCallingTheApi(String rawId) throws Exception {
        HttpResponse<String> page = get("/profiles/" + rawId);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Invalid profile id").doesNotContain("Exception");
        assertThat(apiCalls).isEmpty();
    }

    @Test
    void escapesWhatTheProfileServiceReturns() throws Exception {
        String profile = get("/profiles/" + malloryId).body();
        String results = search("mallory@example.com").body();

        assertThat(profile).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(SCRIPT);
        assertThat(results).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(SCRIPT);
    }

    @Test
    void sendsVisitorsWhoHaveNotSignedInToTheLoginAndCallsNothing() throws Exception {
        DevLoginSession visitor = DevLoginSession.anonymous(base());
        for (String page : List.of("/", "/profiles?email=" + encode("jane@example.com"), "/profiles/" + janeId)) {
            HttpResponse<String> answer = visitor.get(page);
            assertThat(answer.statusCode()).as(page).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(
                    location -> assertThat(location).endsWith("/login"));
        }
        assertThat(apiCalls).isEmpty();
    }

    @Test
    void theSessionCookieStaysWithTheAdminUiAndTheProfilePageTitleNamesNoCustomer() throws Exception {
        HttpResponse<String> answer = DevLoginSession.anonymous(base()).signIn("alice.agent", "demo-only-agent");
        // not sent with what another site's page embeds or posts; not readable by scripts
        assertThat(answer.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly"));

        // browser history and tab sync keep titles: an agent's history must not list customers by name
        String page = get("/profiles/" + janeId).body();
        assertThat(page).contains("<title>Customer profile · Tessera admin</title>");
        assertThat(page).contains("data-testid=\"profile-name\">Jane Doe</h1>").doesNotContain("<title>Jane");
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        HttpResponse<String> answer = DevLoginSession.anonymous(base()).signIn("alice.agent", "guess");

        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login?error"));
    }

    @Test
    void showsWhoIsSignedInAndRelaysThatUserToTheProfileService() throws Exception {
        HttpResponse<String> page = get("/profiles/" + janeId);

        assertThat(row(page.body(), "current-user")).contains("alice.agent");
        assertThat(apiTokens).isNotEmpty().allSatisfy(token -> {
            assertThat(token.subject()).isEqualTo("alice.agent");
            assertThat(token.roles()).containsExactly("cdp-agent");
        });
    }

    @Test
    void showsAMarketerAProfileMaskedWithoutItsHistoryButNotTheSearch() throws Exception {
        DevLoginSession marketer = DevLoginSession.signedIn(base(), "mark.marketer", "demo-only-marketer");

        HttpResponse<String> page = marketer.get("/profiles/" + janeId);

        // marketers reach profiles from a segment's members; the service masks them, history is for agents
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"masked\"").doesNotContain("Jane")
                .doesNotContain("jane@example.com").doesNotContain("data-testid=\"cx\"");
        assertThat(apiCalls).containsExactly("/api/v1/profiles/" + janeId);

        apiCalls.clear();
        HttpResponse<String> search = marketer.get("/profiles?email=" + encode("jane@example.com"));
        assertThat(search.statusCode()).isEqualTo(403);
        assertThat(search.body()).contains("Not allowed for your role").doesNotContain("Jane");
        assertThat(apiCalls).isEmpty();
        String csrf = marketer.csrf("/profiles/" + janeId);
        apiCalls.clear();
        HttpResponse<String> merge = marketer.post("/profiles/" + janeId + "/merge",
                "other=" + malloryId + "&reason=same&_csrf=" + encode(csrf));
        assertThat(merge.statusCode()).as("merging is for agents").isEqualTo(403);
        HttpResponse<String> split = marketer.post("/profiles/" + janeId + "/split",
                "records=crm%3A1&_csrf=" + encode(csrf));
        assertThat(split.statusCode()).as("splitting is for agents").isEqualTo(403);
        assertThat(apiCalls).isEmpty();
    }

    @Test
    void identityCorrectionsNeedTheFormsCsrfToken() throws Exception {
        apiCalls.clear();
        assertThat(agent.post("/profiles/" + janeId + "/merge", "other=" + malloryId + "&reason=same").statusCode())
                .isEqualTo(403);
        assertThat(agent.post("/profiles/" + janeId + "/split", "records=crm%3A1").statusCode()).isEqualTo(403);
        assertThat(apiCalls).isEmpty();
    }

    @Test
    void signingOutNeedsTheFormsCsrfTokenAndEndsTheSession() throws Exception {
        assertThat(agent.post("/logout", "").statusCode()).isEqualTo(403);
        assertThat(get("/").statusCode()).isEqualTo(200);

        HttpResponse<String> out = agent.post("/logout", "_csrf=" + encode(agent.csrf("/")));

        assertThat(out.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login?logout"));
        assertThat(get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void sendsSecurityHeadersOnPages() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void reportsHealth() throws Exception {
        // public, without signing in, as a load balancer asks
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base() + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    /** Runs last: it stops the profile service that the other tests share. */
    @Test
    @Order(Integer.MAX_VALUE)
    void showsAFriendlyPageWhenTheProfileServiceIsStopped() throws Exception {
        stopProfileService();

        HttpResponse<String> search = search("jane@example.com");
        HttpResponse<String> profile = get("/profiles/" + janeId);

        for (HttpResponse<String> page : List.of(search, profile)) {
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.body())
                    .contains("Profile service unavailable")
                    .doesNotContain("Exception")
                    .doesNotContain("jane@example.com");
        }
    }

    /** The agent's search, as the form sends it (a POST: an email in a GET link is not searched for). */
    private HttpResponse<String> search(String email) throws IOException, InterruptedException {
        return agent.post("/profiles", "email=" + encode(email) + "&_csrf=" + encode(agent.csrf("/")));
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return agent.get(pathAndQuery);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Who a relayed bearer token speaks for. */
    record RelayedToken(String subject, List<String> roles) {
        @SuppressWarnings("unchecked")
        static RelayedToken of(String authorization) {
            try {
                var claims = com.nimbusds.jwt.JWTParser.parse(authorization.substring("Bearer ".length()))
                        .getJWTClaimsSet();
                Map<String, Object> realm = (Map<String, Object>) claims.getClaim("realm_access");
                return new RelayedToken(claims.getSubject(), (List<String>) realm.get("roles"));
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static CustomerRecord record(String source, String id, Instant observedAt, List<Identifier> identifiers,
            Map<String, String> attributes) {
        return new CustomerRecord(new SourceRecordId(source, id), observedAt, identifiers, attributes);
    }

    /** The HTML of the table row with this test id. */
    private static String row(String html, String testId) {
        return element(html, testId, "</tr>");
    }

    private static String section(String html, String testId) {
        return element(html, testId, "</section>");
    }

    private static String element(String html, String testId, String end) {
        int start = html.indexOf("data-testid=\"" + testId + "\"");
        assertThat(start).as("element with data-testid %s", testId).isNotNegative();
        return html.substring(start, html.indexOf(end, start));
    }
}
