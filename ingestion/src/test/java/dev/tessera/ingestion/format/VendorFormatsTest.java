package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class VendorFormatsTest {

    static Iterable<String> names() {
        return VendorFormats.names();
    }

    @Test
    void everyDocumentedFormatIsRegistered() {
        assertThat(VendorFormats.names()).containsExactlyInAnyOrder("shopify-order", "shopify-customer", "woocommerce-order",
                "woocommerce-customer", "salesforce-contact-sobject", "hubspot-contact-webhook", "zendesk-ticket", "zendesk-user",
                "zendesk-satisfaction-rating", "freshdesk-ticket", "freshdesk-conversation", "freshdesk-contact",
                "intercom-conversation", "typeform-response", "surveymonkey-response", "segment-identify", "segment-track",
                "segment-batch");
        VendorFormats formats = VendorFormats.withDefaults();
        assertThat(formats.all()).allSatisfy(f -> assertThat(formats.byName(f.name())).isSameAs(f));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> VendorFormats.withDefaults().byName("shopify-orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'shopify-orders'")
                .hasMessageContaining("shopify-order, shopify-customer");
    }

    @ParameterizedTest
    @MethodSource("names")
    void malformedJsonIsRejectedWithItsPositionButNotItsContent(String name) {
        SourcePayload broken = SourcePayload.of("src", "{\"email\": \"jane@example.com\", oops}".getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH);

        assertThatThrownBy(() -> VendorFormats.withDefaults().byName(name).map(broken))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
                .hasMessageContaining("line 1, column").hasMessageNotContaining("jane").hasMessageNotContaining("oops");
    }

    @ParameterizedTest
    @MethodSource("names")
    void aPayloadOverTheConfiguredLimitIsRejectedBeforeParsing(String name) {
        VendorFormats small = new VendorFormats(FormatOptions.defaults().withMaxPayloadBytes(64));
        SourcePayload big = SourcePayload.of("src", ("{\"pad\": \"" + "x".repeat(100) + "\"}").getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH);

        assertThatThrownBy(() -> small.byName(name).map(big))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERSIZED))
                .hasMessage("payload is 111 bytes, the limit is 64");
    }

    @Test
    void duplicateKeysAndTrailingGarbageAreMalformed() {
        VendorFormat format = VendorFormats.withDefaults().byName("shopify-customer");
        assertThatThrownBy(() -> format.map(SourcePayload.of("s", "{\"id\": 1, \"id\": 2}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH)))
                .hasFieldOrPropertyWithValue("reason", Reason.MALFORMED);
        assertThatThrownBy(() -> format.map(SourcePayload.of("s", "{\"id\": 1} {}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH)))
                .hasFieldOrPropertyWithValue("reason", Reason.MALFORMED);
    }

    @ParameterizedTest
    @CsvSource({
            "shopify-order, shop/shopify_rest_order_fixture.json",
            "shopify-customer, shop/shopify_rest_customer_fixture.json",
            "woocommerce-order, shop/woocommerce_order_v3_example.json",
            "woocommerce-customer, shop/woocommerce_customer_v3_example.json",
            "salesforce-contact-sobject, crm/salesforce_contacts_sobject_tree.json",
            "zendesk-ticket, support/zendesk_tickets_incremental_airbyte_fixture.json",
            "zendesk-user, support/zendesk_users_incremental_airbyte_fixture.json",
            "zendesk-satisfaction-rating, support/zendesk_satisfaction_ratings_airbyte_fixture.json",
            "freshdesk-ticket, support/freshdesk_v2_ticket.json",
            "freshdesk-contact, support/freshdesk_v2_contact.json",
            "intercom-conversation, support/intercom_webhook_conversation_admin_closed.json",
            "typeform-response, survey/typeform_webhook_form_response_example.json",
            "surveymonkey-response, survey/surveymonkey_v3_response_details.json",
            "segment-identify, events/segment_identify_spec_example.json",
            "segment-track, events/segment_track_spec_example.json",
            "segment-batch, events/segment_batch_track_analytics-go_fixture.json"})
    void mappingTheSameSampleAgainGivesTheSameRecordsAndInteractionIds(String name, String sample) {
        VendorFormat format = VendorFormats.withDefaults().byName(name);
        SourcePayload first = Samples.payload("src", sample);
        SourcePayload redelivered = new SourcePayload("src", first.body(), Map.of("x-retry", "1"), first.receivedAt().plusSeconds(60));

        MappedPayload once = format.map(first);
        MappedPayload again = format.map(redelivered);

        assertThat(once.items()).isNotEmpty();
        assertThat(again.interactions().map(i -> i.id())).containsExactlyElementsOf(once.interactions().map(i -> i.id()).toList());
        assertThat(again.items().stream().map(i -> i.record() == null ? null : i.record().id()).toList())
                .isEqualTo(once.items().stream().map(i -> i.record() == null ? null : i.record().id()).toList());
    }

    @Test
    void payloadToStringShowsNoContent() {
        SourcePayload payload = new SourcePayload("src", "{\"email\":\"jane@example.com\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", "Basic c2VjcmV0Og=="), Instant.EPOCH);

        assertThat(payload.toString()).doesNotContain("jane").doesNotContain("c2VjcmV0");
        assertThat(payload.header("authorization")).contains("Basic c2VjcmV0Og==");
    }
}
