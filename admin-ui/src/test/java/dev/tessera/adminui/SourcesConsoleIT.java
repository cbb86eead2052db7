package dev.tessera.adminui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.security.testing.TestTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * The integrators' console against the real ingestion app (started in this JVM with a CSV folder
 * source) over the real test Redis: a file with a hostile rejected row is imported, the integrator sees
 * the counts, inspects the dead letter (escaped), fails to replay it (the mapping still rejects it),
 * discards it, and stops and starts the route. Other roles are kept out.
 */
@SpringBootTest(webEnvironment = RANDOM_PORT)
@ActiveProfiles("test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourcesConsoleIT {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final Pattern DEAD_LETTER_LINK = Pattern.compile("href=\"/sources/crm/dead-letters/([0-9a-f]+)\"");

    /** Made here, not by @TempDir: the app's settings are read before JUnit injects temp folders. */
    private static final Path inbox = temporaryFolder();
    private static final InProcessIngestion ingestion = new InProcessIngestion(inbox);

    @LocalServerPort
    int port;

    private DevLoginSession integrator;

    @DynamicPropertySource
    static void pointAtIngestion(DynamicPropertyRegistry registry) {
        registry.add("tessera.ingestion.url", ingestion::url);
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeAll
    static void importAFileWithOneBadRow() throws Exception {
        RedisTestSupport.flush();
        ingestion.url();
        Files.writeString(inbox.resolve("contacts.csv"), """
                contact_id,email,first_name,last_name,updated_at
                c1,jane.doe@example.com,Jane,Doe,2025-01-01T09:00:00Z
                c2,bob@example.com,Bob,Stone,2025-02-01T09:00:00Z
                ,%s,No,Id,2025-02-01T09:00:00Z
                """.formatted(SCRIPT), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stopIngestion() {
        ingestion.stop();
    }

    @BeforeEach
    void signIn() throws Exception {
        integrator = DevLoginSession.signedIn(base(), "ian.integrator", "demo-only-integrator");
    }

    @Test
    @Order(1)
    void showsEachSourceWithItsCounts() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String page = integrator.get("/sources").body();
            String row = row(page, "crm");
            assertThat(cell(row, "stored")).isEqualTo("2");
            assertThat(cell(row, "rejected")).isEqualTo("1");
            assertThat(cell(row, "status")).isEqualTo("started");
        });
        String page = integrator.get("/sources").body();
        assertThat(page).contains("data-testid=\"nav-sources\"").doesNotContain("data-testid=\"nav-customers\"");
    }

    @Test
    @Order(2)
    void showsTheDeadLetterWithItsReasonAndThePayloadEscaped() throws Exception {
        String list = integrator.get("/sources/crm/dead-letters").body();
        assertThat(list).contains("1 kept");
        String id = deadLetterId(list);

        HttpResponse<String> detail = integrator.get("/sources/crm/dead-letters/" + id);

        assertThat(detail.statusCode()).isEqualTo(200);
        assertThat(detail.body()).contains("data-testid=\"reason\"")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(SCRIPT);
    }

    @Test
    @Order(3)
    void aReplayTheMappingStillRejectsKeepsTheDeadLetterAndSaysWhy() throws Exception {
        String id = deadLetterId(integrator.get("/sources/crm/dead-letters").body());

        HttpResponse<String> answer = integrator.post("/sources/crm/dead-letters/" + id + "/replay",
                "_csrf=" + integrator.csrf("/sources/crm/dead-letters/" + id));

        assertThat(answer.statusCode()).isEqualTo(302);
        String page = integrator.get("/sources/crm/dead-letters/" + id).body();
        assertThat(page).contains("data-testid=\"problem\"").contains("Not replayed");
        assertThat(integrator.get("/sources/crm/dead-letters").body()).contains("1 kept");
    }

    @Test
    @Order(4)
    void stopsAndStartsTheRoute() throws Exception {
        String csrf = integrator.csrf("/sources");
        assertThat(integrator.post("/sources/crm/stop", "_csrf=" + csrf).statusCode()).isEqualTo(302);
        String stopped = integrator.get("/sources").body();
        assertThat(cell(row(stopped, "crm"), "status")).isEqualTo("stopped");
        assertThat(stopped).contains("Route of crm stopped.");

        assertThat(integrator.post("/sources/crm/start", "_csrf=" + integrator.csrf("/sources")).statusCode())
                .isEqualTo(302);
        assertThat(cell(row(integrator.get("/sources").body(), "crm"), "status")).isEqualTo("started");
    }

    @Test
    @Order(5)
    void discardsTheDeadLetter() throws Exception {
        String id = deadLetterId(integrator.get("/sources/crm/dead-letters").body());

        integrator.post("/sources/crm/dead-letters/" + id + "/discard",
                "_csrf=" + integrator.csrf("/sources/crm/dead-letters/" + id));

        String list = integrator.get("/sources/crm/dead-letters").body();
        assertThat(list).contains("0 kept").contains("Dead letter discarded.");
        assertThat(integrator.get("/sources/crm/dead-letters/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void deadLettersAreGroupedByReasonReplayedAndDiscardedInBulk() throws Exception {
        String header = "contact_id,email,first_name,last_name,updated_at\n";
        String old = "column 'x' was missing";
        try (var redis = RedisTestSupport.connect()) {
            var store = new dev.tessera.core.deadletter.DeadLetterStore(redis, java.time.Clock.systemUTC());
            store.add("source-crm", "old.csv:2", old, header + "c7,ann.bulk@example.com,Ann,Bulk,2025-03-01T09:00:00Z");
            store.add("source-crm", "old.csv:3", old, header + "c8,short@example.com,Sy");
            store.add("source-crm", "old.csv:4", "stale reason <b>", header + "c9,x@example.com,X");
            store.add("source-crm", "old.csv:5", "stale reason <b>", header + "c10,y@example.com,Y");
        }
        String page = integrator.get("/sources/crm/dead-letters").body();
        assertThat(page).contains("data-testid=\"reasons\"").contains("stale reason &lt;b&gt;")
                .doesNotContain("stale reason <b>");
        assertThat(page.split("data-testid=\"reason-row\"", -1)).hasSize(3);

        HttpResponse<String> replayed = integrator.post("/sources/crm/dead-letters/replay-all",
                "reason=" + java.net.URLEncoder.encode(old, StandardCharsets.UTF_8)
                        + "&_csrf=" + integrator.csrf("/sources/crm/dead-letters"));
        assertThat(replayed.statusCode()).isEqualTo(302);
        String after = integrator.get("/sources/crm/dead-letters").body();
        assertThat(after).contains("Replayed 1 of 2. Rejected again: 1 × row has 3 columns, the header has 5.")
                .contains("3 kept");

        String stale = "reason=" + java.net.URLEncoder.encode("stale reason <b>", StandardCharsets.UTF_8);
        integrator.post("/sources/crm/dead-letters/discard-reason",
                stale + "&_csrf=" + integrator.csrf("/sources/crm/dead-letters"));
        assertThat(integrator.get("/sources/crm/dead-letters").body()).contains("Nothing discarded").contains("3 kept");
        integrator.post("/sources/crm/dead-letters/discard-reason",
                stale + "&confirm=true&_csrf=" + integrator.csrf("/sources/crm/dead-letters"));
        assertThat(integrator.get("/sources/crm/dead-letters").body())
                .contains("Discarded 2 dead letters with that reason.").contains("1 kept");

        DevLoginSession marketer = DevLoginSession.signedIn(base(), "mark.marketer", "demo-only-marketer");
        assertThat(marketer.post("/sources/crm/dead-letters/replay-all", "_csrf=" + marketer.csrf("/login"))
                .statusCode()).isEqualTo(403);
        assertThat(integrator.post("/sources/crm/dead-letters/replay-all", "reason=%07&_csrf="
                + integrator.csrf("/sources/crm/dead-letters")).statusCode()).isEqualTo(400);
    }

    @Test
    void sendsIntegratorsFromTheStartPageToTheirConsole() throws Exception {
        HttpResponse<String> start = integrator.get("/");

        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(start.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/sources"));
        assertThat(integrator.get("/profiles?email=jane.doe%40example.com").statusCode()).isEqualTo(403);
    }

    @Test
    void keepsAgentsAndMarketersOutAndNeedsTheCsrfToken() throws Exception {
        for (String[] user : new String[][] {{"alice.agent", "demo-only-agent"}, {"mark.marketer", "demo-only-marketer"}}) {
            DevLoginSession other = DevLoginSession.signedIn(base(), user[0], user[1]);
            assertThat(other.get("/sources").statusCode()).as(user[0]).isEqualTo(403);
            assertThat(other.post("/sources/crm/stop", "_csrf=" + other.csrf("/login")).statusCode()).as(user[0])
                    .isEqualTo(403);
        }
        assertThat(integrator.post("/sources/crm/stop", "").statusCode()).isEqualTo(403);
        assertThat(cell(row(integrator.get("/sources").body(), "crm"), "status")).isEqualTo("started");
    }

    @Test
    void refusesMalformedNamesAndIdsWithoutCallingTheIngestionApp() throws Exception {
        assertThat(integrator.get("/sources/CRM%3Cx%3E/dead-letters").statusCode()).isEqualTo(400);
        assertThat(integrator.get("/sources/crm/dead-letters/not-hex").statusCode()).isEqualTo(400);
        assertThat(integrator.get("/sources/crm/dead-letters?offset=-1").statusCode()).isEqualTo(400);
    }

    private static Path temporaryFolder() {
        try {
            Path dir = Files.createTempDirectory("tessera-console-inbox");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static String deadLetterId(String html) {
        Matcher matcher = DEAD_LETTER_LINK.matcher(html);
        assertThat(matcher.find()).as("a dead-letter link").isTrue();
        return matcher.group(1);
    }

    private static String row(String html, String source) {
        int start = html.indexOf("data-source=\"" + source + "\"");
        assertThat(start).as("row of " + source).isGreaterThanOrEqualTo(0);
        return html.substring(start, html.indexOf("</tr>", start));
    }

    private static String cell(String row, String testId) {
        Matcher matcher = Pattern.compile("data-testid=\"" + testId + "\"[^>]*>([^<]*)<").matcher(row);
        assertThat(matcher.find()).as(testId).isTrue();
        return matcher.group(1).strip();
    }
}
