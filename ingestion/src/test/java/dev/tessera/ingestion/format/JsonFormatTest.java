package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The frame every JSON format shares turns a time or number beyond what Java holds into a rejection: of the
 * payload, or of the one element of a page that holds it. Such a failure once escaped as a server error, and
 * a webhook's whole batch was lost with it.
 */
class JsonFormatTest {

    @Test
    void anElementWhoseTimeArithmeticOverflowsIsRejectedAloneAndTheOthersAreKept() {
        JsonNode page = Json.MAPPER.readTree("[{\"id\":\"a\"},{\"id\":\"overflow\"},{\"id\":\"c\"}]");

        MappedPayload mapped = JsonFormat.each(page, element -> {
            if (element.path("id").asString().equals("overflow")) {
                Instant.MAX.plusSeconds(1); // what an absurd time stamp plus a duration does
            }
            return List.of();
        });

        assertThat(mapped.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Reason.INVALID_VALUE);
            assertThat(r.message()).isEqualTo(JsonFormat.OUT_OF_RANGE);
            assertThat(r.item()).contains("overflow");
        });
    }

    @Test
    void aPayloadWhoseArithmeticOverflowsIsRejectedAsAnInvalidValue() {
        JsonFormat overflowing = new JsonFormat("test-overflow", FormatOptions.defaults()) {
            @Override
            MappedPayload map(SourcePayload payload, JsonNode root) {
                Math.addExact(Long.MAX_VALUE, root.path("n").asLong());
                return new MappedPayload(List.of(), List.of());
            }
        };
        SourcePayload payload = new SourcePayload("test", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"));

        assertThatThrownBy(() -> overflowing.map(payload)).isInstanceOfSatisfying(PayloadRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE)).hasMessage(JsonFormat.OUT_OF_RANGE);
    }
}
