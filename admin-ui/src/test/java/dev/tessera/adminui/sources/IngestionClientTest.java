package dev.tessera.adminui.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.requestTo;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withSuccess;

import dev.tessera.adminui.AdminUiProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.client.MockRestServiceServer;
import org.springframework.web.client.RestClient;

/** The client's reading of the ingestion app's answers (the console against the real app: SourcesConsoleIT). */
class IngestionClientTest {

    private static final String BASE = "http://ingestion.test";

    private final RestClient.Builder builder = RestClient.builder();
    private final MockRestServiceServer server = MockRestServiceServer.bindTo(builder).build();
    private final IngestionClient client = new IngestionClient(builder, new AdminUiProperties(
            new AdminUiProperties.ProfileService("http://profiles.test"), new AdminUiProperties.Ingestion(BASE),
            new AdminUiProperties.Oidc("tessera-admin-ui", "env:X", List.of("openid")), List.of()));

    @Test
    void readsTheKafkaLagAndIgnoresFieldsAddedLater() {
        server.expect(requestTo(BASE + "/api/v1/sources")).andRespond(withSuccess("""
                {"items":[{"name":"events","kind":"events","transport":"kafka","format":"json","enabled":true,
                  "route":"source-events","status":"started","received":5,"stored":4,"rejected":1,"deadLetters":1,
                  "lastSuccess":"2026-01-01T00:00:00Z","lastError":{"at":"2026-01-01T00:00:00Z","reason":"x","code":7},
                  "lagSeconds":2.5,"lagMessages":12,"progress":null,"partitions":[{"id":0}]}],
                 "count":1,"generatedAt":"2026-01-01T00:00:00Z"}""", MediaType.APPLICATION_JSON));

        List<IngestionClient.SourceStatus> sources = client.sources();

        server.verify();
        assertThat(sources).singleElement().satisfies(s -> {
            assertThat(s.lagMessages()).isEqualTo(12L);
            assertThat(s.lagSeconds()).isEqualTo(2.5);
            assertThat(s.lastError().reason()).isEqualTo("x");
        });
    }

    @Test
    void aSourceWithoutMessageLagHasNone() {
        server.expect(requestTo(BASE + "/api/v1/sources")).andRespond(withSuccess("""
                {"items":[{"name":"crm","kind":"crm","transport":"folder","format":"csv","enabled":true,
                  "route":"source-crm","status":"started","received":0,"stored":0,"rejected":0,"deadLetters":0}],
                 "count":1}""", MediaType.APPLICATION_JSON));

        assertThat(client.sources()).singleElement().satisfies(s -> assertThat(s.lagMessages()).isNull());
    }
}
