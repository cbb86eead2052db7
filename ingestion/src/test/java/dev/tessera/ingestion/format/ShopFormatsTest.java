package dev.tessera.ingestion.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ShopFormatsTest {

    private final VendorFormats formats = VendorFormats.withDefaults();

    static String ids(CustomerRecord record) {
        return record.identifiers().stream().map(i -> i.type() + "=" + i.value()).toList().toString();
    }

    @Test
    void shopifyOrderWebhookBecomesTheCustomerAndAnOrderWithAmountAndItems() {
        MappedPayload mapped = formats.byName("shopify-order").map(Samples.payload("shop", Samples.shopifyOrder()));

        assertThat(mapped.rejections()).isEmpty();
        MappedItem item = mapped.items().get(0);
        CustomerRecord customer = item.record();
        // the precise id from admin_graphql_api_id, not the rounded numeric id
        assertThat(customer.id().key()).isEqualTo("shop:115310627314723954");
        assertThat(ids(customer)).isEqualTo("[EMAIL=john@example.com, PHONE=+11231231234]");
        assertThat(customer.attributes()).containsEntry("first_name", "John").containsEntry("last_name", "Smith")
                .containsEntry("city", "Ottawa").containsEntry("postcode", "K2H7A8").containsEntry("country", "CA")
                .containsEntry("street", "123 Elm St.").containsEntry("email_marketing", "not_subscribed")
                .containsEntry("consent_marketing_email", "not_subscribed");
        assertThat(customer.observedAt()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));

        Interaction order = item.interactions().get(0);
        assertThat(item.interactions()).hasSize(1);
        assertThat(order.id()).isEqualTo("shop:order:820982911946154508");
        assertThat(order.kind()).isEqualTo(InteractionKind.ORDER);
        assertThat(order.record()).isEqualTo(customer.id());
        assertThat(order.amount().value()).isEqualByComparingTo("388.00");
        assertThat(order.amount().currency()).isEqualTo("USD");
        assertThat(order.channel()).isEqualTo("web");
        assertThat(order.touchpoint()).isEqualTo("checkout");
        assertThat(order.occurredAt()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
        assertThat(order.attributes()).containsEntry("item_count", "2").containsEntry("skus", "IPOD2008PINK")
                .containsEntry("order_name", "#9999").doesNotContainKey("cancelled")
                .containsEntry("order_email", "jon@example.com");
    }

    @Test
    void aTestCancelledOrVoidedOrderStaysUnderTheOrdersKeyButIsNoOrderAndItsRefundsNoReturns() {
        // the sample as Shopify sends it: "test": true, cancelled_at set, financial_status voided
        Interaction asSent = formats.byName("shopify-order")
                .map(Samples.webhook("shop", "shop/shopify_webhook_orders_create_2024-10.json")).interactions().findFirst().orElseThrow();
        assertThat(asSent.kind()).isEqualTo(InteractionKind.CUSTOM);
        assertThat(asSent.id()).isEqualTo("shop:order:820982911946154508"); // a later delivery of the order replaces it
        assertThat(asSent.attributes()).containsEntry("event", "test_order").containsEntry("cancelled", "true");
        assertThat(asSent.amount().value()).isEqualByComparingTo("388.00"); // kept to show, counted nowhere

        ObjectNode cancelled = Samples.webhookBody("shop/shopify_webhook_orders_create_2024-10.json");
        cancelled.put("test", false);
        cancelled.set("refunds", Json.MAPPER.readTree("""
                [{"id": 1, "processed_at": "2022-01-03T10:00:00-05:00",
                  "transactions": [{"kind": "refund", "status": "success", "amount": "388.00", "currency": "USD"}]}]
                """));
        List<Interaction> cancelledOrder = formats.byName("shopify-order").map(Samples.payload("shop", cancelled))
                .interactions().toList();
        assertThat(cancelledOrder).extracting(Interaction::kind).containsExactly(InteractionKind.CUSTOM, InteractionKind.CUSTOM);
        assertThat(cancelledOrder.get(0).attributes()).containsEntry("event", "order_cancelled");
        assertThat(cancelledOrder.get(1).attributes()).containsEntry("event", "refund_of_order_cancelled");

        ObjectNode voided = Samples.shopifyOrder();
        voided.put("financial_status", "voided");
        assertThat(formats.byName("shopify-order").map(Samples.payload("shop", voided)).interactions().findFirst()
                .orElseThrow().attributes()).containsEntry("event", "order_voided");
    }

    @Test
    void aRefundInTheBuyersCurrencyCountsInTheShopsCurrencyAtTheOrdersRate() {
        ObjectNode body = Samples.shopifyOrder();
        body.set("total_price_set", Json.MAPPER.readTree("""
                {"shop_money": {"amount": "388.00", "currency_code": "USD"},
                 "presentment_money": {"amount": "360.00", "currency_code": "EUR"}}
                """));
        body.set("refunds", Json.MAPPER.readTree("""
                [{"id": 7, "processed_at": "2022-01-03T10:00:00-05:00",
                  "transactions": [{"kind": "refund", "status": "success", "amount": "90.00", "currency": "EUR"}]}]
                """));

        Interaction refund = formats.byName("shopify-order").map(Samples.payload("shop", body)).interactions().toList().get(1);

        assertThat(refund.kind()).isEqualTo(InteractionKind.RETURN);
        assertThat(refund.amount().currency()).isEqualTo("USD");
        assertThat(refund.amount().value()).isEqualByComparingTo("97.00"); // 90 x 388 / 360
        assertThat(refund.attributes()).containsEntry("refund_presented", "90.00 EUR");
    }

    @Test
    void shopifyRestOrderFixtureIsReadThroughItsWrapper() {
        MappedPayload mapped = formats.byName("shopify-order").map(Samples.payload("shop", "shop/shopify_rest_order_fixture.json"));

        MappedItem item = mapped.items().get(0);
        assertThat(item.record().id().key()).isEqualTo("shop:207119551");
        assertThat(ids(item.record())).isEqualTo("[EMAIL=bob.norman@hostmail.com, PHONE=+15556251199]");
        Interaction order = item.interactions().get(0);
        assertThat(order.id()).isEqualTo("shop:order:450789469");
        assertThat(order.amount().value()).isEqualByComparingTo("409.94");
        assertThat(order.attributes()).containsEntry("item_count", "3")
                .containsEntry("skus", "IPOD2008BLACK,IPOD2008GREEN,IPOD2008RED").doesNotContainKey("order_email");
        assertThat(order.occurredAt()).isEqualTo(Instant.parse("2008-01-10T16:00:00Z"));
    }

    @Test
    void shopifyRefundsBecomeReturnsWithTheRefundedAmount() {
        // The samples carry no refund; this one follows Shopify's Refund resource.
        ObjectNode body = Samples.shopifyOrder();
        body.set("refunds", Json.MAPPER.readTree("""
                [{"id": 509562969, "created_at": "2022-01-03T10:00:00-05:00", "processed_at": "2022-01-03T10:00:00-05:00",
                  "refund_line_items": [{"quantity": 1, "line_item_id": 866550311766439020, "subtotal": 199.0,
                                         "line_item": {"sku": "IPOD2008PINK"}}],
                  "transactions": [{"id": 1, "kind": "refund", "status": "success", "amount": "199.00", "currency": "USD"},
                                   {"id": 2, "kind": "refund", "status": "failure", "amount": "199.00", "currency": "USD"}]}]
                """));

        MappedItem item = formats.byName("shopify-order").map(Samples.payload("shop", body)).items().get(0);

        Interaction refund = item.interactions().get(1);
        assertThat(refund.kind()).isEqualTo(InteractionKind.RETURN);
        assertThat(refund.id()).isEqualTo("shop:refund:509562969");
        assertThat(refund.amount().value()).isEqualByComparingTo("199.00");
        assertThat(refund.occurredAt()).isEqualTo(Instant.parse("2022-01-03T15:00:00Z"));
        assertThat(refund.attributes()).containsEntry("order", "820982911946154508").containsEntry("item_count", "1")
                .containsEntry("skus", "IPOD2008PINK");
    }

    @Test
    void shopifyGuestOrderWithoutAnyContactIsRejectedNamingTheFields() {
        ObjectNode body = Samples.webhookBody("shop/shopify_webhook_orders_create_2024-10.json");
        body.remove("customer");
        body.remove("email");
        body.remove("contact_email");
        body.remove("billing_address");

        assertThatThrownBy(() -> formats.byName("shopify-order").map(Samples.payload("shop", body)))
                .isInstanceOfSatisfying(PayloadRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_IDENTIFIER))
                .hasMessageContaining("customer.id");
    }

    @Test
    void shopifyCustomerWebhookAndRestFixture() {
        CustomerRecord bob = formats.byName("shopify-customer")
                .map(Samples.webhook("shop", "shop/shopify_webhook_customers_create_2024-10.json")).items().get(0).record();
        assertThat(bob.id().key()).isEqualTo("shop:706405506930370084");
        assertThat(ids(bob)).isEqualTo("[EMAIL=bob@biller.com]");
        assertThat(bob.attributes()).containsEntry("first_name", "Bob").containsEntry("last_name", "Biller");
        assertThat(bob.observedAt()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));

        CustomerRecord norman = formats.byName("shopify-customer")
                .map(Samples.payload("shop", "shop/shopify_rest_customer_fixture.json")).items().get(0).record();
        assertThat(norman.id().key()).isEqualTo("shop:207119551");
        assertThat(norman.attributes()).containsEntry("street", "Chestnut Street 92").containsEntry("city", "Louisville")
                .containsEntry("region", "Kentucky").containsEntry("postcode", "40202").containsEntry("country", "US")
                .containsEntry("phone", "+15556251199");
        assertThat(norman.observedAt()).isEqualTo(Instant.parse("2015-05-27T22:11:24Z"));
    }

    @Test
    void wooCommerceGuestOrderIsKeyedByTheOrderAndCarriesTheBillingContact() {
        MappedItem item = formats.byName("woocommerce-order")
                .map(Samples.payload("woo", "shop/woocommerce_order_v3_example.json")).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("woo:order-727");
        // the sample's (555) 555-5555 is what fills a required field: no phone identifier (docs/identity.md)
        assertThat(ids(item.record())).isEqualTo("[EMAIL=john.doe@example.com]");
        assertThat(item.record().attributes()).containsEntry("first_name", "John").containsEntry("city", "San Francisco")
                .containsEntry("street", "969 Market").containsEntry("postcode", "94103").containsEntry("country", "US");
        assertThat(item.record().observedAt()).isEqualTo(Instant.parse("2017-03-22T19:28:08Z"));
        Interaction order = item.interactions().get(0);
        assertThat(order.id()).isEqualTo("woo:order:727");
        assertThat(order.amount()).isEqualTo(new Interaction.Money(new BigDecimal("29.35"), "USD"));
        assertThat(order.occurredAt()).isEqualTo(Instant.parse("2017-03-22T19:28:02Z"));
        assertThat(order.attributes()).containsEntry("item_count", "3").containsEntry("skus", "Bar3")
                .containsEntry("status", "processing");
    }

    @Test
    void wooCommerceRegisteredCustomerOrderAndRefund() {
        ObjectNode order = Samples.object("shop/woocommerce_order_v3_example.json");
        order.put("customer_id", 25);
        order.set("refunds", Json.MAPPER.readTree("[{\"id\": 726, \"reason\": \"damaged\", \"total\": \"-10.00\"}]"));

        MappedItem item = formats.byName("woocommerce-order").map(Samples.payload("woo", order)).items().get(0);

        assertThat(item.record().id().key()).isEqualTo("woo:25");
        Interaction refund = item.interactions().get(1);
        assertThat(refund.kind()).isEqualTo(InteractionKind.RETURN);
        assertThat(refund.id()).isEqualTo("woo:refund:726");
        assertThat(refund.amount().value()).isEqualByComparingTo("10.00");
        assertThat(refund.attributes()).containsEntry("reason", "damaged");
    }

    @Test
    void aWooCommerceOrderAwaitingPaymentFailedOrCancelledIsNoOrderUntilADeliveryReportsItPaid() {
        for (String status : List.of("pending", "failed", "cancelled", "trash", "checkout-draft")) {
            ObjectNode order = Samples.object("shop/woocommerce_order_v3_example.json");
            order.put("status", status);
            Interaction notPlaced = formats.byName("woocommerce-order").map(Samples.payload("woo", order))
                    .interactions().findFirst().orElseThrow();
            assertThat(notPlaced.kind()).as(status).isEqualTo(InteractionKind.CUSTOM);
            assertThat(notPlaced.attributes()).containsEntry("event", "order_" + status.replace('-', '_'));
        }
        for (String status : List.of("processing", "on-hold", "completed", "refunded")) {
            ObjectNode order = Samples.object("shop/woocommerce_order_v3_example.json");
            order.put("status", status);
            Interaction placed = formats.byName("woocommerce-order").map(Samples.payload("woo", order))
                    .interactions().findFirst().orElseThrow();
            assertThat(placed.kind()).as(status).isEqualTo(InteractionKind.ORDER);
            assertThat(placed.id()).isEqualTo("woo:order:727"); // the same key as its not-yet-paid form: it replaces that
        }
    }

    @Test
    void wooCommerceCustomer() {
        CustomerRecord john = formats.byName("woocommerce-customer")
                .map(Samples.payload("woo", "shop/woocommerce_customer_v3_example.json")).items().get(0).record();

        assertThat(john.id().key()).isEqualTo("woo:25");
        assertThat(ids(john)).as("(555) 555-5555 is a placeholder").isEqualTo("[EMAIL=john.doe@example.com]");
        assertThat(john.observedAt()).isEqualTo(Instant.parse("2017-03-21T19:09:30Z"));
        assertThat(john.attributes()).containsEntry("last_name", "Doe").containsEntry("region", "CA");
        // a number someone answers is read from the billing address
        ObjectNode withPhone = Samples.object("shop/woocommerce_customer_v3_example.json");
        ((ObjectNode) withPhone.path("billing")).put("phone", "(415) 555-0132");
        CustomerRecord reachable = formats.byName("woocommerce-customer").map(Samples.payload("woo", withPhone)).items()
                .get(0).record();
        assertThat(ids(reachable)).isEqualTo("[EMAIL=john.doe@example.com, PHONE=+14155550132]");
    }

    @Test
    void anUnknownCurrencyIsRejectedAsAnInvalidValue() {
        ObjectNode order = Samples.object("shop/woocommerce_order_v3_example.json");
        order.put("currency", "XYZ");

        assertThatThrownBy(() -> formats.byName("woocommerce-order").map(Samples.payload("woo", order)))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE))
                .hasMessageContaining("'currency'").hasMessageNotContaining("XYZ");
    }
}
