package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class EventFormatsTest {

    private final VendorFormats formats = VendorFormats.withDefaults();

    @Test
    void identifyGivesTheRecordWithTraitsAndStitchesTheAnonymousId() {
        CustomerRecord peter = formats.byName("segment-identify")
                .map(Samples.payload("web", "events/segment_identify_spec_example.json")).items().get(0).record();

        assertThat(peter.id().key()).isEqualTo("web:97980cfea0067");
        assertThat(ShopFormatsTest.ids(peter))
                .isEqualTo("[EMAIL=peter@example.com, EXTERNAL_ID=segment-anon:507f191e810c19729de860ea]");
        assertThat(peter.observedAt()).isEqualTo(Instant.parse("2015-02-23T22:28:55.111Z"));
        assertThat(peter.attributes()).containsEntry("first_name", "Peter").containsEntry("last_name", "Gibbons")
                .containsEntry("city", "San Francisco").containsEntry("postcode", "94103").containsEntry("street", "6th St")
                // the spec example writes "USA": one spelling per country
                .containsEntry("country", "US").containsEntry("plan", "premium").containsEntry("logins", "5");
    }

    @Test
    void pageScreenGroupAndAliasElementsOfABatchAreSkippedNotRejected() {
        ObjectNode batch = tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
        ArrayNode elements = batch.putArray("batch");
        for (String type : List.of("page", "screen", "group", "alias")) {
            elements.addObject().put("type", type).put("userId", "u-1").put("messageId", "m-" + type)
                    .put("timestamp", "2024-05-01T10:00:00Z");
        }
        elements.addObject().put("type", "track").put("userId", "u-1").put("messageId", "m-t").put("event", "Clicked")
                .put("timestamp", "2024-05-01T10:00:00Z");
        elements.addObject().put("type", "pageview").put("userId", "u-1"); // not a Segment type: still refused

        MappedPayload mapped = formats.byName("segment-batch").map(Samples.payload("web", batch));

        assertThat(mapped.items()).hasSize(1);
        assertThat(mapped.interactions().findFirst().orElseThrow().attributes()).containsEntry("event", "Clicked");
        assertThat(mapped.rejections()).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_VALUE));
    }

    @Test
    void trackOfAKnownUserIsACustomInteractionKeyedByTheMessageId() {
        MappedItem item = formats.byName("segment-track")
                .map(Samples.payload("web", "events/segment_track_spec_example.json")).items().get(0);

        assertThat(item.record()).isNull();
        Interaction clicked = item.interactions().get(0);
        assertThat(clicked.kind()).isEqualTo(InteractionKind.CUSTOM);
        assertThat(clicked.id()).isEqualTo("web:event:ajs-f8ca1e4de5024d9430b3928bd8ac6b96");
        assertThat(clicked.record().key()).isEqualTo("web:AiUGstSDIg");
        assertThat(clicked.occurredAt()).isEqualTo(Instant.parse("2015-12-12T19:11:01.249Z"));
        assertThat(clicked.channel()).isEqualTo("web");
        assertThat(clicked.attributes()).containsEntry("event", "Course Clicked").containsEntry("title", "Intro to Analytics");
    }

    @Test
    void orderCompletedIsAnOrderWithItsTotalAndItems() {
        // The sample is the spec's properties in the track shape, without ids or time: add a user id.
        ObjectNode event = Samples.object("events/segment_track_order_completed_spec_example.json");
        event.put("userId", "u-1").put("timestamp", "2024-05-01T10:00:00Z");

        Interaction order = formats.byName("segment-track").map(Samples.payload("web", event)).interactions()
                .findFirst().orElseThrow();

        assertThat(order.kind()).isEqualTo(InteractionKind.ORDER);
        assertThat(order.id()).isEqualTo("web:order:50314b8e9bcf000000000000");
        assertThat(order.amount().value()).isEqualByComparingTo("27.5");
        assertThat(order.amount().currency()).isEqualTo("USD");
        assertThat(order.touchpoint()).isEqualTo("checkout");
        assertThat(order.occurredAt()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(order.attributes()).containsEntry("item_count", "3").containsEntry("skus", "45790-32,46493-32")
                .containsEntry("coupon", "hasbros");

        event.put("event", "Order Refunded").put("messageId", "m-9");
        Interaction refund = formats.byName("segment-track").map(Samples.payload("web", event)).interactions()
                .findFirst().orElseThrow();
        assertThat(refund.kind()).isEqualTo(InteractionKind.RETURN);
        assertThat(refund.id()).isEqualTo("web:event:m-9");
    }

    @Test
    void aCancelledOrderReplacesTheOrderUnderItsKeyAndAnOrderWithoutAmountHasNone() {
        ObjectNode event = Samples.object("events/segment_track_order_completed_spec_example.json");
        event.put("userId", "u-1").put("timestamp", "2024-05-01T10:00:00Z");
        event.put("event", "Order Cancelled");

        Interaction cancelled = formats.byName("segment-track").map(Samples.payload("web", event)).interactions()
                .findFirst().orElseThrow();

        assertThat(cancelled.kind()).isEqualTo(InteractionKind.CUSTOM);
        assertThat(cancelled.id()).isEqualTo("web:order:50314b8e9bcf000000000000");
        assertThat(cancelled.attributes()).containsEntry("event", "Order Cancelled");

        ObjectNode refund = Samples.object("events/segment_track_order_completed_spec_example.json");
        refund.put("userId", "u-1").put("timestamp", "2024-05-01T10:00:00Z").put("event", "Order Refunded");
        ObjectNode properties = (ObjectNode) refund.path("properties");
        properties.remove(List.of("total", "revenue", "value"));
        assertThat(formats.byName("segment-track").map(Samples.payload("web", refund)).interactions()
                .findFirst().orElseThrow().amount()).isNull(); // a full refund named by its order: no amount, not 0
    }

    @Test
    void aMessageSentStraightToTheApiIsDatedByTheReceiveTimeLessItsAgeOnTheDevice() {
        // the device clock is 3 hours behind: the event happened 2 minutes before it was sent
        ObjectNode event = Samples.object("events/segment_track_order_completed_spec_example.json");
        event.put("userId", "u-1").put("timestamp", "2024-05-01T07:00:00Z").put("sentAt", "2024-05-01T07:02:00Z");
        Instant received = Instant.parse("2024-05-01T10:02:01Z");
        SourcePayload viaApi = new SourcePayload("web", Json.write(event).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-track"), received);

        Interaction order = formats.byName("segment-track").map(viaApi).interactions().findFirst().orElseThrow();
        assertThat(order.occurredAt()).isEqualTo(Instant.parse("2024-05-01T10:00:01Z"));

        // from a file, a topic or a plain webhook the receive time is no send time: the stated time stays
        SourcePayload fromFile = new SourcePayload("web", viaApi.body(), Map.of(), received);
        assertThat(formats.byName("segment-track").map(fromFile).interactions().findFirst().orElseThrow().occurredAt())
                .isEqualTo(Instant.parse("2024-05-01T07:00:00Z"));
        SourcePayload viaWebhook = new SourcePayload("web", viaApi.body(),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "webhook"), received);
        assertThat(formats.byName("segment-track").map(viaWebhook).interactions().findFirst().orElseThrow().occurredAt())
                .isEqualTo(Instant.parse("2024-05-01T07:00:00Z"));
        // a sentAt that is no time stamp corrects nothing and rejects nothing
        ObjectNode oddSentAt = event.deepCopy();
        oddSentAt.put("sentAt", 1714557600000L);
        SourcePayload odd = new SourcePayload("web", Json.write(oddSentAt).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-track"), received);
        assertThat(formats.byName("segment-track").map(odd).interactions().findFirst().orElseThrow().occurredAt())
                .isEqualTo(Instant.parse("2024-05-01T07:00:00Z"));
        // a batch's sentAt is on its envelope
        ObjectNode batch = Json.MAPPER.createObjectNode();
        event.remove("sentAt");
        batch.putArray("batch").add(event.put("type", "track"));
        batch.put("sentAt", "2024-05-01T07:02:00Z");
        SourcePayload batchViaApi = new SourcePayload("web", Json.write(batch).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-batch"), received);
        assertThat(formats.byName("segment-batch").map(batchViaApi).interactions().findFirst().orElseThrow().occurredAt())
                .isEqualTo(Instant.parse("2024-05-01T10:00:01Z"));
        // a rejected element is kept with the envelope's sentAt, so its replay is dated as it would have been
        ((ObjectNode) batch.path("batch").get(0)).remove("userId");
        SourcePayload rejectedElement = new SourcePayload("web", Json.write(batch).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-batch"), received);
        assertThat(formats.byName("segment-batch").map(rejectedElement).rejections()).singleElement()
                .satisfies(r -> assertThat(r.item()).contains("\"sentAt\":\"2024-05-01T07:02:00Z\""));
        // and with the envelope's context: its replay reads the same channel (an app's device, say)
        batch.putObject("context").putObject("device").put("type", "ios");
        SourcePayload withContext = new SourcePayload("web", Json.write(batch).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-batch"), received);
        assertThat(formats.byName("segment-batch").map(withContext).rejections()).singleElement()
                .satisfies(r -> assertThat(r.item()).contains("\"device\":{\"type\":\"ios\"}"));
    }

    /**
     * Times at the edge of what Java holds: a sentAt a billion years back made the clock correction overflow,
     * which escaped the format and lost the whole batch; it is ignored now, as any sentAt that corrects nothing.
     */
    @Test
    void timesBeyondWhatJavaHoldsRejectOnlyTheirElement() {
        ObjectNode event = Samples.object("events/segment_track_order_completed_spec_example.json");
        event.put("type", "track").put("userId", "u-1").put("timestamp", "2024-05-01T07:00:00Z")
                .put("sentAt", "-999999999-01-01T00:00:00Z");
        Instant received = Instant.parse("2024-05-01T10:02:01Z");
        SourcePayload viaApi = new SourcePayload("web", Json.write(event).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-track"), received);
        assertThat(formats.byName("segment-track").map(viaApi).interactions().findFirst().orElseThrow().occurredAt())
                .isEqualTo(Instant.parse("2024-05-01T07:00:00Z"));

        ObjectNode good = event.deepCopy();
        good.remove("sentAt");
        ObjectNode other = good.deepCopy();
        other.put("messageId", "m-other");
        ObjectNode batch = Json.MAPPER.createObjectNode();
        batch.putArray("batch").add(good).add(other);
        batch.put("sentAt", "-999999999-01-01T00:00:00Z");
        SourcePayload batchViaApi = new SourcePayload("web", Json.write(batch).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(SourcePayload.SEGMENT_ENDPOINT_HEADER, "segment-batch"), received);
        MappedPayload mapped = formats.byName("segment-batch").map(batchViaApi);
        assertThat(mapped.interactions()).hasSize(2).allMatch(i -> i.occurredAt().equals(Instant.parse("2024-05-01T07:00:00Z")));
        assertThat(mapped.rejections()).isEmpty();
    }

    @Test
    void numbersWithAnAbsurdExponentAreRejectedBeforeTheyAreWrittenOutOrSummed() {
        // 1e999999999 written out is a billion digits: one request would take the app's memory
        assertThatThrownBy(() -> formats.byName("segment-identify").map(Samples.payload("web",
                "{\"type\":\"identify\",\"userId\":1e999999999,\"traits\":{\"email\":\"a@example.com\"}}", true)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE))
                .hasMessage("'userId' is a number out of range");
        ObjectNode event = Samples.object("events/segment_track_order_completed_spec_example.json");
        event.put("userId", "u-1").put("timestamp", "2024-05-01T10:00:00Z");
        ObjectNode properties = (ObjectNode) event.get("properties");
        properties.put("total", "1e999999999");
        assertThatThrownBy(() -> formats.byName("segment-track").map(Samples.payload("web", event)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE));
        properties.put("total", new java.math.BigDecimal("1e30"));
        assertThatThrownBy(() -> formats.byName("segment-track").map(Samples.payload("web", event)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE))
                .hasMessageContaining("amount is out of range");
        // ordinary amounts, also in exponent notation, still map
        properties.put("total", new java.math.BigDecimal("2.75E+1"));
        assertThat(formats.byName("segment-track").map(Samples.payload("web", event)).interactions().findFirst()
                .orElseThrow().amount().value()).isEqualByComparingTo("27.5");
    }

    @Test
    void theSpecSampleWithoutAnyUserIsRejectedNamingBothIds() {
        assertThatThrownBy(() -> formats.byName("segment-track")
                .map(Samples.payload("web", "events/segment_track_order_completed_spec_example.json")))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_IDENTIFIER))
                .hasMessageContaining("'userId'").hasMessageContaining("'anonymousId'");
    }

    @Test
    void anAnonymousTrackCarriesTheVisitorRecord() {
        ObjectNode event = Samples.object("events/segment_track_spec_example.json");
        event.remove("userId");

        MappedItem item = formats.byName("segment-track").map(Samples.payload("web", event)).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("web:anonymous-23adfd82-aa0f-45a7-a756-24f2a7a4c895");
        assertThat(ShopFormatsTest.ids(item.record())).isEqualTo("[EXTERNAL_ID=segment-anon:23adfd82-aa0f-45a7-a756-24f2a7a4c895]");
        assertThat(item.interactions().get(0).record()).isEqualTo(item.record().id());
    }

    @Test
    void batchesMapEachElementAndKeepTheGoodOnesWhenOneIsBad() {
        MappedPayload identify = formats.byName("segment-batch")
                .map(Samples.payload("web", "events/segment_batch_identify_analytics-go_fixture.json"));
        assertThat(identify.items()).singleElement().satisfies(i -> {
            assertThat(i.record().id().key()).isEqualTo("web:B");
            assertThat(i.record().observedAt()).isEqualTo(Instant.parse("2009-11-10T23:00:00Z"));
        });

        ObjectNode batch = Samples.object("events/segment_batch_track_analytics-go_fixture.json");
        ArrayNode elements = (ArrayNode) batch.path("batch");
        elements.add(Json.MAPPER.readTree("{\"type\": \"track\", \"event\": \"Download\", \"messageId\": \"m2\"}"));
        elements.add(Json.MAPPER.readTree("{\"type\": \"pageview\", \"userId\": \"123456\", \"messageId\": \"m3\"}"));

        MappedPayload mapped = formats.byName("segment-batch").map(Samples.payload("web", batch));

        assertThat(mapped.items()).hasSize(1);
        Interaction download = mapped.items().get(0).interactions().get(0);
        assertThat(download.id()).isEqualTo("web:event:I'm unique");
        assertThat(download.attributes()).containsEntry("event", "Download").containsEntry("platform", "osx");
        assertThat(mapped.rejections()).extracting(ItemRejection::reason)
                .containsExactly(Reason.MISSING_IDENTIFIER, Reason.UNKNOWN_VALUE);
        assertThat(mapped.rejections().get(0).item()).contains("\"m2\"");
    }

    @Test
    void anEventWithoutMessageIdGetsAnIdFromItsContentThatIsStableOnRedelivery() {
        ObjectNode event = Samples.object("events/segment_track_spec_example.json");
        event.remove("messageId");

        String first = formats.byName("segment-track").map(Samples.payload("web", event)).interactions().findFirst().orElseThrow().id();
        String again = formats.byName("segment-track").map(Samples.payload("web", event)).interactions().findFirst().orElseThrow().id();

        assertThat(first).startsWith("web:event:d").isEqualTo(again);
    }
}
