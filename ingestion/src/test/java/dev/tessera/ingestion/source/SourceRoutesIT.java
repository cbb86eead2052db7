package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.TimelineQuery;
import dev.tessera.core.deadletter.DeadLetter;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.ingestion.format.Samples;
import dev.tessera.ingestion.source.csv.CsvFileImporter;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.profile.ProfileServiceApplication;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sources end to end with real parts (Redis, Camel, HTTP, the profile service): a CSV file dropped in a
 * CRM inbox, signed vendor webhooks and the Segment API become profiles and timelines; bad input becomes
 * dead letters the operations API can inspect and replay.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SourceRoutesIT {

    /** Webhooks and the Segment API carry vendor signatures; the two APIs need these tokens. */
    static final String INTEGRATOR = TestTokens.bearer(Roles.INTEGRATOR);
    static final String AGENT = TestTokens.bearer(Roles.AGENT);
    static final String ADMIN = TestTokens.bearer(Roles.ADMIN);

    @TempDir
    static Path inboxes;

    static ConfigurableApplicationContext profileService;
    static String api;

    @Autowired
    DeadLetterStore deadLetters;

    @Autowired
    CxStore cx;

    @Autowired
    org.apache.camel.ProducerTemplate camel;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void sources(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("tessera.sources[0].name", () -> "crm");
        registry.add("tessera.sources[0].kind", () -> "crm");
        registry.add("tessera.sources[0].folder.inbox", () -> inboxes.resolve("crm").toString());
        registry.add("tessera.sources[0].folder.poll-delay", () -> "100ms");
        registry.add("tessera.sources[0].mapping.source-id", () -> "contact_id");
        registry.add("tessera.sources[0].mapping.email", () -> "email");
        registry.add("tessera.sources[0].mapping.phone", () -> "phone");
        registry.add("tessera.sources[0].mapping.observed-at", () -> "updated_at");
        registry.add("tessera.sources[0].mapping.attributes.first_name", () -> "first_name");
        registry.add("tessera.sources[0].mapping.attributes.last_name", () -> "last_name");
        registry.add("tessera.sources[0].mapping.attributes.city", () -> "city");
        registry.add("tessera.sources[1].name", () -> "salesforce");
        registry.add("tessera.sources[1].kind", () -> "crm");
        registry.add("tessera.sources[1].folder.inbox", () -> inboxes.resolve("salesforce").toString());
        registry.add("tessera.sources[1].folder.poll-delay", () -> "100ms");
        registry.add("tessera.sources[1].mapping.email", () -> "Contact: Email");
        registry.add("tessera.sources[1].mapping.phone", () -> "Contact: Phone");
        registry.add("tessera.sources[1].mapping.phone-region", () -> "US");
        registry.add("tessera.sources[1].mapping.attributes.first_name", () -> "Contact: First Name");
        registry.add("tessera.sources[1].mapping.attributes.last_name", () -> "Contact: Last Name");
        registry.add("tessera.sources[1].mapping.attributes.company", () -> "Account: Account Name");
        registry.add("tessera.sources[2].name", () -> "shopify");
        registry.add("tessera.sources[2].kind", () -> "shop");
        registry.add("tessera.sources[2].transport", () -> "webhook");
        registry.add("tessera.sources[2].format", () -> "shopify-order");
        registry.add("tessera.sources[2].webhook.max-bytes", () -> "65536");
        registry.add("tessera.sources[2].webhook.signature.scheme", () -> "shopify");
        registry.add("tessera.sources[2].webhook.signature.secret", () -> "file:" + secretFile("shopify", SHOPIFY_SECRET));
        registry.add("tessera.sources[3].name", () -> "shopify-customers");
        registry.add("tessera.sources[3].kind", () -> "shop");
        registry.add("tessera.sources[3].transport", () -> "webhook");
        registry.add("tessera.sources[3].format", () -> "shopify-customer");
        registry.add("tessera.sources[3].webhook.signature.scheme", () -> "shopify");
        registry.add("tessera.sources[3].webhook.signature.secret", () -> "file:" + secretFile("shopify", SHOPIFY_SECRET));
        registry.add("tessera.sources[4].name", () -> "events");
        registry.add("tessera.sources[4].kind", () -> "events");
        registry.add("tessera.sources[4].transport", () -> "webhook");
        registry.add("tessera.sources[4].format", () -> "segment-api");
        registry.add("tessera.sources[4].webhook.signature.scheme", () -> "segment-write-key");
        registry.add("tessera.sources[4].webhook.signature.secret", () -> "file:" + secretFile("segment", "wk-test-1, wk-test-2"));
        registry.add("tessera.sources[4].webhook.allowed-origins[0]", () -> "https://shop.example.test");
        registry.add("tessera.sources[5].name", () -> "api-events");
        registry.add("tessera.sources[5].kind", () -> "events");
        registry.add("tessera.sources[5].transport", () -> "poll");
        registry.add("tessera.sources[5].format", () -> "segment-batch");
        registry.add("tessera.sources[5].poll.url", () -> vendorApi() + "/events");
        registry.add("tessera.sources[5].poll.interval", () -> "200ms");
        registry.add("tessera.sources[5].poll.bearer-token", () -> "file:" + secretFile("api-token", "tok-123"));
        registry.add("tessera.sources[6].name", () -> "custom-events");
        registry.add("tessera.sources[6].kind", () -> "events");
        registry.add("tessera.sources[6].transport", () -> "custom");
        registry.add("tessera.sources[6].format", () -> "segment-identify");
        registry.add("tessera.custom-routes", () -> "file:" + customRoutes() + "/*.yaml");
        registry.add("tessera.sources[9].name", () -> "custom-freshdesk");
        registry.add("tessera.sources[9].kind", () -> "support");
        registry.add("tessera.sources[9].transport", () -> "custom");
        registry.add("tessera.sources[9].format", () -> "freshdesk-conversation");
        // two objects of one support system, exported to two folders: one record id space ("zendesk")
        for (String[] zendesk : new String[][] {{"7", "zendesk-users", "zendesk-user"}, {"8", "zendesk-tickets", "zendesk-ticket"}}) {
            String at = "tessera.sources[" + zendesk[0] + "].";
            registry.add(at + "name", () -> zendesk[1]);
            registry.add(at + "kind", () -> "support");
            registry.add(at + "format", () -> zendesk[2]);
            registry.add(at + "record-namespace", () -> "zendesk");
            registry.add(at + "folder.inbox", () -> inboxes.resolve(zendesk[1]).toString());
            registry.add(at + "folder.include", () -> ".*\\.json");
            registry.add(at + "folder.poll-delay", () -> "100ms");
            registry.add(at + "webhook.max-bytes", () -> "65536");
        }
    }

    static com.sun.net.httpserver.HttpServer vendor;
    static final java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();

    /** A stand-in for a vendor API: a page of Segment events behind a bearer token. */
    private static synchronized String vendorApi() {
        if (vendor == null) {
            try {
                vendor = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            vendor.createContext("/events", exchange -> {
                byte[] body = "Bearer tok-123".equals(exchange.getRequestHeaders().getFirst("Authorization"))
                        ? POLLED_EVENTS.getBytes(StandardCharsets.UTF_8) : new byte[0];
                polls.incrementAndGet();
                exchange.sendResponseHeaders(body.length == 0 ? 401 : 200, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            vendor.start();
        }
        return "http://127.0.0.1:" + vendor.getAddress().getPort();
    }

    static final String POLLED_EVENTS = """
            {"batch": [
              {"type": "identify", "userId": "p-1", "messageId": "pm-1", "timestamp": "2026-01-10T10:00:00Z",
               "traits": {"email": "polled.user@example.com", "firstName": "Pol"}},
              {"type": "track", "userId": "p-1", "messageId": "pm-2", "event": "Order Completed",
               "timestamp": "2026-01-10T10:05:00Z", "properties": {"order_id": "po-1", "total": 12.5, "currency": "EUR"}}
            ]}""";

    /**
     * The routes folder with one YAML route of an integrator's own, feeding the custom-events source
     * (every 300 ms: the same identify again and again, which changes nothing after the first).
     */
    private static String customRoutes() {
        try {
            Path folder = Files.createDirectories(inboxes.resolve("routes"));
            Files.writeString(folder.resolve("custom-feed.yaml"), """
                    - route:
                        id: custom-feed
                        from:
                          uri: "timer:custom-feed?period=300"
                          steps:
                            - setBody:
                                constant:
                                  expression: '{"type":"identify","userId":"cu-1","messageId":"cm-1","traits":{"email":"custom.route@example.com"}}'
                            - setHeader:
                                name: TesseraSource
                                constant:
                                  expression: custom-events
                            - to:
                                uri: "direct:tessera-intake"
                    """, StandardCharsets.UTF_8);
            return folder.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopVendor() {
        if (vendor != null) {
            vendor.stop(0);
        }
    }

    static final String SHOPIFY_SECRET = "test-shopify-secret";

    private static String secretFile(String name, String value) {
        try {
            Path file = inboxes.resolve("secret-" + name);
            Files.writeString(file, value, StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void startProfileService() {
        // the port as an argument: a default property would lose to this JVM's application.yml (ingestion's
        // fixed 8082), which another build on the machine may hold
        List<String> args = new ArrayList<>(TestTokens.arguments());
        args.add("--server.port=0");
        profileService = new SpringApplicationBuilder(ProfileServiceApplication.class)
                .properties("tessera.redis.url=" + RedisTestSupport.settings().url(),
                "tessera.redis.cluster=" + RedisTestSupport.settings().cluster(),
                        "spring.autoconfigure.exclude=org.apache.camel.spring.boot.CamelAutoConfiguration")
                .run(args.toArray(String[]::new));
        api = "http://localhost:" + profileService.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stopProfileService() {
        profileService.close();
    }

    @BeforeEach
    void emptyStore() {
        RedisTestSupport.flush();
    }

    static final String CONTACTS = """
            contact_id,email,phone,first_name,last_name,city,updated_at
            c1,jane.doe@example.com,020 7946 0958,Jane,Doe,Leeds,2025-01-01T09:00:00Z
            c2,JANE.DOE@example.com,,Janet,Doe,York,2025-06-01T09:00:00Z
            c3,bob@example.com,,Bob,Stone,Hull,2025-02-01T09:00:00Z
            c4,eve@example.com,,Eve,Short
            c5,eve@example.com,,Eve,Late,Hull,last tuesday
            ,nobody@example.com,,No,Id,Hull,2025-02-01T09:00:00Z
            """;

    @Test
    void aCrmFileBecomesUnifiedProfilesAndBadRowsBecomeDeadLetters() throws Exception {
        importFile("crm", "contacts.csv", CONTACTS);

        JsonNode result = get("/api/v1/profiles?email=" + URLEncoder.encode("jane.doe@example.com", StandardCharsets.UTF_8));
        assertThat(result.get("count").asInt()).isEqualTo(1);
        JsonNode jane = result.at("/items/0");
        assertThat(jane.get("records")).hasSize(2);
        assertThat(jane.at("/attributes/city/value").asString()).isEqualTo("York");
        assertThat(jane.at("/attributes/first_name/value").asString()).isEqualTo("Janet");
        assertThat(jane.at("/attributes/phone/value").asString()).isEqualTo("+442079460958");
        assertThat(get("/api/v1/profiles?email=bob@example.com").get("count").asInt()).isEqualTo(1);

        List<DeadLetter> rejected = deadLetters.list("source-crm", 0, 10);
        assertThat(rejected).extracting(DeadLetter::origin)
                .containsExactlyInAnyOrder("contacts.csv:5", "contacts.csv:6", "contacts.csv:7");
        assertThat(rejected).extracting(DeadLetter::reason).containsExactlyInAnyOrder(
                "row has 5 columns, the header has 7",
                "column 'updated_at' is not a date-time in [ISO]",
                "column 'contact_id' (source id) is empty");
        DeadLetter shortRow = rejected.stream().filter(d -> d.origin().endsWith(":5")).findFirst().orElseThrow();
        assertThat(shortRow.payload()).isEqualTo("contact_id,email,phone,first_name,last_name,city,updated_at\n"
                + "c4,eve@example.com,,Eve,Short");
        // which records the route's payloads are about (named when the app started), for an erasure
        assertThat(rejected).extracting(DeadLetter::recordSource).containsOnly("crm");
    }

    @Test
    void aStrayQuoteCostsOnlyItsOwnLineNotTheRowsAfterIt() throws Exception {
        JsonNode before = ingestion("GET", "/api/v1/sources/crm", 200);
        importFile("crm", "stray.csv", """
                contact_id,email,phone,first_name,last_name,city,updated_at
                s1,"stray.quote@example.com,,Sue,Stray,Leeds,2025-01-01T09:00:00Z
                s2,ron.after@example.com,,Ron,After,Leeds,2025-01-01T09:00:00Z
                s3,tall@example.com,,Tim 6'2",Tall,Hull,2025-01-01T09:00:00Z
                s4,"quoted@example.com",,"Quinn",Quoted,York,2025-01-01T09:00:00Z
                s5,"multi@example.com",,Mia,Multi,"New
                York",2025-01-01T09:00:00Z
                s6,"broken@example.com",,Bea,"Two
                Lines",2025-01-01T09:00:00Z
                """);

        // s1's quote never closes: only its line is rejected; s3's closes it as far as quote counting goes,
        // yet s3 and everything between are rows of their own
        List<DeadLetter> rejected = deadLetters.list("source-crm", 0, 10);
        assertThat(rejected).extracting(DeadLetter::origin).containsExactlyInAnyOrder("stray.csv:2", "stray.csv:8");
        DeadLetter stray = rejected.stream().filter(d -> d.origin().endsWith(":2")).findFirst().orElseThrow();
        assertThat(stray.payload()).endsWith("\ns1,\"stray.quote@example.com,,Sue,Stray,Leeds,2025-01-01T09:00:00Z");
        assertThat(stray.reason()).contains("quote");
        // a real quoted line break in a row that lacks a cell stays one row, one dead letter
        DeadLetter twoLines = rejected.stream().filter(d -> d.origin().endsWith(":8")).findFirst().orElseThrow();
        assertThat(twoLines.payload()).endsWith("s6,\"broken@example.com\",,Bea,\"Two\nLines\",2025-01-01T09:00:00Z");
        assertThat(twoLines.reason()).isEqualTo("row has 6 columns, the header has 7");

        for (String email : List.of("ron.after@example.com", "tall@example.com", "quoted@example.com",
                "multi@example.com")) {
            assertThat(get("/api/v1/profiles?email=" + email).get("count").asInt()).as(email).isEqualTo(1);
        }
        assertThat(get("/api/v1/profiles?email=tall@example.com").at("/items/0/attributes/first_name/value")
                .asString()).isEqualTo("Tim 6'2\"");
        assertThat(get("/api/v1/profiles?email=multi@example.com").at("/items/0/attributes/city/value")
                .asString()).isEqualTo("New\nYork");
        // counted once each: 6 rows, 2 rejected
        JsonNode after = ingestion("GET", "/api/v1/sources/crm", 200);
        assertThat(after.get("received").asLong() - before.get("received").asLong()).isEqualTo(6);
        assertThat(after.get("rejected").asLong() - before.get("rejected").asLong()).isEqualTo(2);
    }

    @Test
    void theSameFileTwiceChangesNothing() throws Exception {
        importFile("crm", "contacts.csv", CONTACTS);
        String janeBefore = getRaw("/api/v1/profiles?email=jane.doe@example.com");

        importFile("crm", "contacts-again.csv", CONTACTS);

        assertThat(getRaw("/api/v1/profiles?email=jane.doe@example.com")).isEqualTo(janeBefore);
        assertThat(deadLetters.count("source-crm")).isEqualTo(3);
    }

    @Test
    void rowsOfOneContactAreStoredInFileOrderWhileTheOtherRowsResolveAlongside() throws Exception {
        // the rows of a file are resolved on several threads; those of one contact id stay in file order,
        // so of equal update times the last row wins, as when reading row after row
        StringBuilder file = new StringBuilder("contact_id,email,phone,first_name,last_name,city,updated_at\n");
        String[] first = {"Ann", "Ben", "Cara", "Dev", "Ella", "Finn", "Gwen", "Hugo"};
        for (int i = 1; i <= 150; i++) {
            file.append("o").append(i).append(",person").append(i).append("@example.net,,")
                    .append(first[i % first.length]).append(",Row").append(i).append(",Leeds,2025-03-01T09:00:00Z\n");
            file.append("same,sam.same@example.com,,Sam,Same,Town").append(i).append(",2025-03-01T09:00:00Z\n");
        }
        importFile("crm", "order.csv", file.toString());

        JsonNode sam = get("/api/v1/profiles?email=sam.same@example.com");
        assertThat(sam.get("count").asInt()).isEqualTo(1);
        assertThat(sam.at("/items/0/attributes/city/value").asString()).isEqualTo("Town150");
        assertThat(get("/api/v1/profiles?email=person150@example.net").get("count").asInt()).isEqualTo(1);
    }

    @Test
    void aSalesforceReportWithByteOrderMarkIsReadWithItsOwnMapping() throws Exception {
        Path sample = Path.of("src/test/resources/samples/crm/salesforce_accounts_contacts_report.csv");
        importFile("salesforce", "report.csv", Files.readString(sample, StandardCharsets.UTF_8));

        JsonNode amy = get("/api/v1/profiles?email=amy@demo.net").at("/items/0");
        assertThat(amy.at("/attributes/first_name/value").asString()).isEqualTo("Amy");
        assertThat(amy.at("/attributes/company/value").asString()).isEqualTo("Alpha Dynamics");
        assertThat(amy.at("/attributes/phone/value").asString()).isEqualTo("+14152568563");
        // The export writes accounts without a contact as 3 cells under a 9-column header: there is no
        // person in them, and a short row could be misaligned, so they are kept as dead letters.
        assertThat(deadLetters.list("source-salesforce", 0, 100)).hasSize(8)
                .allSatisfy(d -> assertThat(d.reason()).isEqualTo("row has 3 columns, the header has 9"));
    }

    @Test
    void aFileThatIsNotValidUtf8IsMovedAsideAndRecorded() throws Exception {
        Path inbox = Files.createDirectories(inboxes.resolve("crm"));
        byte[] latin1 = "contact_id,email,phone,first_name,last_name,city,updated_at\nc9,z@example.com,,Zo\u00eb,M,X,\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(inbox.resolve(".latin1.tmp"), latin1);
        Files.move(inbox.resolve(".latin1.tmp"), inbox.resolve("latin1.csv"));

        await().atMost(Duration.ofSeconds(20)).until(() -> listCsv(inbox.resolve(".failed")) == 1);
        assertThat(deadLetters.list("source-crm", 0, 10)).anySatisfy(d ->
                assertThat(d.reason()).startsWith("file rejected: the file is not valid UTF-8"));
    }

    // ---- webhooks

    @Test
    void aSignedShopifyOrderLandsOnTheCustomersTimelineOnceHoweverOftenItIsDelivered() throws Exception {
        JsonNode order = Samples.shopifyOrder(); // a paid order (the sample as such is a test notification)
        byte[] body = JsonMapper.builder().build().writeValueAsBytes(order);

        HttpResponse<String> first = post("/webhooks/shopify", body, shopifyHeaders(body, SHOPIFY_SECRET));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode report = JsonMapper.builder().build().readTree(first.body());
        assertThat(report.get("records").asInt()).isEqualTo(1);
        assertThat(report.get("interactions").asInt()).isEqualTo(1);

        // the vendor retries: nothing is stored twice
        JsonNode again = JsonMapper.builder().build().readTree(
                post("/webhooks/shopify", body, shopifyHeaders(body, SHOPIFY_SECRET)).body());
        assertThat(again.get("interactions").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(1);

        String email = order.at("/customer/email").asString();
        JsonNode profile = get("/api/v1/profiles?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)).at("/items/0");
        var timeline = cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10));
        assertThat(timeline.items()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(InteractionKind.ORDER);
            assertThat(i.amount().currency()).isEqualTo(order.get("currency").asString());
        });
    }

    @Test
    void aWebhookWithABadSignatureIsRefusedKeptToInspectAndNeverReplayed() throws Exception {
        byte[] body = JsonMapper.builder().build().writeValueAsBytes(
                Samples.json("shop/shopify_webhook_orders_create_2024-10.json").get("body"));
        long before = deadLetters.count("source-shopify");

        HttpResponse<String> forged = post("/webhooks/shopify", body, shopifyHeaders(body, "not-the-secret"));

        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).doesNotContain("@");
        assertThat(deadLetters.count("source-shopify")).isEqualTo(before + 1);
        DeadLetter kept = deadLetters.list("source-shopify", 0, 1).get(0);
        assertThat(kept.origin()).startsWith(PayloadIntake.UNVERIFIED + ":");
        ingestion("POST", "/api/v1/sources/shopify/dead-letters/" + kept.id() + "/replay", 409);

        // anyone can send unsigned bodies: only their start is kept, so they cannot fill the store
        byte[] large = ("{\"note\":\"" + "y".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(post("/webhooks/shopify", large, shopifyHeaders(large, "not-the-secret")).statusCode()).isEqualTo(401);
        DeadLetter truncated = deadLetters.list("source-shopify", 0, 1).get(0);
        assertThat(truncated.payload()).startsWith("{\"note\":\"yyy")
                .endsWith("(" + large.length + " bytes in all; the rest not kept: the signature did not hold)")
                .hasSizeLessThan(4_200);
    }

    @Test
    void shopifyRetriesHoursLaterAreTakenAndALateSignedDeliveryIsKeptReplayable() throws Exception {
        JsonNode order = Samples.shopifyOrder(); // a paid order (the sample as such is a test notification)
        byte[] body = JsonMapper.builder().build().writeValueAsBytes(order);
        // Shopify retries a failed delivery 8 times over 4 hours with the original X-Shopify-Triggered-At
        Map<String, String> retried = new java.util.HashMap<>(shopifyHeaders(body, SHOPIFY_SECRET));
        retried.put("X-Shopify-Triggered-At", java.time.Instant.now().minus(Duration.ofHours(3)).toString());
        HttpResponse<String> late = post("/webhooks/shopify", body, retried);
        assertThat(late.statusCode()).as(late.body()).isEqualTo(200);

        // beyond the window: refused, but the signature held, so it is kept replayable
        Map<String, String> stale = new java.util.HashMap<>(shopifyHeaders(body, SHOPIFY_SECRET));
        stale.put("X-Shopify-Triggered-At", java.time.Instant.now().minus(Duration.ofHours(7)).toString());
        RedisTestSupport.flush();
        HttpResponse<String> tooLate = post("/webhooks/shopify", body, stale);
        assertThat(tooLate.statusCode()).isEqualTo(409);
        DeadLetter kept = deadLetters.list("source-shopify", 0, 1).get(0);
        assertThat(kept.reason()).startsWith("replayed");
        assertThat(kept.origin()).startsWith(PayloadIntake.VERIFIED + ":");
        long storedBefore = ingestion("GET", "/api/v1/sources/shopify", 200).get("stored").asLong();
        ingestion("POST", "/api/v1/sources/shopify/dead-letters/" + kept.id() + "/replay", 200);
        assertThat(ingestion("GET", "/api/v1/sources/shopify", 200).get("stored").asLong())
                .as("counted once").isEqualTo(storedBefore + 1);
        String email = order.at("/customer/email").asString();
        assertThat(get("/api/v1/profiles?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)).get("count")
                .asInt()).isEqualTo(1);
    }

    @Test
    void malformedAndOversizedWebhooksAreRejectedWithTheirReason() throws Exception {
        byte[] malformed = "{\"id\": 1, ".getBytes(StandardCharsets.UTF_8);
        assertThat(post("/webhooks/shopify", malformed, shopifyHeaders(malformed, SHOPIFY_SECRET)).statusCode())
                .isEqualTo(400);
        byte[] huge = ("{\"note\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(post("/webhooks/shopify", huge, shopifyHeaders(huge, SHOPIFY_SECRET)).statusCode())
                .isEqualTo(413);
        assertThat(deadLetters.list("source-shopify", 0, 10)).anySatisfy(d -> {
            assertThat(d.reason()).startsWith("oversized");
            assertThat(d.payload()).doesNotContain("xxxx");
        });
        // each oversized delivery is a dead letter of its own, naming the delivery (its content is not kept)
        for (String delivery : List.of("d-1", "d-2", "d-2")) {
            Map<String, String> headers = new java.util.HashMap<>(shopifyHeaders(huge, SHOPIFY_SECRET));
            headers.put("X-Shopify-Webhook-Id", delivery);
            assertThat(post("/webhooks/shopify", huge, headers).statusCode()).isEqualTo(413);
        }
        assertThat(deadLetters.list("source-shopify", 0, 20)).filteredOn(d -> d.reason().startsWith("oversized"))
                .extracting(DeadLetter::payload)
                .contains("(more than 65536 bytes, not kept; delivery webhook:d-1)",
                        "(more than 65536 bytes, not kept; delivery webhook:d-2)")
                .filteredOn(p -> p.contains("d-2")).hasSize(1);
        // its replay says what is missing (the content), not that a signature failed
        DeadLetter oversized = deadLetters.list("source-shopify", 0, 20).stream()
                .filter(d -> d.reason().startsWith("oversized")).findFirst().orElseThrow();
        assertThat(ingestion("POST", "/api/v1/sources/shopify/dead-letters/" + oversized.id() + "/replay", 409)
                .get("detail").asString()).contains("larger than the source's limit").doesNotContain("signature");
        assertThat(post("/webhooks/nope", malformed, Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void aStoppedWebhookSourceAnswers503SoTheVendorRetries() throws Exception {
        byte[] body = JsonMapper.builder().build().writeValueAsBytes(
                Samples.json("shop/shopify_webhook_customers_create_2024-10.json").get("body"));
        ingestion("POST", "/api/v1/sources/shopify-customers/stop", 200);
        try {
            assertThat(post("/webhooks/shopify-customers", body, shopifyHeaders(body, SHOPIFY_SECRET)).statusCode())
                    .isEqualTo(503);
        } finally {
            ingestion("POST", "/api/v1/sources/shopify-customers/start", 200);
        }
        assertThat(post("/webhooks/shopify-customers", body, shopifyHeaders(body, SHOPIFY_SECRET)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theSegmentApiTakesIdentifyAndTrackWithAWriteKey() throws Exception {
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("wk-test-2:".getBytes(StandardCharsets.UTF_8));
        String now = java.time.Instant.now().toString();
        byte[] identify = ("{\"type\":\"identify\",\"userId\":\"u-77\",\"messageId\":\"m-1\",\"timestamp\":\"" + now
                + "\",\"sentAt\":\"" + now + "\",\"traits\":{\"email\":\"seg.user@example.com\",\"firstName\":\"Seg\"}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] track = ("{\"type\":\"track\",\"userId\":\"u-77\",\"messageId\":\"m-2\",\"event\":\"Order Completed\","
                + "\"timestamp\":\"" + now + "\",\"sentAt\":\"" + now + "\",\"properties\":{\"order_id\":\"o-9\",\"total\":25.5,"
                + "\"currency\":\"EUR\"}}").getBytes(StandardCharsets.UTF_8);

        assertThat(post("/v1/identify", identify, Map.of("Authorization", auth)).statusCode()).isEqualTo(200);
        HttpResponse<String> tracked = post("/v1/track", track, Map.of("Authorization", auth));
        assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);
        assertThat(post("/v1/track", track, Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString("wrong:".getBytes(StandardCharsets.UTF_8)))).statusCode()).isEqualTo(401);

        JsonNode profile = get("/api/v1/profiles?email=seg.user@example.com").at("/items/0");
        var timeline = cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10));
        assertThat(timeline.items()).extracting(i -> i.kind()).contains(InteractionKind.ORDER);

        // an event the timeline refuses (a time before 1900) is kept as delivered, to replay once fixed
        String old = "{\"type\":\"track\",\"userId\":\"u-77\",\"messageId\":\"m-3\",\"event\":\"Signed Up\","
                + "\"timestamp\":\"1850-01-01T00:00:00Z\",\"sentAt\":\"" + now + "\"}";
        HttpResponse<String> refused = post("/v1/track", old.getBytes(StandardCharsets.UTF_8), Map.of("Authorization", auth));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(refused.body()).get("rejected").asInt()).isEqualTo(1);
        DeadLetter kept = deadLetters.list("source-events", 0, 1).get(0);
        assertThat(kept.payload()).isEqualTo(old);
        assertThat(kept.reason()).startsWith("invalid value").doesNotContain("u-77");
        // replayed as it is, the event is refused again: the dead letter it lands on is this one, and it stays
        long before = deadLetters.count("source-events");
        ingestion("POST", "/api/v1/sources/events/dead-letters/" + kept.id() + "/replay", 422);
        assertThat(deadLetters.find("source-events", kept.id())).isPresent();
        assertThat(deadLetters.count("source-events")).isEqualTo(before);
    }

    @Test
    void analyticsJsPostsTextBodiesWithTheWriteKeyInsideToItsShortPaths() throws Exception {
        String now = java.time.Instant.now().toString();
        Map<String, String> plain = Map.of("Content-Type", "text/plain"); // no Authorization: a browser's beacon
        byte[] identify = ("{\"type\":\"identify\",\"userId\":\"u-js\",\"messageId\":\"ajs-1\",\"timestamp\":\""
                + now + "\",\"traits\":{\"email\":\"browser.user@example.com\"},\"writeKey\":\"wk-test-1\",\"sentAt\":\""
                + now + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] batch = ("{\"writeKey\":\"wk-test-1\",\"batch\":[{\"type\":\"track\",\"userId\":\"u-js\",\"messageId\":"
                + "\"ajs-2\",\"event\":\"Order Completed\",\"timestamp\":\"" + now + "\",\"properties\":{\"order_id\":"
                + "\"o-js\",\"total\":9,\"currency\":\"EUR\"}}],\"sentAt\":\"" + now + "\"}").getBytes(StandardCharsets.UTF_8);

        Map<String, String> fromShop = Map.of("Content-Type", "text/plain", "Origin", "https://shop.example.test");
        HttpResponse<String> identified = post("/v1/i", identify, fromShop);
        assertThat(identified.statusCode()).as(identified.body()).isEqualTo(200);
        // the listed page may read the answer (analytics.js must, to know the call arrived); no cookies involved
        assertThat(identified.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.test");
        assertThat(identified.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/b"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example.test")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization").contains("content-type");
        // a caller not listed gets no grant (its page cannot read the answer), but the call is taken on its key:
        // a server-side sender or a proxy may send an Origin too
        HttpResponse<String> elsewhere = post("/v1/i", identify, Map.of("Content-Type", "text/plain",
                "Origin", "https://elsewhere.example"));
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
        assertThat(elsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> foreignPreflight = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/b"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://elsewhere.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreignPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // vendor webhooks answer no page
        HttpResponse<String> vendor = post("/webhooks/shopify", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Origin", "https://shop.example.test"));
        assertThat(vendor.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> batched = post("/v1/b", batch, plain);
        assertThat(batched.statusCode()).as(batched.body()).isEqualTo(200);
        // a single track call, to the short path spelled encoded (/v1/%74 is /v1/t)
        byte[] refund = ("{\"type\":\"track\",\"userId\":\"u-js\",\"messageId\":\"ajs-3\",\"event\":\"Order Refunded\","
                + "\"timestamp\":\"" + now + "\",\"properties\":{\"order_id\":\"o-js\",\"total\":4,\"currency\":\"EUR\"},"
                + "\"writeKey\":\"wk-test-1\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> tracked = post("/v1/%74", refund, plain);
        assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(tracked.body()).get("interactions").asInt()).isEqualTo(1);
        HttpResponse<String> forged = post("/v1/t", new String(batch, StandardCharsets.UTF_8)
                .replace("wk-test-1", "wk-guess").getBytes(StandardCharsets.UTF_8), plain);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).doesNotContain("wk-guess");

        JsonNode profile = get("/api/v1/profiles?email=browser.user@example.com").at("/items/0");
        var timeline = cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10));
        assertThat(timeline.items()).extracting(i -> i.kind()).contains(InteractionKind.ORDER, InteractionKind.RETURN);

        // a refused event is kept without the write key it carried (a credential; dead letters are readable)
        String refusedBody = "{\"type\":\"track\",\"userId\":\"u-js\",\"messageId\":\"ajs-6\",\"event\":\"Signed Up\","
                + "\"timestamp\":\"1850-01-01T00:00:00Z\",\"writeKey\":\"wk-test-1\"}";
        HttpResponse<String> refusedCall = post("/v1/t", refusedBody.getBytes(StandardCharsets.UTF_8), plain);
        assertThat(JsonMapper.builder().build().readTree(refusedCall.body()).get("rejected").asInt()).isEqualTo(1);
        assertThat(deadLetters.list("source-events", 0, 1).get(0).payload()).contains("ajs-6").doesNotContain("wk-test-1");

        // page views (one per page load) are taken and not kept: no retries, no dead letters, no timeline entries
        long deadBefore = deadLetters.count("source-events");
        byte[] page = ("{\"type\":\"page\",\"userId\":\"u-js\",\"messageId\":\"ajs-4\",\"name\":\"Pricing\","
                + "\"timestamp\":\"" + now + "\",\"writeKey\":\"wk-test-1\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> viewed = post("/v1/p", page, plain);
        assertThat(viewed.statusCode()).as(viewed.body()).isEqualTo(200);
        assertThat(post("/v1/p", new String(page, StandardCharsets.UTF_8).replace("wk-test-1", "wk-guess")
                .getBytes(StandardCharsets.UTF_8), plain).statusCode()).isEqualTo(401);
        byte[] pages = ("{\"writeKey\":\"wk-test-1\",\"batch\":[{\"type\":\"page\",\"userId\":\"u-js\",\"messageId\":"
                + "\"ajs-5\",\"timestamp\":\"" + now + "\"}]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> batchOfPages = post("/v1/b", pages, plain);
        assertThat(batchOfPages.statusCode()).as(batchOfPages.body()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(batchOfPages.body()).get("rejected").asInt()).isZero();
        assertThat(deadLetters.count("source-events")).isEqualTo(deadBefore);
        assertThat(cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10)).items())
                .hasSameSizeAs(timeline.items());
    }

    @Test
    void segmentDeadLettersReplayWithTheFormatOfWhatTheyHold() throws Exception {
        String now = java.time.Instant.now().toString();
        // as kept when an earlier configuration rejected them: a /v1/track body, and one element of a batch
        DeadLetter track = deadLetters.add("source-events", PayloadIntake.VERIFIED + ":segment-track:m-31", "old reason",
                "{\"type\":\"track\",\"userId\":\"u-31\",\"messageId\":\"m-31\",\"event\":\"Order Completed\","
                        + "\"timestamp\":\"" + now + "\",\"properties\":{\"order_id\":\"o-31\",\"total\":12,"
                        + "\"currency\":\"EUR\"}}");
        DeadLetter element = deadLetters.add("source-events", PayloadIntake.VERIFIED + ":segment-batch:b-1", "old reason",
                "{\"type\":\"identify\",\"userId\":\"u-31\",\"messageId\":\"m-32\",\"timestamp\":\"" + now
                        + "\",\"traits\":{\"email\":\"replayed.seg@example.com\"}}");

        // bodies of /v1/track and /v1/identify without "type" (Segment's HTTP API takes it from the endpoint):
        // their origin names the endpoint
        DeadLetter untypedTrack = deadLetters.add("source-events", PayloadIntake.VERIFIED + ":segment-track:m-33",
                "old reason", "{\"userId\":\"u-31\",\"messageId\":\"m-33\",\"event\":\"Order Completed\","
                        + "\"timestamp\":\"" + now + "\",\"properties\":{\"order_id\":\"o-33\",\"total\":7,"
                        + "\"currency\":\"EUR\"}}");
        DeadLetter untypedIdentify = deadLetters.add("source-events", PayloadIntake.VERIFIED + ":segment-identify:m-34",
                "old reason", "{\"userId\":\"u-34\",\"messageId\":\"m-34\",\"timestamp\":\"" + now
                        + "\",\"traits\":{\"email\":\"untyped.seg@example.com\"}}");

        ingestion("POST", "/api/v1/sources/events/dead-letters/" + element.id() + "/replay", 200);
        ingestion("POST", "/api/v1/sources/events/dead-letters/" + track.id() + "/replay", 200);
        ingestion("POST", "/api/v1/sources/events/dead-letters/" + untypedTrack.id() + "/replay", 200);
        ingestion("POST", "/api/v1/sources/events/dead-letters/" + untypedIdentify.id() + "/replay", 200);

        JsonNode profile = get("/api/v1/profiles?email=replayed.seg@example.com").at("/items/0");
        var timeline = cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10));
        assertThat(timeline.items()).extracting(i -> i.kind()).contains(InteractionKind.ORDER);
        assertThat(timeline.items()).filteredOn(i -> i.kind() == InteractionKind.ORDER).hasSize(2);
        assertThat(get("/api/v1/profiles?email=untyped.seg@example.com").at("/items").size()).isEqualTo(1);
        assertThat(deadLetters.count("source-events")).isZero();
    }

    @Test
    void ticketsOfOneSystemReachTheUserFromItsOtherExportThroughTheSharedRecordNamespace() throws Exception {
        // the ticket arrives before its requester is known: it waits, then attaches when the user comes
        importJson("zendesk-tickets", "tickets.json", """
                {"tickets":[{"id":501,"requester_id":9001,"status":"open","created_at":"2026-03-01T10:00:00Z",
                  "updated_at":"2026-03-01T10:00:00Z","via":{"channel":"email"},"tags":["complaint"]}]}
                """);
        importJson("zendesk-users", "users.json", """
                {"users":[{"id":9001,"email":"zd.requester@example.com","name":"Zoe Desk",
                  "created_at":"2026-01-01T00:00:00Z","updated_at":"2026-02-01T00:00:00Z","role":"end-user"}]}
                """);

        JsonNode profile = get("/api/v1/profiles?email=zd.requester@example.com").at("/items/0");
        assertThat(profile.toString()).contains("zendesk:9001");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10)).items())
                .extracting(i -> i.kind()).contains(InteractionKind.TICKET_OPENED));
    }

    /** Drops a JSON file into a source's inbox and waits until the route has finished it. */
    @Test
    void aJsonFileAboveTheSourcesSizeLimitIsMovedAsideAndRecordedNotMarkedDone() throws Exception {
        StringBuilder users = new StringBuilder("{\"users\":[");
        for (int i = 0; users.length() < 70_000; i++) {
            users.append(i == 0 ? "" : ",").append("{\"id\":").append(80_000 + i).append(",\"name\":\"User ").append(i)
                    .append("\",\"email\":\"big.export.").append(i).append("@example.com\"}");
        }
        Path failed = inboxes.resolve("zendesk-users").resolve(".failed");
        long before = listJson(failed);
        drop("zendesk-users", "big-export.json", users.append("]}").toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> listJson(failed) > before);
        assertThat(deadLetters.list("source-zendesk-users", 0, 100)).anySatisfy(d -> {
            assertThat(d.reason()).isEqualTo("file rejected: the file is larger than 65536 bytes (webhook.max-bytes "
                    + "of this source, at most 16 MiB): split the export into smaller files");
            assertThat(d.payload()).contains("big-export.json").doesNotContain("example.com");
        });
        assertThat(get("/api/v1/profiles?email=big.export.1@example.com").get("count").asInt()).isZero();
    }

    @Test
    void aCustomRoutesPayloadAboveTheLimitIsRefusedAsOversizedReadOnlyToTheLimit() {
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        java.io.InputStream endless = new java.io.InputStream() { // a stream that never ends, counted
            @Override
            public int read() {
                read.incrementAndGet();
                return ' ';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, (byte) ' ');
                read.addAndGet(length);
                return length;
            }
        };
        org.apache.camel.Exchange sent = camel.send("direct:tessera-intake", exchange -> {
            exchange.getIn().setHeader(PollAndCustomRoutes.SOURCE_HEADER, "custom-events");
            exchange.getIn().setBody(endless);
        });
        assertThat(sent.getException()).isInstanceOfSatisfying(
                dev.tessera.ingestion.format.PayloadRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(dev.tessera.ingestion.format.PayloadRejectedException.Reason.OVERSIZED));
        assertThat(read.get()).as("bytes read").isLessThanOrEqualTo(1_048_576 + 1); // webhook.max-bytes default
    }

    private void importJson(String source, String name, String content) throws IOException {
        Path done = inboxes.resolve(source).resolve(".done");
        long before = listJson(done);
        drop(source, name, content);
        await().atMost(Duration.ofSeconds(20)).until(() -> listJson(done) > before);
    }

    private static Map<String, String> shopifyHeaders(byte[] body, String secret) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Map.of("X-Shopify-Hmac-Sha256", java.util.Base64.getEncoder().encodeToString(mac.doFinal(body)),
                "X-Shopify-Topic", "orders/create", "Content-Type", "application/json");
    }

    private HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- polling and custom routes

    @Test
    void aPolledApiIsStoredOnceHoweverOftenTheSameDataIsFetched() throws Exception {
        int before = polls.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() >= before + 3
                && get("/api/v1/profiles?email=polled.user@example.com").get("count").asInt() == 1);
        JsonNode profile = get("/api/v1/profiles?email=polled.user@example.com").at("/items/0");
        var timeline = cx.timeline(new ProfileId(profile.get("id").asString()), TimelineQuery.latest(10));
        assertThat(timeline.items()).singleElement().satisfies(i -> assertThat(i.kind()).isEqualTo(InteractionKind.ORDER));
        assertThat(ingestion("GET", "/api/v1/sources/api-events", 200).get("status").asString()).isEqualTo("started");
    }

    @Test
    void anIntegratorsYamlRouteFeedsItsSourceThroughTheIntake() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/v1/profiles?email=custom.route@example.com").get("count").asInt() == 1);
        JsonNode record = get("/api/v1/profiles?email=custom.route@example.com").at("/items/0/records/0");
        assertThat(record.get("source").asString()).isEqualTo("custom-events");
        assertThat(record.get("sourceId").asString()).isEqualTo("cu-1");

        // the source's status is its feeding route's, and stopping the source stops that route
        JsonNode status = ingestion("GET", "/api/v1/sources/custom-events", 200);
        assertThat(status.get("status").asString()).isEqualTo("started");
        assertThat(status.get("customRoutes").toString()).isEqualTo("[\"custom-feed\"]");
        try {
            assertThat(ingestion("POST", "/api/v1/sources/custom-events/stop", 200).get("status").asString())
                    .isEqualTo("stopped");
            assertThat(camel.getCamelContext().getRouteController().getRouteStatus("custom-feed").isStopped()).isTrue();
            assertThat(camel.getCamelContext().getRouteController().getRouteStatus("tessera-intake").isStarted()).isTrue();
        } finally {
            assertThat(ingestion("POST", "/api/v1/sources/custom-events/start", 200).get("status").asString())
                    .isEqualTo("started");
        }
        // a custom source no route of the integrator's has fed yet (the test calls the intake itself)
        JsonNode idle = ingestion("GET", "/api/v1/sources/custom-freshdesk", 200);
        assertThat(idle.get("status").asString()).isEqualTo("waiting");
        ingestion("POST", "/api/v1/sources/custom-freshdesk/stop", 409);
    }

    @Test
    void aCustomRoutesHeadersReachTheFormatAsAWebhooksWould() throws Exception {
        byte[] conversations = Samples.bytes("support/freshdesk_v2_ticket_conversations.json");

        // the conversations name no requester: the route that fetched them for a ticket knows it
        PayloadIntake.Report report = camel.requestBodyAndHeaders("direct:tessera-intake", conversations,
                Map.of("TesseraSource", "custom-freshdesk", "X-Tessera-Requester-Id", "6012691534"),
                PayloadIntake.Report.class);

        assertThat(report.pending()).isEqualTo(1); // the reply waits for requester 6012691534's record
        assertThatThrownBy(() -> camel.requestBodyAndHeaders("direct:tessera-intake", conversations,
                Map.of("TesseraSource", "custom-freshdesk"), PayloadIntake.Report.class))
                .hasRootCauseInstanceOf(dev.tessera.ingestion.format.PayloadRejectedException.class);
    }

    @Test
    void aDeadLetterKeepsTheHeadersItsFormatReadsAndItsReplayUsesThem() throws Exception {
        String broken = new String(Samples.bytes("support/freshdesk_v2_ticket_conversations.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"created_at\"\\s*:\\s*\"[^\"]*\"", "\"created_at\": \"not a time\"");
        assertThatThrownBy(() -> camel.requestBodyAndHeaders("direct:tessera-intake", broken.getBytes(StandardCharsets.UTF_8),
                Map.of("TesseraSource", "custom-freshdesk", "X-Tessera-Requester-Id", "6012691534", "X-Other", "dropped"),
                PayloadIntake.Report.class)).hasRootCauseInstanceOf(dev.tessera.ingestion.format.PayloadRejectedException.class);
        DeadLetter kept = deadLetters.list("source-custom-freshdesk", 0, 1).get(0);
        assertThat(kept.payload()).isEqualTo(broken);
        assertThat(kept.headers()).containsExactly(Map.entry("X-Tessera-Requester-Id", "6012691534"));

        // the same conversations kept (by an earlier configuration) with and without the header they need
        String fine = new String(Samples.bytes("support/freshdesk_v2_ticket_conversations.json"), StandardCharsets.UTF_8);
        DeadLetter withHeader = deadLetters.add("source-custom-freshdesk", PayloadIntake.VERIFIED + ":custom:a",
                "old reason", fine, null, Map.of("X-Tessera-Requester-Id", "6012691534"));
        DeadLetter without = deadLetters.add("source-custom-freshdesk", PayloadIntake.VERIFIED + ":custom:b",
                "old reason", fine);
        ingestion("POST", "/api/v1/sources/custom-freshdesk/dead-letters/" + withHeader.id() + "/replay", 200);
        ingestion("POST", "/api/v1/sources/custom-freshdesk/dead-letters/" + without.id() + "/replay", 422);
        assertThat(deadLetters.find("source-custom-freshdesk", withHeader.id())).isEmpty();
        assertThat(deadLetters.find("source-custom-freshdesk", without.id())).isPresent();
    }

    // ---- the integrator's operations API

    @Test
    void theSourcesApiCountsWhatAFileDidAndItsDeadLettersCanBeInspectedAndDiscarded() throws Exception {
        JsonNode before = ingestion("GET", "/api/v1/sources/crm", 200);

        importFile("crm", "contacts.csv", CONTACTS);

        JsonNode after = ingestion("GET", "/api/v1/sources/crm", 200);
        assertThat(after.get("received").asLong() - before.get("received").asLong()).isEqualTo(6);
        assertThat(after.get("stored").asLong() - before.get("stored").asLong()).isEqualTo(3);
        assertThat(after.get("rejected").asLong() - before.get("rejected").asLong()).isEqualTo(3);
        assertThat(after.get("deadLetters").asLong()).isEqualTo(3);
        assertThat(after.get("status").asString()).isEqualTo("started");
        assertThat(after.get("lastSuccess").isNull()).isFalse();
        assertThat(after.at("/lastError/reason").asString()).doesNotContain("eve@example.com");
        assertThat(after.get("progress").isNull()).as("no file in progress").isTrue();
        assertThat(ingestion("GET", "/api/v1/sources", 200).get("count").asInt()).isEqualTo(10);

        JsonNode page = ingestion("GET", "/api/v1/sources/crm/dead-letters?limit=2", 200);
        assertThat(page.get("total").asLong()).isEqualTo(3);
        assertThat(page.get("items")).hasSize(2);
        String shortRow = deadLetters.list("source-crm", 0, 10).stream()
                .filter(d -> d.origin().endsWith(":5")).findFirst().orElseThrow().id();
        JsonNode letter = ingestion("GET", "/api/v1/sources/crm/dead-letters/" + shortRow, 200);
        assertThat(letter.get("payload").asString()).endsWith("c4,eve@example.com,,Eve,Short");

        // replayed with the same mapping it is rejected again, says why, and stays
        JsonNode again = ingestion("POST", "/api/v1/sources/crm/dead-letters/" + shortRow + "/replay", 422);
        assertThat(again.get("detail").asString()).contains("row has 5 columns");
        assertThat(deadLetters.count("source-crm")).isEqualTo(3);

        ingestion("DELETE", "/api/v1/sources/crm/dead-letters/" + shortRow, 204);
        assertThat(deadLetters.count("source-crm")).isEqualTo(2);
        ingestion("GET", "/api/v1/sources/crm/dead-letters/" + shortRow, 404);
        ingestion("GET", "/api/v1/sources/nope", 404);
        assertThat(ingestion("GET", "/api/v1/sources/crm/dead-letters?limit=100000", 400).get("detail").asString())
                .startsWith("limit ");
    }

    @Test
    void aReplayedRowThatNowMapsIsStoredAndLeavesTheDeadLetters() throws Exception {
        // as kept by an earlier import whose mapping rejected it
        DeadLetter kept = deadLetters.add("source-crm", "old.csv:2", "column 'x' was missing",
                "contact_id,email,phone,first_name,last_name,city,updated_at\n"
                        + "c7,ann.replay@example.com,,Ann,Replay,Leeds,2025-03-01T09:00:00Z");

        JsonNode replayed = ingestion("POST", "/api/v1/sources/crm/dead-letters/" + kept.id() + "/replay", 200);

        assertThat(replayed.get("outcome").asString()).isEqualTo("created");
        assertThat(get("/api/v1/profiles?email=ann.replay@example.com").at("/items/0/id").asString())
                .isEqualTo(replayed.get("profile").asString());
        assertThat(deadLetters.find("source-crm", kept.id())).isEmpty();

        // a row of a file without a column the mapping names now (city): rejected again (422), kept, no error
        DeadLetter older = deadLetters.add("source-crm", "older.csv:2", "old reason",
                "contact_id,email,phone,first_name,last_name,updated_at\n"
                        + "c8,bo.replay@example.com,,Bo,Replay,2025-03-01T09:00:00Z");
        JsonNode again = ingestion("POST", "/api/v1/sources/crm/dead-letters/" + older.id() + "/replay", 422);
        assertThat(again.get("detail").asString()).contains("city").doesNotContain("bo.replay");
        assertThat(deadLetters.find("source-crm", older.id())).isPresent();
    }

    /**
     * Rows of a source without an observed-at column take their file's time. A rejected row keeps that
     * time and its replay uses it: with the time of the rejection, a row of an older file replayed after a
     * newer file would overwrite the newer values.
     */
    @Test
    void aRejectedRowKeepsItsFilesTimeAndItsReplayStoresThatVersion() throws Exception {
        Path inbox = Files.createDirectories(inboxes.resolve("salesforce"));
        String header = "\"Contact: First Name\",\"Contact: Last Name\",\"Contact: Email\",\"Contact: Phone\","
                + "\"Account: Account Name\"";
        Path tmp = inbox.resolve(".old-export.tmp");
        Files.writeString(tmp, header + "\nOla,Old,ola.old@example.com\n", StandardCharsets.UTF_8);
        Instant fileTime = Instant.parse("2024-05-01T08:00:00Z");
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(fileTime));
        Files.move(tmp, inbox.resolve("old-export.csv"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.list("source-salesforce", 0, 100).stream()
                .anyMatch(d -> d.origin().equals("old-export.csv:2")));
        DeadLetter rejected = deadLetters.list("source-salesforce", 0, 100).stream()
                .filter(d -> d.origin().equals("old-export.csv:2")).findFirst().orElseThrow();
        assertThat(rejected.headers()).containsEntry(CsvFileImporter.FILE_TIME_HEADER, fileTime.toString());

        // the mapping fixed since (here: the row as it should have been), replayed a day later
        DeadLetter fixed = deadLetters.add("source-salesforce", "old-export.csv:3", "row has 3 columns, the header has 5",
                header + "\nOla,Old,ola.replayed@example.com,,Acme", null,
                Map.of(CsvFileImporter.FILE_TIME_HEADER, fileTime.toString()));
        ingestion("POST", "/api/v1/sources/salesforce/dead-letters/" + fixed.id() + "/replay", 200);

        JsonNode ola = get("/api/v1/profiles?email=ola.replayed@example.com").at("/items/0");
        assertThat(ola.at("/attributes/company/observedAt").asString()).isEqualTo(fileTime.toString());
    }

    @Test
    void deadLettersAreCountedByReasonReplayedInBulkAndDiscardedByReason() throws Exception {
        String header = "contact_id,email,phone,first_name,last_name,city,updated_at\n";
        String missing = "column 'x' was missing"; // as an earlier mapping rejected them; they map now
        String short5 = "row has 5 columns, the header has 7";
        for (String id : List.of("b7", "b8", "b9")) {
            deadLetters.add("source-crm", "old.csv:" + id, missing,
                    header + id + "," + id + ".bulk@example.com,,Bo,Bulk,Leeds,2025-03-01T09:00:00Z");
        }
        deadLetters.add("source-crm", "old.csv:20", short5, header + "s1,s1@example.com,,Sy,Short");
        deadLetters.add("source-crm", "old.csv:21", short5, header + "s2,s2@example.com,,Sy,Short");
        deadLetters.add("source-crm", "old.csv:22", "an older reason",
                header + "b10,b10.bulk@example.com,,Bo,Bulk,Leeds,2025-03-01T09:00:00Z");

        JsonNode reasons = ingestion("GET", "/api/v1/sources/crm/dead-letters/reasons", 200);
        assertThat(reasons.get("complete").asBoolean()).isTrue();
        assertThat(reasons.get("counted").asLong()).isEqualTo(6);
        assertThat(reasons.at("/counts/0/reason").asString()).isEqualTo(missing);
        assertThat(reasons.at("/counts/0/count").asLong()).isEqualTo(3);
        assertThat(reasons.at("/counts/1/reason").asString()).isEqualTo(short5);
        assertThat(reasons.at("/counts/1/count").asLong()).isEqualTo(2);

        // one reason, two at a time
        String onlyMissing = "/api/v1/sources/crm/dead-letters/replay?reason="
                + URLEncoder.encode(missing, StandardCharsets.UTF_8);
        JsonNode first = ingestion("POST", onlyMissing + "&limit=2", 200);
        assertThat(first.get("attempted").asLong()).isEqualTo(2);
        assertThat(first.get("replayed").asLong()).isEqualTo(2);
        assertThat(first.get("remaining").asLong()).isEqualTo(1);
        JsonNode second = ingestion("POST", onlyMissing, 200);
        assertThat(second.get("replayed").asLong()).isEqualTo(1);
        assertThat(second.get("remaining").asLong()).isZero();

        // everything left: the short rows are rejected again and stay, with the reason given now
        JsonNode rest = ingestion("POST", "/api/v1/sources/crm/dead-letters/replay", 200);
        assertThat(rest.get("attempted").asLong()).isEqualTo(3);
        assertThat(rest.get("replayed").asLong()).isEqualTo(1);
        assertThat(rest.get("rejectedAgain").asLong()).isEqualTo(2);
        assertThat(rest.at("/stillRejected/0/reason").asString()).isEqualTo(short5);
        assertThat(rest.at("/stillRejected/0/count").asLong()).isEqualTo(2);
        assertThat(rest.get("remaining").asLong()).isZero();
        for (String id : List.of("b7", "b8", "b9", "b10")) {
            assertThat(get("/api/v1/profiles?email=" + id + ".bulk@example.com").get("count").asInt()).as(id).isEqualTo(1);
        }
        assertThat(deadLetters.count("source-crm")).isEqualTo(2);

        JsonNode discarded = ingestion("DELETE", "/api/v1/sources/crm/dead-letters?reason="
                + URLEncoder.encode(short5, StandardCharsets.UTF_8), 200);
        assertThat(discarded.get("discarded").asLong()).isEqualTo(2);
        assertThat(deadLetters.count("source-crm")).isZero();

        ingestion("DELETE", "/api/v1/sources/crm/dead-letters", 400);
        ingestion("POST", "/api/v1/sources/crm/dead-letters/replay?limit=0", 400);
        ingestion("POST", "/api/v1/sources/crm/dead-letters/replay?limit=1001", 400);
        ingestion("POST", "/api/v1/sources/crm/dead-letters/replay?reason=%07bell", 400);
        ingestion("GET", "/api/v1/sources/nope/dead-letters/reasons", 404);
    }

    @Test
    void bulkReplayGoesOnPastLettersThatStayAndOneThatCannotBeReadDoesNotStopIt() throws Exception {
        String header = "contact_id,email,phone,first_name,last_name,city,updated_at\n";
        for (int i = 1; i <= 3; i++) {
            deadLetters.add("source-crm", "old.csv:" + i, "old", header + "s" + i + ",s" + i + "@example.com,,Sy,Short");
        }
        deadLetters.add("source-crm", "old.csv:9", "old",
                header + "g1,good.bulk@example.com,,Gil,Good,Leeds,2025-03-01T09:00:00Z");
        // kept under an older mapping's header, which lacks columns the mapping names now
        deadLetters.add("source-crm", "older.csv:2", "old", "contact_id,email\nx9,x9@example.com");

        long attempted = 0;
        int offset = 0;
        for (int call = 0; call < 10; call++) {
            JsonNode done = ingestion("POST", "/api/v1/sources/crm/dead-letters/replay?limit=2&offset=" + offset, 200);
            attempted += done.get("attempted").asLong();
            offset = done.get("next").asInt();
            if (done.get("remaining").asLong() == 0) {
                break;
            }
        }

        // every letter tried once, whatever order they were kept in; only the good one left
        assertThat(attempted).isEqualTo(5);
        assertThat(get("/api/v1/profiles?email=good.bulk@example.com").get("count").asInt()).isEqualTo(1);
        assertThat(deadLetters.count("source-crm")).isEqualTo(4);
    }

    @Test
    void aStoppedSourceLeavesFilesWaitingShowsItsLagAndCatchesUpWhenStarted() throws Exception {
        assertThat(ingestion("POST", "/api/v1/sources/crm/stop", 200).get("status").asString()).isEqualTo("stopped");
        try {
            drop("crm", "waiting.csv", CONTACTS);
            Path waiting = inboxes.resolve("crm").resolve("waiting.csv");
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() -> Files.exists(waiting));
            assertThat(ingestion("GET", "/api/v1/sources/crm", 200).get("lagSeconds").asDouble()).isNotNegative();
        } finally {
            assertThat(ingestion("POST", "/api/v1/sources/crm/start", 200).get("status").asString())
                    .isEqualTo("started");
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !Files.exists(inboxes.resolve("crm").resolve("waiting.csv")));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> get("/api/v1/profiles?email=bob@example.com").get("count").asInt() == 1);
    }

    @Test
    void prometheusShowsPerSourceCounters() throws Exception {
        importFile("crm", "contacts.csv", CONTACTS);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/prometheus")).header("Authorization", ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).containsPattern("tessera_source_items_total\\{[^}]*outcome=\"stored\"[^}]*source=\"crm\"");
        assertThat(metrics.body()).contains("tessera_source_lag_seconds");
    }

    private JsonNode ingestion(String method, String path, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", INTEGRATOR)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
        return response.body().isEmpty() ? null : JsonMapper.builder().build().readTree(response.body());
    }

    private void drop(String source, String name, String content) throws IOException {
        Path inbox = Files.createDirectories(inboxes.resolve(source));
        Path tmp = inbox.resolve("." + name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve(name));
    }

    /** Drops a file into a source's inbox and waits until the route has finished it. */
    private void importFile(String source, String name, String content) throws IOException {
        Path done = inboxes.resolve(source).resolve(".done");
        long before = listCsv(done);
        drop(source, name, content);
        await().atMost(Duration.ofSeconds(20)).until(() -> listCsv(done) > before);
    }

    private static long listJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    private static long listCsv(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".csv")).count();
        }
    }

    private JsonNode get(String path) throws Exception {
        return JsonMapper.builder().build().readTree(getRaw(path));
    }

    private String getRaw(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + path))
                        .header("Authorization", AGENT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
