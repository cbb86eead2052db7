package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.ingestion.system.IngestionProperties.Poll;
import dev.tessera.ingestion.system.IngestionProperties.PollCursor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the next page from a response: Zendesk's body links, RFC 8288 Link headers, and where they may point. */
class PageLinksTest {

    static final URI PAGE = URI.create("https://example.zendesk.com/api/v2/incremental/users.json?start_time=0");

    @Test
    void zendesksLastPageForNowNamesWhereTheNextExportStarts() {
        Poll poll = poll(PollCursor.NEXT_LINK, "/next_page", "/end_of_stream");
        PageLinks links = PageLinks.of(poll, PAGE, bytes("""
                {"users": [], "count": 0, "end_time": 1390362485, "end_of_stream": true,
                 "next_page": "https://example.zendesk.com/api/v2/incremental/users.json?start_time=1390362485"}"""), List.of());
        assertThat(links.endOfStream()).isTrue();
        assertThat(links.next()).contains(URI.create(
                "https://example.zendesk.com/api/v2/incremental/users.json?start_time=1390362485"));
    }

    @Test
    void aNullNextLinkOrABodyThatIsNotJsonNamesNoNextPage() {
        Poll poll = poll(PollCursor.NEXT_LINK, "/after_url", "/end_of_stream");
        assertThat(PageLinks.of(poll, PAGE, bytes("{\"after_url\": null, \"end_of_stream\": true}"), List.of()).next()).isEmpty();
        assertThat(PageLinks.of(poll, PAGE, bytes("{\"users\": ["), List.of())).isEqualTo(PageLinks.none());
    }

    @Test
    void theNextRelationIsFoundAmongSeveralLinksAndRelationTypes() {
        assertThat(PageLinks.nextInLinkHeaders(List.of(
                "<https://api.example.com/items?page=1>; rel=\"prev first\", <https://api.example.com/items?page=3>; rel=\"next\"")))
                .contains("https://api.example.com/items?page=3");
        assertThat(PageLinks.nextInLinkHeaders(List.of("</items?page=2>; rel=next; title=\"more\""))).contains("/items?page=2");
        assertThat(PageLinks.nextInLinkHeaders(List.of("</items?page=1>; rel=\"prev\""))).isEmpty();
    }

    @Test
    void onlyTheConfiguredSchemeHostAndPortMayReceiveTheToken() {
        assertThat(PageLinks.sameOrigin(PAGE, URI.create("https://EXAMPLE.zendesk.com:443/api/v2/x"))).isTrue();
        assertThat(PageLinks.sameOrigin(PAGE, URI.create("http://example.zendesk.com/api/v2/x"))).isFalse();
        assertThat(PageLinks.sameOrigin(PAGE, URI.create("https://example.zendesk.com.evil.test/api"))).isFalse();
        assertThat(PageLinks.sameOrigin(PAGE, URI.create("https://example.zendesk.com:8443/api"))).isFalse();
        assertThat(PageLinks.sameOrigin(PAGE, URI.create("https://user@example.zendesk.com/api"))).isFalse();
    }

    private static Poll poll(PollCursor cursor, String nextLink, String endOfStream) {
        return new Poll(PAGE.toString(), Duration.ofMinutes(5), null, Duration.ofSeconds(30), cursor, nextLink, endOfStream, 50, 1 << 24);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
