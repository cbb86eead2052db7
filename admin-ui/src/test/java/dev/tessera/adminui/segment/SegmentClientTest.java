package dev.tessera.adminui.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.requestTo;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withStatus;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withSuccess;

import dev.tessera.adminui.AdminUiProperties;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.client.MockRestServiceServer;
import org.springframework.web.client.RestClient;

/** The export call's outcomes as the profile service answers them (the pages are in SegmentPagesIT). */
class SegmentClientTest {

    private static final String BASE = "http://profiles.test";
    private static final String EXPORT = BASE + "/api/v1/segments/s-1/export?fields=country&channel=any";

    private final RestClient.Builder builder = RestClient.builder();
    private final MockRestServiceServer server = MockRestServiceServer.bindTo(builder).build();
    private final SegmentClient client = new SegmentClient(builder, new AdminUiProperties(
            new AdminUiProperties.ProfileService(BASE), new AdminUiProperties.Ingestion("http://localhost:8082"),
            new AdminUiProperties.Oidc("tessera-admin-ui", "env:UNUSED", List.of("openid")), List.of()));

    @Test
    void anExportTheServiceHasNoRoomForIsBusyAndWritesNothingToTheBrowser() {
        server.expect(requestTo(EXPORT)).andRespond(withStatus(HttpStatus.TOO_MANY_REQUESTS)
                .header("Retry-After", "60").contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body("{\"title\":\"Too many requests\",\"status\":429}"));
        AtomicBoolean opened = new AtomicBoolean();

        SegmentClient.Export export = client.export("s-1", "country", null, "any", (type, disposition) -> {
            opened.set(true);
            return new ByteArrayOutputStream();
        });

        server.verify();
        assertThat(export).isInstanceOf(SegmentClient.Export.Busy.class);
        assertThat(opened).as("nothing sent to the browser, so the page can say so").isFalse();
    }

    @Test
    void anAcceptedExportIsCopiedAsItArrives() {
        server.expect(requestTo(EXPORT)).andRespond(withSuccess("profile_id,joined_at,country\r\n",
                new MediaType("text", "csv", StandardCharsets.UTF_8)));
        ByteArrayOutputStream browser = new ByteArrayOutputStream();

        SegmentClient.Export export = client.export("s-1", "country", null, "any", (type, disposition) -> browser);

        assertThat(export).isInstanceOf(SegmentClient.Export.Streamed.class);
        assertThat(browser.toString(StandardCharsets.UTF_8)).isEqualTo("profile_id,joined_at,country\r\n");
    }
}
