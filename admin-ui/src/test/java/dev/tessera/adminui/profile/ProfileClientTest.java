package dev.tessera.adminui.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.requestTo;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withServerError;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withStatus;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withSuccess;

import dev.tessera.adminui.AdminUiProperties;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.client.MockRestServiceServer;
import org.springframework.web.client.RestClient;

class ProfileClientTest {

    private static final String BASE = "http://profiles.test";
    private static final String JANE = """
            {"id":"p-1",
             "attributes":{"first_name":{"value":"Jane","source":"crm","sourceRecordId":"crm:123",
                                         "observedAt":"2025-01-01T00:00:00Z","confidence":0.9},
                           "city":{"value":"Leeds","source":"nps","sourceRecordId":"nps:r1",
                                   "observedAt":"2025-01-01T00:00:00Z","claimed":true}},
             "identifiers":[{"type":"email","value":"jane@example.com"},{"type":"phone","value":"+442079460958","claimed":true}],
             "records":[{"source":"crm","sourceId":"123"},{"source":"nps","sourceId":"r1","claimed":true}],
             "createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-02T00:00:00Z","futureField":true}
            """;

    private final RestClient.Builder builder = RestClient.builder();
    private final MockRestServiceServer server = MockRestServiceServer.bindTo(builder).build();
    private final ProfileClient client = new ProfileClient(builder, properties(BASE));

    @Test
    void readsSearchResultsOfTheContract() {
        server.expect(requestTo(BASE + "/api/v1/profiles?email=jane%2Btag%40example.com&size=100"))
                .andRespond(withSuccess("{\"items\":[" + JANE + "],\"count\":1,\"total\":1}", MediaType.APPLICATION_JSON));

        ProfileList list = client.findByEmail("jane+tag@example.com");

        server.verify();
        assertThat(list.count()).isEqualTo(1);
        Profile jane = list.items().get(0);
        assertThat(jane.id()).isEqualTo("p-1");
        assertThat(jane.attributes().get("first_name"))
                .isEqualTo(new Profile.Attribute("Jane", "crm", "crm:123", Instant.parse("2025-01-01T00:00:00Z"), false));
        assertThat(jane.identifiers()).extracting(Profile.Identifier::value)
                .containsExactly("jane@example.com", "+442079460958");
        assertThat(jane.attributes().get("city").claimed()).isTrue(); // only a claimed source gives it
        assertThat(jane.identifiers()).extracting(Profile.Identifier::claimed).containsExactly(false, true);
        assertThat(jane.records()).containsExactly(new Profile.SourceRecord("crm", "123", false),
                new Profile.SourceRecord("nps", "r1", true));
        assertThat(jane.displayName()).isEqualTo("Jane");
    }

    @Test
    void passesOnTheValidationDetailOfABadRequest() {
        server.expect(requestTo(BASE + "/api/v1/profiles?email=nope&size=100"))
                .andRespond(withStatus(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"title\":\"Invalid request\",\"status\":400,\"detail\":\"email is not a valid email address\"}"));

        assertThatThrownBy(() -> client.findByEmail("nope"))
                .isInstanceOf(InvalidSearchException.class)
                .hasMessage("email is not a valid email address");
    }

    @Test
    void readsOneProfileById() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1")).andRespond(withSuccess(JANE, MediaType.APPLICATION_JSON));

        assertThat(client.find("p-1")).hasValueSatisfying(p -> assertThat(p.updatedAt())
                .isEqualTo(Instant.parse("2025-01-02T00:00:00Z")));
    }

    @Test
    void readsPossibleMatchesAndAnswersEmptyWhenTheServiceCannotSay() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/possible-matches?limit=10"))
                .andRespond(withSuccess("""
                        {"profileId":"p-1","matches":[{"profileId":"p-2","verdict":"common-name","score":3.0,
                         "record":"shop:p","against":"crm:n1","keptApart":false,"later":1,
                         "contributions":[{"field":"city","level":"EXACT","weight":0.9}]}]}
                        """, MediaType.APPLICATION_JSON));
        server.expect(requestTo(BASE + "/api/v1/profiles/p-9/possible-matches?limit=10"))
                .andRespond(withStatus(HttpStatus.SERVICE_UNAVAILABLE));

        assertThat(client.possibleMatches("p-1")).hasValueSatisfying(p -> assertThat(p.matches()).singleElement()
                .satisfies(m -> {
                    assertThat(m.profileId()).isEqualTo("p-2");
                    assertThat(m.reason()).contains("others share that name");
                    assertThat(m.contributions()).containsExactly(new PossibleMatches.Contribution("city", "EXACT", 0.9));
                }));
        assertThat(client.possibleMatches("p-9")).isEmpty();
        server.verify();
    }

    @Test
    void mergesWithTheReasonAndPassesOnARefusal() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/merge"))
                .andExpect(org.springframework.test.web.client.match.MockRestRequestMatchers.method(
                        org.springframework.http.HttpMethod.POST))
                .andExpect(org.springframework.test.web.client.match.MockRestRequestMatchers.jsonPath("$.other")
                        .value("p-2"))
                .andExpect(org.springframework.test.web.client.match.MockRestRequestMatchers.jsonPath("$.reason")
                        .value("confirmed on the phone"))
                .andExpect(org.springframework.test.web.client.match.MockRestRequestMatchers.jsonPath("$.overrideKeptApart")
                        .value(false))
                .andRespond(withSuccess("{\"profile\":\"p-1\",\"mergedAway\":[\"p-2\"]}", MediaType.APPLICATION_JSON));
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/merge"))
                .andExpect(org.springframework.test.web.client.match.MockRestRequestMatchers.jsonPath("$.overrideKeptApart")
                        .value(true))
                .andRespond(withStatus(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"title\":\"Contradicts earlier decisions\",\"status\":409,"
                                + "\"detail\":\"This would chain together 3 records\"}"));

        assertThat(client.merge("p-1", "p-2", "confirmed on the phone", false))
                .isEqualTo(new ProfileClient.MergeAnswer("p-1", null));
        assertThat(client.merge("p-1", "p-3", "again", true)).isEqualTo(
                new ProfileClient.MergeAnswer(null, "This would chain together 3 records"));
        server.verify();
    }

    @Test
    void aMergeRefusedForAnAgentsKeepApartDecisionSaysSoInTheAgentsTerms() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/merge"))
                .andRespond(withStatus(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"type\":\"https://tessera.dev/problems/kept-apart\",\"title\":\"Kept apart by an agent\","
                                + "\"status\":409,\"detail\":\"send overrideKeptApart: true\"}"));

        ProfileClient.MergeAnswer answer = client.merge("p-1", "p-2", "same", false);

        assertThat(answer.keptApart()).isTrue();
        assertThat(answer.profile()).isNull();
        assertThat(answer.refusal()).contains("tick the box").doesNotContain("overrideKeptApart");
        server.verify();
    }

    @Test
    void splitsTheNamedRecordsAndPassesOnARefusal() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/split"))
                .andExpect(org.springframework.test.web.client.match.MockRestRequestMatchers.jsonPath("$.records[0]")
                        .value("shop:77"))
                .andRespond(withSuccess("{\"split\":\"p-1\",\"remaining\":[\"p-1\"],\"movedOut\":[\"p-9\"]}",
                        MediaType.APPLICATION_JSON));
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/split"))
                .andRespond(withStatus(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"title\":\"Invalid request\",\"status\":400,\"detail\":\"must name at least one\"}"));
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1/split")) // the remaining records were erased meanwhile
                .andRespond(withSuccess("{\"split\":\"p-1\",\"remaining\":[],\"movedOut\":[\"p-9\"]}",
                        MediaType.APPLICATION_JSON));

        assertThat(client.split("p-1", List.of("shop:77")))
                .isEqualTo(new ProfileClient.SplitAnswer(List.of("p-1"), List.of("p-9"), null));
        assertThat(client.split("p-1", List.of("crm:1")).refusal()).isEqualTo("must name at least one");
        assertThat(client.split("p-1", List.of("web:5")))
                .isEqualTo(new ProfileClient.SplitAnswer(List.of(), List.of("p-9"), null));
        server.verify();
    }

    @Test
    void answersEmptyForAnUnknownId() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-404"))
                .andRespond(withStatus(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"title\":\"Profile not found\",\"status\":404}"));

        assertThat(client.find("p-404")).isEmpty();
    }

    @Test
    void aFormerIdOfASplitProfileIsNotFollowed() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-old"))
                .andRespond(withStatus(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body("{\"type\":\"https://tessera.dev/problems/ambiguous-former-id\",\"status\":409}"));

        assertThatThrownBy(() -> client.find("p-old")).isInstanceOfSatisfying(ProfileServiceException.class,
                e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT));
    }

    @Test
    void reportsAFailingServiceAsUnavailable() {
        server.expect(requestTo(BASE + "/api/v1/profiles/p-1")).andRespond(withServerError());

        assertThatThrownBy(() -> client.find("p-1"))
                .isInstanceOfSatisfying(ProfileServiceException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void reportsAnUnreachableServiceAsUnavailableWithoutTheSearchedEmail() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProfileClient unreachable = new ProfileClient(RestClient.builder(), properties("http://127.0.0.1:" + closedPort));

        assertThatThrownBy(() -> unreachable.findByEmail("jane@example.com"))
                .isInstanceOfSatisfying(ProfileServiceException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE))
                .hasNoCause()
                .message().doesNotContain("jane");
    }

    private static AdminUiProperties properties(String url) {
        return new AdminUiProperties(new AdminUiProperties.ProfileService(url),
                new AdminUiProperties.Ingestion("http://localhost:8082"),
                new AdminUiProperties.Oidc("tessera-admin-ui", "env:UNUSED", List.of("openid")), List.of());
    }
}
