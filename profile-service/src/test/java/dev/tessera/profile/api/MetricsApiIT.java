package dev.tessera.profile.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Money;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.testing.RedisTestSupport;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import dev.tessera.security.Roles;
import dev.tessera.security.testing.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard endpoints read the buckets that appending through {@link CxStore} keeps. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class MetricsApiIT {

    /** Aggregates are for marketers (who may call what: ProfileApiSecurityIT). */
    private static final String MARKETER = TestTokens.bearer(Roles.MARKETER);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RANGE = "from=2026-03-01&to=2026-03-31";
    private final HttpClient http = HttpClient.newHttpClient();
    private final SourceRecordId jane = new SourceRecordId("shop", "77");
    private final SourceRecordId omar = new SourceRecordId("shop", "78");

    @LocalServerPort
    int port;

    @Autowired
    CxStore cx;

    @Autowired
    ProfileResolver resolver;

    @Autowired
    ProfileStore profiles;

    @Autowired
    dev.tessera.core.store.RedisConnection redis;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void twoCustomersWithAMonthOfInteractions() {
        RedisTestSupport.flush();
        person(jane, "jane@example.com");
        person(omar, "omar@example.com");
        cx.append(survey(jane, "n-1", "2026-03-02T10:00:00Z", "web", ScoreType.NPS, 10));
        cx.append(survey(omar, "n-2", "2026-03-03T10:00:00Z", "email", ScoreType.NPS, 4));
        cx.append(survey(omar, "n-3", "2026-03-10T10:00:00Z", "web", ScoreType.NPS, 9));
        cx.append(survey(jane, "c-1", "2026-03-02T10:00:00Z", "web", ScoreType.CSAT, 5));
        cx.append(survey(omar, "c-2", "2026-03-03T10:00:00Z", "email", ScoreType.CSAT, 2));
        cx.append(survey(omar, "e-1", "2026-03-03T10:00:00Z", "email", ScoreType.CES, 3));
        cx.append(new Interaction("o-1", jane, InteractionKind.ORDER, "web", "checkout",
                Instant.parse("2026-03-02T11:00:00Z"), new Money(new BigDecimal("49.90"), "EUR"), null, Map.of()));
        cx.append(new Interaction("t-1", omar, InteractionKind.TICKET_OPENED, "phone", "support",
                Instant.parse("2026-03-04T08:00:00Z"), null, null, Map.of("ticket_id", "T-9", "type", "complaint")));
        cx.append(new Interaction("t-2", omar, InteractionKind.TICKET_SOLVED, "phone", "support",
                Instant.parse("2026-03-05T08:00:00Z"), null, null, Map.of("ticket_id", "T-9")));
        cx.append(cx.interactions(profiles.findBySource(jane).orElseThrow()).get(0)); // a duplicate
    }

    @Test
    void theSummaryOfAMonthHasEveryMetric() throws Exception {
        JsonNode month = get("/api/v1/metrics/summary?" + RANGE + "&granularity=month").json();

        JsonNode bucket = month.at("/series/0/buckets/0");
        assertThat(month.at("/series/0/key").asString()).isEqualTo("all");
        assertThat(bucket.get("from").asString()).isEqualTo("2026-03-01");
        assertThat(bucket.get("interactions").asLong()).isEqualTo(9);
        assertThat(bucket.at("/nps/nps").asDouble()).as("2 promoters, 1 detractor of 3").isEqualTo(33.3333);
        assertThat(bucket.at("/csat/average").asDouble()).isEqualTo(3.5);
        assertThat(bucket.at("/ces/average").asDouble()).isEqualTo(3.0);
        assertThat(bucket.at("/complaints/opened").asLong()).isEqualTo(1);
        assertThat(bucket.at("/complaints/averageHandlingSeconds").asLong()).isEqualTo(24 * 3600);
        assertThat(bucket.at("/orders/revenue/EUR").decimalValue()).isEqualByComparingTo("49.90");
        assertThat(bucket.at("/churn/activeProfiles").asLong()).isEqualTo(2);
    }

    @Test
    void npsByChannelPerWeek() throws Exception {
        JsonNode nps = get("/api/v1/metrics/nps?" + RANGE + "&granularity=week&by=channel").json();

        assertThat(nps.get("by").asString()).isEqualTo("channel");
        List<String> keys = nps.get("series").valueStream().map(s -> s.get("key").asString()).toList();
        assertThat(keys).containsExactly("email", "phone", "web");
        JsonNode web = nps.at("/series/2/buckets");
        assertThat(web.get(0).get("from").asString()).isEqualTo("2026-03-01"); // a Sunday, cut to the range
        assertThat(web.get(0).get("to").asString()).isEqualTo("2026-03-01");
        assertThat(web.get(1).get("promoters").asLong()).isEqualTo(1);
        assertThat(web.get(2).get("nps").asDouble()).isEqualTo(100.0);
        assertThat(web).hasSize(6);
    }

    @Test
    void invalidParametersAreProblemsThatNameTheParameter() throws Exception {
        Response badDate = get("/api/v1/metrics/csat?from=yesterday&to=2026-03-31");
        Response reversed = get("/api/v1/metrics/ces?from=2026-03-31&to=2026-03-01");
        Response tooLong = get("/api/v1/metrics/orders?from=2020-01-01&to=2026-03-01");
        Response badGranularity = get("/api/v1/metrics/complaints?" + RANGE + "&granularity=hour");
        Response churnByChannel = get("/api/v1/metrics/churn?" + RANGE + "&by=channel");

        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.contentType()).startsWith("application/problem+json");
        assertThat(badDate.json().get("parameter").asString()).isEqualTo("from");
        assertThat(badDate.body()).doesNotContain("yesterday");
        assertThat(reversed.json().get("parameter").asString()).isEqualTo("to");
        assertThat(tooLong.json().get("parameter").asString()).isEqualTo("to");
        assertThat(badGranularity.json().get("parameter").asString()).isEqualTo("granularity");
        assertThat(churnByChannel.status()).isEqualTo(400);
        assertThat(churnByChannel.json().get("parameter").asString()).isEqualTo("by");
        // a year that parses but overflows the date arithmetic: a 400, not a 500
        Response farFuture = get("/api/v1/metrics/summary?to=%2B999999999-12-31");
        assertThat(farFuture.status()).isEqualTo(400);
        assertThat(farFuture.json().get("parameter").asString()).isEqualTo("to");
    }

    @Test
    void churnAndOrdersPerDay() throws Exception {
        JsonNode churn = get("/api/v1/metrics/churn?" + RANGE).json();
        JsonNode orders = get("/api/v1/metrics/orders?" + RANGE + "&by=touchpoint").json();

        assertThat(churn.at("/series/0/buckets")).hasSize(31);
        assertThat(churn.at("/series/0/buckets/1/activeProfiles").asLong()).isEqualTo(1);
        // a number that is 0 (asDouble() alone would also pass for a missing field or null)
        assertThat(churn.at("/series/0/buckets/1/churnRate").isNumber()).isTrue();
        assertThat(churn.at("/series/0/buckets/1/churnRate").asDouble()).isZero();
        JsonNode checkout = orders.get("series").valueStream().filter(s -> s.get("key").asString().equals("checkout"))
                .findFirst().orElseThrow();
        assertThat(checkout.at("/buckets/1/orders").asLong()).isEqualTo(1);
    }

    private void person(SourceRecordId id, String email) {
        resolver.resolve(new CustomerRecord(id, Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new Identifier(IdentifierType.EMAIL, email)), Map.of()));
    }

    private static Interaction survey(SourceRecordId who, String id, String at, String channel, ScoreType type,
            int score) {
        return new Interaction(id, who, InteractionKind.SURVEY_RESPONSE, channel, "survey", Instant.parse(at), null,
                new Score(type, score), Map.of());
    }

    @Test
    void anAdminRebuildsTheAggregatesFromTheTimelinesAndNobodyElseMay() throws Exception {
        ApiCalls api = new ApiCalls(port);
        String summary = "/api/v1/metrics/summary?" + RANGE + "&granularity=month";
        JsonNode before = get(summary).json();
        // a figure no timeline backs (a bucket left over by a crash on Cluster, say): the rebuild drops it
        redis.commands().hincrby("{cx:agg}:day:2026-03-20", "all|nps|answers", 7);

        assertThat(api.send("POST", "/api/v1/metrics/rebuild", MARKETER, null).status()).isEqualTo(403);
        assertThat(api.send("POST", "/api/v1/metrics/rebuild", TestTokens.bearer(Roles.AGENT), null).status())
                .isEqualTo(403);
        ApiCalls.Response rebuilt = api.send("POST", "/api/v1/metrics/rebuild", TestTokens.bearer(Roles.ADMIN), null);

        assertThat(rebuilt.status()).isEqualTo(200);
        assertThat(rebuilt.json().get("profiles").asInt()).isEqualTo(2);
        assertThat(rebuilt.json().get("interactions").asLong()).as("the duplicate counts once").isEqualTo(9);
        assertThat(get(summary).json()).isEqualTo(before);
        assertThat(redis.commands().keys("{cx:agg}:rebuild*")).isEmpty();

        // another instance's rebuild holds the lock (the default key namespace)
        redis.commands().set("{cx:agg}:rebuild-lock", "another instance");
        ApiCalls.Response refused = api.send("POST", "/api/v1/metrics/rebuild", TestTokens.bearer(Roles.ADMIN), null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("title").asString()).isEqualTo("Rebuild running");
        redis.commands().del("{cx:agg}:rebuild-lock");

        // both requests are kept with who made them, newest first, the refused one too
        JsonNode audit = api.send("GET", "/api/v1/audit?action=metrics.rebuild", TestTokens.bearer(Roles.ADMIN), null)
                .json();
        assertThat(audit.get("items").valueStream().map(i -> i.get("detail").asString()).toList())
                .containsExactly("refused: another rebuild is running", "2 profiles, 9 interactions, "
                        + "0 owner(s) recorded, " + rebuilt.json().get("tookMs").asLong() + " ms");
    }

    private Response get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", MARKETER).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
